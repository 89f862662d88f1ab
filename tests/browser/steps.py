"""Steps the journeys share: logging in and out, moving the simulated date, setting up what a
journey starts from (through the portal's own operations, as the worker test does), and the
keyboard helpers of the accessibility checks."""
from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect

from portal.demo import DEMO_PASSWORD

MANAGER = "manager@vgz.example"
TESTER = ("browser-journey", "contract_manager")


def login(page, base, email, password=DEMO_PASSWORD):
    page.goto(f"{base}/inloggen")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")


def logout(page):
    page.locator("header form[action$='uitloggen'] button").click()
    expect(page.locator("h1")).to_have_text(re.compile("Inloggen|Log in"))


def set_date(page, base, day: str, audit=None):
    """The manager (logged in) moves the simulated date on /beheer/simulatiedatum."""
    page.goto(f"{base}/beheer/simulatiedatum")
    if audit:
        audit(page)
    page.fill("#day", day)
    page.click("main button[type=submit]")
    expect(page.locator(".clock")).to_contain_text(day)


def accepted_offer(app, agb: str, contract: str) -> str:
    """An accepted 2024 offer for a demo provider, issued and accepted through the operations
    (idempotent: a journey that ran first may have issued it already). Returns its name."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Provider
    from portal.operations.audit import Actor
    from portal.operations.offers import issue_offer, transition

    with app.app_context():
        provider = db.session.scalar(select(Provider).where(Provider.agb == agb))
        offer = issue_offer(provider, contract, 2024, Actor(*TESTER))
        if offer.status == "aangeboden":
            transition(offer.id, "accept", Actor("signatory", "provider_signatory", provider.id))
        db.session.commit()
        return provider.name


def open_offer(app, agb: str, contract: str) -> int:
    """A 2024 offer waiting for the provider's answer (issued through the operations)."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Provider
    from portal.operations.audit import Actor
    from portal.operations.offers import issue_offer

    with app.app_context():
        provider = db.session.scalar(select(Provider).where(Provider.agb == agb))
        offer = issue_offer(provider, contract, 2024, Actor(*TESTER))
        db.session.commit()
        assert offer.status == "aangeboden", offer.status
        return offer.id


def invitation_link(app, email: str) -> str:
    """The link of the invitation mail a granted applicant's contact address received (as the
    mail shows it: PORTAL_URL and the path), read from the outgoing mail."""
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import OutgoingMail
    from portal.operations.mail import queue_mail

    with app.app_context():
        queue_mail()
        body = db.session.scalar(select(OutgoingMail.body).where(
            OutgoingMail.recipient == email, OutgoingMail.subject.contains("Uw account")))
        db.session.remove()
    assert body is not None, f"no invitation mail to {email}"
    return re.search(r"(/wachtwoord-instellen/\S+)", body).group(1)


def restore_date(app, day: date) -> None:
    from portal.extensions import db
    from portal.operations.audit import Actor
    from portal.operations.clock import set_today

    with app.app_context():
        set_today(day, Actor(*TESTER), "browser journey: back to where it was", record=False)
        db.session.commit()


def current_date(app) -> date:
    from portal.operations.clock import today

    with app.app_context():
        return today()


WIDTHS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


def fitting(audit):
    """The audit, and then: the page fits the window's width, nothing makes the whole page scroll
    sideways (WCAG 1.4.10; a wide table scrolls in a region of its own)."""
    def check(page):
        violations = audit(page)
        wide, window = page.evaluate(WIDTHS)
        assert wide <= window, f"{page.url} scrolls sideways: {wide} px in a {window} px window"
        return violations
    return check


# -- the keyboard ------------------------------------------------------------------------------

FOCUS = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
  const ring = style.boxShadow && style.boxShadow !== 'none';
  const box = el.getBoundingClientRect();
  return {tag: el.tagName.toLowerCase(), type: el.type || '', name: el.name || '',
          id: el.id || '', text: (el.innerText || el.value || '').trim().slice(0, 80),
          href: el.getAttribute('href') || '', visible: outline || ring,
          onscreen: box.width > 0 && box.height > 0};
}"""


def focused(page) -> dict | None:
    return page.evaluate(FOCUS)


def tab_to(page, matches, *, backwards: bool = False, limit: int = 80) -> dict:
    """Press Tab (or Shift+Tab) until the focused element satisfies `matches`; every element
    passed on the way must show where the focus is."""
    key = "Shift+Tab" if backwards else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        now = focused(page)
        if now is None:
            continue
        assert now["visible"], f"focus is not visible on {now}"
        assert now["onscreen"], f"focus went to something not on screen: {now}"
        if matches(now):
            return now
    raise AssertionError(f"{key} pressed {limit} times without reaching the element")
