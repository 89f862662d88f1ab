"""The campaign as its users meet it, in Chromium: a manager issues the 15 September 2023 batch
and a pharmacy's signatory accepts its offer."""
import re

from portal.demo import DEMO_PASSWORD


def login(page, base, email):
    page.goto(f"{base}/inloggen")
    page.fill("#email", email)
    page.fill("#password", DEMO_PASSWORD)
    page.click("main button[type=submit]")


def test_a_manager_issues_the_15_september_batch_and_a_signatory_accepts(live_portal, page):
    app, base = live_portal
    login(page, base, "manager@vgz.example")
    assert page.url.endswith("/beheer/")

    page.goto(f"{base}/beheer/simulatiedatum")
    page.fill("#day", "15-09-2023")
    page.click("main button[type=submit]")
    assert "15-09-2023" in page.locator(".clock").inner_text()

    page.goto(f"{base}/beheer/aanbiedingen/uitgeven/fz_aflopend_aanbod")
    page.locator("main form button[type=submit]").last.click()
    assert re.search(r"/beheer/batches/\d+$", page.url)

    # The worker process's job, run here: the batch is recorded, a worker runs it.
    from portal.cli.worker import run_waiting
    with app.app_context():
        assert run_waiting(echo=lambda *a, **k: None) == (1, 0)
    page.reload()
    done, total = map(int, re.search(r"(\d+)\s*/\s*(\d+)", page.locator("main").inner_text()).groups())
    assert done == total > 0

    page.locator("form[action$='uitloggen'] button").click()
    login(page, base, "signatory@apotheek-de-linde.example")
    page.goto(f"{base}/zorgaanbieder/aanbiedingen")
    page.locator("a[href*='/zorgaanbieder/aanbiedingen/']").first.click()
    assert "Overeenkomst Farmaceutische zorg 2024" in page.locator("h1").inner_text()
    page.locator("main input[type=checkbox]").first.check()
    page.locator("main button", has_text="Aanbod aanvaarden").click()
    text = page.locator("main").inner_text()
    assert "aanvaard" in text.lower() and "geaccepteerd" in text
