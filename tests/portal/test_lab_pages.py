"""The policy lab in the portal (issue 19): managers write variants in a form or upload YAML, each
save a new version with an audit entry; what the lab refuses is said on the field it names and
nothing is saved; a comparison is asked for with a window the lab checks; the report page, the
CSV and the Excel file say the same numbers (contracts.lab.tables)."""
import io
import re
from datetime import date

import pytest
import yaml
from openpyxl import load_workbook
from sqlalchemy import func, select

from contracts.lab import compare, tables
from portal.models import AuditEntry, LabRun, PolicyVariant
from portal.operations import lab as records
from portal.operations.audit import Actor
from tests.contracts.test_lab_side import BASE, OFFERS, census_row, result

MANAGER = Actor("manager@vgz.example", "contract_manager")
NEW = "/beheer/beleidslab/varianten/nieuw?basis=2024"


@pytest.fixture
def manager(auth, make_user):
    auth.login(make_user("contract_manager"))
    return auth


def csrf(client, path):
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"',
                     client.get(path).get_data(as_text=True)).group(1)


def form_of(client, path) -> dict:
    """The form's fields as the page fills them (text inputs and checked boxes)."""
    page = client.get(path).get_data(as_text=True)
    fields = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name, value = re.search(r'name="([^"]+)"', tag), re.search(r'value="([^"]*)"', tag)
        if name is None or not name.group(1).startswith("p__"):
            continue
        if 'type="checkbox"' in tag and "checked" not in tag:
            continue
        fields[name.group(1)] = value.group(1) if value else ""
    fields["csrf_token"] = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    return fields


def count(session, model):
    return session.scalar(select(func.count()).select_from(model))


def test_the_form_shows_the_base_and_saves_only_what_differs(client, manager, session):
    fields = form_of(client, NEW)
    # the base's values, as a Dutch reader types them: "6 weken", 15-09-2023, 0,70
    assert fields["p__acceptance__weeks"] == "6"
    assert fields["p__milestones__fz_aflopend_aanbod__date"] == "15-09-2023"
    assert fields["p__profile__groups__drie_sterren__share"] == "0,70"
    assert fields["p__exclusion_grounds__bijlage2_fz__requires_declining_component"] == "y"
    fields.update({"name": "twee-jaren", "title": "Twee laagste jaren",
                   "p__exclusion_grounds__bijlage2_fz__consecutive_lowest_years": "2",
                   "p__acceptance__weeks": "4", "p__reminders__days_before": "7, 1",
                   "p__profile__groups__een_ster__tariff_per_line_eur": "6,50"})
    response = client.post(NEW, data=fields)
    assert response.status_code == 302 and response.location.endswith("/varianten/twee-jaren")
    row = records.latest("twee-jaren")
    assert (row.version, row.year, row.base) == (1, 2024, "2024")
    assert row.saved_by.startswith("contract_manager")
    assert yaml.safe_load(row.text) == {
        "variant": "twee-jaren", "base": 2024, "title": "Twee laagste jaren",
        "acceptance": {"weeks": 4}, "reminders": {"days_before": [7, 1]},
        "exclusion_grounds": {"bijlage2_fz": {"consecutive_lowest_years": 2}},
        "profile": {"groups": {"een_ster": {"tariff_per_line_eur": "6.50"}}}}
    entry = session.scalar(select(AuditEntry).where(AuditEntry.entity == "policy_variant"))
    assert (entry.entity_id, entry.action, entry.to_state) == (row.id, "save", "versie 1")
    page = client.get("/beheer/beleidslab/varianten/twee-jaren").get_data(as_text=True)
    # what it changes, in the words of the policy
    assert "achtereenvolgende jaren in de laagst scorende groep" in page
    assert "Antwoordtermijn van een aanbod (weken)" in page


def test_editing_saves_a_new_version_and_keeps_the_old(client, manager, session):
    records.save_variant({"variant": "termijn", "base": 2024, "title": "Vier weken",
                          "acceptance": {"weeks": 4},
                          "rules": {"fz_aflopend_apotheken": {"channel": "email"}}}, MANAGER)
    session.commit()
    edit = "/beheer/beleidslab/varianten/termijn/bewerken"
    fields = form_of(client, edit)
    assert fields["p__acceptance__weeks"] == "4"
    fields.update({"name": "termijn", "title": "Vijf weken", "p__acceptance__weeks": "5"})
    assert client.post(edit, data=fields).status_code == 302
    newest = records.latest("termijn")
    assert newest.version == 2
    # a change the form does not show (an uploaded variant's channel) is kept
    assert yaml.safe_load(newest.text)["rules"] == {"fz_aflopend_apotheken": {"channel": "email"}}
    assert yaml.safe_load(newest.text)["acceptance"] == {"weeks": 5}
    assert [v.version for v in records.versions("termijn")] == [2, 1]
    assert "Vier weken" in client.get("/beheer/beleidslab/varianten/termijn?versie=1").get_data(as_text=True)
    # saved again unchanged: no third version
    fields = form_of(client, edit)
    fields.update({"name": "termijn", "title": "Vijf weken"})
    client.post(edit, data=fields)
    assert records.latest("termijn").version == 2


@pytest.mark.parametrize("changes, field, message", [
    # "size bands that no longer partition", shares that no longer add up: the loader's words
    ({"p__profile__groups__een_ster__share": "0,10"}, None, "tellen op tot"),
    # a date outside the campaign's calendar year (2023 for 2024)
    ({"p__milestones__fz_aflopend_aanbod__date": "15-09-2024"}, "p__milestones__fz_aflopend_aanbod__date",
     "buiten het kalenderjaar 2023"),
    ({"p__acceptance__weeks": "zes"}, "p__acceptance__weeks", None),
    ({"p__reminders__days_before": "14, drie"}, "p__reminders__days_before", "hele getallen"),
    ({"p__profile__groups__een_ster__tariff_per_line_eur": "6,555"},
     "p__profile__groups__een_ster__tariff_per_line_eur", "cijfers achter de komma"),
    ({"name": "Met Hoofdletters"}, "name", "Kleine letters"),
])
def test_what_the_lab_refuses_is_said_on_its_field_and_nothing_is_saved(client, manager, session,
                                                                        changes, field, message):
    fields = {**form_of(client, NEW), "name": "fout", "title": "Fout", **changes}
    response = client.post(NEW, data=fields)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    if field is not None:
        assert re.search(rf'id="{field}-error">[^<]+', page), page[:2000]
    if message is not None:
        assert message in page
    assert count(session, PolicyVariant) == 0
    assert session.scalar(select(func.count()).select_from(AuditEntry)
                          .where(AuditEntry.entity == "policy_variant")) == 0


def test_a_new_variant_may_not_take_a_name_in_use(client, manager, session):
    records.save_variant({"variant": "bezet", "base": 2024}, MANAGER)
    session.commit()
    response = client.post(NEW, data={**form_of(client, NEW), "name": "bezet", "title": "Anders"})
    assert "al een variant met de naam" in response.get_data(as_text=True)
    assert records.latest("bezet").version == 1


def upload(client, text: bytes, name="variant.yaml"):
    return client.post("/beheer/beleidslab/varianten/upload", follow_redirects=True,
                       data={"csrf_token": csrf(client, "/beheer/beleidslab"),
                             "file": (io.BytesIO(text), name)})


def test_an_uploaded_variant_is_checked_by_the_same_loader(client, manager, session):
    page = upload(client, b"variant: jaren\nbase: 2024\nexclusion_grounds:\n"
                          b"  bijlage2_fz: {consecutive_lowest_years: 2}\n")
    assert "Variant jaren opgeslagen als versie 1" in page.get_data(as_text=True)
    for text, said in ((b"variant: x\nbase: 2024\nrules:\n  geen_regel: {negotiable: true}\n",
                        "rules.geen_regel"),
                       (b"variant: x\nbase: 2019\n", "geen inkoopbeleid voor 2019"),
                       (b"variant: x\nbase: 2024\nkleur: blauw\n", "kleur: onbekend"),
                       (b"variant: x\nbase: [\n", "geen geldige YAML"),
                       (b"\xff\xfe\x00", "geen UTF-8")):
        page = upload(client, text).get_data(as_text=True)
        assert "De variant is niet opgeslagen" in page and said in page, said
    assert "Alleen een .yaml-bestand" in upload(client, b"variant: x", "x.txt").get_data(as_text=True)
    assert [v.name for v in records.variants()] == ["jaren"]


def test_a_comparison_is_asked_for_with_a_window_the_lab_checks(client, manager, session):
    records.save_variant({"variant": "jaren", "base": 2024,
                          "exclusion_grounds": {"bijlage2_fz": {"consecutive_lowest_years": 2}}}, MANAGER)
    session.commit()
    path = "/beheer/beleidslab/varianten/jaren"
    page = client.get(path).get_data(as_text=True)
    # the campaign's days by default: from its opening to 31 January of the contract year
    assert 'value="01-05-2023"' in page and 'value="31-01-2024"' in page
    token = csrf(client, path)
    response = client.post(path + "/vergelijken", follow_redirects=True,
                           data={"csrf_token": token, "seed": "3", "start": "01-12-2023",
                                 "end": "01-11-2023"})
    assert "ligt voor" in response.get_data(as_text=True)
    assert count(session, LabRun) == 0
    response = client.post(path + "/vergelijken",
                           data={"csrf_token": token, "seed": "3", "start": "14-09-2023", "end": ""})
    run = session.scalar(select(LabRun))
    assert response.location.endswith(f"/beheer/beleidslab/vergelijkingen/{run.id}")
    assert (run.seed, run.start, run.end, run.status, run.total) == (
        3, date(2023, 9, 14), date(2024, 1, 31), "wachtend", 2 * 140)
    waiting = client.get(response.location)
    assert waiting.headers["Refresh"] and "Wachtrij" in waiting.get_data(as_text=True)
    assert client.get(response.location.replace(str(run.id), str(run.id)) + "/export.xlsx").status_code == 404


def test_the_report_page_and_its_files_say_the_same(client, manager, session):
    row = records.save_variant({"variant": "jaren", "base": 2024, "title": "Twee jaren"}, MANAGER)
    variant = [dict(r, route="aanbod", rule="r_aanbod") if r["route"] == "aanvraag" else r for r in BASE]
    variant.append(census_row("01000007", "farmaceutische_zorg", "aanbod", exclusion="uitsluitingsgrond"))
    comparison = compare(result(BASE, OFFERS), result(variant, OFFERS), applications={"2023-09-18": 2},
                         differences=[{"field": "title", "subject": "Titel", "before": "A", "after": "B"}])
    comparison["timing"] = {"copy_s": 0.1, "replays_s": 1.0, "days": 36, "copied": {"providers": 7}}
    run = records.request_run(row, MANAGER, start=date(2023, 9, 15), end=date(2023, 10, 20))
    session.flush()
    records.finish(run.id, comparison)
    path = f"/beheer/beleidslab/vergelijkingen/{run.id}"
    response = client.get(path)
    page = response.get_data(as_text=True)
    assert "Refresh" not in response.headers
    assert page.count("<svg") >= 8  # overview, answers, spend and one per kind of work (5)
    found = {title: rows for title, _headers, rows in tables(comparison)}
    # every row of the overview is on the page as the files have it
    for label, left, right, change in found["Overzicht"]:
        if isinstance(left, int):
            assert re.search(rf"<td>{re.escape(label)}</td><td class=\"num\">{left}</td>"
                             rf"<td class=\"num\">{right}</td><td class=\"num\">{change}</td>", page), label
    assert "Zorgaanbieders met een andere uitkomst (2)" in page
    book = load_workbook(io.BytesIO(client.get(path + "/export.xlsx").data), read_only=True)
    sheet = book["Overzicht"]
    rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert [r[:4] for r in rows if isinstance(r[1], int)] == [
        r for r in found["Overzicht"] if isinstance(r[1], int)]
    csv = client.get(path + "/export.csv").data.decode("utf-8-sig")
    assert "aanvraag via de website;1;0;-1" in csv
    assert client.get(path + "/export.pdf").status_code == 404


def test_providers_do_not_reach_the_lab(client, auth, make_user, make_provider, session):
    row = records.save_variant({"variant": "jaren", "base": 2024}, MANAGER)
    run = records.request_run(row, MANAGER)
    session.commit()
    auth.login(make_user("provider_signatory", make_provider()))
    for path in ("/beheer/beleidslab", NEW, "/beheer/beleidslab/varianten/jaren",
                 "/beheer/beleidslab/varianten/jaren/variant.yaml",
                 f"/beheer/beleidslab/vergelijkingen/{run.id}",
                 f"/beheer/beleidslab/vergelijkingen/{run.id}/export.xlsx"):
        assert client.get(path).status_code == 403, path


def test_a_worker_takes_a_waiting_run_or_one_whose_worker_died(app, session):
    from datetime import datetime, timedelta, timezone

    row = records.save_variant({"variant": "jaren", "base": 2024}, MANAGER)
    first = records.request_run(row, MANAGER)
    second = records.request_run(row, MANAGER)
    session.commit()
    assert records.claim_next().id == first.id  # the oldest first
    assert records.claim_next().id == second.id
    assert records.claim_next() is None  # both are running, with a sign of life
    records.report_progress(first.id, 10)
    stale = datetime.now(timezone.utc) - timedelta(seconds=app.config["LAB_STALE_SECONDS"] + 5)
    session.get(LabRun, second.id).heartbeat_at = stale
    session.commit()
    taken = records.claim_next()  # the second's worker died: taken again, from the start
    assert (taken.id, taken.done, taken.status) == (second.id, 0, "bezig")
    assert session.get(LabRun, first.id).done == 10


def test_a_comparison_keeps_the_versions_of_its_bases(session):
    first = records.save_variant({"variant": "termijn", "base": 2024, "acceptance": {"weeks": 4}}, MANAGER)
    on_top = records.save_variant({"variant": "strenger", "base": "termijn",
                                   "exclusion_grounds": {"bijlage2_fz": {"consecutive_lowest_years": 2}}},
                                  MANAGER)
    run = records.request_run(on_top, MANAGER)
    assert run.bases == {"termijn": first.version}
    records.save_variant({"variant": "termijn", "base": 2024, "acceptance": {"weeks": 3}}, MANAGER)
    session.flush()
    # the run compares what was asked for: its base at version 1, four weeks
    assert records.checked(run.variant, run.bases).policy.acceptance.weeks == 4
    # the variant as it stands now reads its base's newest version
    assert records.checked(on_top).policy.acceptance.weeks == 3
    assert records.checked(on_top).policy.exclusion_grounds["bijlage2_fz"].consecutive_lowest_years == 2
