"""The pharmacy's checks during a shortage against seeds 004, 003 and 000: an import medicine
during a shortage (its own route, agreement 10), substitution by the pharmacist (agreement 3),
and the agreements' milestones as data (agreements 2, 3, 4, 10). Expected values are read from
the sentences quoted per row, not from the rule data."""
from datetime import date
from pathlib import Path

import pytest

from contracts.errors import CaseError
from contracts.seedrules import load_rules
from contracts.shortageimport import check_shortage_import
from contracts.shortages import guideline_questions, milestones
from contracts.substitution import check_substitution
from tests.conftest import normalised

DATA = Path(__file__).parents[1] / "data"


def every_quote(data, where=""):
    """(seed, where, sentence) for every `quote` (seed 004) and `seed_NNN_quote`, lists included,
    each with the seed it must stand in."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "quote":
                yield from (("004", where, q) for q in value)
            elif key.startswith("seed_") and key.endswith("_quote"):
                yield from ((key[5:8], where, q) for q in value)
            else:
                yield from every_quote(value, f"{where}.{key}")
    elif isinstance(data, list):
        for i, item in enumerate(data):
            yield from every_quote(item, f"{where}[{i}]")


def test_every_quote_stands_in_its_own_seed():
    seeds = {n: normalised((DATA / f"seed_{n}.txt").read_text(encoding="utf-8"))
             for n in ("000", "003", "004")}
    quotes = list(every_quote(load_rules("shortages")))
    assert {seed for seed, _w, _q in quotes} == {"000", "003", "004"}
    missing = [(seed, where, q) for seed, where, q in quotes if normalised(q) not in seeds[seed]]
    assert missing == []


# -- an import medicine during a shortage -----------------------------------------------------

VRIJ = {"shortage": True, "ground": "vrijstelling", "rational_pharmacotherapy": True,
        "exemption": True, "doctors_order": True}
CBG = {"shortage": True, "ground": "cbg_vergunning", "rational_pharmacotherapy": True,
       "not_available_in_nl": True, "available_in_eu": True}

# (facts, route, entitled, the sentence that decides)
IMPORT_TABLE = [
    ({**VRIJ, "in_g_standaard": True}, "declareren_z_index", True,
     "seed 003: '... imported into Dutch territory as a replacement medicine on account of a "
     "shortage of medicines'; seed 004 5d: 'Een snellere opname in de G-standaard van "
     "geneesmiddelen met een tekort waarvoor een tijdelijke toestemming voor import geldt'"),
    (VRIJ, "declaratie_navragen", True,
     "seed 000: '... leest u dan de memo uitwijken naar importgeneesmiddel bij "
     "leveringsproblemen' (no code in the sources)"),
    ({**VRIJ, "exemption": False}, "eerst_vrijstelling", False,
     "seed 003: 'medicines which, following prior consent of the Health and Youth Care "
     "Inspectorate ...'"),
    ({**VRIJ, "doctors_order": False}, "eerst_artsenverklaring", False,
     "seed 003: '... delivered following an order placed at the initiative of a doctor ...'"),
    ({**CBG, "in_g_standaard": True}, "declareren_z_index", True,
     "seed 003: 'medicines for which a marketing authorisation has been granted by the MEB for "
     "public health reasons, as a replacement medicine due to a shortage of medicines.'"),
    ({**CBG, "not_available_in_nl": False}, "niet_afleveren", False,
     "seed 003: 'The condition is that those medicines are not available in the Netherlands'"),
    ({**CBG, "available_in_eu": False}, "niet_afleveren", False,
     "seed 003: '... but are in another EU country.'"),
    ({**VRIJ, "rational_pharmacotherapy": False}, "niet_afleveren", False,
     "seed 003: 'the following non-registered medicines in case of rational pharmacotherapy:'"),
    ({**VRIJ, "equivalent_to_registered": True}, "niet_afleveren", False,
     "seed 000: 'geen aanspraak op een geïmporteerd geneesmiddel dat gelijkwaardig ... (GVS)'"),
    ({**VRIJ, "equivalent_to_registered": True, "ministerial_exception": True,
      "in_g_standaard": True}, "declareren_z_index", True,
     "seed 000: '... tenzij bij ministeriële regeling anders is bepaald.'"),
    ({"shortage": False}, "zeldzame_indicatie", False,
     "seed 003 names the rare-disease import apart: 'if you suffer from an illness suffered by "
     "no more than 1 in 150,000 inhabitants'"),
]


@pytest.mark.parametrize("facts, route, entitled, sentence", IMPORT_TABLE)
def test_an_import_during_a_shortage(facts, route, entitled, sentence):
    advice = check_shortage_import(facts)
    assert (advice.route, advice.entitled) == (route, entitled), sentence
    assert all("“" in r for r in advice.reasons), "every reason cites its seed"


def test_the_shortage_route_never_asks_the_prevalence():
    # the 1:150,000 of seed 000 is the rare-indication ground, not the shortage ground
    assert "prevalence_one_in" not in str(check_shortage_import(VRIJ).as_json())
    with pytest.raises(CaseError) as error:
        check_shortage_import({**VRIJ, "prevalence_one_in": 150_000})
    assert error.value.field == "prevalence_one_in"


def test_agreement_2s_open_point_comes_with_every_answer():
    # "4. Uniforme duidelijkheid over noodzaak machtigingen en artsenverklaring (bijv.
    # onduidelijkheid wel of niet nodig voor zelfde product bij import / geldigheidsduur)"
    for facts, *_rest in IMPORT_TABLE:
        points = check_shortage_import(facts).open_points
        assert any("geldigheidsduur" in p for p in points)
        assert any("Q2-Q3" in p for p in points)


def test_the_tariff_of_article_5_3_holds_for_a_shortage_import():
    # "Indien een importgeneesmiddel wordt afgeleverd vergoedt de Zorgverzekeraar maximaal de
    # Inkoopprijs ..."
    reasons = check_shortage_import({**VRIJ, "in_g_standaard": True}).reasons
    assert any("Inkoopprijs" in r for r in reasons)


@pytest.mark.parametrize("data, field", [
    ({}, "shortage"), ({"shortage": "ja"}, "shortage"), ({"shortage": True}, "ground"),
    ({"shortage": True, "ground": "zeldzaam"}, "ground"),
    ({**VRIJ, "exemption": "ja"}, "exemption"), ([], "case"),
])
def test_bad_import_input_names_the_field(data, field):
    with pytest.raises(CaseError) as error:
        check_shortage_import(data)
    assert error.value.field == field


# -- substitution by the pharmacist (agreement 3) ----------------------------------------------

SUBSTITUTION_TABLE = [
    ({"shortage": False, "national": True, "local_agreement": True}, "geen_tekort", False,
     "'... dat dit **alleen** geldt bij tekorten.'"),
    ({"shortage": True, "same_substance": True}, "wisselen_zelfde_stof", True,
     "seed 003: 'your chemist will decide which other medicine he will dispense, on the basis of "
     "the active ingredient'; seed 004: 'Leidraad verantwoord wisselen ... dezelfde werkzame "
     "stof, sterkte, toedieningsweg en afgiftepatroon'"),
    ({"shortage": True, "national": False, "local_agreement": True}, "voorschrijver_raadplegen",
     False, "'Farmacotherapeutische substitutie door de apotheker bij landelijk verminderde "
     "beschikbaarheid'"),
    ({"shortage": True, "national": True, "local_agreement": True},
     "substitueren_lokale_afspraak", True,
     "'... lokale samenwerkingsafspraken te maken, zodat apothekers recepten kunnen aanpassen "
     "als een middel wegens een tekort niet beschikbaar is.'"),
    ({"shortage": True, "national": True, "local_agreement": False},
     "voorschrijver_raadplegen", False,
     "the leidraad works through local agreements; without one the prescriber decides"),
]


@pytest.mark.parametrize("facts, route, allowed, sentence", SUBSTITUTION_TABLE)
def test_substitution_during_a_shortage(facts, route, allowed, sentence):
    advice = check_substitution(facts)
    assert (advice.route, advice.may_substitute) == (route, allowed), sentence


def test_every_substitution_answer_says_the_legal_anchoring_is_not_there_yet():
    # "Daarnaast zijn de wettelijke kaders hiervoor niet toereikend."
    for facts, *_rest in SUBSTITUTION_TABLE:
        points = check_substitution(facts).open_points
        assert any("niet toereikend" in p for p in points)
        assert any("2025 – Q1 2026" in p for p in points)


@pytest.mark.parametrize("data, field", [({}, "shortage"), ({"shortage": True, "landelijk": 1},
                                                            "landelijk")])
def test_bad_substitution_input_names_the_field(data, field):
    with pytest.raises(CaseError) as error:
        check_substitution(data)
    assert error.value.field == field


# -- milestones as data (agreements 4 and 10) ---------------------------------------------------

def test_agreement_4_milestones_against_the_simulated_date():
    # "Mijlpaal 1 (2025): Opgestelde concept inkoopleidraad", "Mijlpaal 2 (voorjaar 2026):
    # Bestuurlijk vastgestelde inkoopleidraad", "Mijlpaal 3 / 4: ... (data n.t.b.)"
    first, second, third = milestones("procurement_guideline")
    assert [m.due for m in (first, second, third)] == ["2025", "voorjaar 2026", "data n.t.b."]
    in_the_campaign = date(2023, 10, 4)
    assert not any(m.possibly_reached(in_the_campaign) for m in (first, second, third))
    assert first.possibly_reached(date(2025, 1, 1)) and not second.possibly_reached(date(2025, 12, 31))
    assert not third.possibly_reached(date(2040, 1, 1))  # no date: never claimed


def test_agreement_4_asks_the_two_effects_its_aim_names():
    # "Het voorkomen van ongewenste effecten van de inkoop op de beschikbaarheid van
    # geneesmiddelen, zoals verschraling van de markt of toename van het risico op tekorten."
    questions = [q for q, _quote in guideline_questions()]
    assert len(questions) == 2
    assert "verschraling van de markt" in questions[0] and "risico op tekorten" in questions[1]


def test_agreement_10_milestones():
    # "Mijlpaal 1, eind Q2-2026 ...", "Mijlpaal 2, eind Q3-2026 ...", "Mijlpaal 3, eind 2026 ..."
    assert [m.due for m in milestones("exemptions")] == ["eind Q2-2026", "eind Q3-2026",
                                                         "eind 2026"]
