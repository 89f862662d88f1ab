"""Medicine shortages against seed 004 (the AZWA E5 work agenda): the definitions, the versions of
a notice, the notice's fixed format, the preference status and the weekly file, and entitlement
before, during and after a shortage. Expected values are worked by hand from the cases below."""
import csv
import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from contracts.entitlement import Prescription
from contracts.shortages import (NOTICE_LINES, Product, ShortageRefused, Version, check_version,
                                 definitions, next_states, notice, parse_week, preference_file,
                                 shortage_entitlement, statuses, write_csv)
from contracts.seedrules import load_rules, quotes_in
from tests.conftest import normalised, shared_seed

DATA = Path(__file__).parents[1] / "data"


def test_every_quote_stands_in_seed_004():
    seed = normalised((DATA / "seed_004.txt").read_text(encoding="utf-8"))
    quotes = list(quotes_in(load_rules("shortages")))
    assert len(quotes) >= 12
    missing = [(where, q) for where, qs in quotes for q in qs if normalised(q) not in seed]
    assert missing == []


def test_the_copy_of_seed_004_is_the_seed():
    assert (DATA / "seed_004.txt").read_bytes() == shared_seed("004_65261397232842b3.txt").read_bytes()


# -- agreement 5a: definitions ------------------------------------------------------------------

# "a) het opstellen van uniforme definities, bijvoorbeeld over wanneer een geneesmiddel als niet
# beschikbaar wordt beschouwd," -- every term has a definition, who may declare it, and whether
# the product then counts as not available.
def test_agreement_5a_every_term_has_a_definition_and_who_may_declare_it():
    defs = definitions()
    assert list(defs) == ["dreigend_tekort", "tekort", "niet_leverbaar", "opgelost"]
    for d in defs.values():
        assert d.definition and d.declared_by and d.quote
        assert d.reading and d.reading.startswith("(Reading")  # the seed leaves them open
    # "wanneer een geneesmiddel als niet beschikbaar wordt beschouwd"
    assert [s for s, d in defs.items() if d.unavailable] == ["tekort", "niet_leverbaar"]
    # "Leveranciers melden leveringsonderbrekingen ook bij zorgverzekeraars"
    assert "leverancier" in defs["dreigend_tekort"].declared_by
    assert "zorgverzekeraar" not in defs["dreigend_tekort"].declared_by


def test_a_shortage_starts_unresolved_and_resolved_is_final():
    assert "opgelost" not in next_states(None)
    assert next_states("opgelost") == ()


# -- the register -------------------------------------------------------------------------------

TODAY = date(2023, 10, 4)
P = Product(1, "16030001", "Levo Teva", "H03AA01", Decimal("3.15"), ((date(2023, 1, 1), None),))
A = Product(2, "16030002", "Thyrax", "H03AA01", Decimal("3.40"))
B = Product(3, "16030003", "Euthyrox", "H03AA01", Decimal("3.55"))
IMPORT = Product(4, "16030004", "Levo import", "H03AA01", Decimal("4.90"), import_exemption=True)
OTHER = Product(5, "16010001", "Omeprazol Teva", "A02BC01", Decimal("1.95"),
                ((date(2023, 1, 1), None),))
PRODUCTS = {p.id: p for p in (P, A, B, IMPORT, OTHER)}


def register(**data):
    base = {"product_id": 1, "state": "niet_leverbaar", "reported_by": "leverancier",
            "started_on": date(2023, 10, 2)}
    return check_version({**base, **data}, action="registreren", products=PRODUCTS, today=TODAY)


@pytest.mark.parametrize("data, field, code", [
    ({"product_id": 2}, "product_id", "not_preferred"),          # "preferente producten"
    ({"product_id": 99}, "product_id", "unknown_product"),
    ({"state": "opgelost"}, "state", "state"),
    ({"state": "dreigend_tekort", "reported_by": "zorgverzekeraar"}, "reported_by", "declarer"),
    ({"started_on": date(2023, 10, 5)}, "started_on", "future"),
    ({"expected_end": date(2023, 9, 1)}, "expected_end", "before_start"),
    ({"temporary_preferred_id": 2}, "temporary_preferred_id", "needs_drop_out"),
    ({"drops_out": True, "temporary_preferred_id": 5}, "temporary_preferred_id", "other_group"),
    ({"drops_out": True, "temporary_preferred_id": 1}, "temporary_preferred_id", "same_product"),
    ({"alternative_ids": [2, 2]}, "alternative_ids", "duplicate"),
    ({"sellout_until": date(2023, 11, 1)}, "sellout_until", "no_switch"),
    ({"note": "x" * 2001}, "note", "too_long"),
])
def test_bad_input_names_its_field(data, field, code):
    with pytest.raises(ShortageRefused) as error:
        register(**data)
    assert (error.value.field, error.value.code) == (field, code)


def test_an_update_carries_the_previous_version_over_and_names_what_changed():
    first = register(drops_out=True, alternative_ids=[2, 3])
    second = check_version({"temporary_preferred_id": 2, "expected_end": date(2023, 12, 1)},
                           action="wijzigen", products=PRODUCTS, today=date(2023, 10, 10),
                           previous=first)
    assert (second.number, second.state, second.drops_out, second.alternative_ids) == \
        (2, "niet_leverbaar", True, (2, 3))
    with pytest.raises(ShortageRefused, match="nothing changed"):
        check_version({}, action="wijzigen", products=PRODUCTS, today=TODAY, previous=first)


# -- agreement 2: one fixed format ---------------------------------------------------------------

# "2. Zorgverzekeraars communiceren op uniforme wijze welke preferente producten vervallen uit het
# preferentiebeleid vanwege leveringsproblemen en welke alternatieven worden aangewezen."
# "3. ... over het aangepaste LPG-prijsbepalende artikel in geval van leveringsproblemen."
def test_agreement_2_new_update_and_end_read_the_same_way():
    first = register(drops_out=True, temporary_preferred_id=2, alternative_ids=[3],
                     price_article_id=2, expected_end=date(2023, 12, 31))
    second = check_version({"state": "tekort", "reported_by": "groothandel"}, action="wijzigen",
                           products=PRODUCTS, today=date(2023, 11, 1), previous=first)
    end = check_version({"sellout_until": date(2024, 1, 31), "reported_by": "leverancier"},
                        action="beeindigen",
                        products=PRODUCTS, today=date(2024, 1, 3), previous=second)
    bodies = [notice(v, PRODUCTS, previous=p, link="/tekorten/levo")
              for v, p in ((first, None), (second, first), (end, second))]
    for _subject, body in bodies:
        assert [line.split(": ", 1)[0] for line in body.splitlines()] == list(NOTICE_LINES)
    subject, body = bodies[0]
    assert subject == "Nieuw tekort: Levo Teva – niet leverbaar"
    assert "Preferentiebeleid: vervalt uit het preferentiebeleid wegens leveringsproblemen" in body
    assert "Tijdelijk preferent product: Thyrax (Z-index 16030002)" in body
    assert "Aangewezen alternatieven: Euthyrox (Z-index 16030003)" in body
    assert "Prijsbepalend artikel (LPG): Thyrax (Z-index 16030002)" in body
    assert "Begonnen op: 02-10-2023" in body and "Verwacht einde: 31-12-2023" in body
    assert "Gewijzigd: status, gemeld door" in bodies[1][1]
    assert bodies[2][0] == "Einde tekort: Levo Teva – opgelost"
    assert "Beëindigd op: 03-01-2024" in bodies[2][1]
    assert "Uitverkoop-/vergoedingstermijn tot: 31-01-2024" in bodies[2][1]


# -- agreements 5d and 6: status, weekly file ----------------------------------------------------

def history():
    """A shortage of P: registered Wed 4 Oct 2023 (week 40), Thyrax designated temporarily
    preferred on Wed 11 Oct (week 41), ended Wed 18 Oct (week 42) with a sell-out term for Thyrax
    until Sun 29 Oct."""
    v1 = register(shortage_id=7)
    v1 = Version(**{**v1.__dict__, "shortage_id": 7})
    v2 = check_version({"drops_out": True, "temporary_preferred_id": 2}, action="wijzigen",
                       products=PRODUCTS, today=date(2023, 10, 11), previous=v1)
    v3 = check_version({"sellout_until": date(2023, 10, 29)}, action="beeindigen",
                       products=PRODUCTS, today=date(2023, 10, 18), previous=v2)
    return [v1, v2, v3]


@pytest.mark.parametrize("day, p_status, a_status", [
    (date(2023, 10, 3), "preferent", "niet_preferent"),          # before
    (date(2023, 10, 5), "preferent", "niet_preferent"),          # shortage, still preferred
    (date(2023, 10, 12), "vervallen", "tijdelijk_preferent"),    # dropped out, Thyrax designated
    (date(2023, 10, 20), "preferent", "uitverkoop"),             # ended, Thyrax sold out
    (date(2023, 10, 29), "preferent", "uitverkoop"),             # last day of the sell-out term
    (date(2023, 10, 30), "preferent", "niet_preferent"),         # after
])
def test_agreement_6_the_sell_out_term_follows_the_switch(day, p_status, a_status):
    # "uniforme afspraken over de uitverkoop- en/of vergoedingstermijn van producten bij wisseling
    # van preferent product"
    found = statuses(PRODUCTS, history(), day)
    assert (found[1].status, found[2].status) == (p_status, a_status)
    assert found[5].status == "preferent"  # another group is untouched


def test_agreement_5d_the_weekly_file_shows_what_changed_since_last_week():
    # "Fase 1: Z-index geeft een wekelijks preferentiebestand uit." Week 41 starts Mon 9 Oct:
    # the shortage registered on 4 Oct is new against Mon 2 Oct; week 42 (Mon 16 Oct) has Thyrax
    # temporarily preferred and P dropped out.
    assert parse_week("2023-W41") == date(2023, 10, 9)
    w41 = {line.values["zindex"]: line for line in preference_file(PRODUCTS, history(), "2023-W41")}
    assert w41["16030001"].values["status"] == "preferent"
    assert w41["16030001"].values["tekort"] == "niet_leverbaar"
    assert w41["16030001"].changed == ("tekort",)
    assert w41["16030002"].changed == ()
    w42 = {line.values["zindex"]: line for line in preference_file(PRODUCTS, history(), "2023-W42")}
    assert (w42["16030001"].values["vorige_status"], w42["16030001"].values["status"]) == \
        ("preferent", "vervallen")
    assert w42["16030001"].values["tijdelijk_preferent"] == "16030002 Thyrax"
    assert w42["16030002"].values["status"] == "tijdelijk_preferent"
    assert w42["16030002"].changed == ("status",)
    w43 = {line.values["zindex"]: line for line in preference_file(PRODUCTS, history(), "2023-W43")}
    assert w43["16030002"].values["status"] == "uitverkoop"
    assert w43["16030002"].values["uitverkoop_tot"] == "2023-10-29"
    assert w43["16030001"].changed == ("status", "tekort", "tijdelijk_preferent")
    assert w43["16010001"].changed == ()


def test_the_csv_is_for_dutch_spreadsheets():
    data = write_csv(preference_file(PRODUCTS, history(), "2023-W42"))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows[0][:3] == ["week", "geldig_vanaf", "zindex"]
    assert len(rows) == 1 + len(PRODUCTS)
    assert {r[0] for r in rows[1:]} == {"2023-W42"} and {r[1] for r in rows[1:]} == {"2023-10-16"}
    assert "3,15" in rows[[r[2] for r in rows].index("16030001")]


@pytest.mark.parametrize("week", ["2023-40", "2023-W54", "W40", "", None])
def test_a_bad_week_is_refused(week):
    with pytest.raises(ShortageRefused) as error:
        parse_week(week)
    assert error.value.field == "week"


# -- part 6: entitlement before, during and after -------------------------------------------------

@pytest.mark.parametrize("day, rule, reimbursed, from_register", [
    # before: "If you are entitled to a preferred medicine, you are not entitled to another"
    (date(2023, 10, 3), "voorkeursmiddel", ("Levo Teva",), False),
    # during, not deliverable, nothing designated: LN, the chemist chooses an available one
    (date(2023, 10, 5), "logistieke_noodzaak", ("Euthyrox", "Levo import", "Thyrax"), True),
    # a temporary preferred product is designated: that one
    (date(2023, 10, 12), "voorkeursmiddel", ("Thyrax",), False),
    # ended, in the sell-out term: the preferred one and the one being sold out
    (date(2023, 10, 20), "voorkeursmiddel", ("Levo Teva", "Thyrax"), False),
    # after the sell-out term
    (date(2023, 10, 30), "voorkeursmiddel", ("Levo Teva",), False),
])
def test_entitlement_follows_the_register(day, rule, reimbursed, from_register):
    answer = shortage_entitlement(PRODUCTS, history(), "H03AA01", day, Prescription())
    assert answer.answer.rule == rule
    assert tuple(sorted(answer.answer.reimbursed)) == reimbursed
    assert answer.logistical_necessity_from_register is from_register
    assert answer.imports_under_exemption == (("Levo import",) if "Levo import" in reimbursed
                                              else ())
