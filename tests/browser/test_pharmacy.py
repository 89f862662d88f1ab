""""May I dispense this, and how do I declare it?" (issue 7): a pharmacist checks an import
medicine that is not in the G-Standaard and is told to ask for an authorisation (machtiging),
follows the link to the request form and submits it with the prescription; the insurer's advisor
takes it into handling and grants it; the pharmacist sees the outcome and the message, and checks
the claim line: the local code 97095551 declares, 97095601 is out of the range."""
import re

from playwright.sync_api import expect

from .steps import current_date, login, logout

PHARMACIST = "signatory@apotheek-de-linde.example"
ADVISOR = "adviseur@vgz.example"
SUBSTANCE, BRAND, IMPORTER = "tiopronine", "Thiola", "Pharma Import B.V."
#: The pharmacy's own reference for the insured: unique to this journey, never a BSN.
PATIENT = "LINDE-THIOLA-7"
DUTCH_DATE = re.compile(r"\d{2}-\d{2}-\d{4}")


def small_pdf(text: str = "Recept tiopronine 250 mg") -> bytes:
    """A one-page PDF that a PDF reader opens: header, four objects, a correct xref table."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def expected_answer_date(app) -> str:
    """The answer date of a request sent today (the simulated date), as the portal counts it."""
    from contracts.consent import answer_due
    from portal.operations.consent import answer_term_days

    with app.app_context():
        return answer_due(current_date(app), answer_term_days()).strftime("%d-%m-%Y")


def open_import_check(page, base, audit):
    """Controles → Importgeneesmiddel (the provider menu may not link Controles yet)."""
    page.goto(f"{base}/zorgaanbieder/controles/")
    expect(page.locator("h1")).to_have_text("Controles voor de apotheek")
    audit(page)
    page.locator("main nav.subnav").get_by_role("link", name="Importgeneesmiddel").click()
    expect(page.locator("h1")).to_have_text("Importgeneesmiddel bij zeldzame indicatie")
    audit(page)


def fact(page, term: str):
    """The value of a line of the answer's facts."""
    return page.locator("main .result .facts dt", has_text=term) \
        .locator("xpath=following-sibling::dd[1]")


def fill_claim(page, code: str):
    page.get_by_label("Declaratiecode (lokale code of Z-indexnummer)").fill(code)
    page.get_by_label("Inkoopprijs van het geneesmiddel (€)").fill("812,40")
    page.get_by_label("Materiaalkosten (€)").fill("812,40")
    page.get_by_label("Stofnaam").fill(SUBSTANCE)
    page.get_by_label("Merknaam").fill(BRAND)
    page.get_by_label("Naam van de importeur").fill(IMPORTER)
    page.get_by_label("Kosten van het geneesmiddel inclusief transport (€)").fill("850,00")


def test_an_import_medicine_needs_an_authorisation_which_is_granted_and_then_declared(
        live_portal, page, audit):
    app, base = live_portal
    outcome = page.locator("main #uitkomst")

    # -- the check: not in the G-Standaard, rational, 1 in 200.000, nothing asked yet ------------
    login(page, base, PHARMACIST)
    page.wait_for_url(f"{base}/zorgaanbieder/aanbiedingen")
    open_import_check(page, base, audit)
    page.get_by_label("Niet opgenomen in de G-Standaard").check()
    page.get_by_label("Er is sprake van rationele farmacotherapie").check()
    page.get_by_label("De aandoening komt voor bij 1 op … inwoners").fill("200.000")
    page.get_by_label("Nog niet aangevraagd").check()
    page.get_by_role("button", name="Controleren").click()
    expect(outcome).to_contain_text("machtiging aanvragen")
    expect(fact(page, "Situatie in de memo")).to_have_text("2")
    expect(fact(page, "Toestemming vooraf nodig")).to_have_text("Ja")
    audit(page)

    # -- the link to the request form: an authorisation request, with the prevalence ------------
    page.locator("main .result").get_by_role("link", name="Machtiging aanvragen").click()
    page.wait_for_url(re.compile(r".*/zorgaanbieder/toestemmingen/nieuw\?soort=machtiging"
                                 r"&prevalence_one_in=200000$"))
    expect(page.locator("h1")).to_have_text("Machtiging aanvragen")
    expect(page.locator("main input[name=kind]")).to_have_value("machtiging")
    prevalence = page.get_by_label("De aandoening komt in Nederland voor bij 1 op ... inwoners")
    expect(prevalence).to_have_value("200000")  # what the check was told
    expect(page.locator("#zindex_number")).to_have_count(0)  # a machtiging has no Z-index number
    audit(page)

    page.get_by_label("Werkzame stof").fill(SUBSTANCE)
    page.get_by_label("Merknaam").fill(BRAND)
    page.get_by_label("Importeur").fill(IMPORTER)
    page.get_by_label("Voorletters van de verzekerde").fill("J.P.")
    page.get_by_label("Geboortedatum van de verzekerde").fill("1980-09-15")  # a date picker
    page.get_by_label("Uw referentie (patiëntnummer in uw systeem)").fill(PATIENT)
    page.get_by_label("Voorschrijver", exact=True).fill("Dr. M. de Vries, internist")
    page.get_by_label("Recept (PDF, PNG of JPEG)").set_input_files(
        {"name": "recept-thiola.pdf", "mimeType": "application/pdf", "buffer": small_pdf()})
    page.get_by_label("Aandoening (indicatie)").fill("cystinurie")
    page.get_by_label("Het gaat om rationele farmacotherapie").check()
    page.get_by_label("Onderbouwing").fill(
        "Cystinurie met recidiverende stenen ondanks hydratie en alkalisering.\n\n"
        "Tiopronine is in Nederland niet verkrijgbaar.")
    page.get_by_role("button", name="Aanvraag indienen").click()
    page.wait_for_url(re.compile(r".*/zorgaanbieder/toestemmingen/\d+$"))
    request_path = page.url.split(base, 1)[1]
    due = expected_answer_date(app)
    expect(page.locator(".flash-success")).to_contain_text(f"VGZ beslist uiterlijk op {due}")
    reference = re.search(r"MA-\d{6}", page.locator("h1").inner_text()).group(0)
    audit(page)

    # -- the request in the pharmacy's list, with its answer date (dd-mm-jjjj) -------------------
    page.get_by_role("link", name="Alle aanvragen").click()
    expect(page.locator("h1")).to_have_text("Toestemmingen en machtigingen")
    row = page.locator("main tr", has=page.get_by_role("link", name=reference))
    expect(row).to_contain_text(f"{SUBSTANCE} ({BRAND})")
    expect(row).to_contain_text(due)
    assert DUTCH_DATE.fullmatch(due)
    expect(row.locator(".status")).to_have_text("ingediend")
    audit(page)
    logout(page)

    # -- the advisor: the queue, the request, the prescription, handling, the grant -------------
    login(page, base, ADVISOR)
    page.wait_for_url(f"{base}/beheer/toestemmingen")
    expect(page.locator("h1")).to_have_text("Aanvragen om toestemming en machtiging")
    audit(page)
    page.get_by_role("link", name=reference).click()
    expect(page.locator("h1")).to_contain_text(f"{reference}: {SUBSTANCE}")
    audit(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="recept-thiola.pdf").click()
    assert download.value.suggested_filename == "recept-thiola.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read() == small_pdf()
    page.get_by_role("button", name="In behandeling nemen").click()
    expect(page.locator(".flash-success")).to_contain_text("U behandelt deze aanvraag nu")
    expect(page.locator("main .facts .status").first).to_have_text("in behandeling")
    audit(page)
    page.get_by_label("Verlenen", exact=True).check()
    page.get_by_label("Reden (de apotheek krijgt deze tekst)").fill(
        "Rationele farmacotherapie bij cystinurie; aanspraak aangetoond.")
    page.get_by_role("button", name="Besluit vastleggen").click()
    expect(page.locator(".flash-success")).to_contain_text("Besluit vastgelegd")
    expect(page.locator("main #h-outcome")).to_contain_text("verleend")
    audit(page)
    logout(page)

    # -- the pharmacist: the outcome on the request's page and in Berichten ----------------------
    login(page, base, PHARMACIST)
    page.wait_for_url(f"{base}/zorgaanbieder/aanbiedingen")
    page.goto(f"{base}/zorgaanbieder/toestemmingen")
    page.get_by_role("link", name=reference).click()
    page.wait_for_url(f"{base}{request_path}")
    expect(page.locator("main #h-outcome")).to_contain_text("verleend")
    expect(page.locator("main")).to_contain_text("97095551 tot en met 97095600")
    audit(page)
    page.locator("nav.subnav").get_by_role("link", name="Berichten").click()
    expect(page.locator("h1")).to_have_text("Berichten")
    message = page.locator("main .inbox li", has_text=f"Machtiging verleend: {reference}")
    expect(message).to_have_count(1)
    expect(message).to_contain_text(SUBSTANCE)
    audit(page)

    # -- the check again, with the authorisation granted and the claim line ----------------------
    open_import_check(page, base, audit)
    page.get_by_label("Niet opgenomen in de G-Standaard").check()
    page.get_by_label("Er is sprake van rationele farmacotherapie").check()
    page.get_by_label("Verleend", exact=True).check()
    fill_claim(page, "97095551")
    page.get_by_role("button", name="Controleren").click()
    expect(outcome).to_contain_text("declareren met een lokale code")
    expect(fact(page, "Declaratieregel")).to_have_text("In orde")
    expect(page.locator("main .result .errors")).to_have_count(0)
    expect(page.locator("main .has-error")).to_have_count(0)
    audit(page)

    # -- ... and with a code just past the range: the error is on the code, the input stays -----
    code = page.get_by_label("Declaratiecode (lokale code of Z-indexnummer)")
    code.fill("97095601")
    page.get_by_role("button", name="Controleren").click()
    code_field = page.locator("main .field.has-error", has=page.locator("#code"))
    expect(code_field.locator(".error")).to_have_text(
        "Gebruik de lokale code 97095005 of een code van 97095551 tot en met 97095600")
    expect(fact(page, "Declaratieregel")).to_have_text("1 fout: zie de gemarkeerde velden")
    expect(code).to_have_value("97095601")
    expect(code).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Materiaalkosten (€)")).to_have_value("812,40")
    expect(page.get_by_label("Naam van de importeur")).to_have_value(IMPORTER)
    expect(page.get_by_label("Verleend", exact=True)).to_be_checked()
    audit(page)
