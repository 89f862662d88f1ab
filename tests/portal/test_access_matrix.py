"""Every route of the portal against every role, read from the URL map so no route is missed:
who may open it, who is sent to the login page, who is refused; every route opened by a secret
token in its URL answers the token, not the login; and every POST refuses a request without its
CSRF token."""
import re

import pytest

ROLES = ("anonymous", "provider_user", "provider_signatory", "contract_manager", "adviseur", "admin")
#: Routes with an id: tested with a record of another organisation in the pages' own tests.
SAMPLE_ID = 999999


def feed_tokens(provider):
    from portal.feeds import feed_token
    return {"token": feed_token(provider.id)}, {"token": feed_token(None)}


def password_tokens(provider):
    """An invited signatory's link (the account has no usable password yet)."""
    from portal.extensions import db
    from portal.operations.accounts import invite_signatory, password_token
    from portal.operations.audit import Actor
    user = invite_signatory(provider, f"uitgenodigd-{provider.id}@apotheek.example",
                            Actor("manager@vgz.example", "contract_manager"))
    db.session.commit()
    return ({"token": password_token(user)},)


def reset_tokens(provider):
    """A password reset link of a provider's user."""
    from portal.extensions import db
    from portal.models import User
    from portal.operations.accounts import RESET_SALT, password_token
    user = User(email=f"vergeten-{provider.id}@apotheek.example", name="Vergeten", role="provider_user",
                provider_id=provider.id)
    user.set_password("een-oud-wachtwoord-van-lang")
    db.session.add(user)
    db.session.commit()
    return ({"token": password_token(user, RESET_SALT)},)


#: Routes opened by a secret token in the URL instead of a login (calendar apps cannot log in;
#: an invited user has no password yet; a user who forgot it has none to use):
#: endpoint -> the valid URL arguments, given a provider. Every role gets the same answer: 200
#: with a valid token, 404 with a forged one (SAMPLE_ID), never the login page.
TOKEN_ROUTES = {"feeds.agenda": feed_tokens, "auth.set_password_page": password_tokens,
                "auth.reset_password": reset_tokens}
#: Pages that must be in the URL map, with what each role gets (the sweep alone would not notice
#: a rule that went missing).
REQUIRED = {
    "/beheer/uitgaande-post": {"anonymous": 302, "provider_user": 403, "provider_signatory": 403,
                               "contract_manager": 200, "adviseur": 403, "admin": 200},
    "/beheer/meldingen": {"anonymous": 302, "provider_user": 403, "provider_signatory": 403,
                          "contract_manager": 200, "adviseur": 403, "admin": 200},
    # the consent and authorisation requests: the advisors' queue, the pharmacy's list and form
    "/beheer/toestemmingen": {"anonymous": 302, "provider_user": 403, "provider_signatory": 403,
                              "contract_manager": 403, "adviseur": 200, "admin": 200},
    "/zorgaanbieder/toestemmingen": {"anonymous": 302, "provider_user": 200,
                                     "provider_signatory": 200, "contract_manager": 403,
                                     "adviseur": 403, "admin": 403},
    "/zorgaanbieder/toestemmingen/nieuw": {"anonymous": 302, "provider_user": 200,
                                           "provider_signatory": 200, "contract_manager": 403,
                                           "adviseur": 403, "admin": 403},
}


def routes(app, method):
    for rule in app.url_map.iter_rules():
        if method in rule.methods and not rule.endpoint.startswith(("static", "api-docs")) \
                and not rule.rule.startswith("/api/"):
            yield rule


def url_for_rule(rule):
    return re.sub(r"<(?:[^:>]+:)?[^>]+>", str(SAMPLE_ID), rule.rule)


def expected(path, role, endpoint=None):
    """Status of a GET for a role, by audience: 200 open, 302 to login, 403 refused, 404 no record."""
    if endpoint in TOKEN_ROUTES:
        return {404}  # SAMPLE_ID is no token we signed
    if path.startswith("/beheer/toestemmingen"):
        side = ("adviseur", "admin")  # the advisors decide consent requests; managers do not
    elif path.startswith("/beheer"):
        side = ("contract_manager", "admin")
    elif path.startswith("/zorgaanbieder"):
        side = ("provider_user", "provider_signatory")
    elif path == "/favicon.ico":
        return {301}  # to the static icon, for everyone
    elif path == "/inloggen":
        return {200} if role == "anonymous" else {302}  # a logged-in user goes to their home
    elif path == "/inloggen/code":
        return {302}  # only between the password and the second factor of a login
    elif path == "/inloggen/tweestapsverificatie":
        return {302} if role == "anonymous" else {200}  # set up during a login, or when logged in
    elif path.startswith("/account/beheer"):
        side = ("admin",)  # every account and the sign-in events: admins only
    elif path.startswith("/account"):
        return {302} if role == "anonymous" else {200, 404}  # one's own account, any role
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
        assert status in expected(path, role, rule.endpoint), (role, path, status)
    assert len(seen) >= 5
    for path, statuses in REQUIRED.items():
        assert (path, statuses[role]) in seen, (role, path)


def test_every_route_with_a_token_in_its_url_is_a_token_route(app):
    tokened = {rule.endpoint for rule in routes(app, "GET") if "<token>" in rule.rule}
    assert tokened == set(TOKEN_ROUTES)


@pytest.mark.parametrize("role", ROLES)
def test_token_routes_open_with_a_valid_token_for_every_role(app, client, login_as, make_provider,
                                                           session, role):
    login_as(role)
    provider = make_provider()
    session.commit()
    rules = {rule.endpoint: rule for rule in routes(app, "GET")}
    for endpoint, arguments in TOKEN_ROUTES.items():
        for values in arguments(provider):
            path = re.sub(r"<(?:[^:>]+:)?([^>]+)>", lambda m, values=values: str(values[m.group(1)]),
                          rules[endpoint].rule)
            assert client.get(path).status_code == 200, (role, path)
            forged = path.replace(values["token"], values["token"][:-4] + "AAAA")
            assert client.get(forged).status_code == 404, (role, forged)


def test_every_post_refuses_a_missing_csrf_token(app, client, login_as):
    login_as("contract_manager")
    posts = [url_for_rule(r) for r in routes(app, "POST")]
    assert posts
    for path in posts:
        assert client.post(path, data={}).status_code in (400, 429), path


#: An id beyond any database integer (PostgreSQL's bigint, SQLite's 64 bits): a record that
#: cannot exist, so the same answer as for one that does not, never a server error.
HUGE_ID = 2 ** 70


@pytest.mark.parametrize("role", ("provider_signatory", "contract_manager", "adviseur"))
def test_an_id_beyond_any_database_integer_is_not_found_not_a_server_error(app, client, login_as,
                                                                            role):
    login_as(role)
    checked = 0
    for rule in routes(app, "GET"):
        if "<int:" not in rule.rule:
            continue
        path = re.sub(r"<int:[^>]+>", str(HUGE_ID), rule.rule)
        path = re.sub(r"<(?:[^:>]+:)?[^>]+>", "x", path)
        status = client.get(path).status_code
        assert status in {302, 403, 404}, (role, path, status)  # no such record, no error
        checked += 1
    assert checked >= 10
