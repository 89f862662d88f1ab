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
    from portal.demo import load_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('live') / 'portal.sqlite'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SESSION_COOKIE_SECURE": False})
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
    """A fresh Dutch browser tab; on failure its screenshot and HTML are kept."""
    context = chromium.new_context(locale="nl-NL")
    tab = context.new_page()
    yield tab
    failed = getattr(request.node, "rep_call", None)
    if failed is not None and failed.failed:
        keep = Path(os.environ.get("BROWSER_ARTIFACTS", tmp_path_factory.getbasetemp())) / request.node.name
        keep.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(keep / "page.png"), full_page=True)
        (keep / "page.html").write_text(tab.content(), encoding="utf-8")
        print(f"browser artefacts kept in {keep}")
    context.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
