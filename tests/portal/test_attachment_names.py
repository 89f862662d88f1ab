"""Attachment names, made safe once for every way in (the form's upload, the API's base64) and
again on the way out: a name stored before, with CR/LF in it, still downloads under a safe
Content-Disposition."""
from __future__ import annotations

import base64
import unicodedata
from datetime import date
from io import BytesIO

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from portal.models import Attachment
from portal.operations.applications import attachment_name, submit_application
from tests.support.tokens import bearer

PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
APPLICATION = {"organisation": "Apotheek Nieuw Begin", "agb": "06123456", "kvk": "12345678",
               "provider_type": "openbare_apotheek", "city": "Zwolle",
               "contact_email": "info@nieuw.example", "contracts": ["farmaceutische_zorg"]}


@pytest.mark.parametrize("sent, kept", [
    ("vergunning.pdf", "vergunning.pdf"),
    ("../../etc/passwd", "passwd.pdf"),
    ("..\\..\\Windows\\plan.PDF", "plan.PDF"),
    ("/tmp/", "bijlage.pdf"),
    ("plan\r\nSet-Cookie: sessie=1.pdf", "plan Set-Cookie: sessie=1.pdf"),
    ("plan\x00.exe.pdf", "plan.exe.pdf"),
    ("rapport\ud800.pdf", "rapport.pdf"),                # a lone surrogate (JSON can send one)
    ("gevaar\u202efdp.html", "gevaarfdp.html.pdf"),      # a bidi override; opens as a PDF only
    ("...verborgen.pdf", "verborgen.pdf"),
    ("  brief   van\tjan .pdf. ", "brief van jan.pdf"),
    ("Cafe\u0301.pdf", "Caf\u00e9.pdf"),                  # NFC
    ("", "bijlage.pdf"),
    ("\x00\r\n", "bijlage.pdf"),
    ("a" * 300 + ".pdf", "a" * 196 + ".pdf"),
])
def test_a_name_is_made_safe(sent, kept):
    assert attachment_name(sent) == kept


@given(st.text())
def test_any_name_becomes_a_safe_pdf_name_and_stays_it(sent):
    kept = attachment_name(sent)
    assert 5 <= len(kept) <= 200 and kept.lower().endswith(".pdf")
    assert not {"/", "\\"} & set(kept) and not kept.startswith((".", " "))
    assert not any(unicodedata.category(c).startswith("C") for c in kept)
    assert unicodedata.normalize("NFC", kept) == kept and kept.encode("utf-8")
    assert attachment_name(kept) == kept


def names(session) -> list[str]:
    return list(session.scalars(select(Attachment.filename).order_by(Attachment.id)))


def test_names_sent_through_the_api_are_stored_safe(client, session):
    sent = ["../../etc/passwd", "plan\r\nX-Injected: 1.pdf", "..\\.htaccess", "C:\\plan.pdf"]
    body = {**APPLICATION, "attachments": [
        {"filename": name, "content_base64": base64.b64encode(PDF).decode()} for name in sent]}
    response = client.post("/api/v1/applications", json=body)
    assert response.status_code == 201, response.get_json()
    assert names(session) == ["passwd.pdf", "plan X-Injected: 1.pdf", "htaccess.pdf", "plan.pdf"]


def test_names_with_nul_or_a_lone_surrogate_are_stored_safe(session):
    """The input check refuses these in a JSON body; the operation makes them safe all the same."""
    application = submit_application(APPLICATION, [("a\x00b.pdf", PDF), ("rapport\ud800.pdf", PDF)],
                                     received_on=date(2023, 6, 1), policy_year=2024)
    session.flush()
    assert names(session) == ["ab.pdf", "rapport.pdf"] and len(application.attachments) == 2


def test_names_uploaded_through_the_form_are_stored_safe(client, auth, session):
    data = {"csrf_token": auth.csrf("/aanvragen"), **APPLICATION, "address": "Hofstraat 12",
            "postcode": "8011 AB", "agb_start": "2023-03-01", "start_date": "01-01-2024",
            "step": "versturen",
            "attachments": [(BytesIO(PDF), name) for name in ("../../geheim.pdf", "a\x00b.pdf",
                                                              ".verborgen.pdf")]}
    response = client.post("/aanvragen", data=data, content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    assert names(session) == ["geheim.pdf", "ab.pdf", "verborgen.pdf"]


@pytest.fixture
def stored_badly(session):
    """An attachment whose name was stored as sent, before names were made safe."""
    application = submit_application(APPLICATION, [("plan.pdf", PDF)], received_on=date(2023, 6, 1),
                                     policy_year=2024)
    attachment = application.attachments[0]
    attachment.filename = "../plan\r\nSet-Cookie: sessie=gestolen\r\n\u00e9.pdf"
    session.commit()
    return attachment


def safe_disposition(response) -> str:
    disposition = response.headers["Content-Disposition"]
    assert response.status_code == 200 and response.data == PDF
    assert "\r" not in disposition and "\n" not in disposition and "../" not in disposition
    assert "Set-Cookie" not in response.headers
    return disposition


def test_a_name_stored_with_crlf_downloads_safely_for_a_manager(client, auth, session, make_user,
                                                               stored_badly):
    manager = make_user("contract_manager")
    session.commit()
    auth.login(manager)
    response = client.get(f"/beheer/aanvragen/{stored_badly.application_id}/bijlagen/{stored_badly.id}")
    disposition = safe_disposition(response)
    assert disposition.startswith("attachment;") and "filename*=UTF-8''plan%20Set-Cookie" in disposition


def test_a_name_stored_with_crlf_downloads_safely_through_the_api(client, session, make_user,
                                                                  stored_badly):
    manager = make_user("contract_manager")
    response = client.get(f"/api/v1/applications/{stored_badly.application_id}/attachments/"
                          f"{stored_badly.id}", headers=bearer(manager))
    assert safe_disposition(response).startswith("attachment;")
