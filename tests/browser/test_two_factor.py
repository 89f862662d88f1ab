"""A signatory, who signs contracts, turns on two-factor login with an authenticator app: scans
(here: reads) the key, confirms with a code, keeps the recovery codes, then logs in with the
app's code and once with a recovery code, and sees how many codes are left."""
import re
import time

import pyotp
from playwright.sync_api import expect

from .steps import login, logout

SIGNATORY = "signatory@dienstapotheek-regio-utrecht.example"


def test_a_signatory_sets_up_two_factor_and_logs_in_with_the_app_and_a_recovery_code(
        live_portal, page, audit):
    app, base = live_portal
    login(page, base, SIGNATORY)
    page.goto(f"{base}/account/")
    audit(page)
    page.get_by_role("link", name="Tweestapsverificatie aanzetten").click()
    expect(page.locator("h1")).to_have_text("Tweestapsverificatie instellen")
    expect(page.locator("img.qr")).to_be_visible()
    audit(page)
    secret = page.locator("code.secret").inner_text().strip()
    totp = pyotp.TOTP(secret)

    page.fill("#code", "123 456" if totp.now() != "123456" else "654321")
    page.click("main button[type=submit]")
    expect(page.locator("main .error")).to_contain_text("klopt niet")
    page.fill("#code", totp.now())
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_have_text("Uw herstelcodes")
    codes = [c.strip() for c in page.locator("ul.codes code").all_inner_texts()]
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z0-9]{4}-[a-z0-9]{4}-[a-z0-9]{4}", c)
                                    for c in codes)
    audit(page)
    page.get_by_role("link", name=re.compile("verder")).click()

    # -- the next login asks the app's code (the next one: each code works once) --------------
    logout(page)
    login(page, base, SIGNATORY)
    expect(page.locator("h1")).to_have_text("Tweestapsverificatie")
    audit(page)
    page.fill("#code", totp.at(time.time() + 30))
    page.click("main button[type=submit]")
    expect(page).to_have_url(re.compile(r"/zorgaanbieder/"))

    # -- and once with a recovery code ---------------------------------------------------------
    logout(page)
    login(page, base, SIGNATORY)
    page.fill("#code", codes[0])
    page.click("main button[type=submit]")
    expect(page.locator(".flash")).to_contain_text("nog 9")
    page.goto(f"{base}/account/")
    expect(page.locator("main")).to_contain_text("nog 9 ongebruikte herstelcodes")

    # -- off again (a signatory may), so the demo account is as it was ------------------------
    page.get_by_role("button", name="Tweestapsverificatie uitzetten").click()
    expect(page.locator(".flash")).to_contain_text("staat uit")
