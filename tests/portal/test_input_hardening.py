"""Input that never crashes (portal.inputs): NUL characters, lone surrogates, JSON nested too
deep and numbers too long are refused before any view sees them: by the API with 400 or 422 in
its error format, by the pages with 400 and the error page, by the command line with one line
and exit status 2; never a 500 or a traceback, and nothing is written.

The API's operations are read from its OpenAPI document, so a new one is covered as it comes.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from io import BytesIO
from urllib.parse import quote

import pytest
from sqlalchemy import func, select

from portal.cli import cli
from portal.extensions import db
from portal.inputs import MAX_DEPTH, BadJson, BadText, loads

API = "/api/v1"
OPENAPI = f"{API}/openapi.json"
NUL, SURROGATE = "a\x00b", "a\ud800b"
#: JSON bodies that Python's parser cannot take: RecursionError and ValueError before the fix.
DEEP = b"[" * 5000 + b"]" * 5000
HUGE_INT = b'{"days": ' + b"9" * 5000 + b"}"
HUGE_FLOAT = b'{"days": 1' + b"0" * 400 + b".5}"
TOO_BIG = {"deep": (DEEP, "nested 5000 levels deep"),
           "huge integer": (HUGE_INT, "a number of 5000 characters"),
           "huge float": (HUGE_FLOAT, "a number of 403 characters"),
           "infinity": (b'{"days": 1e400}', "out of range")}
TEXTS = {"NUL": (NUL, "contains a NUL character"),
         "lone surrogate": (SURROGATE, "contains a lone surrogate (U+D800)")}
PAGE_REFUSAL = "Het veld {} bevat een teken dat niet is toegestaan"


def row_counts(session) -> tuple[int, ...]:
    """The number of rows of every table, in one statement: what a refused request leaves."""
    tables = db.metadata.sorted_tables
    return tuple(session.execute(select(*(select(func.count()).select_from(t).scalar_subquery()
                                          for t in tables))).one())


@pytest.fixture
def api_headers(make_user, monkeypatch) -> dict:
    """A contract manager's bearer token: the one place that knows how tests get a token."""
    from werkzeug import security

    from portal.models import accounts
    from tests.support.tokens import bearer

    monkeypatch.setattr(accounts, "generate_password_hash",  # scrypt is slow; not the point here
                        lambda password: security.generate_password_hash(password,
                                                                         "pbkdf2:sha256:1000"))
    return bearer(make_user("contract_manager"))


@pytest.fixture(scope="module")
def spec(app) -> dict:
    return app.test_client().get(OPENAPI).get_json()


def operations(spec: dict, method: str):
    """(path with ids filled in, operation) of every `method` operation of the document."""
    for path, item in spec["paths"].items():
        if method in item:
            yield re.sub(r"\{[^}]+\}", "1", f"{API}{path.removeprefix(API)}"), item[method]


def json_operations(spec: dict):
    """(path, first field of its body) of every operation that takes a JSON body."""
    for method in ("post", "put", "patch"):
        for path, operation in operations(spec, method):
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                schema = content["application/json"]["schema"]
                if "$ref" in schema:
                    schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
                yield method, path, next(iter(schema.get("properties", {"note": None})))


def post_json(client, method: str, path: str, body: bytes, headers: dict):
    return client.open(path, method=method.upper(), data=body, content_type="application/json",
                       headers=headers)


# -- the API: every operation with a JSON body ---------------------------------------------------

def test_the_document_lists_the_operations_these_tests_cover(spec):
    found = {path for _method, path, _field in json_operations(spec)}
    assert {f"{API}/tokens", f"{API}/applications", f"{API}/consent-requests",
            f"{API}/offers/1/transitions", f"{API}/policy/decide"} <= found
    assert len(found) >= 15


@pytest.mark.parametrize("kind", TOO_BIG)
def test_json_nested_too_deep_or_with_too_long_numbers_is_400_everywhere(
        client, session, spec, api_headers, kind):
    body, message = TOO_BIG[kind]
    before, wrong = row_counts(session), []
    for method, path, _field in json_operations(spec):
        response = post_json(client, method, path, body, api_headers)
        answer = response.get_json()
        if response.status_code != 400 or message not in answer["message"] \
                or answer["errors"] != {"json": [answer["message"]]}:
            wrong.append(f"{method} {path}: {response.status_code} {answer}")
    assert wrong == []
    assert row_counts(session) == before


@pytest.mark.parametrize("kind", TEXTS)
def test_a_string_that_cannot_be_stored_is_422_naming_the_field_everywhere(
        client, session, spec, api_headers, kind):
    text, reason = TEXTS[kind]
    before, wrong = row_counts(session), []
    for method, path, field in json_operations(spec):
        response = post_json(client, method, path, json.dumps({field: text}).encode(), api_headers)
        answer = response.get_json()
        if (response.status_code, answer.get("errors")) != (422, {"json": {field: [reason]}}):
            wrong.append(f"{method} {path}: {response.status_code} {answer}")
    assert wrong == []
    assert row_counts(session) == before


def test_the_token_endpoint_refuses_anonymously_before_it_looks_anyone_up(client, session):
    for text, reason in TEXTS.values():
        body = json.dumps({"email": text, "password": "geheim-wachtwoord"}).encode()
        response = post_json(client, "post", f"{API}/tokens", body, {})
        assert response.status_code == 422
        assert response.get_json() == {"code": 422, "status": "Unprocessable Entity",
                                       "errors": {"json": {"email": [reason]}},
                                       "message": f"email: {reason}"}


def test_deep_in_a_document_the_field_is_named_where_it_is(client, api_headers):
    body = {"profile": {"lowest_group_years": [2021, "x\x00"]}, "\ud800": 1}
    response = post_json(client, "post", f"{API}/policy/decide", json.dumps(body).encode(),
                         api_headers)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"json": {"profile": {"lowest_group_years": {
        "1": ["contains a NUL character"]}}}}
    keyed = post_json(client, "post", f"{API}/policy/decide", b'{"a\\u0000": 1}', api_headers)
    assert keyed.get_json()["errors"] == {"json": {"a\ufffd": ["contains a NUL character"]}}


def test_valid_json_at_the_limits_still_reaches_the_view(client, api_headers):
    case = {"policy_year": 2024, "provider_type": "openbare_apotheek",
            "contract": "farmaceutische_zorg", "relation": "aflopend", "size_rank": None,
            "agb_start": "2012-03-01", "riz_contra_indication": False,
            "profile": {"lowest_group_years": [2021], "declining_component": True,
                        "improvement_agreements": "niet_nagekomen"}}
    decided = post_json(client, "post", f"{API}/policy/decide",
                        json.dumps(case, ensure_ascii=True).encode(), api_headers)
    assert decided.status_code == 200 and decided.get_json()["route"] == "aanbod"
    emoji = post_json(client, "post", f"{API}/policy/decide",
                      json.dumps({**case, "relation": "\U0001f600"}).encode(), api_headers)
    assert emoji.status_code == 422 and "relation" in emoji.get_json()["errors"]["json"]
    nested = post_json(client, "post", f"{API}/policy/decide",
                       ("[" * MAX_DEPTH + "]" * MAX_DEPTH).encode(), api_headers)
    assert nested.status_code == 422  # as deep as allowed: the schema's answer, not ours
    long = post_json(client, "post", f"{API}/policy/decide",
                     json.dumps({**case, "policy_year": 10**99 - 1}).encode(), api_headers)
    assert long.status_code == 422 and "policy_year" in long.get_json()["errors"]["json"]


# -- the API: query strings ----------------------------------------------------------------------

@pytest.mark.parametrize("kind", TEXTS)
def test_a_query_value_that_cannot_be_stored_is_422_naming_the_parameter_everywhere(
        client, session, spec, api_headers, kind):
    text, reason = TEXTS[kind]
    encoded = quote(text.encode("utf-8", "surrogatepass"))
    wrong = []
    for path, operation in operations(spec, "get"):
        names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
        name = names[0] if names else "q"
        response = client.get(f"{path}?{name}={encoded}", headers=api_headers)
        answer = response.get_json(silent=True) or {}
        if kind == "lone surrogate":  # the query's bytes are decoded with replacement characters
            if response.status_code >= 500:
                wrong.append(f"{path}: {response.status_code}")
        elif (response.status_code, answer.get("errors")) != (422, {"query": {name: [reason]}}):
            wrong.append(f"{path}: {response.status_code} {answer}")
    assert wrong == []


def test_a_query_key_is_checked_too(client, api_headers):
    response = client.get(f"{API}/providers?a%00b=1", headers=api_headers)
    assert response.status_code == 422
    assert response.get_json()["errors"] == {"query": {"a\ufffdb": ["contains a NUL character"]}}


def test_a_nul_in_a_search_never_reaches_the_database(client, api_headers):
    """On PostgreSQL it was a 503 "try again": psycopg refuses NUL in a parameter."""
    response = client.get(f"{API}/providers?q=apotheek%00", headers=api_headers)
    assert response.status_code == 422
    assert response.get_json()["message"] == "q: contains a NUL character"


# -- the pages -----------------------------------------------------------------------------------

def page_refused(response, field: str) -> bool:
    html = response.get_data(as_text=True)
    return response.status_code == 400 and PAGE_REFUSAL.format(field) in html


@pytest.mark.parametrize("url, field", [
    ("/zorgzoeker?plaats=Utrecht%00", "plaats"),
    ("/zorgzoeker?pagina=1&type=%00", "type"),
    ("/tekorten?q=omeprazol%00", "q"),
    ("/beheer/zorgaanbieders?q=%00", "q"),  # before the view: even before the login it asks for
])
def test_a_nul_in_a_search_page_is_400_naming_the_field(client, url, field):
    assert page_refused(client.get(url), field)


def test_a_nul_in_a_path_is_no_page(client):
    assert client.get("/tekorten/omeprazol%00").status_code == 404


def test_login_with_a_nul_is_400_and_logs_nobody_in(client, auth, make_user, session):
    user = make_user("contract_manager")
    body = (f"email={quote(user.email)}%00&password=geheim-wachtwoord"
            f"&csrf_token={auth.csrf()}")
    before = row_counts(session)
    response = client.post("/inloggen", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert page_refused(response, "email")
    assert "_user_id" not in _session(client)
    assert row_counts(session) == before


def _session(client) -> dict:
    with client.session_transaction() as data:
        return dict(data)


def test_a_surrogate_in_a_form_never_crashes(client, auth):
    """The bytes of a lone surrogate are not UTF-8: the form reads them as U+FFFD."""
    encoded = quote("x\ud800".encode("utf-8", "surrogatepass"))
    response = client.post("/inloggen", data=f"email={encoded}&password=x&csrf_token={auth.csrf()}",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code < 500 and response.status_code != 400


def application(auth, **changes) -> dict:
    """A complete, valid application, sent at once (as tests/portal/test_public_pages.py)."""
    data = {"csrf_token": auth.csrf("/aanvragen"), "organisation": "Apotheek De Nieuwe Hof",
            "agb": "06123456", "kvk": "81234567", "provider_type": "openbare_apotheek",
            "address": "Hofstraat 12", "postcode": "8011ab", "city": "Zwolle",
            "agb_start": "2023-03-01", "contact_email": "info@nieuwehof.example",
            "contracts": ["farmaceutische_zorg"], "start_date": "01-01-2024",
            "motivations-bereikbaarheid": "Geen apotheek binnen tien kilometer",
            "step": "versturen"}
    return {**data, **changes}


def test_an_application_with_a_nul_is_400_and_stores_nothing(client, auth, session):
    before = row_counts(session)
    data = application(auth)
    body = "&".join(f"{key}={quote(value)}" for key, values in data.items()
                    for value in ([values] if isinstance(values, str) else values))
    body = body.replace("organisation=Apotheek", "organisation=Apotheek%00")
    response = client.post("/aanvragen", data=body,
                           content_type="application/x-www-form-urlencoded")
    assert page_refused(response, "organisation")
    assert row_counts(session) == before


def test_in_a_multipart_form_the_fields_are_checked_and_the_files_are_not(client, auth, session):
    pdf = (b"%PDF-1.4\n%\x00\x00\x00\n1 0 obj << /Type /Catalog >> endobj\n"
           b"trailer << /Root 1 0 R >>\n%%EOF\n")
    before = row_counts(session)
    refused = client.post("/aanvragen", data={**application(auth, city="Zwolle\x00"),
                                              "attachments": [(BytesIO(pdf), "plan.pdf")]},
                          content_type="multipart/form-data")
    assert page_refused(refused, "city")
    assert row_counts(session) == before
    checked = client.post("/aanvragen", data={**application(auth, step="controleren"),
                                              "attachments": [(BytesIO(pdf), "plan.pdf")]},
                          content_type="multipart/form-data")
    assert checked.status_code == 200, checked.get_data(as_text=True)[:500]


def test_a_page_given_json_too_deep_is_400_with_the_error_page(client):
    response = client.get("/zorgzoeker", data=DEEP, content_type="application/json")
    assert response.status_code == 400
    assert "De gegevens van dit verzoek zijn niet te lezen" in response.get_data(as_text=True)


# -- the bounded reader itself -------------------------------------------------------------------

@pytest.mark.parametrize("data, error, field", [
    (DEEP, BadJson, "case"),
    (HUGE_INT, BadJson, "case"),
    (b'{"a": NaN}', BadJson, "case"),
    (b'{"a": 1e999}', BadJson, "case"),
    (b"\xff{}", BadJson, "case"),
    (b'{"a": ', BadJson, "case"),
    (b'{"a": ["\\u0000"]}', BadText, "a.0"),
    (b'"\\udfff"', BadText, "case"),
])
def test_the_reader_refuses_with_the_field(data, error, field):
    with pytest.raises(error) as raised:
        loads(data, field="case")
    assert raised.value.field == field


def test_the_reader_reads_what_is_valid():
    assert loads(b'\xef\xbb\xbf{"a": ["[{\\"", "\\ud83d\\ude00", -1.5e3, 12]}') == {
        "a": ['[{"', "\U0001f600", -1500.0, 12]}
    assert loads('{"a": "\\\\u0000"}') == {"a": "\\u0000"}  # an escaped backslash, not a NUL


# -- the command line ----------------------------------------------------------------------------

@pytest.fixture
def run(app, monkeypatch):
    """`portal ...` in process, through the portal's group (its one-line errors), on the test
    app; FlaskGroup notes in the environment that it ran, which must not outlive the test."""
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "false")
    runner = app.test_cli_runner()

    def invoke(*args, stdin: bytes | None = None):
        return runner.invoke(cli, list(args), input=stdin)
    return invoke


def refused_in_one_line(result, *expected: str) -> bool:
    """Exit 2, nothing on stdout, one line on stderr that says `expected`, no traceback."""
    lines = result.stderr.splitlines()
    return (result.exit_code == 2 and result.stdout == "" and len(lines) == 1
            and lines[0].startswith("portal: ") and all(e in lines[0] for e in expected)
            and isinstance(result.exception, SystemExit) and "Traceback" not in result.output)


CASE = {"policy_year": 2024, "provider_type": "openbare_apotheek",
        "contract": "farmaceutische_zorg", "relation": "aflopend"}
BAD_CASES = {
    "deep": (DEEP, "case: nested 5000 levels deep"),
    "huge integer": (b'{"policy_year": ' + b"9" * 5000 + b"}", "case: a number of 5000"),
    "infinity": (b'{"policy_year": 1e400}', "case: the number 1e400 is out of range"),
    "NUL": (json.dumps({**CASE, "relation": NUL}).encode(), "relation: contains a NUL"),
    "surrogate": (json.dumps({**CASE, "relation": SURROGATE}).encode(),
                  "relation: contains a lone"),
    "not UTF-8": ('{"relation": "café"}'.encode("latin-1"), "case: not UTF-8"),
    "not an object": (b"[1, 2]", "case: must be a JSON object"),
}


@pytest.mark.parametrize("kind", BAD_CASES)
def test_policy_decide_refuses_in_one_line(run, kind):
    stdin, expected = BAD_CASES[kind]
    assert refused_in_one_line(run("policy", "decide", "--json", stdin=stdin), expected)


@pytest.mark.parametrize("command", [("check", "import-claim"), ("check", "entitlement"),
                                     ("check", "dispensing-period"), ("check", "prior-consent"),
                                     ("check", "contribution"), ("check", "appendix-2"),
                                     ("shortages", "import-check"), ("shortages", "substitution")])
@pytest.mark.parametrize("kind", ["deep", "huge integer", "NUL", "not UTF-8"])
def test_the_checks_refuse_in_one_line(run, command, kind):
    stdin, expected = BAD_CASES[kind]
    expected = expected.split(":")[1] if kind == "NUL" else expected  # the field differs per check
    assert refused_in_one_line(run(*command, "--json", stdin=stdin), expected)


def test_a_valid_case_is_still_decided(run):
    result = run("policy", "decide", "--json", stdin=json.dumps(CASE).encode())
    assert result.exit_code == 0 and json.loads(result.stdout)["route"] == "aanbod"


FACTS = {"policy_year": 2024, "provider": {"name": "Apotheek De Linde", "agb": "12345678",
                                           "city": "Utrecht", "provider_type": "openbare_apotheek"}}


@pytest.mark.parametrize("content, expected", [
    (DEEP, "--context: nested 5000 levels deep"),
    (json.dumps({**FACTS, "provider": {**FACTS["provider"], "name": NUL}}).encode(),
     "provider.name: contains a NUL character"),
    ('{"policy_year": 2024, "provider": {"name": "Zoë"}}'.encode("latin-1"),
     "--context: not UTF-8"),
    (b"[]", "must be a JSON object"),
])
def test_documents_render_refuses_bad_facts_in_one_line(run, tmp_path, content, expected):
    facts = tmp_path / "facts.json"
    facts.write_bytes(content)
    result = run("documents", "render", "--contract", "farmaceutische_zorg", "--context",
                 str(facts), "--out", str(tmp_path / "x.docx"), "--no-store")
    assert refused_in_one_line(result, expected)
    assert not (tmp_path / "x.docx").exists()


def test_documents_render_into_a_missing_folder_stores_nothing(run, session, tmp_path):
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps(FACTS), encoding="utf-8")
    target = tmp_path / "missing" / "x.docx"
    before = row_counts(session)
    result = run("documents", "render", "--contract", "farmaceutische_zorg", "--context",
                 str(facts), "--out", str(target))
    assert refused_in_one_line(result, str(target), "No such file or directory")
    session.rollback()  # what the end of the process does to what the command did not commit
    assert row_counts(session) == before


@pytest.mark.parametrize("args", [
    ("documents", "export", "--out", "{missing}/x.zip"),
    ("documents", "samples", "--no-pdf", "--out", "{file}/samples"),
    ("shortages", "preference-file", "--week", "2023-W40", "--out", "{missing}/x.csv"),
])
def test_an_out_that_cannot_be_written_is_one_line(run, session, tmp_path, args):
    (tmp_path / "a-file").write_text("not a folder")
    args = [a.format(missing=tmp_path / "missing", file=tmp_path / "a-file") for a in args]
    before = row_counts(session)
    assert refused_in_one_line(run(*args), tmp_path.name)
    session.rollback()  # as above
    assert row_counts(session) == before


@pytest.mark.parametrize("args, expected", [
    (("policy", "table", "--year", "2024\udcff"), "is not UTF-8"),  # bytes \xff on the command line
    (("documents", "render", "--contract", "farmaceutische_zorg", "--context", "f.json",
      "--out", "\udcff.docx"), "is not UTF-8"),
    (("scheduler", "run", "--interval", "nan"), "--interval"),
    (("scheduler", "run", "--interval", "inf"), "--interval"),
    (("simulate", "--from", "0001-01-01", "--to", "0001-01-02"), "--from"),
    (("simulate", "--to", "9999-12-31"), "--to"),
])
def test_odd_arguments_are_one_line(run, args, expected):
    assert refused_in_one_line(run(*args), expected)


def test_the_installed_command_prints_no_traceback(tmp_path):
    """As a user runs it: a separate process, bytes on stdin."""
    deep = subprocess.run([sys.executable, "-m", "portal", "policy", "decide", "--json"],
                          input=DEEP, capture_output=True, timeout=60)
    assert (deep.returncode, deep.stdout) == (2, b"")
    assert deep.stderr.decode() == "portal: case: nested 5000 levels deep, at most 32 allowed\n"
    latin = subprocess.run([sys.executable, "-m", "portal", "check", "entitlement"],
                           input='{"group": "é"}'.encode("latin-1"), capture_output=True,
                           timeout=60)
    assert latin.returncode == 2 and latin.stderr.decode().count("\n") == 1
    assert b"Traceback" not in latin.stderr and b"not UTF-8" in latin.stderr
