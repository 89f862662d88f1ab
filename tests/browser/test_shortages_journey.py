"""A shortage told to all at once (issue 8): a contract manager registers a shortage of the
demo's preferred levothyroxine with an alternative; a pharmacy finds the notice in its messages,
the entitlement check gives logistical necessity and shows the notice, the public information
point lists and explains it, and the weekly preference file shows the change; when the manager
ends the shortage, the entitlement check is back on the preferred product.

The journey runs on Monday 2 October 2023: the preference file of a week shows the status on its
Monday, so a shortage registered on a Monday is in the file of that same week."""
import csv
import io
import re

from playwright.sync_api import expect

from .steps import MANAGER, login, logout, set_date

PHARMACIST = "medewerker@service-apotheek-kerkstraat.example"  # contracted until 31-12-2024
MONDAY, WEEK = "02-10-2023", "2023-W40"
GROUP = "H03AA01 50 mcg tablet"
TEVA, EUTHYROX = "16030001", "16030003"
TEVA_NAME = "Levothyroxine 50 microgram tablet Teva"
EUTHYROX_NAME = "Euthyrox 50 microgram tablet"
PUBLIC_PAGE = "/tekorten/levothyroxine-50-microgram-tablet-teva"
PATIENT_NOTE = "Vraag uw apotheek welk middel u nu krijgt."


def column(page, heading: str) -> int:
    """The index of a column of the page's table, by its heading."""
    return page.locator("main table thead th").all_inner_texts().index(heading)


def beside(box, label):
    """A checkbox stands on the line of its label, not apart from it."""
    box_at, label_at = box.bounding_box(), label.bounding_box()
    assert box_at["x"] < label_at["x"] < box_at["x"] + 4 * box_at["width"], (box_at, label_at)
    assert label_at["y"] < box_at["y"] + box_at["height"] / 2 < label_at["y"] + label_at["height"]


def check_entitlement(page, base, audit):
    """Controles → Aanspraak: the levothyroxine group of the register, prescribed by substance."""
    page.goto(f"{base}/zorgaanbieder/controles/")
    audit(page)
    page.locator("main nav.subnav").get_by_role("link", name="Aanspraak").click()
    expect(page.locator("h1")).to_have_text(
        "Aanspraak binnen een groep onderling vervangbare middelen")
    audit(page)
    page.get_by_label("Groep onderling vervangbare middelen").select_option(GROUP)
    page.get_by_role("button", name="Middelen van deze groep tonen").click()
    expect(page.get_by_label("Voorgeschreven middel").locator("option", has_text=TEVA_NAME)) \
        .to_have_count(1)
    page.get_by_label("Voorgeschreven middel").select_option("")  # op stofnaam
    page.get_by_role("button", name="Controleren", exact=True).click()
    expect(page.locator("main #uitkomst")).to_be_visible()


def test_a_shortage_is_told_to_every_pharmacy_and_followed_until_it_ends(
        live_portal, page, audit, simulated_date):
    _app, base = live_portal

    # -- the manager registers the shortage (Beheer → Tekorten → nieuw) -------------------------
    login(page, base, MANAGER)
    page.wait_for_url(f"{base}/beheer/")
    set_date(page, base, MONDAY, audit)
    page.goto(f"{base}/beheer/tekorten")
    expect(page.locator("h1")).to_have_text("Geneesmiddelentekorten")
    audit(page)
    page.get_by_role("link", name="Tekort registreren").click()
    expect(page.locator("h1")).to_have_text("Tekort registreren")
    expect(page.get_by_label("Begonnen op")).to_have_value(MONDAY)
    audit(page)
    page.get_by_label("Preferent product", exact=True).select_option(label=f"{TEVA_NAME} ({TEVA})")
    page.get_by_label("Status", exact=True).select_option("niet_leverbaar")
    page.get_by_label("Gemeld door").select_option("leverancier")
    page.get_by_label("Verwacht einde").fill("31-12-2023")
    alternative = page.get_by_label(f"{EUTHYROX_NAME} ({EUTHYROX})")
    alternative.check()
    beside(alternative, page.locator(f"label[for='{alternative.get_attribute('id')}']"))
    beside(page.get_by_label("Het product vervalt uit het preferentiebeleid"),
           page.locator("label[for='drops_out']"))
    page.get_by_label("Informatie voor patiënten (openbaar)").fill(PATIENT_NOTE)
    page.get_by_role("button", name="Registreren en melden").click()
    page.wait_for_url(re.compile(r".*/beheer/tekorten/\d+$"))
    told = int(re.search(r"(\d+) apotheken krijgen het bericht",
                         page.locator(".flash-success").inner_text()).group(1))
    assert told > 0
    expect(page.locator("h1")).to_have_text(f"Tekort: {TEVA_NAME}")
    version = page.locator("main table tbody tr").first
    expect(version.locator("td").first).to_have_text("1")
    told_cell = version.locator("td").nth(column(page, "Apotheken"))
    expect(told_cell).to_have_text(str(told))
    # the wide table scrolls on its own; the number told is in sight without scrolling it
    cell_at, region_at = told_cell.bounding_box(), page.locator("main .scroll").bounding_box()
    assert cell_at["x"] + cell_at["width"] <= region_at["x"] + region_at["width"]
    expect(version).to_contain_text(EUTHYROX_NAME)
    shortage_path = page.url.split(base, 1)[1]
    audit(page)
    logout(page)

    # -- a pharmacy: the notice in Berichten ----------------------------------------------------
    login(page, base, PHARMACIST)
    page.wait_for_url(f"{base}/zorgaanbieder/aanbiedingen")
    page.locator("nav.subnav").get_by_role("link", name="Berichten").click()
    expect(page.locator("h1")).to_have_text("Berichten")
    notice = page.locator("main .inbox li", has_text=f"Nieuw tekort: {TEVA_NAME}")
    expect(notice).to_have_count(1)
    expect(notice).to_contain_text(f"Nieuw tekort (versie 1, geldig vanaf {MONDAY})")
    expect(notice).to_contain_text(
        f"Aangewezen alternatieven: {EUTHYROX_NAME} (Z-index {EUTHYROX})")
    audit(page)

    # -- the entitlement check: logistical necessity, with the notice --------------------------
    check_entitlement(page, base, audit)
    result = page.locator("main .result")
    expect(page.locator("main #uitkomst")).to_contain_text("Logistieke noodzaak")
    expect(result.locator(".facts").first).to_contain_text("volgt uit het tekortenregister")
    teva_row = result.locator("table tr", has=page.locator("td", has_text=TEVA_NAME))
    expect(teva_row).to_contain_text("Niet leverbaar")
    shown = result.locator("section.notice")
    expect(shown).to_have_count(1)
    expect(shown).to_contain_text(f"Nieuw tekort (versie 1, geldig vanaf {MONDAY})")
    expect(shown.get_by_role("link", name=f"Informatie voor patiënten over {TEVA_NAME}")) \
        .to_have_attribute("href", PUBLIC_PAGE)
    expect(page.get_by_label("Groep onderling vervangbare middelen")).to_have_value(GROUP)
    audit(page)

    # -- the weekly preference file of this week shows the change ------------------------------
    page.goto(f"{base}/zorgaanbieder/voorkeursbestand")
    expect(page.locator("h1")).to_have_text("Wekelijks voorkeursbestand")
    expect(page.get_by_label("Week")).to_have_value(WEEK)  # the current week
    audit(page)
    with page.expect_download() as download:
        page.get_by_role("button", name="Downloaden").click()
    assert download.value.suggested_filename == f"voorkeursbestand-{WEEK}.csv"
    with open(download.value.path(), encoding="utf-8-sig", newline="") as data:
        rows = csv.DictReader(io.StringIO(data.read()), delimiter=";")
        lines = {row["zindex"]: row for row in rows}
    teva = lines[TEVA]
    assert teva["week"] == WEEK and teva["geldig_vanaf"] == "2023-10-02"
    assert teva["tekort"] == "niet_leverbaar"
    assert teva["alternatieven"] == f"{EUTHYROX} {EUTHYROX_NAME}"
    assert {"tekort", "alternatieven"} <= set(teva["wijzigingen"].split(", "))
    assert lines[EUTHYROX]["wijzigingen"] == ""
    logout(page)

    # -- the public information point, not logged in -------------------------------------------
    page.goto(f"{base}/tekorten")
    expect(page.locator("h1")).to_have_text("Informatiepunt geneesmiddelentekorten")
    expect(page.locator("main table").get_by_role("link", name=TEVA_NAME)).to_be_visible()
    audit(page)
    page.get_by_label("Zoek een geneesmiddel").fill("levothyrox")
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_url(re.compile(r".*/tekorten\?q=levothyrox$"))
    found = page.locator("main table tbody tr")
    expect(found).to_have_count(1)
    expect(found).to_contain_text("Niet leverbaar")
    expect(found).to_contain_text("31-12-2023")
    audit(page)
    found.get_by_role("link", name=TEVA_NAME).click()
    page.wait_for_url(f"{base}{PUBLIC_PAGE}")
    main = page.locator("main")
    expect(page.locator("h1")).to_have_text(TEVA_NAME)
    expect(main.locator(".status-now")).to_contain_text("Niet leverbaar")
    expect(main.get_by_role("heading", name="Wat kunt u in plaats daarvan krijgen?")) \
        .to_be_visible()
    expect(main.locator("li", has_text=EUTHYROX_NAME)).to_be_visible()
    expect(main.get_by_role("heading", name="Wat mag u verwachten?")).to_be_visible()
    expect(main.get_by_role("heading", name="Wat kunt u zelf doen?")).to_be_visible()
    expect(main).to_contain_text("Stop niet zelf met uw geneesmiddel.")
    expect(main).to_contain_text(PATIENT_NOTE)
    expect(main.get_by_role("link", name="Thuisarts.nl")).to_be_visible()
    audit(page)

    # -- the manager ends the shortage ---------------------------------------------------------
    login(page, base, MANAGER)
    page.wait_for_url(f"{base}/beheer/")
    page.goto(f"{base}{shortage_path}")
    end = page.locator("main form[action$='beeindigen']")
    end.get_by_label("Gemeld door").select_option("leverancier")
    end.get_by_role("button", name="Beëindigen en melden").click()
    expect(page.locator(".flash-success")).to_contain_text("beëindigd")
    expect(page.locator("main .facts")).to_contain_text("Opgelost")
    expect(page.locator("main table tbody tr").first.locator("td").first).to_have_text("2")
    expect(page.locator("main form[action$='beeindigen']")).to_have_count(0)
    audit(page)
    logout(page)

    # -- the entitlement check is back on the preferred product --------------------------------
    login(page, base, PHARMACIST)
    page.wait_for_url(f"{base}/zorgaanbieder/aanbiedingen")
    check_entitlement(page, base, audit)
    expect(page.locator("main #uitkomst")).to_contain_text(
        "Voorkeursbeleid: alleen het voorkeursmiddel")
    facts = page.locator("main .result .facts").first
    expect(facts.locator("dt", has_text="Vergoed").locator("xpath=following-sibling::dd[1]")) \
        .to_have_text(TEVA_NAME)
    expect(facts).not_to_contain_text("tekortenregister")
    expect(page.locator("main section.notice")).to_have_count(0)
    audit(page)
