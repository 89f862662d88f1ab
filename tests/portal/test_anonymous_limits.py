"""What anyone may send without an account, and how it cannot be abused: the application form,
the application API and the zorgzoeker's searches are limited per client address and for all
clients together (counted in Redis where RATELIMIT_STORAGE_URI names it, by every process);
an application holds at most APPLICATION_MAX_BYTES of attachments, cannot name a registered
provider's AGB code, and is not sent twice while the first is open."""
from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
import uuid
from io import BytesIO

import pytest
from sqlalchemy import func, select

from portal.extensions import limiter
from portal.models import Application, Attachment, Notification

API = "/api/v1"
PDF = b"%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"
#: Low limits for the portal of these tests; the global one counts per minute, so Flask-Limiter
#: weighs it before the per-address one (it sorts a route's limits by their period).
LIMITS = {"ANONYMOUS_RATE_LIMIT": "3 per hour", "ANONYMOUS_GLOBAL_RATE_LIMIT": "5 per minute"}
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379")
#: This run's own keys on a Redis server others may use too (Flask-Limiter keeps one prefix per
#: process, so one per run).
RUN_PREFIX = f"portal-test-{uuid.uuid4().hex}"


def body(agb: str, **changes) -> dict:
    """An application as the API takes it, of a new pharmacy with its own AGB code."""
    return {"organisation": f"Apotheek {agb}", "agb": agb, "kvk": "87654321",
            "provider_type": "openbare_apotheek", "address": "Dorpsstraat 1", "postcode": "8011 AB",
            "city": "Zwolle", "agb_start": "2023-03-01", "contact_email": "info@nieuw.example",
            "contracts": ["farmaceutische_zorg"],
            "attachments": [{"filename": "plan.pdf", "content_base64": base64.b64encode(PDF).decode()}],
            **changes}


def form(csrf: str, agb: str, **changes) -> dict:
    """The application form, filled in for a new pharmacy and sent."""
    return {"csrf_token": csrf, "organisation": f"Apotheek {agb}", "agb": agb, "kvk": "81234567",
            "provider_type": "openbare_apotheek", "address": "Hofstraat 12", "postcode": "8011 AB",
            "city": "Zwolle", "agb_start": "2023-03-01", "contact_email": "info@nieuw.example",
            "contracts": ["farmaceutische_zorg"], "start_date": "01-01-2024", "step": "versturen",
            **changes}


def csrf(client) -> str:
    page = client.get("/aanvragen").get_data(as_text=True)
    return re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)


def stored(session) -> tuple[int, int]:
    """(applications, messages to the managers) in the database."""
    return (session.scalar(select(func.count()).select_from(Application)),
            session.scalar(select(func.count()).select_from(Notification)
                           .where(Notification.provider_id.is_(None))))


def field_errors(html: str, field_id: str) -> list[str]:
    return re.findall(rf'<p class="error" id="{field_id}-error">([^<]*)</p>', html)


@pytest.fixture(scope="module")
def limited(app, database_url):
    """A portal of its own with low anonymous limits, on the suite's database."""
    from portal import create_app, errors
    from portal.extensions import db

    portal = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                         "TWO_FACTOR_REQUIRED_ROLES": (), **LIMITS})
    errors.init_app(portal)  # the 429 answers (as create_app does once it registers them)
    yield portal
    with portal.app_context():
        db.engine.dispose()


@pytest.fixture
def browser(limited, session):
    """Test clients of the limited portal, one per client address; the counts start at zero."""
    limiter.reset()

    def at(address: str = "192.0.2.1"):
        client = limited.test_client()
        client.environ_base.update({"wsgi.url_scheme": "https", "REMOTE_ADDR": address})
        return client

    yield at
    limiter.reset()


# -- the limits ------------------------------------------------------------------------------------

def test_a_flood_of_api_submissions_from_one_address_stops_at_its_limit(browser, session):
    client = browser()
    statuses = [client.post(f"{API}/applications", json=body(f"0600000{n}")).status_code
                for n in range(5)]
    assert statuses == [201, 201, 201, 429, 429]
    assert stored(session) == (3, 3)  # no application and no message to the managers after it
    refused = client.post(f"{API}/applications", json=body("06000009"))
    assert refused.is_json and refused.get_json()["code"] == 429
    assert "try again in" in refused.get_json()["message"]
    assert int(refused.headers["Retry-After"]) > 0
    assert browser("192.0.2.2").post(f"{API}/applications", json=body("06000010")).status_code == 201


def test_the_form_and_the_api_count_together_and_the_form_answers_a_page(browser, session):
    client = browser()
    token = csrf(client)
    assert client.post("/aanvragen", data=form(token, "06000001")).status_code == 302
    assert client.post("/aanvragen", data=form(token, "06000002", step="controleren")).status_code == 200
    assert client.post(f"{API}/applications", json=body("06000003")).status_code == 201
    refused = client.post("/aanvragen", data=form(token, "06000004"))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429 and refused.mimetype == "text/html"
    assert '<html lang="nl">' in html and 'class="brand"' in html  # the portal's layout
    assert "Te veel verzoeken" in html and "niets verstuurd of opgeslagen" in html
    assert re.search(r"Probeer het over \d+ minuten? opnieuw", html) and refused.headers["Retry-After"]
    assert stored(session) == (2, 2)
    assert client.get("/aanvragen").status_code == 200  # the form itself still opens


def test_all_addresses_together_stop_at_the_global_limit(browser, session):
    statuses = [browser(f"198.51.100.{n}").post(f"{API}/applications",
                                                 json=body(f"0610000{n}")).status_code
                for n in range(7)]
    assert statuses == [201] * 5 + [429, 429]
    assert stored(session) == (5, 5)


def test_one_address_over_its_own_limit_uses_up_nobody_elses(browser, session):
    flood = browser("203.0.113.1")
    statuses = [flood.post(f"{API}/applications", json=body(f"0620000{n}")).status_code
                for n in range(6)]
    assert statuses == [201] * 3 + [429] * 3
    others = [browser(f"203.0.113.{n}").post(f"{API}/applications", json=body(f"0630000{n}")).status_code
              for n in (2, 3, 4)]
    assert others == [201, 201, 429]  # 3 + 2 let through: the global limit of 5
    assert stored(session) == (5, 5)


def test_zorgzoeker_searches_are_limited_but_its_page_is_not(browser):
    client = browser()
    assert [client.get("/zorgzoeker").status_code for _ in range(6)] == [200] * 6
    searches = [client.get(f"/zorgzoeker?plaats=Zwolle&pagina={n}").status_code for n in range(1, 5)]
    assert searches == [200, 200, 200, 429]
    assert [client.get("/aanvragen").status_code for _ in range(6)] == [200] * 6
    shortages = [client.get(f"/tekorten?q=middel{n}").status_code for n in range(2)]
    assert shortages == [429, 429]  # the same count of searches


def test_a_logged_in_users_searches_are_not_anonymous(browser, make_user):
    from tests.conftest import Auth
    client = browser()
    Auth(client).login(make_user("contract_manager"))
    searches = [client.get(f"/zorgzoeker?plaats=Zwolle&pagina={n}").status_code for n in range(1, 6)]
    assert searches == [200] * 5


def test_the_openapi_document_names_the_refusals_of_a_submission(browser):
    submit = browser().get(f"{API}/openapi.json").get_json()["paths"][f"{API}/applications"]["post"]
    assert {"201", "409", "413", "422", "429"} <= set(submit["responses"])
    assert "APPLICATION_MAX_BYTES" in submit["description"] and "429" in submit["description"]


# -- shared by every process: Redis ----------------------------------------------------------------

@pytest.fixture
def redis_server():
    """The Redis server of TEST_REDIS_URL; skipped where none answers, unless REQUIRE_REDIS.
    This run's keys are deleted afterwards."""
    import redis

    server = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        server.ping()
    except redis.RedisError as error:
        server.close()
        if os.environ.get("REQUIRE_REDIS"):
            pytest.fail(f"Redis is required here (REQUIRE_REDIS) but {REDIS_URL} does not answer: {error}")
        pytest.skip(f"no Redis at {REDIS_URL}")
    yield server
    for key in server.scan_iter(match=f"*{RUN_PREFIX}*"):
        server.delete(key)
    server.close()


@pytest.fixture
def portals(app, database_url, session):
    """Makes portals as separate processes would be: each `create_app` gives the process's one
    limiter a storage of its own, made anew from RATELIMIT_STORAGE_URI. Afterwards the limiter
    counts in memory again, for the rest of the suite."""
    from portal import create_app
    from portal.extensions import db

    made = []

    def make(storage_uri: str):
        portal = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": database_url,
                             "RATELIMIT_STORAGE_URI": storage_uri, "RATELIMIT_KEY_PREFIX": RUN_PREFIX,
                             "ANONYMOUS_RATE_LIMIT": "3 per hour",
                             "ANONYMOUS_GLOBAL_RATE_LIMIT": "100 per hour"})
        made.append(portal)
        client = portal.test_client()
        client.environ_base["wsgi.url_scheme"] = "https"
        return client

    yield make
    make("memory://")
    for portal in made:
        with portal.app_context():
            db.engine.dispose()


def submit(client) -> int:
    """A submission the limits count (its body is refused, so nothing is stored)."""
    return client.post(f"{API}/applications", json={}).status_code


def test_two_portals_on_one_redis_share_one_count(portals, redis_server):
    first = portals(REDIS_URL)
    assert [submit(first), submit(first)] == [422, 422]
    second = portals(REDIS_URL)  # a new storage: what it knows of the count, it reads in Redis
    assert [submit(second), submit(second)] == [422, 429]
    assert submit(first) == 429
    assert any(RUN_PREFIX in key.decode() for key in redis_server.scan_iter(match=f"*{RUN_PREFIX}*"))


def test_two_portals_in_memory_count_apart(portals):
    """What the Redis test rules out: memory:// counts per process, so a new one starts at 0."""
    first = portals("memory://")
    assert [submit(first), submit(first)] == [422, 422]
    second = portals("memory://")
    assert [submit(second), submit(second), submit(second), submit(second)] == [422, 422, 422, 429]


UNREACHABLE = """
import sys
from portal import create_app
portal = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": sys.argv[1],
                     "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:9",  # nothing listens there
                     "ANONYMOUS_RATE_LIMIT": "3 per hour"})
client = portal.test_client()
print([client.post("/api/v1/applications", json={}).status_code for _ in range(4)])
"""


def test_an_unreachable_redis_leaves_each_process_counting_for_itself(app, database_url):
    """In a process of its own: the limiter would go on believing that Redis is down."""
    result = subprocess.run([sys.executable, "-c", UNREACHABLE, database_url], capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.stdout.strip() == "[422, 422, 422, 429]", result.stderr[-2000:]


# -- what one application may hold and name ---------------------------------------------------------

def test_the_attachments_together_are_capped_in_the_api(client, session, app, monkeypatch):
    monkeypatch.setitem(app.config, "APPLICATION_MAX_BYTES", 3 * len(PDF) - 1)
    pdf = {"filename": "plan.pdf", "content_base64": base64.b64encode(PDF).decode()}
    response = client.post(f"{API}/applications", json=body("06200001", attachments=[pdf] * 3))
    assert response.status_code == 413
    assert "together" in response.get_json()["errors"]["json"]["attachments"][0]
    assert stored(session) == (0, 0)
    assert client.post(f"{API}/applications", json=body("06200001", attachments=[pdf] * 2)).status_code == 201


def test_the_attachments_together_are_capped_in_the_form(client, auth, session, app, monkeypatch):
    monkeypatch.setitem(app.config, "APPLICATION_MAX_BYTES", 100 * 1024)
    part = PDF[:-6] + b"0" * (40 * 1024) + b"%%EOF\n"  # each under the 5 MB of one file
    response = client.post("/aanvragen", data={
        **form(auth.csrf("/aanvragen"), "06200002"),
        "attachments": [(BytesIO(part), f"deel{n}.pdf") for n in range(3)]},
        content_type="multipart/form-data")
    assert response.status_code == 422
    assert field_errors(response.get_data(as_text=True), "attachments") == [
        "De bijlagen zijn samen groter dan 100 kB. Stuur minder of kleinere bestanden mee."]
    assert stored(session) == (0, 0) and session.scalar(select(func.count(Attachment.id))) == 0


def test_a_registered_providers_agb_is_refused_in_the_api(client, session, make_provider):
    provider = make_provider()
    response = client.post(f"{API}/applications", json=body(provider.agb))
    assert response.status_code == 422
    assert "already known to VGZ" in response.get_json()["errors"]["json"]["agb"][0]
    assert stored(session) == (0, 0)


def test_a_registered_providers_agb_is_refused_in_the_form(client, auth, session, make_provider):
    provider = make_provider()
    response = client.post("/aanvragen", data=form(auth.csrf("/aanvragen"), provider.agb))
    [message] = field_errors(response.get_data(as_text=True), "agb")
    assert response.status_code == 422
    assert "al bekend bij VGZ" in message and "tekenbevoegde" in message and "logt in" in message
    assert "contact op met VGZ" in message
    assert stored(session) == (0, 0)


def test_a_second_application_while_the_first_is_open_is_refused(client, auth, session):
    assert client.post(f"{API}/applications", json=body("06200003")).status_code == 201
    again = client.post(f"{API}/applications", json=body("06200003", organisation="Iemand Anders"))
    assert again.status_code == 409
    assert "still open" in again.get_json()["errors"]["json"]["contracts"][0]
    page = client.post("/aanvragen", data=form(auth.csrf("/aanvragen"), "06200003"))
    assert page.status_code == 422
    assert field_errors(page.get_data(as_text=True), "contracts") == [(  # received 01-05-2023
        "Voor deze AGB-code is al een aanvraag voor de Overeenkomst Farmaceutische zorg in "
        "behandeling (ontvangen op 01-05-2023). Wacht eerst ons antwoord daarop af: u hoort "
        "uiterlijk 01-06-2023 van ons.")]
    assert stored(session) == (1, 1)
