"""The campaign as its users meet it, in Chromium: a manager issues the 15 September 2023 batch
and a pharmacy's signatory accepts its offer."""
import re

from playwright.sync_api import expect

from .steps import login, set_date


def test_a_manager_issues_the_15_september_batch_and_a_signatory_accepts(live_portal, page, audit):
    app, base = live_portal
    login(page, base, "manager@vgz.example")
    page.wait_for_url(f"{base}/beheer/")
    audit(page)

    set_date(page, base, "15-09-2023", audit)

    page.goto(f"{base}/beheer/aanbiedingen/uitgeven/fz_aflopend_aanbod")
    audit(page)
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_url(re.compile(r".*/beheer/batches/\d+$"))

    # The worker process's job, run here: the batch is recorded, a worker runs it.
    from portal.cli.worker import run_waiting
    with app.app_context():
        assert run_waiting(echo=lambda *a, **k: None) == (1, 0)
    # The page refreshes itself while the batch waits or runs; wait until it shows it is done
    # (a reload of our own could collide with its refresh).
    expect(page.locator(".status")).to_have_text(re.compile("klaar", re.I), timeout=20_000)
    done, total = map(int, re.search(r"(\d+) van (\d+) aanbiedingen uitgegeven",
                                     page.locator(".progress-text").inner_text()).groups())
    assert done == total > 0
    audit(page)  # done: the page no longer refreshes itself
    page.goto(f"{base}/beheer/")
    audit(page)  # now with the offers per contract and status

    page.locator("form[action$='uitloggen'] button").click()
    login(page, base, "signatory@apotheek-de-linde.example")
    page.wait_for_url(f"{base}/zorgaanbieder/aanbiedingen")
    page.goto(f"{base}/zorgaanbieder/aanbiedingen")
    page.locator("a[href*='/zorgaanbieder/aanbiedingen/']").first.click()
    expect(page.locator("h1")).to_contain_text("Overeenkomst Farmaceutische zorg 2024")
    audit(page)
    page.locator("main input[type=checkbox]").first.check()
    page.locator("main button", has_text="Aanbod aanvaarden").click()
    expect(page.locator("main .status").first).to_have_text("geaccepteerd")
    assert "aanvaard" in page.locator("main").inner_text().lower()
