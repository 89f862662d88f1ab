"""The managers' offers overview in Chromium: from the menu to a filtered list, a bad filter
told in Dutch, the export of what is shown, and on to the offer."""
import re
from pathlib import Path

from playwright.sync_api import expect

from .steps import MANAGER, TESTER, login


def an_open_offer(app) -> tuple[str, str]:
    """A provider of the demo register with an open 2024 offer (issued through the operations
    where the policy makes one); returns its name and AGB code."""
    from sqlalchemy import select

    from contracts.errors import CaseError
    from portal.extensions import db
    from portal.models import Offer, Provider
    from portal.operations.audit import Actor
    from portal.operations.offers import issue_offer

    with app.app_context():
        offered = select(Offer.provider_id).where(Offer.policy_year == 2024)
        for provider in db.session.scalars(select(Provider).where(Provider.id.not_in(offered))
                                           .order_by(Provider.id)):
            try:
                issue_offer(provider, "farmaceutische_zorg", 2024, Actor(*TESTER))
            except CaseError:
                db.session.rollback()
                continue
            db.session.commit()
            return provider.name, provider.agb
    raise AssertionError("no demo provider gets a Farmaceutische zorg offer")


def test_a_manager_filters_the_offers_exports_them_and_opens_one(live_portal, page, audit):
    app, base = live_portal
    name, agb = an_open_offer(app)
    login(page, base, MANAGER)
    page.wait_for_url(f"{base}/beheer/")
    page.locator("nav.subnav a", has_text=re.compile("^Aanbiedingen$")).click()
    page.wait_for_url(f"{base}/beheer/aanbiedingen")
    expect(page.locator("main [role=status]")).to_contain_text("aanbieding")
    audit(page)

    page.fill("#q", agb)
    page.select_option("#status", "open")
    page.select_option("#year", "2024")
    page.fill("#deadline_from", "31-02-2023")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Deze datum bestaat niet.")
    expect(page.locator("main table")).to_have_count(0)
    audit(page)

    page.fill("#deadline_from", "")
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main [role=status]")).to_have_text("1 aanbieding")
    row = page.locator("main tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text(name)
    expect(row).to_contain_text("Overeenkomst Farmaceutische zorg")
    audit(page)

    with page.expect_download() as download:
        page.locator("main a", has_text="Exporteren naar CSV").click()
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    lines = content[3:].decode("utf-8").splitlines()
    assert len(lines) == 2 and lines[1].startswith(f"{agb};{name};")

    row.locator("a").first.click()
    page.wait_for_url(re.compile(r".*/beheer/aanbiedingen/\d+$"))
    expect(page.locator("h1")).to_contain_text("Farmaceutische zorg")
    audit(page)
