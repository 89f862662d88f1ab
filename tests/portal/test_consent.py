"""Consent and authorisation requests (seed 000): the rules, the operations and the pages of the
pharmacy and of the insurer's advisor."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

from contracts.consent import (add_working_days, answer_due, check_prescription, easter,
                               looks_like_bsn, prescription_type, public_holidays,
                               validate_request)
from contracts.errors import CaseError
from portal.models import AuditEntry, ConsentRequest, Notification
from portal.operations import clock
from portal.operations.audit import Actor
from portal.operations.consent import (decide_request, get_request, submit_request, take_request,
                                       withdraw_request)
from portal.operations.offers import NotFound

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 17 + b"\x00\x00\x00\x00IEND\xaeB`\x82"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x01" * 20 + b"\xff\xd9"
ADVISOR = Actor("adviseur@vgz.example", "adviseur")
OTHER_ADVISOR = Actor("tweede.adviseur@vgz.example", "adviseur")
MONDAY = date(2025, 3, 3)  # no procurement calendar runs in 2025: a scan issues nothing else


def consent_data(**changes) -> dict:
    """A consent request (toestemming) for a medicine on N, as the form and the API give it."""
    data = {"kind": "toestemming", "substance": "cholic acid", "brand": "Orphacol",
            "zindex_number": "16273645", "gstandaard_status": "n", "importer": None,
            "indication": "Aangeboren stoornis in de galzuursynthese",
            "insured_initials": "J.P.", "insured_birth_date": date(2012, 5, 14),
            "patient_reference": "PAT-0042", "prescriber": "Dr. A. de Vries, kinderarts",
            "prescriber_agb": "01234567",
            "substantiation": "Geen in Nederland geregistreerd alternatief; behandeling volgens "
                              "het protocol van het expertisecentrum.",
            "rational_pharmacotherapy": True, "prevalence_one_in": 1_000_000,
            "igj_reference": "IGJ-2025-0117"}
    return {**data, **changes}


def authorisation_data(**changes) -> dict:
    return consent_data(kind="machtiging", zindex_number=None, gstandaard_status=None,
                        brand="Kolbam", importer="Import Pharma B.V.", **changes)


def staff(provider, role="provider_signatory") -> Actor:
    return Actor(f"{role}@{provider.agb}.example", role, provider.id)


@pytest.fixture
def pharmacy(make_provider):
    return make_provider(name="Apotheek De Linde", contact_email="info@delinde.example")


@pytest.fixture
def submitted(session, pharmacy):
    """submitted(**changes): a request of the pharmacy, submitted on MONDAY (or `on`)."""
    def make(provider=None, on=MONDAY, prescription=("recept.pdf", PDF), kind="toestemming",
             **changes):
        data = authorisation_data(**changes) if kind == "machtiging" else consent_data(**changes)
        row = submit_request(data, prescription, staff(provider or pharmacy), submitted_on=on)
        session.commit()
        return row
    return make


# -- the rules ------------------------------------------------------------------------------------

def test_easter_and_the_public_holidays_fall_on_their_known_dates():
    assert easter(2023) == date(2023, 4, 9) and easter(2024) == date(2024, 3, 31)
    assert easter(2025) == date(2025, 4, 20)
    holidays_2023 = public_holidays(2023)
    for day in (date(2023, 1, 1), date(2023, 4, 10), date(2023, 4, 27), date(2023, 5, 5),
                date(2023, 5, 18), date(2023, 5, 29), date(2023, 12, 25), date(2023, 12, 26)):
        assert day in holidays_2023, day
    assert date(2023, 4, 7) not in holidays_2023  # Good Friday is no general holiday
    assert date(2025, 4, 26) in public_holidays(2025)  # 27 April 2025 is a Sunday


def test_the_answer_term_is_ten_working_days_without_weekends_and_holidays():
    # Friday 21-04-2023: Koningsdag (Thu 27-04) and Bevrijdingsdag (Fri 05-05) do not count
    assert answer_due(date(2023, 4, 21)) == date(2023, 5, 9)
    # over Christmas and New Year
    assert answer_due(date(2023, 12, 22)) == date(2024, 1, 10)
    # submitted on a Saturday: counting starts on Monday
    assert answer_due(date(2025, 3, 1)) == date(2025, 3, 14)
    assert answer_due(MONDAY) == date(2025, 3, 17)
    assert add_working_days(MONDAY, 1) == date(2025, 3, 4)
    with pytest.raises(CaseError):
        add_working_days(MONDAY, 0)


def test_a_bsn_is_recognised_by_the_eleven_test():
    assert looks_like_bsn("111222333") and looks_like_bsn("BSN 111.222.333")
    assert not looks_like_bsn("123456789")  # fails the eleven-test
    assert not looks_like_bsn("PAT-0042") and not looks_like_bsn("1112223334")


def test_the_prescription_is_checked_by_its_content():
    assert prescription_type(PDF) == "application/pdf"
    assert prescription_type(PNG) == "image/png"
    assert prescription_type(JPEG) == "image/jpeg"
    assert prescription_type(b"%PDF-1.4 cut off halfway") is None
    assert prescription_type(b"MZ\x90\x00 an executable named recept.pdf") is None
    with pytest.raises(CaseError, match="larger than 1 MB"):
        check_prescription("groot.pdf", PDF + b"x" * (2 * 1024 * 1024), 1024 * 1024)
    with pytest.raises(CaseError, match="required"):
        check_prescription("leeg.pdf", b"", 1024)


@pytest.mark.parametrize("changes, field", [
    ({"prevalence_one_in": 149_999}, "prevalence_one_in"),
    ({"rational_pharmacotherapy": False}, "rational_pharmacotherapy"),
    ({"gstandaard_status": "f_zonder_voorwaarde"}, "gstandaard_status"),
    ({"zindex_number": "1234567"}, "zindex_number"),
    ({"patient_reference": "111222333"}, "patient_reference"),
    ({"insured_initials": "Jan Pieter de Vries"}, "insured_initials"),
    ({"insured_birth_date": date(2030, 1, 1)}, "insured_birth_date"),
    ({"substance": "  "}, "substance"),
    ({"kind": "vergunning"}, "kind"),
])
def test_a_bad_request_names_its_field(changes, field):
    with pytest.raises(CaseError) as refused:
        validate_request(consent_data(**changes), today=MONDAY)
    assert refused.value.field == field


def test_an_authorisation_names_the_importer_and_has_no_zindex_number():
    clean = validate_request(authorisation_data(), today=MONDAY)
    assert (clean["zindex_number"], clean["gstandaard_status"], clean["importer"]) == \
        (None, None, "Import Pharma B.V.")
    with pytest.raises(CaseError) as refused:
        validate_request({**authorisation_data(), "zindex_number": "16273645"}, today=MONDAY)
    assert refused.value.field == "zindex_number"
    with pytest.raises(CaseError) as refused:
        validate_request({**authorisation_data(), "importer": ""}, today=MONDAY)
    assert refused.value.field == "importer"


# -- the operations -------------------------------------------------------------------------------

def test_submitting_stores_the_request_its_prescription_and_an_audit_entry(session, pharmacy):
    row = submit_request(consent_data(), ("C:\\scans\\recept.pdf", PDF), staff(pharmacy),
                         submitted_on=MONDAY)
    session.commit()
    stored = session.get(ConsentRequest, row.id)
    assert (stored.status, stored.kind, stored.answer_due, stored.provider_id) == \
        ("ingediend", "toestemming", date(2025, 3, 17), pharmacy.id)
    assert (stored.prescription, stored.prescription_type, stored.prescription_filename) == \
        (PDF, "application/pdf", "recept.pdf")
    assert stored.reference == f"TM-{row.id:06d}"
    entry = session.scalar(select(AuditEntry).where(AuditEntry.entity == "consent_request",
                                                    AuditEntry.entity_id == row.id))
    assert (entry.action, entry.from_state, entry.to_state, entry.actor) == \
        ("submit", None, "ingediend", f"provider_signatory@{pharmacy.agb}.example")


def test_a_request_with_a_bad_prescription_stores_nothing(session, pharmacy):
    before = session.scalar(select(func.count()).select_from(ConsentRequest))
    with pytest.raises(CaseError) as refused:
        submit_request(consent_data(), ("recept.pdf", b"<html>geen pdf</html>"), staff(pharmacy),
                       submitted_on=MONDAY)
    assert refused.value.field == "prescription"
    session.rollback()
    assert session.scalar(select(func.count()).select_from(ConsentRequest)) == before


def test_the_answer_term_can_be_configured(session, app, pharmacy, monkeypatch):
    monkeypatch.setitem(app.config, "CONSENT_ANSWER_WORKING_DAYS", 5)
    row = submit_request(consent_data(), ("recept.png", PNG), staff(pharmacy), submitted_on=MONDAY)
    assert row.answer_due == date(2025, 3, 10) and row.prescription_type == "image/png"


def test_a_grant_tells_the_pharmacy_how_to_claim(session, submitted):
    row = submitted()
    decide_request(row.id, ADVISOR, granted=True, reason="Onderbouwing volstaat.",
                   expected_version=row.version, decided_on=date(2025, 3, 6),
                   valid_until=date(2025, 12, 31))
    session.commit()
    assert (row.status, row.decided_by, row.decided_on, row.valid_until) == \
        ("verleend", ADVISOR.name, date(2025, 3, 6), date(2025, 12, 31))
    note = session.scalar(select(Notification).where(Notification.key == f"consent_request:{row.id}:besluit"))
    assert note.provider_id == row.provider_id and note.link == f"/zorgaanbieder/toestemmingen/{row.id}"
    assert note.subject == f"Toestemming verleend: TM-{row.id:06d} cholic acid"
    assert "op 06-03-2025 verleend" in note.body and "Z-indexnummer 16273645" in note.body
    assert "geldt tot en met 31-12-2025" in note.body and "Onderbouwing volstaat." in note.body
    assert "2012" not in note.body  # no date of birth in a message that is also e-mailed
    actions = session.scalars(select(AuditEntry.action).where(
        AuditEntry.entity == "consent_request", AuditEntry.entity_id == row.id)
        .order_by(AuditEntry.id)).all()
    assert actions == ["submit", "grant"]


def test_a_granted_authorisation_names_the_local_codes_and_the_comment_record(session, submitted):
    row = submitted(kind="machtiging")
    decide_request(row.id, ADVISOR, granted=True, decided_on=date(2025, 3, 6))
    note = session.scalar(select(Notification).where(Notification.key == f"consent_request:{row.id}:besluit"))
    assert note.subject.startswith("Machtiging verleend: MA-")
    assert "97095005" in note.body and "97095551 tot en met 97095600" in note.body
    assert "Import Pharma B.V." in note.body


def test_a_refusal_needs_a_reason_and_says_what_the_pharmacy_may_do(session, submitted):
    row = submitted()
    with pytest.raises(CaseError) as refused:
        decide_request(row.id, ADVISOR, granted=False, reason="  ")
    assert refused.value.field == "reason"
    assert session.get(ConsentRequest, row.id).status == "ingediend"
    decide_request(row.id, ADVISOR, granted=False, reason="Er is een geregistreerd alternatief.",
                   decided_on=date(2025, 3, 7))
    note = session.scalar(select(Notification).where(Notification.key == f"consent_request:{row.id}:besluit"))
    assert "Reden: Er is een geregistreerd alternatief." in note.body
    assert "voor rekening van de verzekerde" in note.body


def test_a_second_decision_on_a_stale_version_is_refused_not_applied(session, submitted):
    row = submitted()
    seen = row.version
    decide_request(row.id, ADVISOR, granted=True, expected_version=seen)
    session.commit()
    with pytest.raises(CaseError) as refused:
        decide_request(row.id, OTHER_ADVISOR, granted=False, reason="Anders", expected_version=seen)
    assert refused.value.field == "version"
    session.rollback()
    stored = session.get(ConsentRequest, row.id)
    assert (stored.status, stored.decided_by) == ("verleend", ADVISOR.name)
    # without a version, the decided request is refused by its status
    with pytest.raises(CaseError) as refused:
        decide_request(row.id, OTHER_ADVISOR, granted=False, reason="Anders")
    assert refused.value.field == "status"


def test_taking_into_handling_and_withdrawing(session, submitted, pharmacy):
    row = submitted()
    take_request(row.id, ADVISOR, expected_version=row.version)
    assert (row.status, row.handled_by) == ("in_behandeling", ADVISOR.name)
    with pytest.raises(CaseError):
        take_request(row.id, OTHER_ADVISOR)
    withdraw_request(row.id, staff(pharmacy, "provider_user"), reason="Patiënt overleden")
    assert row.status == "ingetrokken"
    with pytest.raises(CaseError) as refused:
        decide_request(row.id, ADVISOR, granted=True)
    assert refused.value.field == "status"
    actions = session.scalars(select(AuditEntry.action).where(
        AuditEntry.entity == "consent_request", AuditEntry.entity_id == row.id)
        .order_by(AuditEntry.id)).all()
    assert actions == ["submit", "take", "withdraw"]


def test_only_the_own_pharmacy_and_the_advisors_see_a_request(session, submitted, make_provider):
    row = submitted()
    other = make_provider()
    with pytest.raises(NotFound):
        get_request(row.id, staff(other))
    with pytest.raises(NotFound):
        get_request(row.id, Actor("manager@vgz.example", "contract_manager"))
    with pytest.raises(NotFound):
        withdraw_request(row.id, staff(other))
    with pytest.raises(CaseError) as refused:
        decide_request(row.id, Actor("manager@vgz.example", "contract_manager"), granted=True)
    assert refused.value.field == "role"
    assert get_request(row.id, Actor("admin@vgz.example", "admin")).id == row.id


# -- the pharmacy's pages -------------------------------------------------------------------------

@pytest.fixture
def pharmacist(client, auth, make_user, pharmacy):
    user = make_user("provider_user", pharmacy)
    auth.login(user)
    return user


@pytest.fixture
def advisor(client, auth, make_user):
    user = make_user("adviseur")
    auth.login(user)
    return user


def csrf(page: str) -> str:
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def form_values(**changes) -> dict:
    values = {"kind": "toestemming", "substance": "cholic acid", "brand": "Orphacol",
              "zindex_number": "16273645", "gstandaard_status": "n",
              "indication": "Aangeboren stoornis in de galzuursynthese",
              "insured_initials": "J.P.", "insured_birth_date": "14-05-2012",
              "patient_reference": "PAT-0042", "prescriber": "Dr. A. de Vries",
              "prescriber_agb": "", "substantiation": "Geen geregistreerd alternatief.",
              "rational_pharmacotherapy": "y", "prevalence_one_in": "1.000.000",
              "igj_reference": ""}
    return {**values, **changes}


def post_new(client, values: dict, prescription=("recept.pdf", PDF)):
    from io import BytesIO
    page = client.get("/zorgaanbieder/toestemmingen/nieuw?soort=" + values["kind"]).get_data(as_text=True)
    data = {**values, "csrf_token": csrf(page)}
    if prescription is not None:
        data["prescription"] = (BytesIO(prescription[1]), prescription[0])
    return client.post("/zorgaanbieder/toestemmingen/nieuw", data=data,
                       content_type="multipart/form-data")


def test_the_new_request_form_is_prefilled_from_the_query(client, pharmacist):
    page = client.get("/zorgaanbieder/toestemmingen/nieuw?soort=toestemming&substance=Cholzuur"
                      "&zindex_number=16273645&gstandaard_status=n&indicatie=CTX")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'value="Cholzuur"' in html and 'value="16273645"' in html and 'value="CTX"' in html
    assert re.search(r'<input[^>]*checked[^>]*value="n"|<input[^>]*value="n"[^>]*checked', html)
    assert '<input id="kind" name="kind" type="hidden" value="toestemming">' in html
    choice = client.get("/zorgaanbieder/toestemmingen/nieuw").get_data(as_text=True)
    assert "soort=machtiging" in choice and "soort=toestemming" in choice


def test_a_pharmacy_submits_a_request_and_sees_its_status_and_deadline(session, client, pharmacist):
    clock.set_today(MONDAY, ADVISOR, record=False)
    session.commit()
    response = post_new(client, form_values())
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    row = session.scalar(select(ConsentRequest).order_by(ConsentRequest.id.desc()))
    assert response.headers["Location"].endswith(f"/zorgaanbieder/toestemmingen/{row.id}")
    assert (row.prevalence_one_in, row.insured_birth_date, row.submitted_by) == \
        (1_000_000, date(2012, 5, 14), pharmacist.email)
    detail = client.get(f"/zorgaanbieder/toestemmingen/{row.id}").get_data(as_text=True)
    assert "17-03-2025" in detail and "ingediend" in detail and row.reference in detail
    listing = client.get("/zorgaanbieder/toestemmingen").get_data(as_text=True)
    assert row.reference in listing and "17-03-2025" in listing


def test_bad_input_keeps_what_was_typed_says_why_per_field_and_saves_nothing(session, client,
                                                                          pharmacist):
    before = session.scalar(select(func.count()).select_from(ConsentRequest))
    response = post_new(client, form_values(substance="", prevalence_one_in="20.000",
                                            zindex_number="123", insured_birth_date="31-02-2012"),
                        prescription=("recept.pdf", b"geen pdf"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Vul de werkzame stof in." in html
    assert "niet vaker voorkomt dan bij 1 op 150.000 inwoners" in html
    assert "Een Z-indexnummer bestaat uit precies 8 cijfers." in html
    assert "Deze datum bestaat niet." in html
    assert "recept.pdf is geen PDF-, PNG- of JPEG-bestand" in html
    assert 'value="Aangeboren stoornis in de galzuursynthese"' in html  # typed input kept
    assert 'value="PAT-0042"' in html and "Geen geregistreerd alternatief." in html
    assert session.scalar(select(func.count()).select_from(ConsentRequest)) == before


def test_a_bsn_as_reference_is_refused_on_its_field(session, client, pharmacist):
    response = post_new(client, form_values(patient_reference="111222333"))
    assert response.status_code == 422
    assert "Dit lijkt een BSN" in response.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(ConsentRequest)) == 0


def test_an_authorisation_asks_for_the_importer(session, client, pharmacist):
    response = post_new(client, form_values(kind="machtiging", zindex_number="", gstandaard_status="",
                                            brand="Kolbam", importer=""))
    assert response.status_code == 422
    assert "Vul de naam van de importeur in." in response.get_data(as_text=True)
    response = post_new(client, form_values(kind="machtiging", zindex_number="", gstandaard_status="",
                                            brand="Kolbam", importer="Import Pharma B.V."),
                        prescription=("recept.jpg", JPEG))
    assert response.status_code == 302
    row = session.scalar(select(ConsentRequest))
    assert (row.kind, row.importer, row.prescription_type) == ("machtiging", "Import Pharma B.V.",
                                                                "image/jpeg")


def test_another_organisations_request_is_not_found(session, client, pharmacist, submitted,
                                                    make_provider):
    theirs = submitted(provider=make_provider(name="Apotheek Elders"))
    assert client.get(f"/zorgaanbieder/toestemmingen/{theirs.id}").status_code == 404
    assert client.get(f"/zorgaanbieder/toestemmingen/{theirs.id}/recept").status_code == 404
    page = client.get("/zorgaanbieder/toestemmingen").get_data(as_text=True)
    assert theirs.reference not in page
    token = csrf(client.get("/zorgaanbieder/toestemmingen").get_data(as_text=True))
    response = client.post(f"/zorgaanbieder/toestemmingen/{theirs.id}/intrekken",
                           data={"csrf_token": token, "version": theirs.version})
    assert response.status_code == 404
    assert session.get(ConsentRequest, theirs.id).status == "ingediend"


def test_the_pharmacy_withdraws_an_open_request(session, client, pharmacist, submitted):
    row = submitted()
    page = client.get(f"/zorgaanbieder/toestemmingen/{row.id}").get_data(as_text=True)
    response = client.post(f"/zorgaanbieder/toestemmingen/{row.id}/intrekken",
                           data={"csrf_token": csrf(page), "version": row.version,
                                 "reason": "Niet meer nodig"})
    assert response.status_code == 302
    session.expire_all()
    assert session.get(ConsentRequest, row.id).status == "ingetrokken"
    page = client.get(f"/zorgaanbieder/toestemmingen/{row.id}").get_data(as_text=True)
    assert "Niet meer nodig" in page and "/intrekken" not in page
    assert client.post(f"/zorgaanbieder/toestemmingen/{row.id}/intrekken",
                       data={"version": row.version}).status_code == 400  # no CSRF token


# -- the advisor's pages --------------------------------------------------------------------------

def test_an_advisor_lands_on_the_queue_sorted_by_deadline_and_filtered_by_status(
        session, client, auth, make_user, submitted):
    late = submitted(on=date(2025, 3, 10))
    early = submitted(on=date(2025, 2, 3))
    middle = submitted(on=date(2025, 2, 17))
    done = submitted(on=date(2025, 1, 6))
    decide_request(done.id, ADVISOR, granted=True)
    session.commit()
    user = make_user("adviseur")
    assert auth.login(user).headers["Location"].endswith("/beheer/toestemmingen")
    page = client.get("/beheer/toestemmingen").get_data(as_text=True)
    positions = [page.index(r.reference) for r in (early, middle, late)]
    assert positions == sorted(positions)
    assert done.reference not in page  # open requests by default
    granted = client.get("/beheer/toestemmingen?status=verleend").get_data(as_text=True)
    assert done.reference in granted and early.reference not in granted


def test_the_advisor_downloads_the_prescription(client, advisor, submitted):
    row = submitted(prescription=("scan recept.png", PNG))
    response = client.get(f"/beheer/toestemmingen/{row.id}/recept")
    assert response.status_code == 200 and response.data == PNG
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"].startswith("attachment")


def test_a_refusal_without_reason_is_shown_again_and_with_reason_reaches_the_pharmacy(
        session, client, advisor, submitted):
    row = submitted()
    page = client.get(f"/beheer/toestemmingen/{row.id}").get_data(as_text=True)
    response = client.post(f"/beheer/toestemmingen/{row.id}/besluit",
                           data={"csrf_token": csrf(page), "decision-version": row.version,
                                 "decision-outcome": "geweigerd", "decision-reason": ""})
    assert response.status_code == 422
    assert "Geef de reden van de weigering" in response.get_data(as_text=True)
    assert session.get(ConsentRequest, row.id).status == "ingediend"
    response = client.post(f"/beheer/toestemmingen/{row.id}/besluit",
                           data={"csrf_token": csrf(page), "decision-version": row.version,
                                 "decision-outcome": "geweigerd",
                                 "decision-reason": "Alternatief beschikbaar"})
    assert response.status_code == 302
    session.expire_all()
    stored = session.get(ConsentRequest, row.id)
    assert (stored.status, stored.reason, stored.decided_by) == ("geweigerd", "Alternatief beschikbaar",
                                                                 advisor.email)


def test_two_advisors_deciding_at_once_the_second_gets_a_clear_message(
        session, client, advisor, submitted):
    """Both open the request; the other advisor decides first; this one's decision is refused
    with a message, the page shows the other's decision, and nothing is overwritten."""
    row = submitted()
    page = client.get(f"/beheer/toestemmingen/{row.id}").get_data(as_text=True)
    decide_request(row.id, OTHER_ADVISOR, granted=True, reason="Eerst beslist",
                   expected_version=row.version)
    session.commit()
    response = client.post(f"/beheer/toestemmingen/{row.id}/besluit",
                           data={"csrf_token": csrf(page), "decision-version": 1,
                                 "decision-outcome": "geweigerd",
                                 "decision-reason": "Mijn eigen overweging"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "intussen door iemand anders gewijzigd" in html and "Eerst beslist" in html
    session.expire_all()
    stored = session.get(ConsentRequest, row.id)
    assert (stored.status, stored.decided_by, stored.reason) == \
        ("verleend", OTHER_ADVISOR.name, "Eerst beslist")
    assert session.scalar(select(func.count()).select_from(AuditEntry).where(
        AuditEntry.entity == "consent_request", AuditEntry.entity_id == row.id,
        AuditEntry.action.in_(["grant", "refuse"]))) == 1


def test_a_stale_page_on_an_open_request_keeps_the_typed_reason(session, client, advisor, submitted):
    row = submitted()
    page = client.get(f"/beheer/toestemmingen/{row.id}").get_data(as_text=True)
    take_request(row.id, OTHER_ADVISOR)  # someone else takes it meanwhile: the version moves
    session.commit()
    response = client.post(f"/beheer/toestemmingen/{row.id}/besluit",
                           data={"csrf_token": csrf(page), "decision-version": 1,
                                 "decision-outcome": "geweigerd",
                                 "decision-reason": "Mijn getypte reden"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "intussen door iemand anders gewijzigd" in html and "Mijn getypte reden" in html
    assert session.get(ConsentRequest, row.id).status == "in_behandeling"


def test_contract_managers_do_not_see_the_requests(client, auth, make_user, submitted):
    row = submitted()
    auth.login(make_user("contract_manager"))
    assert client.get("/beheer/toestemmingen").status_code == 403
    assert client.get(f"/beheer/toestemmingen/{row.id}").status_code == 403
    assert client.get("/zorgaanbieder/toestemmingen").status_code == 403
