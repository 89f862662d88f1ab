"""The managers' lists as files: the offers as filtered, the register, the applications and the
outgoing mail, in CSV (as Dutch Excel reads it) and in Excel; read back with csv and openpyxl
and compared with the database."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from portal.exports import Column, csv_text, write_csv, write_xlsx
from portal.models import Application, Notification, OutgoingMail, Provider
from tests.portal.test_offers_overview import OFFERS, add, bulk_offers, listed, manager, set_date  # noqa: F401
from tests.support.statements import statements
from portal.models.documents import day_of

OFFER_HEADER = ["AGB-code", "Zorgaanbieder", "Type zorgaanbieder", "Overeenkomst", "Relatie",
                "Contractjaar", "Status", "Reageren uiterlijk", "Uitgegeven"]
CONTRACTS = {"farmaceutische_zorg": "Overeenkomst Farmaceutische zorg",
             "module_zorgprestaties": "Addendum Module farmaceutische zorgprestaties",
             "spoedzorg": "Addendum Farmaceutische spoedzorg",
             "dieetpreparaten": "Overeenkomst Dieetpreparaten",
             "stoppen_met_roken": "Overeenkomst Stoppen met roken medicatie"}


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.mimetype == "text/csv" and response.mimetype_params["charset"] == "utf-8"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="')
    data = response.data
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=";"))


def read_xlsx(response):
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    return load_workbook(io.BytesIO(response.data)).active


@pytest.fixture
def offers(session, manager):
    made = add(session, OFFERS)
    set_date(date(2023, 10, 2))
    return made


def expected_offer_row(o) -> list[str]:
    """An offer as the CSV must say it, from the test's own data."""
    relation = {"aflopend": "aflopend", "doorlopend": "doorlopend", "nieuw": "nieuw"}[o.relation]
    return [o.agb, o.name, TYPES[o.type], CONTRACTS[o.contract], relation, str(o.year),
            o.status.replace("_", " "), o.deadline.strftime("%d-%m-%Y") if o.deadline else "",
            # 08:00 UTC is 10:00 in Amsterdam, the same day
            o.issued.strftime("%d-%m-%Y") if o.issued else ""]


TYPES = {"openbare_apotheek": "openbare apotheek", "apotheekhoudende_huisarts": "apotheekhoudend huisarts",
         "internetapotheek_voorkeur": "internetapotheek (voorkeursaanbieder)",
         "zuivere_dienstapotheek": "zuivere dienstapotheek", "facilitair_bedrijf": "facilitair bedrijf"}


# -- offers --------------------------------------------------------------------------------------

@pytest.mark.parametrize("query", ["", "?status=open", "?type=openbare_apotheek&sort=provider&order=desc",
                                   "?deadline_from=01-10-2023&sort=issued", "?q=zzz"])
def test_the_csv_holds_exactly_the_filtered_list_in_its_order(client, offers, query):
    rows = read_csv(client.get(f"/beheer/aanbiedingen/export.csv{query}"))
    assert rows[0] == OFFER_HEADER
    shown = listed(client.get(f"/beheer/aanbiedingen{query}").get_data(as_text=True))
    assert rows[1:] == [expected_offer_row(offers[i]) for i in shown]


def test_the_excel_file_has_date_cells_a_frozen_header_widths_and_a_filter(client, offers):
    sheet = read_xlsx(client.get("/beheer/aanbiedingen/export.xlsx?year=2024&sort=provider"))
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == OFFER_HEADER
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:I{len(rows)}"
    assert sheet.column_dimensions["B"].width > sheet.column_dimensions["A"].width > 8
    shown = listed(client.get("/beheer/aanbiedingen?year=2024&sort=provider").get_data(as_text=True))
    assert len(rows) - 1 == len(shown) == 7
    for row, i in zip(rows[1:], shown, strict=True):
        agb, name, kind, contract, relation, year, status, deadline, issued = row
        o = offers[i]
        assert (agb, name, kind, contract, year) == (o.agb, o.name, TYPES[o.type], CONTRACTS[o.contract],
                                                     o.year)
        assert status == o.status.replace("_", " ") and relation == o.relation
        # Real dates (openpyxl reads a date cell back as a datetime at midnight), not text.
        assert deadline == (datetime.combine(o.deadline, datetime.min.time()) if o.deadline else None)
        assert issued == (datetime.combine(day_of(o.issued), datetime.min.time()) if o.issued else None)
    dated = [c for c in sheet["H"][1:] if c.value is not None]
    assert dated and all(c.is_date and c.number_format == "DD-MM-YYYY" for c in dated)


def test_the_export_runs_one_query_whatever_the_number_of_rows(client, session, manager):
    bulk_offers(session, 2)
    client.get("/beheer/aanbiedingen/export.csv")
    with statements() as few:
        small = read_csv(client.get("/beheer/aanbiedingen/export.csv"))
    bulk_offers(session, 300, start=2)
    with statements() as many:
        large = read_csv(client.get("/beheer/aanbiedingen/export.xlsx".replace("xlsx", "csv")))
    assert (len(small), len(large)) == (3, 303)
    assert len(few) == len(many)
    # the list itself; the other statement is the year filter's choices
    assert len([s for s in many if "FROM offers" in s and "DISTINCT" not in s]) == 1


def test_a_name_that_looks_like_a_formula_stays_text(client, session, manager):
    formula = '=HYPERLINK("http://evil.example","klik")'
    add(session, [(formula, "12000001", "openbare_apotheek", "spoedzorg", "doorlopend", 2024,
                   "aangeboden", date(2023, 10, 27), None)])
    rows = read_csv(client.get("/beheer/aanbiedingen/export.csv"))
    assert rows[1][1] == "'" + formula
    sheet = read_xlsx(client.get("/beheer/aanbiedingen/export.xlsx"))
    assert sheet["B2"].value == formula and sheet["B2"].data_type == "s"


def test_an_unknown_format_is_not_found(client, manager):
    assert client.get("/beheer/aanbiedingen/export.pdf").status_code == 404
    assert client.get("/beheer/zorgaanbieders/export.json").status_code == 404


# -- the register, the applications, the outgoing mail --------------------------------------------

def test_the_register_exports_as_searched(client, session, manager, make_provider):
    for n in range(4):
        make_provider(city="Tiel" if n % 2 else "Ede", region="Gelderland", postcode="4000 AA",
                      riz_contra_indication=n == 1)
    rows = read_csv(client.get("/beheer/zorgaanbieders/export.csv?q=tiel"))
    assert rows[0][:3] == ["AGB-code", "Naam", "Type zorgaanbieder"]
    tiel = session.scalars(select(Provider).where(Provider.city == "Tiel").order_by(Provider.name)).all()
    assert [r[0] for r in rows[1:]] == [p.agb for p in tiel]
    by_agb = {r[0]: dict(zip(rows[0], r, strict=True)) for r in rows[1:]}
    for p in tiel:
        line = by_agb[p.agb]
        assert (line["Naam"], line["Plaats"], line["Postcode"], line["Regio"], line["KvK-nummer"]) == \
            (p.name, "Tiel", "4000 AA", "Gelderland", p.kvk)
        assert line["Type zorgaanbieder"] == "openbare apotheek"
        assert line["RIZ-contra-indicatie"] == ("ja" if p.riz_contra_indication else "nee")
    sheet = read_xlsx(client.get("/beheer/zorgaanbieders/export.xlsx?q=tiel"))
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [p.agb for p in tiel]
    html = client.get("/beheer/zorgaanbieders?q=tiel").get_data(as_text=True)
    assert "/beheer/zorgaanbieders/export.csv?q=tiel" in html


def test_the_applications_export_lists_every_application(client, session, manager):
    from portal.operations.applications import submit_application
    for agb, name, received in (("06123451", "Apotheek Later", date(2023, 6, 10)),
                                ("06123452", "Apotheek Vroeg", date(2023, 5, 1))):
        submit_application({"organisation": name, "agb": agb, "kvk": "12345678",
                            "provider_type": "openbare_apotheek", "city": "Zwolle",
                            "contact_email": "info@nieuw.example",
                            "contracts": ["farmaceutische_zorg", "dieetpreparaten"],
                            "motivations": {"bereikbaarheid": "Geen apotheek binnen 10 km"}},
                           [], received_on=received, policy_year=2024)
    rows = read_csv(client.get("/beheer/aanvragen/export.csv"))
    assert rows[0][:4] == ["Ontvangen", "Antwoord uiterlijk", "Aanvrager", "AGB-code"]
    stored = session.scalars(select(Application).order_by(Application.answer_due)).all()
    assert [r[2] for r in rows[1:]] == [a.organisation for a in stored] == ["Apotheek Vroeg",
                                                                            "Apotheek Later"]
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["Ontvangen"] == "01-05-2023"
    assert first["Antwoord uiterlijk"] == stored[0].answer_due.strftime("%d-%m-%Y")
    assert first["Overeenkomsten"] == "Overeenkomst Farmaceutische zorg, Overeenkomst Dieetpreparaten"
    assert first["Type zorgaanbieder"] == "openbare apotheek" and first["Status"] == "ontvangen"
    sheet = read_xlsx(client.get("/beheer/aanvragen/export.xlsx"))
    assert sheet["A2"].is_date and sheet["A2"].value == datetime(2023, 5, 1)


def mail(session, n, **fields):
    note = Notification(provider_id=None, key=f"export-test-{n}", subject=f"Bericht {n}", body="b")
    session.add(note)
    session.flush()
    row = OutgoingMail(notification_id=note.id, recipient=f"m{n}@vgz.example", subject=f"Bericht {n}",
                       body=fields.pop("body", "Tekst"), **fields)
    session.add(row)
    session.flush()
    return row


def test_the_outbox_exports_with_its_status_filter_and_secrets_cut_off(client, session, manager):
    sent_at = datetime(2023, 9, 15, 7, 30, tzinfo=timezone.utc)
    mail(session, 1, sent_at=sent_at, transport="outbox",
         body="Stel uw wachtwoord in: https://portaal.example/wachtwoord-instellen/abc.DEF-123_x")
    mail(session, 2)
    rows = read_csv(client.get("/beheer/uitgaande-post/export.csv"))
    assert rows[0][:4] == ["Aangemaakt", "Aan", "Onderwerp", "Status"]
    assert [r[1] for r in rows[1:]] == ["m2@vgz.example", "m1@vgz.example"]  # newest first
    sent = dict(zip(rows[0], rows[2], strict=True))
    assert sent["Status"] == "verzonden" and sent["Verzonden"] == "15-09-2023 09:30"  # Amsterdam time
    assert "abc.DEF-123_x" not in sent["Bericht"] and "/wachtwoord-instellen/" in sent["Bericht"]
    waiting = read_csv(client.get("/beheer/uitgaande-post/export.csv?status=wachtend"))
    assert [r[1] for r in waiting[1:]] == ["m2@vgz.example"]
    searched = read_csv(client.get("/beheer/uitgaande-post/export.csv?q=M1@VGZ"))
    assert [r[1] for r in searched[1:]] == ["m1@vgz.example"]
    sheet = read_xlsx(client.get("/beheer/uitgaande-post/export.xlsx?status=verzonden"))
    assert sheet.max_row == 2 and sheet["E2"].value == datetime(2023, 9, 15, 9, 30)
    assert sheet["E2"].number_format == "DD-MM-YYYY HH:MM"


EXPORTS = ["/beheer/aanbiedingen/export.csv", "/beheer/aanbiedingen/export.xlsx",
           "/beheer/zorgaanbieders/export.csv", "/beheer/zorgaanbieders/export.xlsx",
           "/beheer/aanvragen/export.csv", "/beheer/aanvragen/export.xlsx",
           "/beheer/uitgaande-post/export.csv", "/beheer/uitgaande-post/export.xlsx",
           "/beheer/aanbiedingen/export.pdf"]


@pytest.mark.parametrize("path", EXPORTS)
def test_no_export_for_a_provider(client, auth, make_user, make_provider, path):
    assert client.get(path).status_code == 302
    auth.login(make_user("provider_signatory", make_provider()))
    response = client.get(path)
    assert response.status_code == 403 and "attachment" not in response.headers.get("Content-Disposition", "")


# -- the formats themselves -----------------------------------------------------------------------

def test_csv_fields_are_written_as_dutch_excel_reads_them():
    assert csv_text(date(2023, 9, 5)) == "05-09-2023"
    assert csv_text(datetime(2023, 12, 31, 23, 30, tzinfo=timezone.utc)) == "01-01-2024 00:30"
    assert csv_text(datetime(2023, 7, 1, 12, 0)) == "01-07-2023 14:00"  # stored UTC without zone
    assert csv_text(None) == "" and csv_text(7) == "7"
    for risky in ("=1+1", "+31", "-2", "@SUM(A1)", "\tx"):
        assert csv_text(risky) == "'" + risky
    data = write_csv([Column("Naam"), Column("Datum")], [["De Linde; Ede", date(2023, 9, 15)],
                                                          ['Zeg "ja"', None]])
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows == [["Naam", "Datum"], ["De Linde; Ede", "15-09-2023"], ['Zeg "ja"', ""]]


def test_an_empty_workbook_still_has_its_header_and_filter():
    sheet = load_workbook(io.BytesIO(write_xlsx("Een heel lange titel die Excel niet toestaat",
                                                [Column("A", 10), Column("B", 20)], []))).active
    assert [c.value for c in sheet[1]] == ["A", "B"] and sheet.max_row == 1
    assert sheet.auto_filter.ref == "A1:B1" and len(sheet.title) <= 31
