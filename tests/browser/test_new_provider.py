"""A new pharmacy applies on the public form, a contract manager assesses the application and
makes the offer, and the pharmacy's signatory downloads the agreement and accepts it. Bad input
on the application and assessment forms shows its message and keeps what was typed."""
from playwright.sync_api import expect

from .steps import MANAGER, invitation_link, login, logout, open_offer

AGB, KVK, CITY = "06177001", "61770010", "Zevenhuizen"
NAME = "Apotheek Het Nieuwe Begin"
CONTACT = "info@nieuwe-begin.example"  # the application's contact address: invited as signatory
PASSWORD = "een nieuw begin in zevenhuizen"


def fill_application(page, *, agb, postcode, email):
    page.fill("#organisation", NAME)
    page.fill("#agb", agb)
    page.fill("#kvk", KVK)
    page.select_option("#provider_type", "openbare_apotheek")
    page.fill("#address", "Dorpsstraat 1")
    page.fill("#postcode", postcode)
    page.fill("#city", CITY)
    page.fill("#agb_start", "2023-03-01")  # a date picker: ISO in, dd-mm-jjjj shown
    page.fill("#contact_email", email)
    page.fill("#start_date", "2024-01-01")


def test_a_new_provider_applies_is_granted_offered_and_accepts(live_portal, page, audit):
    app, base = live_portal

    # -- the application, first with mistakes ------------------------------------------------
    page.goto(f"{base}/aanvragen")
    audit(page)
    fill_application(page, agb="0617A", postcode="12345", email="apotheek-at-example")
    page.locator("main textarea").first.fill("Wij leveren zeven dagen per week.")
    page.click("main button[value=controleren]")
    main = page.locator("main")
    expect(main.locator(".flash-error")).to_be_visible()
    expect(main).to_contain_text("Een AGB-code bestaat uit precies 8 cijfers.")
    expect(main).to_contain_text("Schrijf de postcode als 1234 AB.")
    expect(main).to_contain_text("Dit is geen geldig e-mailadres.")
    expect(main).to_contain_text("Kies ten minste één overeenkomst.")
    expect(page.locator("#agb")).to_have_value("0617A")
    expect(page.locator("#agb")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#organisation")).to_have_value(NAME)
    expect(page.locator("#contact_email")).to_have_value("apotheek-at-example")
    expect(page.locator("main textarea").first).to_have_value("Wij leveren zeven dagen per week.")
    expect(page.locator("#agb_start")).to_have_value("2023-03-01")
    audit(page)

    page.fill("#agb", AGB)
    page.fill("#postcode", "2761 ab")
    page.fill("#contact_email", CONTACT)
    page.get_by_label("Overeenkomst Farmaceutische zorg", exact=True).check()
    page.click("main button[value=controleren]")
    expect(page.locator("#preview-title")).to_be_visible()
    expect(page.locator("#postcode")).to_have_value("2761 AB")
    audit(page)
    page.click("main button[value=versturen]")
    page.wait_for_url(f"{base}/aanvragen/ontvangen")
    expect(page.locator("h1")).to_have_text("Aanvraag ontvangen")
    expect(page.locator("main")).to_contain_text(NAME)
    audit(page)

    # -- the manager assesses: first without motivations, then in full -------------------------
    login(page, base, MANAGER)
    page.goto(f"{base}/beheer/aanvragen")
    audit(page)
    page.get_by_role("link", name=NAME).click()
    expect(page.locator("h1")).to_contain_text(NAME)
    audit(page)
    criteria = page.locator("main form.assessment fieldset.criterion")
    count = criteria.count() - 1  # the last one is the outcome
    assert count >= 1
    for i in range(count):
        criteria.nth(i).get_by_label("Ja", exact=True).check()
    page.get_by_label("Toekennen").check()
    page.fill("#motivation", "Voldoet aan alle criteria.")
    page.click("main form.assessment button[type=submit]")
    expect(page.locator(".flash-error")).to_contain_text("Niet opgeslagen")
    expect(page.locator("main .error").first).to_be_visible()
    expect(page.locator("#motivation")).to_have_value("Voldoet aan alle criteria.")
    expect(page.get_by_label("Toekennen")).to_be_checked()
    expect(criteria.first.get_by_label("Ja", exact=True)).to_be_checked()
    audit(page)

    for i in range(count):
        criteria.nth(i).locator("textarea").fill(f"Aangetoond in de bijlagen (criterium {i + 1}).")
        box = criteria.nth(i).locator("input[type=checkbox]")
        if box.count():
            box.check()
    page.click("main form.assessment button[type=submit]")
    expect(page.locator(".flash-success")).to_contain_text("toegekend")
    expect(page.locator("main .status").first).to_have_text("toegekend")
    audit(page)

    # -- ... and the grant made the offer the policy prescribes: the application page leads to it
    offer_id = open_offer(app, AGB, "farmaceutische_zorg")
    page.get_by_role("link", name="Overeenkomst Farmaceutische zorg 2024").click()
    page.wait_for_url(f"{base}/beheer/aanbiedingen/{offer_id}")
    expect(page.locator("main .status").first).to_have_text("aangeboden")
    audit(page)
    logout(page)

    # -- the pharmacy's signatory downloads the agreement and accepts ---------------------------
    # the grant invited the application's contact address: the mail's link sets the password
    page.goto(base + invitation_link(app, CONTACT))
    expect(page.locator("h1")).to_have_text("Wachtwoord instellen")
    audit(page)
    page.fill("#password", "kort")
    page.fill("#repeat", "kort")
    page.get_by_role("button", name="Wachtwoord instellen en inloggen").click()
    expect(page.locator("#password-error")).to_contain_text("ten minste 12 tekens")
    page.fill("#password", PASSWORD)
    page.fill("#repeat", PASSWORD)
    page.get_by_role("button", name="Wachtwoord instellen en inloggen").click()
    page.wait_for_url(f"{base}/zorgaanbieder/aanbiedingen")
    logout(page)
    login(page, base, CONTACT, PASSWORD)  # and from now on with the password chosen
    page.wait_for_url(f"{base}/zorgaanbieder/aanbiedingen")
    audit(page)
    page.locator("main a[href*='/zorgaanbieder/aanbiedingen/']").first.click()
    expect(page.locator("h1")).to_contain_text("Overeenkomst Farmaceutische zorg 2024")
    audit(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download Word (DOCX)").click()
    assert download.value.suggested_filename.endswith(".docx")
    with open(download.value.path(), "rb") as docx:
        assert docx.read(2) == b"PK"  # a DOCX is a zip

    page.click("main form[action$='aanvaarden'] button[type=submit]")  # not confirmed yet
    expect(page.locator("main")).to_contain_text("Bevestig dat u tekenbevoegd bent")
    audit(page)
    page.locator("main form[action$='aanvaarden'] input[type=checkbox]").check()
    page.get_by_role("button", name="Aanbod aanvaarden").click()
    expect(page.locator("main .status").first).to_have_text("geaccepteerd")
    audit(page)

    # -- ... and keeps the receipt: who accepted, when, and the document's reference and hash ------
    with page.expect_download() as download:
        page.get_by_role("link", name="Download het ontvangstbewijs (PDF)").click()
    assert download.value.suggested_filename.startswith("ontvangstbewijs-")
    with open(download.value.path(), "rb") as pdf:
        receipt = pdf.read()
    assert receipt.startswith(b"%PDF-") and CONTACT.encode() in receipt
