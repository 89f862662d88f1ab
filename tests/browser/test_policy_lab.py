"""The policy lab in Chromium (issue 19): a manager creates a variant in the form, is told in
Dutch what the lab refuses, runs the comparison (the lab's worker runs it as `portal lab worker`
would in production), follows its progress, reads the charts and downloads the Excel file, whose
numbers are the page's."""
import io
import os
import re
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook
from playwright.sync_api import expect

from .steps import MANAGER, login

PORTAL = Path(sys.executable).with_name("portal")


def test_a_manager_creates_a_variant_compares_it_and_downloads_the_excel(live_portal, page, audit):
    app, base = live_portal
    login(page, base, MANAGER)
    page.locator("nav.subnav a", has_text="Beleidslab").click()
    page.wait_for_url(f"{base}/beheer/beleidslab")
    audit(page)

    page.locator("main button", has_text="Variant maken").click()
    expect(page.locator("h1")).to_have_text("Nieuwe variant")
    expect(page.locator("#p__acceptance__weeks")).to_have_value("6")  # the base's value
    audit(page)
    page.fill("#name", "vier-weken")
    page.fill("#title", "Vier weken antwoordtermijn, twee laagste jaren")
    page.fill("#p__acceptance__weeks", "4")
    page.fill("#p__exclusion_grounds__bijlage2_fz__consecutive_lowest_years", "2")
    page.fill("#p__milestones__fz_aflopend_aanbod__date", "15-09-2024")  # outside 2023
    page.locator("main button", has_text="Variant opslaan").click()
    expect(page.locator("#p__milestones__fz_aflopend_aanbod__date-error")).to_contain_text(
        "buiten het kalenderjaar 2023")
    audit(page)
    page.fill("#p__milestones__fz_aflopend_aanbod__date", "15-09-2023")
    page.locator("main button", has_text="Variant opslaan").click()
    page.wait_for_url(f"{base}/beheer/beleidslab/varianten/vier-weken")
    expect(page.locator("main [role=alert]")).to_contain_text("opgeslagen als versie 1")
    changes = page.locator("section:has(#h-changes) tbody")
    expect(changes).to_contain_text("Antwoordtermijn van een aanbod (weken)")
    expect(changes).to_contain_text("achtereenvolgende jaren in de laagst scorende groep")
    audit(page)

    # a short window: the 15 September offers and their (shorter) answer term
    page.fill("#start", "14-09-2023")
    page.fill("#end", "31-10-2023")
    page.locator("main button", has_text="Vergelijking starten").click()
    page.wait_for_url(re.compile(r".*/beheer/beleidslab/vergelijkingen/\d+$"))
    expect(page.locator("main [role=status]")).to_contain_text("Wachtrij")
    audit(page)

    database = app.config["SQLALCHEMY_DATABASE_URI"]
    worker = subprocess.run([str(PORTAL), "lab", "worker", "--once"], capture_output=True, text=True,
                            env={**os.environ, "DATABASE_URL": database}, timeout=600)
    assert "vier-weken versie 1: klaar" in worker.stdout, worker.stderr
    # the page refreshes itself while it waits: it turns into the report
    expect(page.locator("#h-overview")).to_be_visible(timeout=30_000)
    assert page.locator("main svg[role=img]").count() >= 8
    expect(page.locator("#chart-answers-title")).to_have_text(re.compile("Antwoorden"))
    audit(page)

    overview = {}
    for row in page.locator("section:has(#h-overview) tbody tr").all():
        cells = [c.inner_text().strip() for c in row.locator("td").all()]
        overview[cells[0]] = cells[1:]
    assert int(overview["uitsluitingen"][1]) >= int(overview["uitsluitingen"][0]) > 0
    expect(page.locator("section:has(#h-changes) tbody tr")).to_have_count(3)  # title, weeks, years

    with page.expect_download() as download:
        page.locator("main a", has_text="Excel downloaden").click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()), read_only=True)
    rows = {r[0]: r[1:] for r in book["Overzicht"].iter_rows(min_row=2, values_only=True)}
    for label in ("aanbiedingen volgens het beleid", "uitsluitingen", "aanvaard", "verlopen"):
        assert [str(v) for v in rows[label][:2]] == [v.replace(".", "") for v in overview[label][:2]], label
