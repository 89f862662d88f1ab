"""Every area is reachable from the menus of the roles that use it, and from no other."""
import pytest

PUBLIC_LINKS = ("/zorgzoeker", "/tekorten")
PROVIDER_LINKS = ("/zorgaanbieder/controles/", "/zorgaanbieder/toestemmingen",
                  "/zorgaanbieder/voorkeursbestand", "/zorgaanbieder/berichten")


def links(page: str, path: str) -> bool:
    return f'href="{path}"' in page


def test_the_public_menu_leads_to_the_shortages_information_point(client):
    page = client.get("/zorgzoeker").get_data(as_text=True)
    assert all(links(page, path) for path in PUBLIC_LINKS)
    assert not links(page, "/zorgaanbieder/controles/")


def test_a_pharmacy_reaches_its_checks_requests_and_preference_file(client, auth, make_user,
                                                                  make_provider):
    auth.login(make_user("provider_signatory", make_provider()))
    page = client.get("/zorgaanbieder/aanbiedingen").get_data(as_text=True)
    assert all(links(page, path) for path in PROVIDER_LINKS)
    assert not links(page, "/beheer/tekorten")
    checks = client.get("/zorgaanbieder/controles/").get_data(as_text=True)
    assert 'href="/zorgaanbieder/controles/" aria-current="page"' in checks


@pytest.mark.parametrize("role, sees_requests", [("contract_manager", False), ("admin", True)])
def test_the_insurers_menu_leads_to_the_shortages_register(client, auth, make_user, role,
                                                           sees_requests):
    auth.login(make_user(role))
    page = client.get("/beheer/").get_data(as_text=True)
    assert links(page, "/beheer/tekorten")
    assert links(page, "/beheer/toestemmingen") is sees_requests  # the advisors' work


def test_an_advisor_is_led_to_the_requests_not_to_pages_that_refuse_them(client, auth, make_user):
    auth.login(make_user("adviseur"))
    page = client.get("/beheer/toestemmingen").get_data(as_text=True)
    assert links(page, "/beheer/toestemmingen")
    assert not links(page, "/zorgaanbieder/aanbiedingen") and not links(page, "/beheer/")
