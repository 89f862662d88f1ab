"""CSV imports into the register: every row checked first, all stored or nothing, and the errors
per row and column in Dutch."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.models import AuditEntry, ProfileScore, Provider
from portal.operations.audit import Actor
from portal.operations.imports import RowError, import_providers, import_scores

MANAGER = Actor("manager@vgz.nl", "contract_manager")
HEADER = "agb;naam;type;adres;postcode;plaats;regio;kvk;agb_startdatum;email"


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def cells(result) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in result.errors]


def test_providers_are_imported_with_bom_crlf_dutch_labels_and_both_date_forms(session):
    text = ("\ufeff" + HEADER + "\r\n"
            "12340001;Apotheek Noord;openbare_apotheek;Markt 1;1234ab;Ede;Gelderland;12345678;15-09-2019;"
            "info@noord.nl\r\n"
            "12340002;Dr. Jansen;Apotheekhoudend huisarts;;;Beek;Limburg;;2021-03-01;\r\n"
            "\r\n"  # a blank line is skipped, not an error
            "12340003;Zorgbedrijf Dieet;facilitair bedrijf;;;Tiel;;;;\r\n")
    result = import_providers(text, MANAGER)
    assert result.ok and (result.rows, result.imported) == (3, 3)
    rows = {p.agb: p for p in session.scalars(select(Provider))}
    assert (rows["12340001"].postcode, rows["12340001"].agb_start, rows["12340001"].region) == (
        "1234 AB", date(2019, 9, 15), "Gelderland")
    assert rows["12340002"].provider_type == "apotheekhoudende_huisarts"
    assert rows["12340002"].agb_start == date(2021, 3, 1) and rows["12340002"].kvk == ""
    assert rows["12340003"].provider_type == "facilitair_bedrijf" and rows["12340003"].agb_start is None
    assert rows["12340003"].riz_contra_indication is False
    assert rows["12340003"].improvement_agreements == "geen"
    [entry] = session.scalars(select(AuditEntry)).all()
    assert (entry.actor, entry.entity, entry.action) == ("manager@vgz.nl", "providers", "import")
    assert "3 zorgaanbieders" in entry.reason and "12340001" in entry.reason


def test_columns_may_come_in_any_order_and_optional_ones_may_be_missing(session):
    result = import_providers(b"plaats;type;naam;agb\nZwolle;openbare_apotheek;Apotheek Oost;12340004\n")
    assert result.ok and session.scalar(select(Provider.city).where(Provider.agb == "12340004")) == "Zwolle"


def test_one_bad_row_stores_nothing_and_every_error_is_reported(session, make_provider):
    make_provider(agb="12340009")
    text = (HEADER + "\n"
            "12340001;Apotheek Goed;openbare_apotheek;;;Ede;;;;\n"
            "1234;Apotheek Kort;drogist;;12345;Ede;;123;31-02-2020;geen-adres\n"
            "12340001;;openbare_apotheek;;;;;;;\n"
            "12340009;Al Bekend;openbare_apotheek;;;Ede;;;;\n"
            "12340005;Te weinig kolommen\n")
    result = import_providers(text, MANAGER)
    assert not result.ok and result.imported == 0
    assert cells(result) == [
        (3, "agb"), (3, "agb_startdatum"), (3, "email"), (3, "kvk"), (3, "postcode"), (3, "type"),
        (4, "agb"), (4, "naam"), (4, "plaats"),
        (5, "agb"),
        (6, "")]
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert messages[3, "agb"] == "Een AGB-code bestaat uit 8 cijfers."
    assert messages[3, "type"].startswith("Onbekend type zorgaanbieder")
    assert messages[3, "agb_startdatum"] == "Deze datum bestaat niet."
    assert messages[4, "agb"] == "Deze AGB-code staat ook in rij 2."
    assert messages[4, "naam"] == "Verplicht; deze cel is leeg."
    assert messages[5, "agb"] == "Deze AGB-code is al geregistreerd."
    assert messages[6, ""] == "Deze rij heeft 2 kolommen; de kopregel heeft er 10."
    assert count(session, Provider) == 1  # only the one made before
    assert count(session, AuditEntry) == 0


@pytest.mark.parametrize("text, expected", [
    ("", [RowError(1, "", "Het bestand is leeg: verwacht een kopregel met de kolommen "
                          "agb;naam;type;adres;postcode;plaats;regio;kvk;agb_startdatum;email.")]),
    (HEADER + "\n", [RowError(1, "", "Het bestand bevat alleen een kopregel, geen gegevens.")]),
    ("agb;naam;soort;plaats\n12340001;A;openbare_apotheek;Ede\n",
     [RowError(1, "soort", "Onbekende kolom; toegestaan zijn agb, naam, type, adres, postcode, plaats, "
                           "regio, kvk, agb_startdatum, email."),
      RowError(1, "type", "Deze kolom ontbreekt in de kopregel.")]),
    ("agb,naam,type,plaats\n12340001,A,openbare_apotheek,Ede\n",  # commas: not our separator
     [RowError(1, "", "De kolommen zijn niet met puntkomma's gescheiden; sla het bestand op als CSV "
                      "(puntkomma-gescheiden).")]),
])
def test_a_file_without_a_usable_header_says_why(session, text, expected):
    result = import_providers(text)
    assert result.errors == expected and count(session, Provider) == 0


def test_a_file_that_is_not_utf8_is_refused(session):
    result = import_providers((HEADER + "\n12340001;Apotheek Café;openbare_apotheek;;;Ede;;;;\n")
                              .encode("cp1252"))
    assert [e.message for e in result.errors] == [
        "Het bestand is geen UTF-8-tekst; sla het op als CSV UTF-8 (puntkomma-gescheiden)."]
    assert count(session, Provider) == 0


def test_scores_take_decimal_commas_and_points(session, make_provider):
    first, second = make_provider(), make_provider()
    text = ("\ufeffagb;jaar;kwaliteit;klantbeleving;kosten\n"
            f"{first.agb};2022;72,5;60;100\n"
            f"{first.agb};2023;80.25;0;55,0\n"
            f"{second.agb};2023;40;41;42\n")
    result = import_scores(text, MANAGER)
    assert result.ok and result.imported == 3
    stored = {(s.provider_id, s.year): s.raw() for s in session.scalars(select(ProfileScore))}
    assert stored[first.id, 2022] == {"kwaliteit": 72.5, "klantbeleving": 60.0, "kosten": 100.0}
    assert stored[first.id, 2023] == {"kwaliteit": 80.25, "klantbeleving": 0.0, "kosten": 55.0}
    assert session.scalar(select(AuditEntry.reason).where(AuditEntry.entity == "profile_scores")) == (
        "3 profielscores geïmporteerd voor 2022, 2023")


def test_bad_scores_store_nothing(session, make_provider):
    provider = make_provider()
    session.add(ProfileScore(provider_id=provider.id, year=2021, kwaliteit=50, klantbeleving=50, kosten=50))
    session.flush()
    text = ("agb;jaar;kwaliteit;klantbeleving;kosten\n"
            f"{provider.agb};2022;70;70;70\n"
            "99999999;2022;70;70;70\n"
            f"{provider.agb};2021;70;70;70\n"
            f"{provider.agb};2022;70;70;70\n"
            f"{provider.agb};22;100,5;-3;1.000,5\n"
            f"{provider.agb};2020;;70;zeventig\n")
    result = import_scores(text)
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert cells(result) == [(3, "agb"), (4, "jaar"), (5, "jaar"), (6, "jaar"), (6, "klantbeleving"),
                             (6, "kosten"), (6, "kwaliteit"), (7, "kosten"), (7, "kwaliteit")]
    assert messages[3, "agb"] == "Er is geen zorgaanbieder met deze AGB-code geregistreerd."
    assert messages[4, "jaar"] == "Deze zorgaanbieder heeft al een score voor 2021."
    assert messages[5, "jaar"] == "Voor deze AGB-code en dit jaar staat ook een score in rij 2."
    assert messages[6, "kwaliteit"] == "Een score ligt tussen 0 en 100."
    assert messages[6, "klantbeleving"] == messages[6, "kosten"] == messages[7, "kosten"] == (
        "Geen getal; schrijf bijvoorbeeld 72,5 of 72.5.")
    assert messages[7, "kwaliteit"] == "Verplicht; deze cel is leeg."
    assert count(session, ProfileScore) == 1 and count(session, AuditEntry) == 0


def test_imported_scores_feed_the_profile(session, make_provider):
    from portal.operations.providers import profile_history

    providers = [make_provider() for _ in range(3)]
    rows = "\n".join(f"{p.agb};{year};{50 + 10 * n};{50 + 10 * n};{50 + 10 * n}"
                     for year in (2022, 2023) for n, p in enumerate(providers))
    assert import_scores("agb;jaar;kwaliteit;klantbeleving;kosten\n" + rows).ok
    history = profile_history(2024)
    assert history.years() == [2022, 2023]
    assert history.of(providers[2].agb)[2023].rank == 1
