"""A negotiable offer, round by round: the manager offers the preferred internet pharmacy its
agreement, its signatory makes a counter-proposal on a line of the offer's own tariff list (a
badly written and a negative amount first: the message is shown and what was typed stays), the
manager agrees, and the signatory accepts the final offer and downloads the receipt."""
import re

from playwright.sync_api import expect

from .steps import MANAGER, login, logout

PHARMACY = "Receptenpost Internetapotheek"
SIGNATORY = "signatory@receptenpost-internetapotheek.example"


def test_a_negotiable_offer_goes_through_a_counter_proposal_to_agreement(live_portal, page, audit):
    _app, base = live_portal
    login(page, base, MANAGER)
    page.goto(f"{base}/beheer/zorgaanbieders?q=Receptenpost")
    audit(page)
    page.get_by_role("link", name=PHARMACY).click()
    audit(page)
    page.select_option("#contract", "farmaceutische_zorg")
    page.get_by_role("button", name="Aanbod uitgeven").click()
    page.wait_for_url(re.compile(r".*/beheer/aanbiedingen/\d+$"))
    offer_path = page.url.split("/beheer")[1]
    expect(page.locator("main .facts")).to_contain_text("ja")  # negotiable
    logout(page)

    login(page, base, SIGNATORY)
    page.goto(f"{base}/zorgaanbieder{offer_path}")
    expect(page.locator("main .status").first).to_have_text("aangeboden")
    audit(page)
    counter = page.locator("main form[action$='tegenvoorstel']")
    counter.locator("textarea").fill("Wij vragen een hoger tarief voor de eerste terhandstelling.")
    amount = counter.get_by_label("Voorgesteld bedrag voor VGZ-T01")  # a row per tariff line
    amount.fill("7.5O")
    counter.get_by_role("button", name="Tegenvoorstel versturen").click()
    counter = page.locator("main form[action$='tegenvoorstel']")
    expect(counter).to_contain_text("Schrijf het bedrag als 7,50 (komma voor de centen).")
    expect(counter.locator("textarea")).to_have_value(
        "Wij vragen een hoger tarief voor de eerste terhandstelling.")
    amount = counter.get_by_label("Voorgesteld bedrag voor VGZ-T01")
    expect(amount).to_have_value("7.5O")
    audit(page)
    amount.fill("-7,50")
    counter.get_by_role("button", name="Tegenvoorstel versturen").click()
    counter = page.locator("main form[action$='tegenvoorstel']")
    expect(counter).to_contain_text("Het bedrag kan niet negatief zijn.")
    counter.get_by_label("Voorgesteld bedrag voor VGZ-T01").fill("7,50")
    counter.get_by_role("button", name="Tegenvoorstel versturen").click()
    expect(page.locator("main .status").first).to_have_text("tegenvoorstel")
    expect(page.locator("main .thread")).to_contain_text("€ 7,50")
    audit(page)
    logout(page)

    login(page, base, MANAGER)
    page.goto(f"{base}/beheer/onderhandelingen")
    audit(page)
    page.locator(f"main a[href$='{offer_path}']").click()
    agree = page.locator("main form.action-agree")
    agree.locator("textarea").fill("Akkoord met € 7,50 voor prestatie VGZ-T01.")
    agree.get_by_role("button").click()
    expect(page.locator(".flash-success")).to_contain_text("aangeboden")
    expect(page.locator("main .thread")).to_contain_text("Akkoord met € 7,50")
    audit(page)
    logout(page)

    login(page, base, SIGNATORY)
    page.goto(f"{base}/zorgaanbieder{offer_path}")
    expect(page.locator("main .facts").first).to_contain_text("Nee")  # the agreed offer is final
    expect(page.locator("main form[action$='tegenvoorstel']")).to_have_count(0)
    page.locator("main form[action$='aanvaarden'] input[type=checkbox]").check()
    page.get_by_role("button", name="Aanbod aanvaarden").click()
    expect(page.locator("main .status").first).to_have_text("geaccepteerd")
    audit(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download het ontvangstbewijs (PDF)").click()
    receipt = download.value
    assert receipt.suggested_filename.startswith("ontvangstbewijs-")
    with open(receipt.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
