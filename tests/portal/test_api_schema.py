"""The API against its own OpenAPI document: schemathesis generates requests for every operation,
valid ones and odd ones (huge integers, strange strings, wrong types), and every answer must be
documented, in the documented content type, shape and headers, and never a server error; a
refused request changes nothing.

Twice: as a contract manager, who may do everything, and as a provider signatory, whose calls
on another organisation's records must be refused (403/404) like any other. Everything runs
on the test's rolled-back `session`: whatever the fuzzing issues, answers or submits is gone
after the test, and the state changes it may make are bounded by the number of examples (no
operation is excluded: none reaches outside the database but POST /tokens, whose rate limit is
reset before and after).
"""
from __future__ import annotations

from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_headers_conformance,
                                               response_schema_conformance, status_code_conformance)
from sqlalchemy import func, select

from portal.extensions import limiter
from portal.operations import clock, shortages
from portal.models import (ApiToken, Application, Attachment, AuditEntry, ConsentRequest,
                           IssueBatch, NegotiationRound, Offer, Product, Provider, User)
from portal.operations.applications import submit_application
from portal.operations.audit import Actor
from portal.operations.batches import request_batch
from portal.operations.consent import submit_request
from portal.operations.offers import issue_offer
from portal.operations.tokens import issue_token
from tests.support.tokens import bearer

from .test_api import (FINDINGS, PDF, application_body, b64,
                       quick_password_hashes)  # noqa: F401 (autouse fixture)

OPENAPI = "/api/v1/openapi.json"
MANAGER = Actor("manager@vgz.nl", "contract_manager")
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]
#: Examples per operation, role and generation mode: 15-25 s a role on SQLite. Derandomized
#: and without the example database, so every run (and CI) sends the same requests.
EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 15}
#: Path parameters naming a record of an organisation (or the insurer's own, for managers only).
RECORDS = ("provider_id", "offer_id", "application_id", "attachment_id", "batch_id", "request_id",
           "token_id")
#: What a refused request must leave as it was.
COUNTED = (Provider, User, Offer, NegotiationRound, Application, Attachment, IssueBatch, AuditEntry,
           ConsentRequest, ApiToken)


def example_settings(mode: GenerationMode) -> settings:
    return settings(max_examples=EXAMPLES[mode], deadline=None, derandomize=True, database=None,
                    phases=[Phase.explicit, Phase.generate, Phase.shrink],
                    suppress_health_check=list(HealthCheck))


@pytest.fixture
def fuzz_world(session, make_provider, make_user) -> dict:
    """Three organisations (two with an offer, one without), a manager and a signatory of the
    first, an application with an attachment and a batch, committed; `records` are path
    parameters that resolve for a manager and belong to another organisation than the
    signatory's."""
    mine, theirs, fresh = make_provider(), make_provider(), make_provider()
    users = {"contract_manager": make_user("contract_manager"),
             "provider_signatory": make_user("provider_signatory", mine),
             "adviseur": make_user("adviseur")}
    my_offer = issue_offer(mine, "farmaceutische_zorg", 2024, MANAGER)
    their_offer = issue_offer(theirs, "farmaceutische_zorg", 2024, MANAGER)
    application = submit_application(
        {**application_body(agb="23456789"), "agb_start": date(2023, 3, 1), "start_date": None},
        [("plan.pdf", PDF)], received_on=date(2023, 6, 1), policy_year=2024)
    batch = request_batch("spoedzorg_aanbod", MANAGER, policy_year=2024)
    their_request = submit_request(consent_body(), ("recept.pdf", PDF),
                                   Actor("apotheker@elders.example", "provider_signatory", theirs.id),
                                   submitted_on=date(2023, 6, 1))
    shortages.load_demo_products()
    clock.set_today(date(2023, 10, 4), MANAGER)
    product = session.scalar(select(Product).where(Product.zindex == "16030001"))
    shortage = shortages.register_shortage({"product_id": product.id, "state": "tekort",
                                            "reported_by": "leverancier",
                                            "started_on": date(2023, 10, 2)}, MANAGER)
    # A token of another organisation's user (no role fuzzed may revoke it) and a spare one of
    # the signatory's (not the one the requests are made with: revoking that would end the run).
    their_token, _secret = issue_token(make_user("provider_user", theirs), "hunne")
    spare_token, _secret = issue_token(users["provider_signatory"], "reserve")
    session.commit()
    records = {"provider_id": theirs.id, "offer_id": their_offer.id, "application_id": application.id,
               "attachment_id": application.attachments[0].id, "batch_id": batch.id, "year": 2023,
               "request_id": their_request.id, "shortage_id": shortage.id,
               "token_id": their_token.id}
    return {"users": users, "records": records, "my_offer": my_offer, "fresh": fresh,
            "spare_token": spare_token}


def consent_body(**changes) -> dict:
    """A consent request as portal.operations.consent takes it (dates as dates)."""
    return {"kind": "toestemming", "substance": "cholic acid", "zindex_number": "16273645",
            "gstandaard_status": "n", "indication": "Galzuursynthesestoornis",
            "insured_initials": "J.P.", "insured_birth_date": date(2012, 5, 14),
            "prescriber": "Dr. A. de Vries", "substantiation": "Geen alternatief.",
            "rational_pharmacotherapy": True, "prevalence_one_in": 1_000_000, **changes}


#: What a refused request does write: a failed login (POST /tokens) is audited and counted
#: against its account (portal.operations.accounts), as the login form's is.
REFUSALS_RECORDED = ("login_failed", "2fa_failed")


def counts(session) -> tuple[int, ...]:
    def rows(model):
        statement = select(func.count()).select_from(model)
        if model is AuditEntry:
            statement = statement.where(AuditEntry.action.not_in(REFUSALS_RECORDED))
        return session.scalar(statement)
    return tuple(rows(model) for model in COUNTED)


def fuzz(app, session, headers: dict, records: dict, *, theirs: bool) -> list[str]:
    """Every operation of the document, positive examples on `records` and negative ones on any
    path; the reports of the operations that fail. With `theirs`, `records` are another
    organisation's, and no request on them may succeed."""
    schema = schemathesis.openapi.from_wsgi(OPENAPI, app)
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()
        names = {p.name for p in operation.path_parameters}
        theirs_here = theirs and bool(names & set(RECORDS))
        for mode in EXAMPLES:
            pinned = {n: records[n] for n in names} if mode is GenerationMode.POSITIVE else None

            @example_settings(mode)
            @given(case=operation.as_strategy(mode, headers=headers, path_parameters=pinned))
            def run(case):
                case.headers = {**(case.headers or {}), **headers}
                before = counts(session)
                response = case.call()
                case.validate_response(response, checks=CHECKS)
                if response.status_code >= 400:
                    assert counts(session) == before, "a refused request changed something"
                if response.status_code == 422:
                    assert response.json()["errors"], "a 422 names the fields"
                if theirs_here and pinned:  # noqa: B023 (run() is called in this iteration)
                    assert response.status_code in (403, 404, 422), "another organisation's record"

            try:
                run()
            except Unsatisfiable:
                assert mode is GenerationMode.NEGATIVE  # nothing to send wrong (GET /me)
            except (Exception, BaseExceptionGroup) as error:  # report every operation's failure
                failures.append(f"{operation.label} ({mode.value}): {type(error).__name__}: {error}")
    return failures


@pytest.mark.parametrize("role", ["contract_manager", "provider_signatory", "adviseur"])
def test_every_operation_answers_as_the_openapi_document_says(app, session, fuzz_world, role):
    limiter.reset()  # POST /tokens is fuzzed too: its 429 is documented, but other tests log in
    headers = bearer(fuzz_world["users"][role])
    try:
        failures = fuzz(app, session, headers, fuzz_world["records"],
                        theirs=role == "provider_signatory")
    finally:
        limiter.reset()
    assert not failures, "\n\n".join(failures)


def successes(world: dict) -> list[tuple[str, str, str, dict, int]]:
    """(role, method, path, request, expected status): the requests that succeed, which random
    ones rarely do (a free provider id, a milestone id, a valid transition)."""
    records, password = world["records"], "geheim-wachtwoord"
    manager = world["users"]["contract_manager"]
    offer = {"provider_id": world["fresh"].id, "contract": "farmaceutische_zorg", "policy_year": 2024}
    return [
        ("contract_manager", "POST", "/tokens",
         {"body": {"email": manager.email, "password": password}}, 201),
        ("provider_signatory", "GET", "/me", {}, 200),
        ("provider_signatory", "GET", "/tokens", {}, 200),
        ("provider_signatory", "DELETE", "/tokens/{token_id}",
         {"path_parameters": {"token_id": world["spare_token"].id}}, 204),
        ("contract_manager", "POST", "/policy/decide", {"body": {
            "policy_year": 2024, "provider_type": "openbare_apotheek",
            "contract": "farmaceutische_zorg", "relation": "aflopend"}}, 200),
        ("contract_manager", "GET", "/calendar/{year}", {"path_parameters": {"year": 2023}}, 200),
        ("provider_signatory", "GET", "/providers", {"query": {"q": "Apotheek"}}, 200),
        ("contract_manager", "POST", "/offers", {"body": offer}, 201),
        ("contract_manager", "POST", "/offers", {"body": offer}, 200),
        ("provider_signatory", "GET", "/offers", {"query": {"status": "aangeboden"}}, 200),
        ("provider_signatory", "GET", "/offers/{offer_id}/document",
         {"path_parameters": {"offer_id": world["my_offer"].id}}, 200),
        ("provider_signatory", "POST", "/offers/{offer_id}/transitions",
         {"path_parameters": {"offer_id": world["my_offer"].id}, "body": {"action": "accept"}}, 200),
        ("contract_manager", "POST", "/offers/{offer_id}/transitions",
         {"path_parameters": {"offer_id": records["offer_id"]},
          "body": {"action": "withdraw", "reason": "fout in tarief"}}, 200),
        ("contract_manager", "GET", "/applications/preview",
         {"query": {"provider_type": "openbare_apotheek", "contracts": "farmaceutische_zorg"}}, 200),
        ("contract_manager", "POST", "/applications", {"body": {
            **application_body(agb="34567890"),
            "attachments": [{"filename": "plan.pdf", "content_base64": b64(PDF)}]}}, 201),
        ("contract_manager", "GET", "/applications/{application_id}",
         {"path_parameters": {"application_id": records["application_id"]}}, 200),
        ("contract_manager", "GET", "/applications/{application_id}/attachments/{attachment_id}",
         {"path_parameters": {"application_id": records["application_id"],
                              "attachment_id": records["attachment_id"]}}, 200),
        ("contract_manager", "POST", "/applications/{application_id}/assessment",
         {"path_parameters": {"application_id": records["application_id"]},
          "body": {"granted": True, "motivation": "Lost een bereikbaarheidsprobleem op",
                   "findings": FINDINGS}}, 200),
        ("contract_manager", "GET", "/batches/plan", {"query": {"milestone": "fz_aflopend_aanbod"}}, 200),
        ("contract_manager", "POST", "/batches", {"body": {"milestone": "fz_aflopend_aanbod"}}, 202),
        ("contract_manager", "GET", "/batches/{batch_id}",
         {"path_parameters": {"batch_id": records["batch_id"]}}, 200),
        ("provider_signatory", "POST", "/consent-requests", {"body": {
            **consent_body(insured_birth_date="2012-05-14"),
            "prescription": {"filename": "recept.pdf", "content_base64": b64(PDF)}}}, 201),
        ("provider_signatory", "GET", "/consent-requests", {"query": {"status": "ingediend"}}, 200),
        ("adviseur", "GET", "/consent-requests/{request_id}",
         {"path_parameters": {"request_id": records["request_id"]}}, 200),
        ("adviseur", "GET", "/consent-requests/{request_id}/prescription",
         {"path_parameters": {"request_id": records["request_id"]}}, 200),
        ("adviseur", "POST", "/consent-requests/{request_id}/handling",
         {"path_parameters": {"request_id": records["request_id"]}, "body": {"version": 1}}, 200),
        ("adviseur", "POST", "/consent-requests/{request_id}/decision",
         {"path_parameters": {"request_id": records["request_id"]},
          "body": {"granted": False, "reason": "Geregistreerd alternatief beschikbaar", "version": 2}}, 200),
    ]


def test_what_succeeds_answers_as_the_openapi_document_says(app, session, fuzz_world):
    """The success answers, which the fuzzing above reaches only now and then, in their
    documented shape and headers."""
    schema = schemathesis.openapi.from_wsgi(OPENAPI, app)
    limiter.reset()
    for role, method, path, request, expected in successes(fuzz_world):
        headers = bearer(fuzz_world["users"][role])
        case = schema[f"/api/v1{path}"][method].Case(headers=headers, **request)
        response = case.call()
        assert response.status_code == expected, (method, path, response.text[:300])
        case.validate_response(response, checks=CHECKS)
    limiter.reset()
