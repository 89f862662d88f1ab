"""Every route of the portal against every role, read from the URL map so no route is missed:
who may open it, who is sent to the login page, who is refused; and every POST refuses a request
without its CSRF token."""
import re

import pytest

ROLES = ("anonymous", "provider_user", "provider_signatory", "contract_manager", "admin")
#: Routes with an id: tested with a record of another organisation in the pages' own tests.
SAMPLE_ID = 999999


def routes(app, method):
    for rule in app.url_map.iter_rules():
        if method in rule.methods and not rule.endpoint.startswith(("static", "api-docs")) \
                and not rule.rule.startswith("/api/"):
            yield rule


def url_for_rule(rule):
    return re.sub(r"<(?:[^:>]+:)?[^>]+>", str(SAMPLE_ID), rule.rule)


def expected(path, role):
    """Status of a GET for a role, by audience: 200 open, 302 to login, 403 refused, 404 no record."""
    if path.startswith("/beheer"):
        side = ("contract_manager", "admin")
    elif path.startswith("/zorgaanbieder"):
        side = ("provider_user", "provider_signatory")
    elif path == "/inloggen":
        return {200} if role == "anonymous" else {302}  # a logged-in user goes to their home
    else:
        return {200, 404}  # public
    if role == "anonymous":
        return {302}
    return {200, 404} if role in side else {403}


@pytest.fixture
def login_as(client, auth, make_user, make_provider):
    def login(role):
        if role == "anonymous":
            return
        provider = make_provider() if role.startswith("provider") else None
        auth.login(make_user(role, provider))
    return login


@pytest.mark.parametrize("role", ROLES)
def test_every_page_answers_each_role_as_its_audience_expects(app, client, login_as, role):
    login_as(role)
    seen = []
    for rule in routes(app, "GET"):
        path = url_for_rule(rule)
        status = client.get(path).status_code
        seen.append((path, status))
        assert status in expected(path, role), (role, path, status)
    assert len(seen) >= 5


def test_every_post_refuses_a_missing_csrf_token(app, client, login_as):
    login_as("contract_manager")
    posts = [url_for_rule(r) for r in routes(app, "POST")]
    assert posts
    for path in posts:
        assert client.post(path, data={}).status_code in (400, 429), path
