"""The requests through the JSON API: a pharmacy submits (prescription in base64) and reads its
own, an advisor decides, under the same rules as the pages."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from portal.models import AuditEntry, ConsentRequest, Notification
from portal.operations import clock

from .test_api import b64, bearer, quick_password_hashes  # noqa: F401 (autouse fixture)
from .test_consent import ADVISOR, JPEG, MONDAY, PDF, pharmacy, submitted  # noqa: F401

API = "/api/v1/consent-requests"


def body(**changes) -> dict:
    data = {"kind": "toestemming", "substance": "cholic acid", "brand": "Orphacol",
            "zindex_number": "16273645", "gstandaard_status": "f_met_voorwaarde",
            "indication": "Aangeboren stoornis in de galzuursynthese", "insured_initials": "J.P.",
            "insured_birth_date": "2012-05-14", "patient_reference": "PAT-0042",
            "prescriber": "Dr. A. de Vries", "substantiation": "Geen geregistreerd alternatief.",
            "rational_pharmacotherapy": True, "prevalence_one_in": 500000,
            "prescription": {"filename": "recept.pdf", "content_base64": b64(PDF)}}
    return {**data, **changes}


@pytest.fixture
def people(session, make_user, make_provider, pharmacy):
    """A pharmacist, another organisation's employee, an advisor, a contract manager; committed,
    so that a refused request's rollback keeps them."""
    found = {"pharmacist": make_user("provider_signatory", pharmacy),
            "stranger": make_user("provider_user", make_provider(name="Apotheek Elders")),
            "advisor": make_user("adviseur"), "manager": make_user("contract_manager")}
    session.commit()
    return found


def test_a_pharmacy_submits_and_reads_its_request_with_iso_dates(session, client, people, pharmacy):
    clock.set_today(MONDAY, ADVISOR, record=False)
    session.commit()
    response = client.post(API, json=body(), headers=bearer(people["pharmacist"]))
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert (created["status"], created["answer_due"], created["submitted_on"]) == \
        ("ingediend", "2025-03-17", "2025-03-03")
    assert created["reference"] == f"TM-{created['id']:06d}" and created["version"] == 1
    assert created["provider"]["id"] == pharmacy.id and created["prescription_type"] == "application/pdf"
    listed = client.get(API, headers=bearer(people["pharmacist"])).get_json()
    assert [r["id"] for r in listed] == [created["id"]]
    assert client.get(API, headers=bearer(people["stranger"])).get_json() == []
    assert client.get(f"{API}/{created['id']}", headers=bearer(people["stranger"])).status_code == 404
    download = client.get(f"{API}/{created['id']}/prescription", headers=bearer(people["pharmacist"]))
    assert download.status_code == 200 and download.data == PDF


def test_bad_input_is_refused_by_field_and_stores_nothing(session, client, people):
    before = session.scalar(select(func.count()).select_from(ConsentRequest))
    cases = [({"prevalence_one_in": 10000}, "prevalence_one_in"),
             ({"prescription": {"filename": "recept.pdf", "content_base64": b64(b"geen pdf")}},
              "prescription"),
             ({"patient_reference": "111222333"}, "patient_reference"),
             ({"kind": "machtiging", "zindex_number": None, "gstandaard_status": None},
              "importer")]
    for changes, field in cases:
        response = client.post(API, json=body(**changes), headers=bearer(people["pharmacist"]))
        assert response.status_code == 422, (changes, response.get_json())
        assert field in response.get_json()["errors"]["json"], response.get_json()
    assert session.scalar(select(func.count()).select_from(ConsentRequest)) == before


def test_only_pharmacy_staff_submit_and_only_advisors_decide(client, people, submitted):
    row = submitted()
    assert client.post(API, json=body(), headers=bearer(people["advisor"])).status_code == 403
    assert client.post(API, json=body(), headers=bearer(people["manager"])).status_code == 403
    assert client.get(API, headers=bearer(people["manager"])).status_code == 403
    assert client.post(API, json=body()).status_code == 401
    for who in ("pharmacist", "manager"):
        response = client.post(f"{API}/{row.id}/decision", json={"granted": True},
                               headers=bearer(people[who]))
        assert response.status_code == 403, who


def test_an_advisor_decides_once_and_a_stale_version_is_a_conflict(session, client, people,
                                                                    submitted, pharmacy):
    row = submitted()
    advisor = bearer(people["advisor"])
    assert [r["id"] for r in client.get(API, headers=advisor).get_json()] == [row.id]
    refused = client.post(f"{API}/{row.id}/decision", json={"granted": False, "reason": ""},
                          headers=advisor)
    assert refused.status_code == 422 and "reason" in refused.get_json()["errors"]["json"]
    taken = client.post(f"{API}/{row.id}/handling", json={"version": 1}, headers=advisor)
    assert taken.status_code == 200 and taken.get_json()["status"] == "in_behandeling"
    stale = client.post(f"{API}/{row.id}/decision", json={"granted": True, "version": 1},
                        headers=advisor)
    assert stale.status_code == 409
    decided = client.post(f"{API}/{row.id}/decision",
                          json={"granted": True, "version": 2, "valid_until": "2025-12-31",
                                "reason": "Akkoord"}, headers=advisor)
    assert decided.status_code == 200, decided.get_json()
    outcome = decided.get_json()
    assert (outcome["status"], outcome["valid_until"], outcome["decided_by"]) == \
        ("verleend", "2025-12-31", people["advisor"].email)
    again = client.post(f"{API}/{row.id}/decision", json={"granted": False, "reason": "Toch niet"},
                        headers=advisor)
    assert again.status_code == 409
    seen = client.get(f"{API}/{row.id}", headers=bearer(people["pharmacist"])).get_json()
    assert (seen["status"], seen["reason"]) == ("verleend", "Akkoord")
    assert session.scalar(select(func.count()).select_from(Notification).where(
        Notification.provider_id == pharmacy.id,
        Notification.key == f"consent_request:{row.id}:besluit")) == 1
    assert session.scalars(select(AuditEntry.action).where(
        AuditEntry.entity == "consent_request", AuditEntry.entity_id == row.id)
        .order_by(AuditEntry.id)).all() == ["submit", "take", "grant"]


def test_the_pharmacy_withdraws_its_own_request_only(session, client, people, submitted):
    row = submitted()
    assert client.post(f"{API}/{row.id}/withdrawal", json={},
                       headers=bearer(people["stranger"])).status_code == 404
    response = client.post(f"{API}/{row.id}/withdrawal", json={"reason": "Niet nodig", "version": 1},
                           headers=bearer(people["pharmacist"]))
    assert response.status_code == 200 and response.get_json()["status"] == "ingetrokken"
    assert client.post(f"{API}/{row.id}/withdrawal", json={},
                       headers=bearer(people["pharmacist"])).status_code == 409


def test_an_image_prescription_is_accepted_and_served_back(client, people):
    response = client.post(API, json=body(prescription={"filename": "foto.jpg",
                                                        "content_base64": b64(JPEG)}),
                           headers=bearer(people["pharmacist"]))
    assert response.status_code == 201 and response.get_json()["prescription_type"] == "image/jpeg"
    served = client.get(f"{API}/{response.get_json()['id']}/prescription",
                        headers=bearer(people["advisor"]))
    assert served.status_code == 200 and served.data == JPEG
    assert date.fromisoformat(response.get_json()["answer_due"]) > date.fromisoformat(
        response.get_json()["submitted_on"])
