"""Medicine shortages in the portal (seed 004): registering, changing and ending a shortage, the
notices to exactly the contracted pharmacies (once, inbox and e-mail), the managers' pages, the
public information point, the weekly preference file (page, API, CLI) and entitlement."""
from __future__ import annotations

import csv
import io
import subprocess
import sys
from datetime import date

import pytest
from sqlalchemy import func, select

from portal.cli.shortages import shortages as shortages_cli
from portal.models import AuditEntry, Notification, Product, Shortage, ShortageVersion
from portal.operations import clock
from portal.operations import shortages as ops
from portal.operations.audit import Actor
from portal.operations.mail import queue_mail, send_mail
from portal.operations.offers import issue_offer, transition

MANAGER = Actor("manager@vgz.example", "contract_manager")
OCT_4 = date(2023, 10, 4)  # a Wednesday of week 40


@pytest.fixture
def register(session):
    """The demo product register, on the simulated date 4 October 2023."""
    ops.load_demo_products()
    clock.set_today(OCT_4, MANAGER)
    return {p.zindex: p for p in session.scalars(select(Product))}


@pytest.fixture
def pharmacies(make_provider):
    """Who is contracted on 4 October 2023: two pharmacies and a dispensing GP with a running
    Overeenkomst Farmaceutische zorg; not a pharmacy whose agreement ended in 2022, nor a unique
    supplier (which does not dispense)."""
    running = (("farmaceutische_zorg", date(2022, 1, 1), date(2023, 12, 31)),)
    told = [make_provider(contact_email="a@apotheek.example", contracts=running),
            make_provider(contact_email="b@apotheek.example", contracts=running),
            make_provider(provider_type="apotheekhoudende_huisarts",
                          contact_email="c@huisarts.example", contracts=running)]
    not_told = [make_provider(contact_email="d@apotheek.example",
                              contracts=(("farmaceutische_zorg", date(2021, 1, 1),
                                          date(2022, 12, 31)),)),
                make_provider(provider_type="unieke_leverancier", contact_email="e@uniek.example",
                              contracts=running)]
    return told, not_told


def levothyroxine(register, **changes) -> dict:
    return {"product_id": register["16030001"].id, "state": "niet_leverbaar",
            "reported_by": "leverancier", "started_on": date(2023, 10, 2),
            "expected_end": date(2023, 12, 31), "alternative_ids": [register["16030003"].id],
            **changes}


def inbox(session, shortage_id=None):
    query = select(Notification).where(Notification.kind == "tekort")
    if shortage_id is not None:
        query = query.where(Notification.key.like(f"tekort:{shortage_id}:%"))
    return session.scalars(query.order_by(Notification.id)).all()


# -- agreement 2: notices reach exactly the affected pharmacies, once -----------------------------

# "2. Zorgverzekeraars communiceren op uniforme wijze welke preferente producten vervallen uit het
# preferentiebeleid vanwege leveringsproblemen en welke alternatieven worden aangewezen."
def test_agreement_2_each_contracted_pharmacy_is_told_each_version_once(session, register,
                                                                         pharmacies):
    told, not_told = pharmacies
    shortage = ops.register_shortage(levothyroxine(register), MANAGER)
    first = inbox(session, shortage.id)
    assert sorted(n.provider_id for n in first) == sorted(p.id for p in told)
    assert len({(n.subject, n.body) for n in first}) == 1  # the same thing to every one
    assert first[0].link == "/tekorten/levothyroxine-50-microgram-tablet-teva"
    assert shortage.versions[0].notified == 3

    clock.set_today(date(2023, 10, 11), MANAGER)
    ops.update_shortage(shortage.id, {"drops_out": True,
                                      "temporary_preferred_id": register["16030002"].id},
                        MANAGER, expected_version=1)
    # notifying version 2 again (a retry) sends nothing twice
    again = ops._notify(shortage, ops.current(shortage).as_domain(shortage.product_id), None,
                        ops.products(), shortage.product)
    assert again == 0
    clock.set_today(date(2023, 10, 18), MANAGER)
    ops.end_shortage(shortage.id, {"sellout_until": date(2023, 10, 29)}, MANAGER)

    messages = inbox(session, shortage.id)
    assert len(messages) == 3 * 3
    per_pharmacy = {p.id: [n.subject for n in messages if n.provider_id == p.id] for p in told}
    assert all(subjects == [
        "Nieuw tekort: Levothyroxine 50 microgram tablet Teva – niet leverbaar",
        "Wijziging tekort: Levothyroxine 50 microgram tablet Teva – niet leverbaar",
        "Einde tekort: Levothyroxine 50 microgram tablet Teva – opgelost"]
        for subjects in per_pharmacy.values())
    labels = {tuple(line.split(": ", 1)[0] for line in n.body.splitlines()) for n in messages}
    assert len(labels) == 1  # new, update and end in one fixed format
    update = next(n for n in messages if n.subject.startswith("Wijziging"))
    assert "Tijdelijk preferent product: Thyrax Duotab 50 microgram tablet (Z-index 16030002)" \
        in update.body
    assert "Gewijzigd: preferentiebeleid, tijdelijk preferent" in update.body


def test_after_the_contract_year_only_pharmacies_that_accepted_the_new_offer_are_told(
        session, register, make_provider, make_user):
    accepted, lapsed = make_provider(), make_provider()
    offer = issue_offer(accepted, "farmaceutische_zorg", 2024, MANAGER)
    signatory = make_user("provider_signatory", accepted)
    transition(offer.id, "accept", Actor.of(signatory))
    issue_offer(lapsed, "farmaceutische_zorg", 2024, MANAGER)  # offered, never accepted
    clock.set_today(date(2024, 2, 7), MANAGER)
    shortage = ops.register_shortage(levothyroxine(register, started_on=date(2024, 2, 5),
                                                   expected_end=None), MANAGER)
    assert [n.provider_id for n in inbox(session, shortage.id)] == [accepted.id]


def test_the_notice_goes_out_by_email_through_the_mail_queue(session, register, pharmacies, app,
                                                             smtp_server, monkeypatch):
    for key, value in {"MAIL_BACKEND": "smtp", "MAIL_SERVER": smtp_server.host,
                       "MAIL_PORT": smtp_server.port, "MAIL_TIMEOUT": 5, "MAIL_USE_TLS": False,
                       "MAIL_USERNAME": None, "MAIL_FROM": "zorginkoop@vgz.example",
                       "PORTAL_URL": "https://portaal.test/"}.items():
        monkeypatch.setitem(app.config, key, value)
    ops.register_shortage(levothyroxine(register), MANAGER)
    queue_mail()
    send_mail()
    received = {m["To"]: m for m in smtp_server.messages if m["Subject"].startswith("Nieuw tekort")}
    assert set(received) == {"a@apotheek.example", "b@apotheek.example", "c@huisarts.example"}
    text = received["a@apotheek.example"].get_content()
    assert "Begonnen op: 02-10-2023" in text and "Verwacht einde: 31-12-2023" in text
    assert "Open in het portaal: https://portaal.test/tekorten/levothyroxine-50-microgram-" \
           "tablet-teva" in text
    queue_mail()
    assert send_mail().sent == 0  # each once


def test_every_change_is_a_version_and_an_audit_entry(session, register, pharmacies):
    shortage = ops.register_shortage(levothyroxine(register), MANAGER)
    ops.update_shortage(shortage.id, {"state": "tekort", "reported_by": "groothandel"}, MANAGER)
    ops.end_shortage(shortage.id, {"reported_by": "leverancier"}, MANAGER)
    versions = session.scalars(select(ShortageVersion).where(
        ShortageVersion.shortage_id == shortage.id).order_by(ShortageVersion.number)).all()
    assert [(v.number, v.action, v.state) for v in versions] == [
        (1, "registreren", "niet_leverbaar"), (2, "wijzigen", "tekort"),
        (3, "beeindigen", "opgelost")]
    assert versions[0].reported_by == "leverancier"  # the first version is kept as it was
    assert versions[1].changes == ["state", "reported_by"]
    trail = session.execute(select(AuditEntry.action, AuditEntry.from_state, AuditEntry.to_state)
                            .where(AuditEntry.entity == "shortage",
                                   AuditEntry.entity_id == shortage.id)
                            .order_by(AuditEntry.id)).all()
    assert trail == [("registreren", None, "niet_leverbaar"), ("wijzigen", "niet_leverbaar", "tekort"),
                     ("beeindigen", "tekort", "opgelost")]
    assert (shortage.state, shortage.ended_on) == ("opgelost", OCT_4)


def test_a_stale_change_and_a_second_open_shortage_are_refused(session, register):
    shortage = ops.register_shortage(levothyroxine(register), MANAGER)
    ops.update_shortage(shortage.id, {"state": "tekort", "reported_by": "groothandel"}, MANAGER,
                        expected_version=1)
    with pytest.raises(Exception) as error:
        ops.update_shortage(shortage.id, {"expected_end": date(2024, 1, 31)}, MANAGER,
                            expected_version=1)
    assert error.value.field == "version"
    with pytest.raises(Exception) as error:
        ops.register_shortage(levothyroxine(register), MANAGER)
    assert getattr(error.value, "code", None) == "open_shortage"
    with pytest.raises(Exception) as error:
        ops.register_shortage(levothyroxine(register), Actor("x@apotheek.example",
                                                             "provider_signatory", 1))
    assert error.value.field == "role"


# -- the managers' pages ------------------------------------------------------------------------

@pytest.fixture
def manager(auth, make_user):
    user = make_user("contract_manager")
    auth.login(user)
    return user


def test_the_register_form_refuses_bad_input_in_dutch_and_keeps_what_was_typed(
        session, client, auth, register, manager):
    page = client.get("/beheer/tekorten/nieuw")
    assert page.status_code == 200
    response = client.post("/beheer/tekorten/nieuw", data={
        "csrf_token": auth.csrf("/beheer/tekorten/nieuw"), "product": register["16030001"].id,
        "state": "dreigend_tekort", "reported_by": "zorgverzekeraar",
        "started_on": "02-10-2023", "expected_end": "31-13-2023", "note": "Let op"})
    text = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Deze datum bestaat niet." in text
    assert 'value="31-13-2023"' in text and "Let op" in text
    response = client.post("/beheer/tekorten/nieuw", data={
        "csrf_token": auth.csrf("/beheer/tekorten/nieuw"), "product": register["16030001"].id,
        "state": "dreigend_tekort", "reported_by": "zorgverzekeraar",
        "started_on": "02-10-2023", "expected_end": "31-12-2023"})
    assert response.status_code == 422
    assert "Deze partij mag deze status niet vaststellen" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Shortage)) == 0


def test_a_manager_registers_changes_and_ends_a_shortage_through_the_pages(
        session, client, auth, register, manager, pharmacies):
    response = client.post("/beheer/tekorten/nieuw", data={
        "csrf_token": auth.csrf("/beheer/tekorten/nieuw"), "product": register["16030001"].id,
        "state": "niet_leverbaar", "reported_by": "leverancier", "started_on": "02-10-2023",
        "drops_out": "y", "temporary_preferred": register["16030002"].id,
        "alternatives": [register["16030003"].id, register["16030004"].id],
        "price_article": register["16030002"].id, "sellout_until": "31-10-2023"})
    assert response.status_code == 302
    shortage = session.scalar(select(Shortage))
    detail = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Nieuw tekort" in detail and "Thyrax Duotab" in detail
    path = f"/beheer/tekorten/{shortage.id}/wijzigen"
    form = client.get(path).get_data(as_text=True)
    assert 'value="02-10-2023"' in form  # the current version filled in
    response = client.post(path, data={
        "csrf_token": auth.csrf(path), "version": "1", "state": "niet_leverbaar",
        "reported_by": "leverancier", "started_on": "02-10-2023", "expected_end": "30-11-2023",
        "drops_out": "y", "temporary_preferred": register["16030002"].id,
        "alternatives": [register["16030003"].id], "price_article": register["16030002"].id})
    assert response.status_code == 302
    response = client.post(f"/beheer/tekorten/{shortage.id}/beeindigen", data={
        "csrf_token": auth.csrf(f"/beheer/tekorten/{shortage.id}"), "version": "2",
        "reported_by": "leverancier"})
    assert response.status_code == 302
    session.refresh(shortage)
    assert (shortage.state, shortage.current_version) == ("opgelost", 3)
    assert len(inbox(session, shortage.id)) == 3 * 3
    listing = client.get("/beheer/tekorten").get_data(as_text=True)
    assert "Levothyroxine 50 microgram tablet Teva" in listing


# -- agreements 1 and 5f: the public information point ------------------------------------------

# "Patiënten hebben behoefte aan één centraal communicatiepunt / informatieplek over
# medicijntekorten met veelgestelde vragen, uitleg over het proces rond medicijntekorten en
# gespecificeerde informatie per geneesmiddel."
def test_agreements_1_and_5f_the_public_page_per_medicine(session, client, register):
    shortage = ops.register_shortage(levothyroxine(register, patient_note="Vraag uw apotheek."),
                                     MANAGER)
    session.commit()
    page = client.get("/tekorten/levothyroxine-50-microgram-tablet-teva")
    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Niet leverbaar" in text and "Sinds 02-10-2023" in text
    assert "31-12-2023" in text and "Euthyrox 50 microgram tablet" in text
    # "wat de patiënt van zorgverlener mag verwachten;" "wat de patiënt zelf kan doen."
    assert "Wat mag u verwachten?" in text and "Wat kunt u zelf doen?" in text
    assert "Vraag uw apotheek." in text
    # "de link naar folder van VWS, Apotheek.nl en/of Thuisarts.nl"
    assert "https://www.apotheek.nl" in text and "https://www.thuisarts.nl" in text
    listing = client.get("/tekorten?q=levothyrox").get_data(as_text=True)
    assert "Levothyroxine 50 microgram tablet Teva" in listing
    assert "Levothyroxine" not in client.get("/tekorten?q=omeprazol").get_data(as_text=True)
    assert client.get("/tekorten/bestaat-niet").status_code == 404
    clock.set_today(date(2023, 10, 20), MANAGER)
    ops.end_shortage(shortage.id, {}, MANAGER)
    session.commit()
    text = client.get("/tekorten/levothyroxine-50-microgram-tablet-teva").get_data(as_text=True)
    assert "Opgelost." in text and "20-10-2023" in text


def test_the_list_shows_current_shortages_first(session, client, register):
    old = ops.register_shortage(levothyroxine(register, started_on=date(2023, 9, 1)), MANAGER)
    ops.end_shortage(old.id, {}, MANAGER)
    ops.register_shortage({"product_id": register["16010001"].id, "state": "tekort",
                           "reported_by": "meldpunt", "started_on": date(2023, 8, 1)}, MANAGER)
    session.commit()
    text = client.get("/tekorten").get_data(as_text=True)
    assert text.index("Omeprazol 20 mg") < text.index("Levothyroxine 50 microgram tablet Teva")


# -- agreement 5d: the weekly preference file ---------------------------------------------------

def shortage_history(register):
    """Registered Wed 4 Oct (week 40); Thyrax temporarily preferred Wed 11 Oct (week 41)."""
    shortage = ops.register_shortage(levothyroxine(register), MANAGER)
    clock.set_today(date(2023, 10, 11), MANAGER)
    ops.update_shortage(shortage.id, {"drops_out": True,
                                      "temporary_preferred_id": register["16030002"].id}, MANAGER)
    return shortage


def rows_of(data: bytes) -> dict[str, dict]:
    assert data.startswith(b"\xef\xbb\xbf")
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";")
    return {row["zindex"]: row for row in reader}


# "Fase 1: Z-index geeft een wekelijks preferentiebestand uit."
def test_agreement_5d_pharmacies_download_the_weekly_file(session, client, auth, make_provider,
                                                          make_user, register):
    shortage_history(register)
    session.commit()
    auth.login(make_user("provider_user", make_provider()))
    page = client.get("/zorgaanbieder/voorkeursbestand")
    assert page.status_code == 200 and 'value="2023-W41"' in page.get_data(as_text=True)
    download = client.get("/zorgaanbieder/voorkeursbestand?week=2023-W42")
    assert download.status_code == 200
    assert download.headers["Content-Type"].startswith("text/csv")
    rows = rows_of(download.data)
    assert len(rows) == len(ops.demo_products()) == 11
    # Monday 16 Oct against Monday 9 Oct: Teva dropped out, Thyrax temporarily preferred
    assert (rows["16030001"]["vorige_status"], rows["16030001"]["status"]) == ("preferent", "vervallen")
    assert rows["16030002"]["status"] == "tijdelijk_preferent"
    assert rows["16030002"]["wijzigingen"] == "status"
    assert rows["16010001"]["wijzigingen"] == ""
    bad = client.get("/zorgaanbieder/voorkeursbestand?week=2023-42")
    assert bad.status_code == 422 and "jjjj-Wnn" in bad.get_data(as_text=True)
    assert 'value="2023-42"' in bad.get_data(as_text=True)


def test_the_cli_writes_the_weekly_file(session, app, register, tmp_path):
    shortage_history(register)
    out = tmp_path / "voorkeur.csv"
    result = app.test_cli_runner().invoke(shortages_cli, ["preference-file", "--week", "2023-W41",
                                                          "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = rows_of(out.read_bytes())
    # Monday 9 Oct against Monday 2 Oct: the shortage (registered Wed 4 Oct) is new, with its
    # designated alternative Euthyrox; Teva stays preferent (it does not drop out yet)
    assert rows["16030001"]["tekort"] == "niet_leverbaar"
    assert rows["16030001"]["alternatieven"] == "16030003 Euthyrox 50 microgram tablet"
    assert rows["16030001"]["wijzigingen"] == "tekort, alternatieven"
    assert rows["16030001"]["status"] == "preferent"
    assert rows["16030001"]["geldig_vanaf"] == "2023-10-09"


@pytest.mark.parametrize("week", ["2023-40", "2023-W99"])
def test_the_cli_refuses_a_bad_week_in_one_line(week, tmp_path):
    run = subprocess.run([sys.executable, "-m", "portal", "shortages", "preference-file",
                          "--week", week, "--out", str(tmp_path / "x.csv")],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 2
    assert run.stdout == ""
    assert len(run.stderr.strip().splitlines()) == 1 and "week" in run.stderr
    assert not (tmp_path / "x.csv").exists()


# -- part 6: entitlement before, during and after ------------------------------------------------

GROUP = "H03AA01 50 mcg tablet"


def test_entitlement_before_during_and_after_a_shortage(session, register):
    before = ops.check_entitlement({"group": GROUP, "date": "2023-10-03"})
    assert before.answer.reimbursed == ("Levothyroxine 50 microgram tablet Teva",)
    shortage = ops.register_shortage(levothyroxine(register), MANAGER)
    during = ops.check_entitlement({"group": GROUP, "date": "2023-10-05"})
    assert during.answer.rule == "logistieke_noodzaak" and during.logistical_necessity_from_register
    assert sorted(during.answer.reimbursed) == [
        "Euthyrox 50 microgram tablet", "Levothyroxine 50 microgram tablet import (Duitsland)",
        "Thyrax Duotab 50 microgram tablet"]
    assert during.imports_under_exemption == ("Levothyroxine 50 microgram tablet import (Duitsland)",)
    clock.set_today(date(2023, 10, 11), MANAGER)
    ops.update_shortage(shortage.id, {"drops_out": True,
                                      "temporary_preferred_id": register["16030002"].id}, MANAGER)
    designated = ops.check_entitlement({"group": GROUP})  # the simulated date: 11 Oct
    assert designated.answer.reimbursed == ("Thyrax Duotab 50 microgram tablet",)
    clock.set_today(date(2023, 10, 18), MANAGER)
    ops.end_shortage(shortage.id, {}, MANAGER)
    after = ops.check_entitlement({"group": GROUP, "date": "2023-10-18"})
    assert after.answer.reimbursed == ("Levothyroxine 50 microgram tablet Teva",)
    assert not after.logistical_necessity_from_register


def test_the_api_registers_a_shortage_and_answers_entitlement(session, client, register,
                                                              make_user, pharmacies):
    from tests.support.tokens import bearer
    manager = make_user("contract_manager")
    headers = bearer(manager)
    body = {**levothyroxine(register), "started_on": "2023-10-02", "expected_end": "2023-12-31"}
    created = client.post("/api/v1/shortages", json=body, headers=headers)
    assert created.status_code == 201, created.json
    assert created.json["versions"][0]["notified"] == 3
    again = client.post("/api/v1/shortages", json=body, headers=headers)
    assert again.status_code == 409
    answer = client.post("/api/v1/shortages/entitlement", json={"group": GROUP}, headers=headers)
    assert answer.status_code == 200
    assert answer.json["rule"] == "logistieke_noodzaak"
    # an import under an exemption during a shortage is its own route (agreement 10), not the
    # rare-indication check: the answer names the API's check of it
    assert answer.json["import_check"] == "/api/v1/shortages/import-check"
    bad = client.get("/api/v1/preference-file?week=2023-W99", headers=headers)
    assert bad.status_code == 422


def test_the_database_keeps_one_open_shortage_per_product_even_in_a_race(session, register):
    # Two managers registering at the same moment both pass the operation's check; the partial
    # unique index lets only one open shortage per product in, and a resolved one does not count.
    from sqlalchemy.exc import IntegrityError
    product = register["16030001"]

    def row(state):
        return Shortage(product_id=product.id, state=state, current_version=1,
                        started_on=date(2023, 10, 2))
    session.add(row("opgelost"))
    session.add(row("tekort"))
    session.flush()
    with pytest.raises(IntegrityError):
        with session.begin_nested():
            session.add(row("niet_leverbaar"))
            session.flush()
    assert session.scalar(select(func.count(Shortage.id)).where(
        Shortage.product_id == product.id, Shortage.state != "opgelost")) == 1
    with pytest.raises(Exception) as refused:  # the operation says so in its own words
        ops.register_shortage(levothyroxine(register), MANAGER)
    assert getattr(refused.value, "field", None) == "product_id"
