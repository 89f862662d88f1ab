"""Keyboard only: a signatory logs in and accepts an offer with Tab, Shift+Tab, Enter and Space,
and every element the focus passes shows that it has it."""
import pytest
from playwright.sync_api import expect

from demo import DEMO_PASSWORD

from .steps import focused, open_offer, tab_to

SIGNATORY = "signatory@service-apotheek-kerkstraat.example"


def test_log_in_and_accept_an_offer_with_the_keyboard_only(live_portal, page, audit):
    app, base = live_portal
    offer_id = open_offer(app, "06100002", "module_zorgprestaties")  # Service Apotheek Kerkstraat

    page.goto(f"{base}/inloggen")
    audit(page)
    first = tab_to(page, lambda el: True)
    assert first["href"] == "#main", "the first Tab reaches the skip link"
    tab_to(page, lambda el: el["id"] == "email")
    page.keyboard.type(SIGNATORY)
    tab_to(page, lambda el: el["id"] == "password")
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/zorgaanbieder/aanbiedingen")
    audit(page)

    tab_to(page, lambda el: el["href"].endswith(f"/zorgaanbieder/aanbiedingen/{offer_id}"))
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/zorgaanbieder/aanbiedingen/{offer_id}")
    expect(page.locator("main .status").first).to_have_text("aangeboden")

    box = tab_to(page, lambda el: el["type"] == "checkbox" and el["name"] == "accept-confirm")
    page.keyboard.press("Space")
    expect(page.locator(f"#{box['id']}")).to_be_checked()
    tab_to(page, lambda el: el["text"] == "Aanbod aanvaarden")
    tab_to(page, lambda el: el["type"] == "checkbox", backwards=True)  # back, and forth again
    assert focused(page)["name"] == "accept-confirm"
    tab_to(page, lambda el: el["text"] == "Aanbod aanvaarden")
    page.keyboard.press("Enter")
    expect(page.locator("main .status").first).to_have_text("geaccepteerd")
    audit(page)


def test_axe_core_is_at_hand(axe_source):
    """Says so (a skip) where axe-core was not fetched and the axe checks were left out."""
    if axe_source is None:
        pytest.skip("axe-core is not in .cache/axe (make test fetches it): axe checks skipped")
    assert "axe" in axe_source
