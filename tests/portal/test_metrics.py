"""/metrics for Prometheus: off without METRICS_TOKEN, the token required, the requests counted
per endpoint, and the portal's state (open deadlines, mail queue) read from its database."""
import pytest
from prometheus_client.parser import text_string_to_metric_families

from portal.operations.audit import Actor
from portal.operations.offers import issue_offer

TOKEN = "scrape-token-for-the-test"
MANAGER = Actor("manager@vgz.example", "contract_manager")


@pytest.fixture
def scraping(app):
    app.config["METRICS_TOKEN"] = TOKEN
    yield
    app.config["METRICS_TOKEN"] = None


def scrape(client) -> dict:
    response = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.status_code
    assert response.headers["Cache-Control"] == "no-store"
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(response.get_data(as_text=True))
            for s in family.samples}


def test_metrics_are_off_without_a_token(client):
    assert client.get("/metrics").status_code == 404


def test_a_scrape_needs_the_token(client, scraping):
    assert client.get("/metrics").status_code == 401
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401


def test_requests_are_counted_per_endpoint_and_status(client, scraping):
    key = ("portal_requests_total", (("endpoint", "auth.login"), ("method", "GET"), ("status", "200")))
    before = scrape(client).get(key, 0)
    for _ in range(3):
        assert client.get("/inloggen").status_code == 200
    assert scrape(client)[key] == before + 3
    assert client.get("/no/such/page").status_code == 404
    assert scrape(client)[("portal_requests_total",
                           (("endpoint", "unmatched"), ("method", "GET"), ("status", "404")))] >= 1


def test_the_portals_state_is_read_when_scraped(client, scraping, session, make_provider):
    open_offers = ("portal_open_deadlines", (("of", "offer"),))
    before = scrape(client)[open_offers]
    issue_offer(make_provider(), "farmaceutische_zorg", 2024, MANAGER)
    session.commit()
    after = scrape(client)
    assert after[open_offers] == before + 1
    assert ("portal_mail_queue", (("state", "waiting"),)) in after
    assert ("portal_open_deadlines", (("of", "application"),)) in after
