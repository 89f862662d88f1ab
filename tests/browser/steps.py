"""Steps the journeys share: logging in and out, moving the simulated date, setting up what a
journey starts from (through the portal's own operations, as the worker test does), and the
keyboard helpers of the accessibility checks."""
from __future__ import annotations

import re
from datetime import date

from playwright.sync_api import expect

from demo import DEMO_PASSWORD

MANAGER = "manager@vgz.example"
TESTER = ("browser-journey", "contract_manager")


def login(page, base, email, password=DEMO_PASSWORD):
    """Logs in through the form; the login page and the page it leads to (the user's start page,
    the two-factor step or the form with its message) are checked for overflow."""
    page.goto(f"{base}/inloggen")
    assert_no_overflow(page)
    page.fill("#email", email)
    page.fill("#password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert_no_overflow(page)


def logout(page):
    page.locator("header form[action$='uitloggen'] button").click()
    expect(page.locator("h1")).to_have_text(re.compile("Inloggen|Log in"))


def set_date(page, base, day: str, audit=None):
    """The manager (logged in) moves the simulated date on /beheer/simulatiedatum."""
    page.goto(f"{base}/beheer/simulatiedatum")
    (audit or assert_no_overflow)(page)
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


#: The widths every page must fit without scrolling sideways (WCAG 1.4.10): a desktop window
#: and a phone held upright.
WIDTHS = (1280, 390)

#: How wide the page is, and the elements that stick out of the window where their parent does
#: not (the widest first), leaving out what sits in a box that scrolls or clips on its own.
MEASURE = """() => {
  const root = document.documentElement, window_ = root.clientWidth;
  const clipped = el => {  // (an absolute box escapes a scrolling ancestor that is not positioned)
    if (['absolute', 'fixed'].includes(getComputedStyle(el).position)) return false;
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== 'visible') return true;
    }
    return false;
  };
  const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
    + [...el.classList].map(c => '.' + c).join('')
    + ' "' + (el.innerText || '').trim().replace(/\\s+/g, ' ').slice(0, 40) + '"';
  const sticksOut = el => el.getBoundingClientRect().right > window_ + 0.5;
  const out = root.scrollWidth <= window_ ? [] : [...document.body.querySelectorAll('*')]
    .filter(el => sticksOut(el) && !sticksOut(el.parentElement) && !clipped(el))
    .map(el => [el, el.getBoundingClientRect().right])
    .sort((a, b) => b[1] - a[1]).slice(0, 3)
    .map(([el, right]) => `${name(el)} to ${Math.round(right)} px`);
  return {wide: root.scrollWidth, window: window_, out: out};
}"""


def assert_no_overflow(page):
    """The page as it is now fits the window at 1,280 and at 390 px: nothing makes the whole page
    scroll sideways (a wide table scrolls in a box of its own). On failure it names the widest
    elements. The window goes back to its size, so the journey goes on as it was."""
    size = page.viewport_size
    try:
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": size["height"]})
            found = page.evaluate(MEASURE)
            assert found["wide"] <= found["window"], (
                f"{page.url} scrolls sideways at {width} px: {found['wide']} px in a "
                f"{found['window']} px window; widest: {'; '.join(found['out']) or '?'}")
    finally:
        page.set_viewport_size(size)
    checked_pages(page).add(page_of(page.url))


def checked_pages(page) -> set:
    """The pages (`page_of`) this tab has checked for overflow."""
    if not hasattr(page, "overflow_checked"):
        page.overflow_checked = set()
    return page.overflow_checked


def page_of(url: str) -> str:
    """A page as the overflow check counts them: its path, with ids and query left out (offer
    12 and offer 13 are one page)."""
    path = re.sub(r"^[a-z]+://[^/]+", "", url).split("?")[0].split("#")[0]
    return re.sub(r"/\d+(?=/|$)", "/<id>", path)


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
