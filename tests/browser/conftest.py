"""Browser journeys: the portal served for real (werkzeug, a SQLite file with demo data) and
driven by Playwright in Debian's Chromium. Skipped where Chromium is missing, unless
REQUIRE_CHROMIUM is set (CI), where that is a failure."""
from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: axe-core, fetched from npm into a cache that is not committed (`make test` and `.ci/run` do).
AXE = Path(__file__).resolve().parents[2] / ".cache" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
#: What the audit fails on; axe's minor and moderate findings are reported, not failed.
AXE_FAILS = ("serious", "critical")


@pytest.fixture(scope="session")
def chromium():
    if not Path(CHROMIUM).exists():
        if os.environ.get("REQUIRE_CHROMIUM"):
            pytest.fail("REQUIRE_CHROMIUM is set but Chromium is not installed")
        pytest.skip("Chromium (Debian package chromium) is not installed")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--no-first-run", "--disable-sync"])
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def live_portal(tmp_path_factory):
    """The portal on a free loopback port, on its own SQLite file with a small demo register."""
    from flask_migrate import upgrade
    from werkzeug.serving import make_server

    from portal import create_app
    from demo import load_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'portal.sqlite'}"
    # The journeys log in more often than a person would: the login limit is for people.
    # Two-factor is offered, not required, here: the journey of tests/browser/test_two_factor.py
    # sets it up as a signatory would.
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SESSION_COOKIE_SECURE": False,
                      "LOGIN_RATE_LIMIT": "1000 per minute", "TWO_FACTOR_REQUIRED_ROLES": ()})
    with app.app_context():
        upgrade()
        load_demo(providers=150)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture
def page(chromium, request, tmp_path_factory):
    """A fresh Dutch browser tab; on failure its screenshot and HTML are kept. Every page the
    journey opens must have been checked for overflow (`steps.assert_no_overflow`, which `audit`
    runs) at least once: a journey that passed but left a page unchecked fails here, naming it."""
    from .steps import checked_pages, page_of

    context = chromium.new_context(locale="nl-NL")
    tab = context.new_page()
    visited = []
    tab.on("framenavigated", lambda frame: frame.parent_frame is None
           and frame.url.startswith("http") and visited.append(page_of(frame.url)))
    yield tab
    call = getattr(request.node, "rep_call", None)
    if call is not None and call.failed:
        keep = Path(os.environ.get("BROWSER_ARTIFACTS", tmp_path_factory.getbasetemp())) / request.node.name
        keep.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(keep / "page.png"), full_page=True)
        (keep / "page.html").write_text(tab.content(), encoding="utf-8")
        print(f"browser artefacts kept in {keep}")
    context.close()
    if call is not None and call.passed:
        unchecked = sorted(set(visited) - checked_pages(tab))
        assert not unchecked, f"pages the journey opened but never checked for overflow: {unchecked}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


@pytest.fixture(scope="session")
def axe_source():
    """axe-core's source, or None (its checks skipped) where it was not fetched; where
    REQUIRE_CHROMIUM is set (CI) a missing axe-core fails instead."""
    if AXE.exists():
        return AXE.read_text(encoding="utf-8")
    if os.environ.get("REQUIRE_CHROMIUM"):
        pytest.fail(f"REQUIRE_CHROMIUM is set but axe-core is missing ({AXE}); run make test")
    return None


LABELS = """() => [...document.querySelectorAll('input, select, textarea')]
  .filter(el => el.type !== 'hidden')
  .filter(el => !(el.labels && el.labels.length) && !el.getAttribute('aria-label')
                && !el.getAttribute('aria-labelledby'))
  .map(el => el.outerHTML.slice(0, 120))"""

AXE_RUN = """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
  .map(v => ({id: v.id, impact: v.impact, help: v.help,
              nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}))"""


@pytest.fixture
def audit(axe_source):
    """Checks the page as it is now: `lang` on <html>, a label on every input, no horizontal
    overflow at 1,280 and 390 px, and no serious or critical axe-core violation. axe is evaluated over the DevTools protocol, which the portal's
    Content-Security-Policy does not govern, so the journeys keep that policy (no bypass_csp)."""
    from .steps import assert_no_overflow

    def check(page):
        assert page.locator("html").get_attribute("lang") in ("nl", "en"), page.url
        assert page.evaluate(LABELS) == [], f"inputs without a label on {page.url}"
        assert_no_overflow(page)
        if axe_source is None:
            return []
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(axe_source)
        violations = page.evaluate(AXE_RUN)
        failing = [v for v in violations if v["impact"] in AXE_FAILS]
        assert not failing, f"axe-core on {page.url}:\n" + "\n".join(
            f"  {v['impact']} {v['id']} ({v['help']}): {v['nodes']}" for v in failing)
        return violations
    return check


@pytest.fixture
def simulated_date(live_portal):
    """Whatever a test does with the simulated date, the next one starts from where it was."""
    from .steps import current_date, restore_date

    app, _base = live_portal
    before = current_date(app)
    yield
    restore_date(app, before)
