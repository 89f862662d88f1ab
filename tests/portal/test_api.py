"""The JSON API: bearer tokens, who may call what, offers through their life cycle under the
same rules as the pages, applications, and an OpenAPI document that describes it all."""
from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.models import (ApiToken, Application, AuditEntry, Attachment, ConsentRequest,
                           IssueBatch, NegotiationRound, Notification, Offer, Product, Shortage)
from portal.operations import shortages
from portal.operations.applications import submit_application
from portal.operations.audit import Actor
from portal.operations.batches import request_batch
from portal.operations.consent import submit_request
from portal.operations.offers import issue_offer
from portal.operations.tokens import aware, expires_at, issue_token
from tests.support.statements import statements
from tests.support.tokens import bearer

API = "/api/v1"
MANAGER = Actor("manager@vgz.nl", "contract_manager")
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
ACTORS = ("anonymous", "provider_user", "provider_signatory", "contract_manager", "other_signatory",
          "adviseur")


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


def application_body(**changes) -> dict:
    body = {"organisation": "Apotheek De Nieuwe Hof", "agb": "12345678", "kvk": "87654321",
            "provider_type": "openbare_apotheek", "address": "Dorpsstraat 1",
            "postcode": "8011 AB", "city": "Zwolle", "agb_start": "2023-03-01",
            "contact_email": "info@nieuwehof.example", "contracts": ["farmaceutische_zorg"],
            "start_date": "2024-01-01",
            "motivations": {"bereikbaarheid": "Geen apotheek binnen tien kilometer"},
            "attachments": [{"filename": "ondernemingsplan.pdf", "content_base64": b64(PDF)}]}
    return {**body, **changes}


FINDINGS = {
    "effectievere_zorg": {"met": True, "motivation": "Medicatiebeoordeling aan huis"},
    "onderscheidend": {"met": False, "motivation": "Niet aangetoond"},
    "meer_keuze": {"met": False, "motivation": "Bestaansrecht niet onderbouwd"},
    "bereikbaarheid": {"met": True, "motivation": "Witte vlek in de regio"},
}


@pytest.fixture(autouse=True)
def quick_password_hashes(monkeypatch):
    """Scrypt costs a quarter of a second per user and a world has four: these tests are about
    tokens, not about hashing (any werkzeug hash method checks the same way)."""
    from werkzeug import security

    from portal.models import accounts

    monkeypatch.setattr(accounts, "generate_password_hash",
                        lambda password: security.generate_password_hash(password, "pbkdf2:sha256:1000"))


#: A consent request as portal.operations.consent takes it (dates as dates).
CONSENT = {"kind": "toestemming", "substance": "cholic acid", "zindex_number": "16273645",
           "gstandaard_status": "n", "indication": "Galzuursynthesestoornis",
           "insured_initials": "J.P.", "insured_birth_date": date(2012, 5, 14),
           "prescriber": "Dr. A. de Vries", "substantiation": "Geen alternatief.",
           "rational_pharmacotherapy": True, "prevalence_one_in": 1_000_000}


def consent_body(**changes) -> dict:
    """The same request as the API takes it (JSON, the prescription base64-encoded)."""
    body = {**CONSENT, "insured_birth_date": CONSENT["insured_birth_date"].isoformat(),
            "prescription": {"filename": "recept.pdf", "content_base64": b64(PDF)}}
    return {**body, **changes}


@dataclass
class World:
    mine: object
    theirs: object
    fresh: object
    users: dict
    offer: Offer
    their_offer: Offer
    application: Application
    batch: IssueBatch
    consent: ConsentRequest
    shortage: Shortage
    products: dict
    #: A token of the provider signatory's, for revoking (not the one a request is made with).
    spare_token: ApiToken

    def headers(self, actor: str) -> dict:
        return {} if actor == "anonymous" else bearer(self.users[actor])


@pytest.fixture
def world(session, make_provider, make_user) -> World:
    """Two organisations with an offer each, a third without one, staff of every role, a
    submitted application, a consent request of the first organisation and the demo product
    register with an open shortage (started before the simulated date, which stays START);
    committed, so an API request that rolls back keeps them."""
    mine, theirs, fresh = make_provider(), make_provider(), make_provider()
    users = {"provider_user": make_user("provider_user", mine),
             "provider_signatory": make_user("provider_signatory", mine),
             "contract_manager": make_user("contract_manager"),
             "other_signatory": make_user("provider_signatory", theirs),
             "adviseur": make_user("adviseur")}
    offer = issue_offer(mine, "farmaceutische_zorg", 2024, MANAGER)
    their_offer = issue_offer(theirs, "farmaceutische_zorg", 2024, MANAGER)
    application = submit_application(
        {**application_body(agb="23456789"), "agb_start": date(2023, 3, 1), "start_date": None},
        [("plan.pdf", PDF)], received_on=date(2023, 6, 1), policy_year=2024)
    batch = request_batch("spoedzorg_aanbod", MANAGER, policy_year=2024)
    consent = submit_request(CONSENT, ("recept.pdf", PDF),
                             Actor("apotheker@mine.example", "provider_signatory", mine.id))
    shortages.load_demo_products()
    products = {p.zindex: p for p in session.scalars(select(Product))}
    shortage = shortages.register_shortage(
        {"product_id": products["16030001"].id, "state": "tekort", "reported_by": "leverancier",
         "started_on": date(2023, 4, 24)}, MANAGER)
    spare_token, _secret = issue_token(users["provider_signatory"], "reserve")
    session.commit()
    return World(mine, theirs, fresh, users, offer, their_offer, application, batch, consent,
                 shortage, products, spare_token)


def count(session, model, *where) -> int:
    return session.scalar(select(func.count()).select_from(model).where(*where))


# Tokens ----------------------------------------------------------------------------------------

def test_a_token_is_issued_for_the_right_password_only(client, make_provider, make_user):
    user = make_user("provider_signatory", make_provider(), email="Signatory@Apotheek.example")
    response = client.post(f"{API}/tokens", json={"email": "signatory@apotheek.example",
                                                   "password": "geheim-wachtwoord", "days": 7})
    assert response.status_code == 201, response.get_json()
    issued = response.get_json()
    assert issued["token_type"] == "Bearer" and issued["days"] == 7
    me = client.get(f"{API}/me", headers={"Authorization": f"Bearer {issued['token']}"})
    assert me.status_code == 200 and me.get_json()["provider_id"] == user.provider_id
    wrong = client.post(f"{API}/tokens", json={"email": user.email, "password": "fout"})
    assert wrong.status_code == 401 and "token" not in wrong.get_json()
    too_long = client.post(f"{API}/tokens", json={"email": user.email,
                                                   "password": "geheim-wachtwoord", "days": 366})
    assert too_long.status_code == 422 and "days" in too_long.get_json()["errors"]["json"]


def test_staff_without_an_organisation_may_do_nothing(client, make_user):
    orphan = make_user("provider_signatory")
    response = client.get(f"{API}/offers", headers=bearer(orphan))
    assert response.status_code == 403 and response.get_json() is not None
    assert "organisation" in response.get_json()["message"]


def test_a_token_says_who_it_is_for(client, make_user):
    manager = make_user("contract_manager")
    response = client.post(f"{API}/tokens", json={"email": manager.email,
                                                   "password": "geheim-wachtwoord"})
    token = response.get_json()["token"]
    me = client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert (me["id"], me["email"], me["role"]) == (manager.id, manager.email, "contract_manager")
    # The token carries nothing of the user: it is random, and the portal looks its hash up.
    assert manager.email not in token and "." not in token


def test_a_token_expires_after_its_own_number_of_days(client, make_user, monkeypatch):
    from portal.operations import tokens

    manager = make_user("contract_manager")
    short, long = bearer(manager, days=1), bearer(manager, days=30)
    assert client.get(f"{API}/me", headers=short).status_code == 200
    two_days_later = tokens.now() + timedelta(days=2)
    monkeypatch.setattr(tokens, "now", lambda: two_days_later)
    expired = client.get(f"{API}/me", headers=short)
    assert expired.status_code == 401 and expired.get_json()["message"] == "token expired"
    assert "invalid_token" in expired.headers["WWW-Authenticate"]
    assert client.get(f"{API}/me", headers=long).status_code == 200


def test_an_inactive_user_is_refused(client, session, make_user):
    manager = make_user("contract_manager")
    headers = bearer(manager)
    manager.active = False
    session.commit()
    response = client.get(f"{API}/offers", headers=headers)
    assert response.status_code == 401 and response.get_json()["message"] == "account inactive"


@pytest.mark.parametrize("authorization", [
    None, "", "Bearer", "Bearer ", "Basic dXNlcjpwdw==", "Bearer niet-een-token",
    "altered", "unknown", "old-style", "hash"])
def test_without_a_valid_token_it_is_401_in_json(client, app, make_user, authorization):
    from itsdangerous import URLSafeTimedSerializer

    from portal.operations.tokens import secret_hash

    manager = make_user("contract_manager")
    real = bearer(manager)["Authorization"]
    if authorization == "altered":  # a real token with one character changed
        authorization = real[:-1] + ("A" if real[-1] != "A" else "B")
    elif authorization == "unknown":  # well-formed, never issued
        authorization = "Bearer zk_" + "A" * 43
    elif authorization == "old-style":  # what tokens were: a signed user id and password stamp
        payload = {"uid": manager.id, "stamp": manager.password_hash[-16:], "days": 30}
        authorization = "Bearer " + URLSafeTimedSerializer(app.secret_key,
                                                           salt="api-token").dumps(payload)
    elif authorization == "hash":  # what the database holds is no key
        authorization = "Bearer " + secret_hash(real.removeprefix("Bearer "))
    headers = {} if authorization is None else {"Authorization": authorization}
    response = client.get(f"{API}/offers", headers=headers)
    assert response.status_code == 401
    assert response.is_json and response.get_json()["code"] == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_the_session_cookie_is_not_a_credential(client, auth, make_user):
    manager = make_user("contract_manager")
    assert auth.login(manager).status_code == 302  # logged in to the pages
    assert client.get("/beheer/").status_code == 200
    response = client.get(f"{API}/offers")
    assert response.status_code == 401
    # Nor for a change: without a token it is 401, not a CSRF refusal that a token would lift.
    offer = client.post(f"{API}/offers", json={"provider_id": 1, "contract": "spoedzorg",
                                                "policy_year": 2024})
    assert offer.status_code == 401
    assert "Set-Cookie" not in client.get(f"{API}/offers", headers=bearer(manager)).headers


def test_the_token_endpoint_is_rate_limited(client, make_user):
    manager = make_user("contract_manager")
    statuses = [client.post(f"{API}/tokens", json={"email": manager.email, "password": "fout"}
                            ).status_code for _ in range(12)]
    assert statuses[0] == 401 and 429 in statuses


def test_the_cli_prints_a_working_token(app, client, session, make_user):
    from portal.cli.api import api

    manager = make_user("contract_manager")
    runner = app.test_cli_runner()
    result = runner.invoke(api, ["token", "--email", manager.email.upper(), "--days", "2"])
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    (issued,) = session.scalars(select(ApiToken).where(ApiToken.user_id == manager.id))
    assert expires_at(issued) - aware(issued.created_at) == timedelta(days=2)
    assert client.get(f"{API}/me", headers={"Authorization": f"Bearer {token}"}).get_json()[
        "email"] == manager.email
    unknown = runner.invoke(api, ["token", "--email", "niemand@example.org"])
    assert unknown.exit_code == 2 and "--email" in unknown.output
    too_long = runner.invoke(api, ["token", "--email", manager.email, "--days", "366"])
    assert too_long.exit_code == 2


# Who may call what -----------------------------------------------------------------------------

def _assessment(world):
    return {"granted": True, "motivation": "Lost een bereikbaarheidsprobleem op", "findings": FINDINGS}


DECIDE = {"policy_year": 2024, "provider_type": "openbare_apotheek",
          "contract": "farmaceutische_zorg", "relation": "aflopend"}

#: (method, path, body, expected status per actor in ACTORS order: anonymous, provider_user,
#: provider_signatory, contract_manager, other_signatory, adviseur). The advisor is the insurer's
#: but no manager and of no organisation: any token's endpoints answer it as they answer staff of
#: an organisation that owns nothing (empty lists, 404 for a record), managers' endpoints 403.
MATRIX = {
    "me": ("GET", "/me", None, (401, 200, 200, 200, 200, 200)),
    # Tokens: everyone lists their own; a token is revoked by its owner only (admins aside).
    "tokens": ("GET", "/tokens", None, (401, 200, 200, 200, 200, 200)),
    "revoke token": ("DELETE", "/tokens/{w.spare_token.id}", None, (401, 404, 204, 404, 404, 404)),
    "providers": ("GET", "/providers", None, (401, 200, 200, 200, 200, 200)),
    "provider": ("GET", "/providers/{w.mine.id}", None, (401, 200, 200, 200, 404, 404)),
    "offers": ("GET", "/offers", None, (401, 200, 200, 200, 200, 200)),
    "offer": ("GET", "/offers/{w.offer.id}", None, (401, 200, 200, 200, 404, 404)),
    "document": ("GET", "/offers/{w.offer.id}/document", None, (401, 200, 200, 200, 404, 404)),
    "accept": ("POST", "/offers/{w.offer.id}/transitions",
               lambda w: {"action": "accept", "expected_version": w.offer.version},
               (401, 403, 200, 403, 404, 404)),
    "withdraw": ("POST", "/offers/{w.offer.id}/transitions",
                 lambda w: {"action": "withdraw", "reason": "fout in tarief"},
                 (401, 403, 403, 200, 404, 404)),
    "issue": ("POST", "/offers",
              lambda w: {"provider_id": w.fresh.id, "contract": "farmaceutische_zorg",
                         "policy_year": 2024},
              (401, 403, 403, 201, 403, 403)),
    "apply": ("POST", "/applications", lambda w: application_body(), (201, 201, 201, 201, 201, 201)),
    "preview": ("GET", "/applications/preview?provider_type=openbare_apotheek"
                       "&contracts=farmaceutische_zorg", None, (200, 200, 200, 200, 200, 200)),
    "applications": ("GET", "/applications", None, (401, 403, 403, 200, 403, 403)),
    "application": ("GET", "/applications/{w.application.id}", None, (401, 403, 403, 200, 403, 403)),
    "assessment": ("POST", "/applications/{w.application.id}/assessment", _assessment,
                   (401, 403, 403, 200, 403, 403)),
    "attachment": ("GET", "/applications/{w.application.id}/attachments/"
                          "{w.application.attachments[0].id}", None, (401, 403, 403, 200, 403, 403)),
    "plan": ("GET", "/batches/plan?milestone=fz_aflopend_aanbod", None,
             (401, 403, 403, 200, 403, 403)),
    "batches": ("GET", "/batches", None, (401, 403, 403, 200, 403, 403)),
    "request batch": ("POST", "/batches", lambda w: {"milestone": "fz_aflopend_aanbod"},
                      (401, 403, 403, 202, 403, 403)),
    "batch": ("GET", "/batches/{w.batch.id}", None, (401, 403, 403, 200, 403, 403)),
    "decide": ("POST", "/policy/decide", lambda w: DECIDE, (200, 200, 200, 200, 200, 200)),
    "calendar": ("GET", "/calendar/2023", None, (200, 200, 200, 200, 200, 200)),
    # Checks for pharmacies: provider staff only (README "Checks for pharmacies").
    "import claim": ("POST", "/checks/import-claim", lambda w: {"in_g_standaard": False},
                     (401, 200, 200, 403, 200, 403)),
    "entitlement": ("POST", "/checks/entitlement",
                    lambda w: {"group": [{"name": "A", "aip": 2.5, "preferred": True,
                                          "available": True},
                                         {"name": "B", "aip": 2.0}]},
                    (401, 200, 200, 403, 200, 403)),
    "dispensing period": ("POST", "/checks/dispensing-period",
                          lambda w: {"chronic": True, "months_in_use": 6, "well_adjusted": True},
                          (401, 200, 200, 403, 200, 403)),
    "contribution": ("GET", "/checks/personal-contribution?year=2025&insured_from=2025-06-15",
                     None, (401, 200, 200, 403, 200, 403)),
    "contribution per dispensing": ("POST", "/checks/contribution",
                                    lambda w: {"dispensing_date": "2025-07-01", "age": 40},
                                    (401, 200, 200, 403, 200, 403)),
    "appendix 2": ("POST", "/checks/appendix-2",
                   lambda w: {"medicine": "pneumokokkenvaccin", "prescriber": "huisarts"},
                   (401, 200, 200, 403, 200, 403)),
    "consent categories": ("GET", "/checks/prior-consent", None, (401, 200, 200, 403, 200, 403)),
    "prior consent": ("POST", "/checks/prior-consent",
                      lambda w: {"category": "nieuw_in_bijlage_2", "doctors_note_procedure": True},
                      (401, 200, 200, 403, 200, 403)),
    # Consent requests: pharmacy staff their own organisation's, advisors (and admins) every one
    # and only they take and decide; contract managers none (README "The advisor role").
    "consent requests": ("GET", "/consent-requests", None, (401, 200, 200, 403, 200, 200)),
    "submit consent": ("POST", "/consent-requests", lambda w: consent_body(),
                       (401, 201, 201, 403, 201, 403)),
    "consent request": ("GET", "/consent-requests/{w.consent.id}", None,
                        (401, 200, 200, 403, 404, 200)),
    "prescription": ("GET", "/consent-requests/{w.consent.id}/prescription", None,
                     (401, 200, 200, 403, 404, 200)),
    "withdraw consent": ("POST", "/consent-requests/{w.consent.id}/withdrawal",
                         lambda w: {"reason": "niet meer nodig", "version": w.consent.version},
                         (401, 200, 200, 403, 404, 403)),
    "take consent": ("POST", "/consent-requests/{w.consent.id}/handling",
                     lambda w: {"version": w.consent.version}, (401, 403, 403, 403, 403, 200)),
    "decide consent": ("POST", "/consent-requests/{w.consent.id}/decision",
                       lambda w: {"granted": False, "reason": "Alternatief beschikbaar",
                                  "version": w.consent.version},
                       (401, 403, 403, 403, 403, 200)),
    # Shortages: any token reads; contract managers (and admins) register, change and end.
    "shortages": ("GET", "/shortages", None, (401, 200, 200, 200, 200, 200)),
    "register shortage": ("POST", "/shortages",
                          lambda w: {"product_id": w.products["16010001"].id, "state": "tekort",
                                     "reported_by": "groothandel", "started_on": "2023-04-28"},
                          (401, 403, 403, 201, 403, 403)),
    "shortage": ("GET", "/shortages/{w.shortage.id}", None, (401, 200, 200, 200, 200, 200)),
    "change shortage": ("POST", "/shortages/{w.shortage.id}/versions",
                        lambda w: {"expected_end": "2023-06-30",
                                   "version": w.shortage.current_version},
                        (401, 403, 403, 201, 403, 403)),
    "end shortage": ("POST", "/shortages/{w.shortage.id}/end",
                     lambda w: {"reported_by": "leverancier", "version": w.shortage.current_version},
                     (401, 403, 403, 201, 403, 403)),
    "definitions": ("GET", "/shortage-definitions", None, (401, 200, 200, 200, 200, 200)),
    "products": ("GET", "/products?date=2023-05-01", None, (401, 200, 200, 200, 200, 200)),
    "preference file": ("GET", "/preference-file?week=2023-W18", None,
                        (401, 200, 200, 200, 200, 200)),
    "shortage entitlement": ("POST", "/shortages/entitlement",
                             lambda w: {"group": "H03AA01 50 mcg tablet"},
                             (401, 200, 200, 200, 200, 200)),
    # The pharmacy's checks during a shortage: pharmacy staff, like the other checks.
    "shortage import check": ("POST", "/shortages/import-check",
                              lambda w: {"shortage": True, "ground": "cbg_vergunning",
                                         "rational_pharmacotherapy": True,
                                         "not_available_in_nl": True, "available_in_eu": True},
                              (401, 200, 200, 403, 200, 403)),
    "substitution check": ("POST", "/shortages/substitution", lambda w: {"shortage": False},
                           (401, 200, 200, 403, 200, 403)),
}


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("endpoint", MATRIX)
def test_access_matrix(client, world, endpoint, actor):
    method, path, body, expected = MATRIX[endpoint]
    status = expected[ACTORS.index(actor)]
    url = API + path.format(w=world)
    kwargs = {"headers": world.headers(actor)}
    if body is not None:
        kwargs["json"] = body(world)
    response = client.open(url, method=method, **kwargs)
    assert response.status_code == status, (endpoint, actor, response.status_code,
                                           response.get_data()[:300])
    if status >= 400:
        assert response.is_json and response.get_json()["code"] == status


def test_every_api_operation_is_in_the_matrix(app):
    """A new endpoint cannot slip in without its row of expected statuses."""
    covered = {(method, API + path.split("?")[0]) for method, path, _b, _e in MATRIX.values()}
    rules = {(method, rule.rule) for rule in app.url_map.iter_rules()
             if rule.rule.startswith(API) and not rule.rule.endswith("openapi.json")
             for method in rule.methods - {"HEAD", "OPTIONS"}}
    normalised = {(m, p.replace("{w.mine.id}", "<int:provider_id>")
                   .replace("{w.spare_token.id}", "<int:token_id>")
                   .replace("{w.offer.id}", "<int:offer_id>")
                   .replace("{w.application.id}", "<int:application_id>")
                   .replace("{w.application.attachments[0].id}", "<int:attachment_id>")
                   .replace("{w.batch.id}", "<int:batch_id>")
                   .replace("{w.consent.id}", "<int:request_id>")
                   .replace("{w.shortage.id}", "<int:shortage_id>")
                   .replace("/calendar/2023", "/calendar/<int:year>")) for m, p in covered}
    assert rules - normalised == {("POST", f"{API}/tokens")}  # rate-limited: tested on its own


# A provider sees its own records only ----------------------------------------------------------

def test_a_provider_never_sees_another_organisations_offer(client, session, world):
    mine = client.get(f"{API}/offers", headers=world.headers("provider_signatory")).get_json()
    theirs = client.get(f"{API}/offers", headers=world.headers("other_signatory")).get_json()
    assert [o["id"] for o in mine] == [world.offer.id]
    assert [o["id"] for o in theirs] == [world.their_offer.id]
    foreign = world.headers("other_signatory")
    assert client.get(f"{API}/offers/{world.offer.id}", headers=foreign).status_code == 404
    # The same answer as for an offer that does not exist: nothing tells them it is there.
    missing = client.get(f"{API}/offers/999999", headers=foreign).get_json()
    hidden = client.get(f"{API}/offers/{world.offer.id}", headers=foreign).get_json()
    assert hidden.keys() == missing.keys() and hidden["code"] == missing["code"] == 404
    assert client.get(f"{API}/offers/{world.offer.id}/document", headers=foreign).status_code == 404
    response = client.post(f"{API}/offers/{world.offer.id}/transitions", headers=foreign,
                           json={"action": "decline", "reason": "niet van ons"})
    assert response.status_code == 404
    session.expire_all()
    assert session.get(Offer, world.offer.id).status == "aangeboden"
    managers = client.get(f"{API}/offers", headers=world.headers("contract_manager")).get_json()
    assert {o["id"] for o in managers} == {world.offer.id, world.their_offer.id}


def test_provider_staff_see_their_own_organisation_only(client, world):
    listed = client.get(f"{API}/providers", headers=world.headers("provider_user")).get_json()
    assert [p["id"] for p in listed] == [world.mine.id]
    searched = client.get(f"{API}/providers?q=Utrecht", headers=world.headers("provider_user"))
    assert [p["id"] for p in searched.get_json()] == [world.mine.id]
    assert client.get(f"{API}/providers/{world.theirs.id}",
                      headers=world.headers("provider_user")).status_code == 404


def test_managers_search_filter_and_page_the_register(client, world, make_provider):
    make_provider(name="Dienstapotheek Arnhem", city="Arnhem", provider_type="zuivere_dienstapotheek")
    manager = world.headers("contract_manager")
    by_city = client.get(f"{API}/providers?q=arnhem", headers=manager).get_json()
    assert [p["name"] for p in by_city] == ["Dienstapotheek Arnhem"]
    by_agb = client.get(f"{API}/providers?q={world.theirs.agb}", headers=manager).get_json()
    assert [p["id"] for p in by_agb] == [world.theirs.id]
    by_type = client.get(f"{API}/providers?type=zuivere_dienstapotheek", headers=manager).get_json()
    assert [p["city"] for p in by_type] == ["Arnhem"]
    assert client.get(f"{API}/providers?q=%25", headers=manager).get_json() == []  # % is literal
    page = client.get(f"{API}/providers?page=2&page_size=3", headers=manager)
    assert json.loads(page.headers["X-Pagination"])["total"] == 4 and len(page.get_json()) == 1
    bad = client.get(f"{API}/providers?type=apotheek", headers=manager)
    assert bad.status_code == 422 and "type" in bad.get_json()["errors"]["query"]
    detail = client.get(f"{API}/providers/{world.mine.id}", headers=manager).get_json()
    assert detail["contracts"] == [{"contract": "farmaceutische_zorg", "start": "2022-01-01",
                                    "end": "2023-12-31"}]


def test_the_offer_list_filters_and_its_query_count_does_not_grow(client, app, world, make_provider,
                                                                  pages_made_anew):
    manager = world.headers("contract_manager")

    def queries() -> int:
        with statements() as seen:
            assert client.get(f"{API}/offers?page_size=100", headers=manager).status_code == 200
        return len(seen)

    queries()  # both counted requests follow one (tests.support.statements)
    few = queries()
    for _ in range(4):
        issue_offer(make_provider(), "farmaceutische_zorg", 2024, MANAGER)
    assert queries() == few
    client.post(f"{API}/offers/{world.offer.id}/transitions", headers=world.headers("provider_signatory"),
                json={"action": "accept"})
    accepted = client.get(f"{API}/offers?status=geaccepteerd", headers=manager).get_json()
    assert [o["id"] for o in accepted] == [world.offer.id]
    assert client.get(f"{API}/offers?contract=spoedzorg", headers=manager).get_json() == []
    assert len(client.get(f"{API}/offers?policy_year=2024", headers=manager).get_json()) == 6
    bad = client.get(f"{API}/offers?status=open", headers=manager)
    assert bad.status_code == 422 and "status" in bad.get_json()["errors"]["query"]


# Offers through their life cycle ---------------------------------------------------------------

def test_an_offer_shows_its_rounds_and_the_callers_actions(client, world):
    def actions(actor):
        answer = client.get(f"{API}/offers/{world.offer.id}", headers=world.headers(actor))
        return answer.get_json()["actions"]

    assert actions("provider_signatory") == ["accept", "decline"]
    assert actions("provider_user") == []  # a non-negotiable offer: nothing to negotiate
    assert actions("contract_manager") == ["expire", "withdraw", "record"]
    offer = client.get(f"{API}/offers/{world.offer.id}", headers=world.headers("provider_user")).get_json()
    assert offer["provider"]["agb"] == world.mine.agb and offer["rounds"] == []
    # the acceptance deadline of the policy data, in ISO form, after the day of issue
    from datetime import date
    assert date.fromisoformat(offer["deadline"]) > date.fromisoformat(offer["issued_at"][:10])
    assert offer["issued_at"].endswith("+00:00")
    assert offer["document"]["filename"].endswith(".docx")


def test_the_signatory_accepts_once(client, session, world):
    url = f"{API}/offers/{world.offer.id}/transitions"
    headers = world.headers("provider_signatory")
    response = client.post(url, headers=headers, json={"action": "accept",
                                                        "expected_version": world.offer.version})
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert body["status"] == "geaccepteerd" and body["actions"] == []
    assert body["answered_by"] == world.users["provider_signatory"].email
    session.expire_all()
    assert session.get(Offer, world.offer.id).status == "geaccepteerd"  # committed
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity_id == world.offer.id,
                                                     AuditEntry.action == "accept")).one()
    assert (entry.actor, entry.from_state, entry.to_state) == (
        world.users["provider_signatory"].email, "aangeboden", "geaccepteerd")
    again = client.post(url, headers=headers, json={"action": "accept"})
    assert again.status_code == 409
    assert "geaccepteerd" in again.get_json()["errors"]["json"]["status"][0]


def test_a_provider_user_may_not_accept(client, session, world):
    response = client.post(f"{API}/offers/{world.offer.id}/transitions",
                           headers=world.headers("provider_user"), json={"action": "accept"})
    assert response.status_code == 403
    assert "provider_user may not accepteren" in response.get_json()["errors"]["json"]["role"][0]
    session.expire_all()
    assert session.get(Offer, world.offer.id).status == "aangeboden"


def test_a_stale_expected_version_is_a_conflict(client, session, world):
    seen = world.offer.version
    url = f"{API}/offers/{world.offer.id}/transitions"
    first = client.post(url, headers=world.headers("contract_manager"),
                        json={"action": "withdraw", "reason": "fout in tarief", "expected_version": seen})
    assert first.status_code == 200 and first.get_json()["version"] == seen + 1
    stale = client.post(url, headers=world.headers("contract_manager"),
                        json={"action": "issue", "expected_version": seen})
    assert stale.status_code == 409 and "version" in stale.get_json()["errors"]["json"]
    session.expire_all()
    assert session.get(Offer, world.offer.id).status == "ingetrokken"


@pytest.mark.parametrize("body, field", [
    ({"action": "decline"}, "reason"),                                   # the life cycle's rule
    ({"action": "decline", "reason": "   "}, "reason"),
    ({"action": "sign"}, "action"),                                      # the schema's
    ({}, "action"),
    ({"action": "accept", "expected_version": "twee"}, "expected_version"),
    ({"action": "accept", "changes": [{"code": "X", "amount": "1"}]}, "changes"),
    ({"action": "accept", "colour": "red"}, "colour"),
])
def test_a_bad_transition_request_is_422_naming_the_field(client, session, world, body, field):
    response = client.post(f"{API}/offers/{world.offer.id}/transitions",
                           headers=world.headers("provider_signatory"), json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    session.expire_all()
    assert session.get(Offer, world.offer.id).status == "aangeboden"
    assert count(session, AuditEntry, AuditEntry.entity == "offer",
                 AuditEntry.entity_id == world.offer.id) == 2  # create, issue


def test_a_negotiation_through_the_api(client, session, make_provider, make_user):
    provider = make_provider(provider_type="internetapotheek_voorkeur")
    user, signatory = make_user("provider_user", provider), make_user("provider_signatory", provider)
    manager = make_user("contract_manager")
    offer = issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER)
    session.commit()
    url = f"{API}/offers/{offer.id}/transitions"
    counter = client.post(url, headers=bearer(user), json={
        "action": "counter", "reason": "Tarief per regel 7,60",
        "changes": [{"code": "VGZ-T01", "amount": "7.6", "note": "regeltarief"}]})
    assert counter.status_code == 200, counter.get_json()
    assert counter.get_json()["status"] == "tegenvoorstel"
    bad_amount = client.post(url, headers=bearer(manager), json={
        "action": "respond", "reason": "x", "changes": [{"code": "VGZ-T01", "amount": "-1"}]})
    assert bad_amount.status_code == 422 and "changes" in bad_amount.get_json()["errors"]["json"]
    by_provider = client.post(url, headers=bearer(user), json={"action": "respond", "reason": "ja"})
    assert by_provider.status_code == 403 and "role" in by_provider.get_json()["errors"]["json"]
    respond = client.post(url, headers=bearer(manager),
                          json={"action": "respond", "reason": "Wij bieden 7,50"})
    assert respond.get_json()["status"] == "in_onderhandeling"
    assert respond.get_json()["actions"] == ["agree", "expire", "withdraw"]
    client.post(url, headers=bearer(user), json={"action": "counter", "reason": "Akkoord met 7,50"})
    final = client.post(url, headers=bearer(manager), json={"action": "agree", "reason": "Overeenstemming"})
    assert (final.get_json()["status"], final.get_json()["negotiable"]) == ("aangeboden", False)
    rounds = final.get_json()["rounds"]
    assert [(r["number"], r["party"]) for r in rounds] == [
        (1, "zorgaanbieder"), (2, "vgz"), (3, "zorgaanbieder"), (4, "vgz")]
    assert rounds[0]["changes"] == [{"code": "VGZ-T01", "amount": "7.60", "note": "regeltarief"}]
    assert client.post(url, headers=bearer(signatory), json={"action": "accept"}).status_code == 200
    assert count(session, NegotiationRound, NegotiationRound.offer_id == offer.id) == 4


def test_a_non_negotiable_offer_cannot_be_countered(client, session, world):
    response = client.post(f"{API}/offers/{world.offer.id}/transitions",
                           headers=world.headers("provider_user"),
                           json={"action": "counter", "reason": "te laag"})
    assert response.status_code == 409 and "negotiable" in response.get_json()["errors"]["json"]
    assert count(session, NegotiationRound) == 0


def test_managers_issue_offers_once_and_exclusions_need_a_reason(client, session, world, make_provider):
    manager = world.headers("contract_manager")
    body = {"provider_id": world.fresh.id, "contract": "farmaceutische_zorg", "policy_year": 2024,
            "deadline": "2023-10-15"}
    first = client.post(f"{API}/offers", headers=manager, json=body)
    assert first.status_code == 201, first.get_json()
    assert (first.get_json()["status"], first.get_json()["deadline"]) == ("aangeboden", "2023-10-15")
    again = client.post(f"{API}/offers", headers=manager, json=body)
    assert again.status_code == 200 and again.get_json()["id"] == first.get_json()["id"]
    excluded = make_provider(riz_contra_indication=True)
    session.commit()
    refused = client.post(f"{API}/offers", headers=manager, json={**body, "provider_id": excluded.id})
    assert refused.status_code == 422 and "contract" in refused.get_json()["errors"]["json"]
    assert count(session, Offer, Offer.provider_id == excluded.id) == 0
    overridden = client.post(f"{API}/offers", headers=manager, json={
        **body, "provider_id": excluded.id, "override_reason": "RIZ-melding onderzocht en weerlegd"})
    assert overridden.status_code == 201
    unknown = client.post(f"{API}/offers", headers=manager, json={**body, "provider_id": 999999})
    assert unknown.status_code == 422 and "provider_id" in unknown.get_json()["errors"]["json"]
    wrong = client.post(f"{API}/offers", headers=manager, json={**body, "contract": "zorg"})
    assert wrong.status_code == 422 and "contract" in wrong.get_json()["errors"]["json"]


def test_the_document_is_the_stored_docx(client, session, world):
    response = client.get(f"{API}/offers/{world.offer.id}/document", headers=world.headers("provider_user"))
    assert response.status_code == 200 and response.mimetype == DOCX
    content = response.get_data()
    assert content.startswith(b"PK")  # a Word document is a ZIP
    document = world.offer.document
    assert hashlib.sha256(content).hexdigest() == document.sha256
    assert response.headers["ETag"].strip('"') == document.sha256
    assert "attachment" in response.headers["Content-Disposition"]
    assert document.filename in response.headers["Content-Disposition"]


# Applications ----------------------------------------------------------------------------------

def test_an_application_is_received_with_its_attachment(client, session):
    response = client.post(f"{API}/applications", json=application_body())
    assert response.status_code == 201, response.get_json()
    receipt = response.get_json()
    assert (receipt["status"], receipt["received_on"], receipt["answer_due"]) == (
        "ontvangen", "2023-05-01", "2023-06-01")  # the simulated date, and one month to answer
    application = session.get(Application, receipt["id"])
    assert application.agb_start == date(2023, 3, 1) and application.start_date == date(2024, 1, 1)
    assert [(a.filename, a.content) for a in application.attachments] == [("ondernemingsplan.pdf", PDF)]


@pytest.mark.parametrize("changes, field", [
    ({"agb": "1234"}, "agb"),
    ({"agb": "1234567a"}, "agb"),
    ({"kvk": ""}, "kvk"),
    ({"provider_type": "drogist"}, "provider_type"),
    ({"contracts": []}, "contracts"),
    ({"contracts": ["zorg"]}, "contracts"),
    ({"provider_type": "facilitair_bedrijf", "contracts": ["dieetpreparaten"]}, "contracts"),
    ({"contact_email": "geen-adres"}, "contact_email"),
    ({"agb_start": "01-03-2023"}, "agb_start"),
    ({"organisation": "  "}, "organisation"),
    ({"attachments": [{"filename": "plan.pdf", "content_base64": "niet base64!"}]}, "attachments"),
    ({"attachments": [{"filename": "plan.pdf", "content_base64": b64(b"MZ not a pdf")}]}, "attachments"),
])
def test_a_bad_application_is_422_naming_the_field_and_nothing_is_stored(client, session, changes, field):
    response = client.post(f"{API}/applications", json=application_body(**changes))
    assert response.status_code == 422, response.get_json()
    assert field in response.get_json()["errors"]["json"]
    assert count(session, Application) == 0
    assert count(session, Attachment) == 0 and count(session, Notification) == 0


def test_a_bad_agb_is_named_and_nothing_is_stored(client, session):
    response = client.post(f"{API}/applications", json=application_body(agb="1234567"))
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"json": {"agb": ["an AGB code has 8 digits"]}}
    assert count(session, Application) == 0 and count(session, AuditEntry) == 0


def test_the_preview_tells_what_one_can_apply_for(client):
    response = client.get(f"{API}/applications/preview?provider_type=openbare_apotheek"
                          "&contracts=farmaceutische_zorg,dieetpreparaten&agb_start=2023-03-01")
    assert response.status_code == 200
    lines = {line["contract"]: line for line in response.get_json()}
    assert lines["farmaceutische_zorg"]["eligible"] is True
    assert [c["id"] for c in lines["farmaceutische_zorg"]["criteria"]] == [
        "effectievere_zorg", "onderscheidend", "meer_keuze", "bereikbaarheid"]
    assert lines["farmaceutische_zorg"]["decision"]["route"] == "aanvraag"
    facility = client.get(f"{API}/applications/preview?provider_type=facilitair_bedrijf"
                          "&contracts=dieetpreparaten&agb_start=2020-01-01").get_json()
    assert facility[0]["eligible"] is False  # an AGB code from before 2024
    bad = client.get(f"{API}/applications/preview?provider_type=drogist&contracts=zorg")
    assert bad.status_code == 422
    assert {"provider_type", "contracts"} <= set(bad.get_json()["errors"]["query"])


def test_a_manager_assesses_an_application_once(client, session, world):
    manager = world.headers("contract_manager")
    url = f"{API}/applications/{world.application.id}"
    detail = client.get(url, headers=manager).get_json()
    assert [c["id"] for c in detail["criteria"]] == list(FINDINGS)
    assert detail["attachments"][0]["filename"] == "plan.pdf" and detail["status"] == "ontvangen"
    incomplete = client.post(f"{url}/assessment", headers=manager, json={
        "granted": True, "motivation": "Goed plan",
        "findings": {"bereikbaarheid": FINDINGS["bereikbaarheid"]}})
    assert incomplete.status_code == 422
    assert "effectievere_zorg" in incomplete.get_json()["errors"]["json"]["findings"]
    session.expire_all()
    assert session.get(Application, world.application.id).status == "ontvangen"
    granted = client.post(f"{url}/assessment", headers=manager, json=_assessment(world))
    assert granted.status_code == 200, granted.get_json()
    answer = granted.get_json()
    assert (answer["status"], answer["answered_on"]) == ("toegekend", "2023-05-01")
    assert answer["provider_id"] is not None  # a grant registers the provider
    again = client.post(f"{url}/assessment", headers=manager, json=_assessment(world))
    assert again.status_code == 409 and "status" in again.get_json()["errors"]["json"]
    assert client.post(f"{API}/applications/999999/assessment", headers=manager,
                       json=_assessment(world)).status_code == 404


def test_managers_list_applications_by_status(client, world):
    manager = world.headers("contract_manager")
    received = client.get(f"{API}/applications?status=ontvangen", headers=manager)
    assert [a["id"] for a in received.get_json()] == [world.application.id]
    assert json.loads(received.headers["X-Pagination"])["total"] == 1
    assert client.get(f"{API}/applications?status=afgewezen", headers=manager).get_json() == []
    attachment = world.application.attachments[0]
    pdf = client.get(f"{API}/applications/{world.application.id}/attachments/{attachment.id}",
                     headers=manager)
    assert pdf.mimetype == "application/pdf" and pdf.get_data() == PDF
    assert client.get(f"{API}/applications/{world.application.id}/attachments/999999",
                      headers=manager).status_code == 404


# Bulk issue -------------------------------------------------------------------------------------

def test_a_milestone_is_planned_and_requested_once(client, session, world):
    manager = world.headers("contract_manager")
    proposal = client.get(f"{API}/batches/plan?milestone=fz_aflopend_aanbod", headers=manager)
    assert proposal.status_code == 200, proposal.get_json()
    body = proposal.get_json()
    assert [line["provider"]["id"] for line in body["offers"]] == [world.fresh.id]
    assert body["existing"] == 2 and body["excluded"] == []
    assert body["offers"][0]["rule"] == "fz_aflopend_apotheken"
    first = client.post(f"{API}/batches", headers=manager, json={"milestone": "fz_aflopend_aanbod"})
    assert first.status_code == 202 and first.get_json()["status"] == "wachtend"
    again = client.post(f"{API}/batches", headers=manager, json={"milestone": "fz_aflopend_aanbod"})
    assert again.get_json()["id"] == first.get_json()["id"]
    assert count(session, IssueBatch) == 2  # this one and the world's
    assert count(session, Offer) == 2  # a request issues nothing: the worker does
    listed = client.get(f"{API}/batches", headers=manager).get_json()
    assert [b["milestone"] for b in listed] == ["fz_aflopend_aanbod", "spoedzorg_aanbod"]
    unknown = client.post(f"{API}/batches", headers=manager, json={"milestone": "oogst"})
    assert unknown.status_code == 422 and "milestone" in unknown.get_json()["errors"]["json"]
    assert count(session, IssueBatch) == 2
    bad_plan = client.get(f"{API}/batches/plan?milestone=oogst", headers=manager)
    assert bad_plan.status_code == 422 and "milestone" in bad_plan.get_json()["errors"]["query"]
    assert client.get(f"{API}/batches/999999", headers=manager).status_code == 404


# The OpenAPI document and the rest of the portal -----------------------------------------------

PATHS = ["/tokens", "/tokens/{token_id}", "/me", "/providers", "/providers/{provider_id}", "/offers",
         "/offers/{offer_id}", "/offers/{offer_id}/transitions", "/offers/{offer_id}/document",
         "/applications",
         "/applications/preview", "/applications/{application_id}",
         "/applications/{application_id}/assessment",
         "/applications/{application_id}/attachments/{attachment_id}",
         "/batches", "/batches/plan", "/batches/{batch_id}", "/policy/decide", "/calendar/{year}",
         "/checks/import-claim", "/checks/entitlement", "/checks/dispensing-period",
         "/checks/personal-contribution", "/checks/prior-consent", "/checks/contribution",
         "/checks/appendix-2",
         "/consent-requests", "/consent-requests/{request_id}",
         "/consent-requests/{request_id}/prescription", "/consent-requests/{request_id}/handling",
         "/consent-requests/{request_id}/decision", "/consent-requests/{request_id}/withdrawal",
         "/shortages", "/shortages/{shortage_id}", "/shortages/{shortage_id}/versions",
         "/shortages/{shortage_id}/end", "/shortages/entitlement", "/shortage-definitions",
         "/shortages/import-check", "/shortages/substitution",
         "/products", "/preference-file"]
PUBLIC = {("post", "/tokens"), ("post", "/applications"), ("get", "/applications/preview"),
          ("post", "/policy/decide"), ("get", "/calendar/{year}")}


def test_the_openapi_document_lists_every_path_and_the_bearer_scheme(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    spec = json.loads(response.get_data(as_text=True))
    assert spec["openapi"].startswith("3.")
    assert sorted(spec["paths"]) == sorted(API + p for p in PATHS)
    scheme = spec["components"]["securitySchemes"]["bearerAuth"]
    assert (scheme["type"], scheme["scheme"]) == ("http", "bearer") and scheme["description"]
    for path in PATHS:
        for method, operation in spec["paths"][API + path].items():
            if method == "parameters":
                continue
            if (method, path) in PUBLIC:
                assert "security" not in operation, (method, path)
            else:
                assert operation["security"] == [{"bearerAuth": []}], (method, path)
                assert "401" in operation["responses"], (method, path)
    transitions = spec["paths"][f"{API}/offers/{{offer_id}}/transitions"]["post"]
    assert {"200", "403", "404", "409", "422"} <= set(transitions["responses"])
    body = transitions["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = spec["components"]["schemas"][body.rsplit("/", 1)[1]]
    assert {"action", "reason", "expected_version", "changes"} <= set(schema["properties"])
    document = spec["paths"][f"{API}/offers/{{offer_id}}/document"]["get"]["responses"]["200"]
    assert DOCX in document["content"]
    submit = spec["paths"][f"{API}/applications"]["post"]
    assert {"201", "422"} <= set(submit["responses"])


def test_api_errors_are_json_and_page_errors_are_not(client):
    missing = client.get(f"{API}/nothing-here")
    assert missing.status_code == 404 and missing.get_json()["code"] == 404
    page = client.get("/nothing-here")
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_the_decision_takes_the_collective_and_names_a_bad_value(client, make_user):
    # "Dit addendum geldt voor de apotheekhoudenden die zich laten vertegenwoordigen door het
    # desbetreffende collectief."
    manager = make_user("contract_manager")
    case = {**DECIDE, "contract": "aanvullende_afspraken", "relation": "doorlopend"}
    outsider = client.post(f"{API}/policy/decide", headers=bearer(manager),
                           json={**case, "represented_by_collective": False})
    member = client.post(f"{API}/policy/decide", headers=bearer(manager),
                         json={**case, "represented_by_collective": True})
    assert (outsider.get_json()["route"], member.get_json()["route"]) == ("geen", "aanbod")
    bad = client.post(f"{API}/policy/decide", headers=bearer(manager),
                      json={**case, "represented_by_collective": "ja"})
    assert bad.status_code == 422
    assert "represented_by_collective" in bad.get_json()["errors"]["json"]
