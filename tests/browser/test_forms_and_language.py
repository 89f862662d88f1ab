"""Bad input on the login and simulation-date forms shows its message and keeps what was typed;
the language switches between Dutch and English and back; the zorgzoeker, searched after
12 November 2023, lists the contracted providers."""
import re

from playwright.sync_api import expect

from .steps import MANAGER, accepted_offer, login, set_date


def test_a_wrong_password_or_email_is_told_and_the_email_kept(live_portal, page, audit):
    _app, base = live_portal
    login(page, base, "geen-emailadres", "x")
    expect(page.locator("main")).to_contain_text("Dit is geen geldig e-mailadres.")
    expect(page.locator("#email")).to_have_value("geen-emailadres")
    expect(page.locator("#email")).to_have_attribute("aria-invalid", "true")
    audit(page)
    login(page, base, MANAGER, "fout-wachtwoord")
    expect(page.locator("main")).to_contain_text("Onbekend e-mailadres of onjuist wachtwoord.")
    expect(page.locator("#email")).to_have_value(MANAGER)
    expect(page.locator("#password")).to_have_value("")  # a password is never sent back
    audit(page)


def test_a_bad_simulation_date_is_told_and_kept(live_portal, page, audit, simulated_date):
    _app, base = live_portal
    login(page, base, MANAGER)
    page.goto(f"{base}/beheer/simulatiedatum")
    page.fill("#day", "31-02-2023")
    page.fill("#reason", "eind februari")
    page.click("main button[type=submit]")
    expect(page.locator("main .error")).to_contain_text("Deze datum bestaat niet.")
    expect(page.locator("#day")).to_have_value("31-02-2023")
    expect(page.locator("#reason")).to_have_value("eind februari")
    audit(page)


def test_the_language_switches_to_english_and_back(live_portal, page, audit):
    _app, base = live_portal
    page.goto(f"{base}/inloggen")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.wait_for_url(f"{base}/inloggen")  # back on the page it was switched on
    expect(page.locator("h1")).to_have_text("Log in")
    audit(page)
    login(page, base, MANAGER, "wrong")
    expect(page.locator("main")).to_contain_text("Unknown email address or incorrect password.")
    audit(page)
    page.get_by_role("button", name="Nederlands").click()
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    expect(page.locator("h1")).to_have_text("Inloggen")


def test_the_zorgzoeker_lists_the_contracted_after_12_november(live_portal, page, audit,
                                                               simulated_date):
    app, base = live_portal
    name = accepted_offer(app, "06100004", "farmaceutische_zorg")  # Dienstapotheek Regio Utrecht
    login(page, base, MANAGER)
    set_date(page, base, "11-11-2023", audit)
    page.goto(f"{base}/zorgzoeker")
    expect(page.locator("main")).to_contain_text("Vanaf 12-11-2023")
    expect(page.locator("main form[role=search]")).to_have_count(0)
    audit(page)

    set_date(page, base, "12-11-2023")
    page.goto(f"{base}/zorgzoeker")
    page.fill("#plaats", "utrecht")
    page.select_option("#type", "zuivere_dienstapotheek")
    page.get_by_role("button", name="Zoeken").click()
    expect(page).to_have_url(re.compile(r"plaats=utrecht"))
    expect(page.locator("#plaats")).to_have_value("utrecht")
    expect(page.locator("main table")).to_contain_text(name)
    # one line per provider, counted as providers (not one per provider and contract)
    expect(page.locator("main [role=status]")).to_contain_text(
        re.compile(r"^(1 zorgaanbieder|\d+ zorgaanbieders) gevonden"))
    audit(page)
