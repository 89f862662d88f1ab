"""The Word templates of the contract documents and the data they show.

- contracts/documents/templates/build_templates.py reproduces the committed .docx files (text, tables, headers, footers,
  styles and core properties), so neither a stale script nor an unrebuilt template goes unnoticed;
- every template has the parties, the signature block, the page fields and the reference in the
  footer, and uses only the context names and Jinja constructs the portal allows;
- the Overeenkomst Farmaceutische zorg quotes articles 1 and 5.3 of seed 000 verbatim;
- contracts/documents/content.yaml agrees with the policy data and quotes seed 001 truly;
- every template renders in a sandbox, leaves no tag behind and words the offer as decided.
"""
from __future__ import annotations

import copy
import importlib.util
import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from docx import Document
from docx.oxml.ns import qn
from docxtpl import DocxTemplate
from jinja2 import meta
from jinja2.sandbox import ImmutableSandboxedEnvironment
from tests.conftest import shared_seed

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "contracts" / "documents" / "templates"
BUILD_SCRIPT = TEMPLATES / "build_templates.py"
CONTENT = ROOT / "contracts" / "documents" / "content.yaml"
POLICY_2024 = ROOT / "contracts" / "policies" / "2024.yaml"
DATA = ROOT / "tests" / "data"
SEED_FILES = {"seed_000.txt": "000_77098e0b263b1dd0.txt", "seed_001.txt": "001_f8f21f388a5bd5c1.txt",
              "seed_002.txt": "002_fbe0631a7660e147.txt"}

NAMES = ("farmaceutische_zorg", "module_zorgprestaties", "spoedzorg", "aanvullende_afspraken",
         "dieetpreparaten", "stoppen_met_roken")

# The context the portal gives a template: nothing else may be named.
CONTEXT_NAMES = {"document", "policy_year", "period", "insurer", "provider", "offer", "profile",
                 "tariffs", "agreed_tariffs", "zorgprestaties", "anz_tariffs", "themes"}
ALLOWED_FILTERS = {"default", "join", "upper", "lower", "length"}
LOOP_LISTS = {"tariffs", "agreed_tariffs", "zorgprestaties", "anz_tariffs", "themes"}

WITH_ANNEX = ("farmaceutische_zorg", "module_zorgprestaties", "spoedzorg", "aanvullende_afspraken")

PROVIDER_NAME = "Apotheek De Zonnebloem & Zn B.V."


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _load_build_script():
    spec = importlib.util.spec_from_file_location("build_templates", BUILD_SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------------------------------------
# Reading a .docx
# ---------------------------------------------------------------------------------------------

def body_paragraphs(document) -> list[str]:
    """Every paragraph of the body in order, tables included (cell by cell)."""
    texts = []
    for block in document.element.body.iter(qn("w:p")):
        texts.append("".join(t.text or "" for t in block.iter(qn("w:t"))))
    return texts


def full_text(document) -> str:
    parts = body_paragraphs(document)
    for section in document.sections:
        for part in (section.header, section.footer):
            parts.extend(p.text for p in part.paragraphs)
    return normalised(" ".join(parts))


def fingerprint(path: Path) -> dict:
    """What the test compares between a fresh build and the committed template."""
    document = Document(str(path))
    props = document.core_properties
    return {
        "paragraphs": [(p.style.name, p.text) for p in document.paragraphs],
        "tables": [[[(c.paragraphs[0].style.name, c.text) for c in row.cells] for row in t.rows]
                   for t in document.tables],
        "headers": [[p.text for p in s.header.paragraphs] for s in document.sections],
        "footers": [[p.text for p in s.footer.paragraphs] for s in document.sections],
        "footer_fields": [footer_fields(s.footer) for s in document.sections],
        "core": {name: getattr(props, name) for name in (
            "title", "author", "subject", "identifier", "keywords", "category", "comments",
            "language")},
        "page": [(s.page_width, s.page_height, s.left_margin, s.right_margin, s.top_margin,
                  s.bottom_margin) for s in document.sections],
    }


def footer_fields(footer) -> list[str]:
    return [normalised(i.text) for i in footer._element.iter(qn("w:instrText"))]


def render(name: str, context: dict):
    template = DocxTemplate(str(TEMPLATES / f"{name}.docx"))
    env = ImmutableSandboxedEnvironment(autoescape=True)
    template.render(context, jinja_env=env, autoescape=True)
    out = io.BytesIO()
    template.save(out)
    out.seek(0)
    return Document(out)


# ---------------------------------------------------------------------------------------------
# The sample context
# ---------------------------------------------------------------------------------------------

def euro(amount: str) -> str:
    """ "7.40" -> "€ 7,40", as the renderer formats money for the documents."""
    whole, cents = f"{Decimal(amount):.2f}".split(".")
    return f"€ {int(whole):,}".replace(",", ".") + f",{cents}"


def sample_context(*, negotiable: bool = False, profile: bool = True, answer_by: str = "15-09-2023",
                   collective: str = "Coöperatie Apothekers Gelderland") -> dict:
    """A complete context with every field the portal gives a template."""
    content = yaml.safe_load(CONTENT.read_text(encoding="utf-8"))
    group = "drie_sterren" if profile else "zonder_profiel"
    insurer = {k: v for k, v in content["insurer"].items() if k != "simulated"}
    return {
        "document": {
            "title": "Overeenkomst Farmaceutische zorg 2024 – Apotheek De Zonnebloem",
            "contract": "farmaceutische_zorg",
            "contract_name": "Overeenkomst Farmaceutische zorg",
            "kind": "overeenkomst",
            "version": 2,
            "reference": "VGZ-FZ-2024-000123",
            "created": "01-09-2023",
            "author": "Zorginkoop Farmacie",
        },
        "policy_year": 2024,
        "period": {"start": "01-01-2024", "end": "31-12-2024"},
        "insurer": insurer,
        "provider": {
            "name": PROVIDER_NAME,
            "agb": "06012345",
            "kvk": "12345678",
            "address": "Kerkstraat 12",
            "postcode": "6811 AB",
            "city": "Arnhem",
            "provider_type": "openbare_apotheek",
            "provider_type_label": "openbare apotheek",
            "contact_email": "info@zonnebloem-apotheek.example",
            "signatory": "mr. P. de Vries",
            "collective": collective,
        },
        "offer": {
            "negotiable": negotiable,
            "route": "aanbod",
            "channel": "email" if negotiable else "vecozo",
            "channel_label": "e-mail" if negotiable else "VECOZO",
            "final_channel_label": "VECOZO",
            "offer_by": "01-07-2023",
            "answer_by": answer_by,
            "based_on_labels": ["apotheekprofiel", "type zorgaanbieder"],
        },
        "profile": {
            "present": profile,
            "group": "drie_sterren" if profile else "",
            "group_label": "3 sterren" if profile else "",
            "stars": 3 if profile else 0,
            "tariff_per_line": "€ 7,40" if profile else "",
        },
        "tariffs": [{"code": t["code"], "description": t["description"], "unit": t["unit"],
                     "amount": euro(t["amount_eur"])} for t in content["tariff_annex"][group]],
        "agreed_tariffs": [],
        "zorgprestaties": [{"code": p["code"], "name": p["name"], "description": p["description"],
                            "tariff": euro(p["tariff_eur"]), "status": p["status"]}
                           for p in content["zorgprestaties"]],
        "anz_tariffs": [{"code": t["code"], "period": t["period"], "description": t["description"],
                         "amount": euro(t["amount_eur"])} for t in content["anz_tariffs"]],
        "themes": [{"code": t["code"], "title": t["title"], "description": t["description"]}
                   for t in content["themes"]],
    }


# ---------------------------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fresh_build(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("templates")
    paths = _load_build_script().build(out)
    assert sorted(p.name for p in paths) == sorted(f"{n}.docx" for n in NAMES)
    return out


@pytest.fixture(scope="module")
def content() -> dict:
    return yaml.safe_load(CONTENT.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def seed_000() -> str:
    return (DATA / "seed_000.txt").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_001() -> str:
    return normalised((DATA / "seed_001.txt").read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# The build script and the committed templates
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", NAMES)
def test_the_build_script_reproduces_the_committed_template(name, fresh_build):
    committed = TEMPLATES / f"{name}.docx"
    assert committed.exists(), f"{committed} missing: run python contracts/documents/templates/build_templates.py"
    assert fingerprint(fresh_build / f"{name}.docx") == fingerprint(committed), (
        f"{name}.docx differs from what build_templates.py makes: rebuild it, or carry the edit "
        "made in Word back into the script")


def test_the_build_script_writes_where_it_is_told(tmp_path):
    assert _load_build_script().main(["--out", str(tmp_path / "elsewhere")]) == 0
    assert sorted(p.name for p in (tmp_path / "elsewhere").iterdir()) == sorted(
        f"{n}.docx" for n in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_every_template_is_a_clean_a4_document_with_real_styles(name):
    document = Document(str(TEMPLATES / f"{name}.docx"))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert 20 <= round(section.left_margin.mm) <= 30 and 20 <= round(section.top_margin.mm) <= 30
    styles_used = {p.style.name for p in document.paragraphs}
    assert {"Title", "Subtitle", "Heading 1", "List Number"} <= styles_used
    assert styles_used & {"List Bullet", "List Bullet 2"}
    data_tables = [t for t in document.tables if t.style is not None and t.style.name == "VGZ Tabel"]
    if name in WITH_ANNEX:
        assert "Heading 2" in styles_used or name != "farmaceutische_zorg"
        assert data_tables, "a data table in the house table style"
    for table in data_tables:
        header = table.rows[0]._tr
        assert header.find(qn("w:trPr")).find(qn("w:tblHeader")) is not None
    style = document.styles["VGZ Tabel"].element
    assert any(s.get(qn("w:type")) == "firstRow" for s in style.iter(qn("w:tblStylePr")))


@pytest.mark.parametrize("name", NAMES)
def test_core_properties_carry_the_document_tags(name):
    props = Document(str(TEMPLATES / f"{name}.docx")).core_properties
    assert props.title == "{{ document.title }}"
    assert props.author == "{{ insurer.name }}"
    assert props.subject == "{{ document.contract_name }} {{ policy_year }}"
    assert props.identifier == "{{ document.reference }}"
    assert props.language == "nl-NL"


@pytest.mark.parametrize("name", NAMES)
def test_header_and_footer(name):
    document = Document(str(TEMPLATES / f"{name}.docx"))
    section = document.sections[0]
    header = " ".join(p.text for p in section.header.paragraphs)
    assert "{{ insurer.name }}" in header and "{{ document.title }}" in header
    footer = " ".join(p.text for p in section.footer.paragraphs)
    assert "{{ document.reference }}" in footer and "{{ document.version }}" in footer
    assert "pagina" in footer and "van" in footer
    assert footer_fields(section.footer) == ["PAGE", "NUMPAGES"]
    kinds = [f.get(qn("w:fldCharType")) for f in section.footer._element.iter(qn("w:fldChar"))]
    assert kinds == ["begin", "separate", "end"] * 2


@pytest.mark.parametrize("name", NAMES)
def test_parties_block(name):
    document = Document(str(TEMPLATES / f"{name}.docx"))
    text = full_text(document)
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:2] == ["Partijen", "Overwegingen"]
    assert headings[2].startswith("Artikel 1 ")
    for tag in ("{{ insurer.name }}", "{{ insurer.address }}", "{{ insurer.kvk }}",
                "{{ insurer.represented_by }}", "{{ provider.name }}", "AGB-code {{ provider.agb }}",
                "{{ provider.kvk }}", "{{ provider.address }}",
                "{{ provider.postcode }} {{ provider.city }}", "{{ provider.provider_type_label }}",
                "‘de Zorgverzekeraar’", "‘de Zorgaanbieder’"):
        assert tag in text, tag
    assert "Inkoopbeleid Extramurale Farmaceutische zorg {{ policy_year }}" in text


@pytest.mark.parametrize("name", NAMES)
def test_signature_block(name):
    document = Document(str(TEMPLATES / f"{name}.docx"))
    signature = [t for t in document.tables
                 if [c.text for c in t.rows[0].cells] == ["Voor de Zorgverzekeraar",
                                                          "Voor de Zorgaanbieder"]]
    assert len(signature) == 1 and len(signature[0].columns) == 2
    cells = normalised(" ".join(c.text for row in signature[0].rows for c in row.cells))
    for piece in ("{{ insurer.represented_by }}", "{{ insurer.function }}",
                  "{{ provider.signatory }}", "Datum:", "Plaats:", "tekenbevoegde volgens KvK"):
        assert piece in cells, piece


@pytest.mark.parametrize("name", NAMES)
def test_the_clauses_every_agreement_has(name):
    document = Document(str(TEMPLATES / f"{name}.docx"))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    titles = [re.sub(r"^Artikel \d+ ", "", h) for h in headings if h.startswith("Artikel ")]
    for title in ("Looptijd", "Declareren en betalen", "Kwaliteit",
                  "Vertrouwelijkheid en persoonsgegevens", "Wijziging en beëindiging",
                  "Algemene Voorwaarden", "Geschillen en toepasselijk recht",
                  "Aanbod en aanvaarding"):
        assert title in titles, title
    numbers = [int(re.match(r"Artikel (\d+) ", h).group(1)) for h in headings
               if h.startswith("Artikel ")]
    assert numbers == list(range(1, len(numbers) + 1))
    text = full_text(document)
    assert "{{ period.start }}" in text and "{{ period.end }}" in text
    assert "Algemene Voorwaarden Zorginkoop VGZ" in text
    assert "VECOZO" in text and "Vektis" in text and "AVG" in text
    # Dutch articles agree with the noun: "dit addendum", "deze overeenkomst"
    for wrong in ("deze addendum", "de addendum", "de definitieve addendum", "dit overeenkomst",
                  "het overeenkomst", "het definitieve overeenkomst"):
        assert not re.search(rf"\b{wrong}\b", text.lower()), wrong


# ---------------------------------------------------------------------------------------------
# Jinja: only what the validator allows, each tag in one run
# ---------------------------------------------------------------------------------------------

def _xml_parts(template: DocxTemplate) -> list[str]:
    document = template.get_docx()
    parts = [template.get_xml()]
    for uri in (template.HEADER_URI, template.FOOTER_URI):
        parts.extend(template.get_part_xml(part) for _, part in template.get_headers_footers(uri))
    props = document.core_properties
    parts.extend([props.title, props.author, props.subject, props.identifier, props.comments,
                  props.language])
    return parts


@pytest.mark.parametrize("name", NAMES)
def test_every_tag_stands_in_one_run(name):
    document = Document(str(TEMPLATES / f"{name}.docx"))
    runs = list(document.element.body.iter(qn("w:r")))
    for section in document.sections:
        runs += list(section.header._element.iter(qn("w:r")))
        runs += list(section.footer._element.iter(qn("w:r")))
    tagged = 0
    for run in runs:
        text = "".join(t.text or "" for t in run.iter(qn("w:t")))
        assert text.count("{{") == text.count("}}") and text.count("{%") == text.count("%}"), text
        tagged += "{{" in text or "{%" in text
    assert tagged > 20


@pytest.mark.parametrize("name", NAMES)
def test_templates_use_only_the_allowed_jinja(name):
    template = DocxTemplate(str(TEMPLATES / f"{name}.docx"))
    env = ImmutableSandboxedEnvironment(autoescape=True)
    source = "\n".join(template.patch_xml(part) for part in _xml_parts(template))
    tags = re.findall(r"{%.*?%}|{{.*?}}", source, flags=re.S)
    for tag in tags:
        assert not re.match(r"{%-?\s*(set|macro|call|include|import|extends|block|filter|with|raw)"
                            r"\b", tag), tag
        assert not re.match(r"{%-?\s*(tc|r)\s", tag) and not tag.startswith("{{r "), tag
        assert "(" not in tag.replace("join(', ')", ""), f"no calls: {tag}"
        assert not re.search(r"\._|\[", tag), f"no private attributes or subscripts: {tag}"
        for used in re.findall(r"\|\s*(\w+)", tag):
            assert used in ALLOWED_FILTERS, tag
    parsed = env.parse(source)
    assert meta.find_undeclared_variables(parsed) <= CONTEXT_NAMES | {"loop"}
    loops = re.findall(r"{%\s*for\s+\w+\s+in\s+(\w+)\s*%}", source)
    assert set(loops) <= LOOP_LISTS


# ---------------------------------------------------------------------------------------------
# Seed quotations
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("copy_name", sorted(SEED_FILES))
def test_the_seed_copies_match_the_shared_seeds(copy_name):
    assert (DATA / copy_name).read_bytes() == shared_seed(SEED_FILES[copy_name]).read_bytes()


def _seed_000_passage(seed: str, start: str, end: str) -> str:
    passage = seed[seed.index(start) + len(start):seed.index(end)]
    return normalised(re.sub(r"[•▪]", " ", passage))


def test_farmaceutische_zorg_quotes_article_5_3_verbatim(seed_000):
    article_5_3 = _seed_000_passage(seed_000, "Artikel 5 lid 3", "Waar heeft de verzekerde wel")
    assert article_5_3.startswith("Importgeneesmiddelen Indien een importgeneesmiddel")
    document = Document(str(TEMPLATES / "farmaceutische_zorg.docx"))
    assert article_5_3 in normalised(" ".join(body_paragraphs(document)))
    # and it stands as lid 3 of article 5
    paragraphs = document.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text.startswith("Artikel 5 "))
    lids = [p.text for p in paragraphs[start + 1:] if p.style.name == "List Number"]
    assert lids[2] == "Importgeneesmiddelen"


def test_farmaceutische_zorg_quotes_article_1_verbatim(seed_000):
    article_1 = _seed_000_passage(seed_000, "Artikel 1", "Artikel 5 lid 3")
    assert article_1.startswith("1. De Zorgaanbieder levert farmaceutische zorg")
    article_1 = article_1[len("1. "):]
    document = Document(str(TEMPLATES / "farmaceutische_zorg.docx"))
    paragraphs = document.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text.startswith("Artikel 1 "))
    first_lid = next(p for p in paragraphs[start + 1:] if p.style.name == "List Number")
    assert normalised(first_lid.text) == article_1


def test_farmaceutische_zorg_includes_the_zorgprestaties_as_standard():
    text = full_text(Document(str(TEMPLATES / "farmaceutische_zorg.docx")))
    assert "Bijlage 2 Zorgprestaties" in text
    assert "In de nieuwe overeenkomsten voor {{ policy_year }} zijn de nieuwe en gewijzigde " \
           "zorgprestaties standaard opgenomen" in text


def test_module_says_the_current_agreement_stays_if_not_signed():
    text = full_text(Document(str(TEMPLATES / "module_zorgprestaties.docx")))
    assert "Wanneer de Zorgaanbieder dit addendum niet ondertekent, blijft de huidige overeenkomst " \
           "van kracht." in text
    assert "Zorgovereenkomst Farmaceutische zorg 2023-2024" in text


def test_spoedzorg_names_the_national_model_and_the_handreiking():
    text = full_text(Document(str(TEMPLATES / "spoedzorg.docx")))
    assert "non-concurrentieel model" in text
    assert "Handreiking inkoop acute farmaceutische zorg ZN" in text
    assert "Avond, Nacht en op Zondag (ANZ)" in text


def test_aanvullende_afspraken_is_negotiable_in_content_and_duration():
    text = full_text(Document(str(TEMPLATES / "aanvullende_afspraken.docx")))
    assert "De inhoud en de looptijd van dit addendum zijn onderhandelbaar." in text
    assert "{% if provider.collective %}" in text


def test_dieetpreparaten_excludes_tube_feeding():
    text = full_text(Document(str(TEMPLATES / "dieetpreparaten.docx")))
    assert "met uitzondering van sondevoeding" in text and "m.u.v. sondevoeding" in text
    assert "facilitaire bedrijven" in text


# ---------------------------------------------------------------------------------------------
# content.yaml
# ---------------------------------------------------------------------------------------------

def test_content_is_marked_simulated(content):
    assert content["simulated"] is True
    assert set(content["insurer"]["simulated"]) >= {"kvk", "represented_by"}
    assert content["insurer"]["name"] == "Coöperatie VGZ U.A."
    assert (content["insurer"]["address"], content["insurer"]["postcode"],
            content["insurer"]["city"]) == ("Postbus 5040", "6802 EA", "Arnhem")


def test_tariff_line_per_group_equals_the_policy(content):
    policy = yaml.safe_load(POLICY_2024.read_text(encoding="utf-8"))
    groups = {g["id"]: g for g in policy["profile"]["groups"]}
    assert set(content["tariff_annex"]) == set(groups) | {"zonder_profiel"}
    for group_id, group in groups.items():
        lines = [t for t in content["tariff_annex"][group_id]
                 if t["unit"] == "per receptregel" and t["description"].startswith("Terhandstelling")]
        assert len(lines) == 1, group_id
        assert Decimal(lines[0]["amount_eur"]) == Decimal(group["tariff_per_line_eur"]), group_id
    per_line = [Decimal(groups[g]["tariff_per_line_eur"]) for g in ("een_ster", "twee_sterren",
                                                                  "drie_sterren")]
    assert per_line == sorted(per_line)


def test_content_money_is_exact_and_rows_are_complete(content):
    rows = [(t, "amount_eur", {"code", "description", "unit", "amount_eur"}, set())
            for lines in content["tariff_annex"].values() for t in lines]
    rows += [(p, "tariff_eur", {"code", "name", "description", "tariff_eur", "status"}, {"seed"})
             for p in content["zorgprestaties"]]
    rows += [(t, "amount_eur", {"code", "period", "description", "amount_eur"}, set())
             for t in content["anz_tariffs"]]
    for row, money, keys, optional in rows:
        # exactly these keys, every value a non-empty string (an unquoted comma in a YAML flow
        # mapping would split a description into a stray key)
        assert keys <= set(row) <= keys | optional, row
        assert all(isinstance(v, str) and v.strip() for v in row.values()), row
        assert isinstance(row[money], str) and re.fullmatch(r"\d+\.\d{2}", row[money]), row
    assert 8 <= len(content["zorgprestaties"]) <= 12
    assert {p["status"] for p in content["zorgprestaties"]} == {"nieuw", "gewijzigd", "ongewijzigd"}
    assert any(p["name"] == "Farmaceutische zorg aan chronische patiënten" and p["status"] == "nieuw"
               for p in content["zorgprestaties"])
    codes = [p["code"] for p in content["zorgprestaties"]]
    assert len(codes) == len(set(codes))


def test_theme_quotes_stand_in_seed_001(content, seed_001):
    themes = content["themes"]
    assert len(themes) >= 5
    for theme in themes:
        assert set(theme) == {"code", "title", "description", "seed"}
        assert all(isinstance(v, str) and v.strip() for v in theme.values()), theme
        assert normalised(theme["seed"]) in seed_001, theme["code"]


def test_what_seed_001_says_beyond_the_themes_is_left_out_with_a_reason(content, seed_001):
    # The parts of seed 001 that are the hospital's or the prescribers' (CieBAG, referentieprijzen
    # "met de ziekenhuizen", "bij beroepsgroepen") are named with the reason they are no theme.
    left_out = content["themes_left_out"]
    assert left_out
    for item in left_out:
        assert set(item) == {"title", "reason", "seed"}
        assert normalised(item["seed"]) in seed_001, item["title"]
    themes = {normalised(t["seed"]) for t in content["themes"]}
    assert not themes & {normalised(i["seed"]) for i in left_out}
    # every paragraph of seed 001 that speaks of afspraken is a theme or left out with a reason
    quoted = " ".join(themes | {normalised(i["seed"]) for i in left_out})
    for sentence in ("Hierover maken we afspraken met zorgaanbieders.",
                     "Daarom maken wij afspraken over transparante uitkomsten van behandelingen.",
                     "Dit belang benadrukken we in de afspraken met de zorgaanbieders."):
        assert normalised(sentence) in quoted, sentence


def test_zorgprestatie_quotes_stand_in_seed_002(content, seed_002):
    quoted = [p for p in content["zorgprestaties"] if "seed" in p]
    assert quoted
    for p in quoted:
        assert normalised(p["seed"]) in seed_002, p["code"]


# ---------------------------------------------------------------------------------------------
# Rendering
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("negotiable", [False, True])
@pytest.mark.parametrize("name", NAMES)
def test_every_template_renders_without_leftover_tags(name, negotiable):
    context = sample_context(negotiable=negotiable)
    document = render(name, context)
    text = full_text(document)
    assert "{{" not in text and "{%" not in text and "%}" not in text and "}}" not in text
    assert PROVIDER_NAME in text
    assert context["insurer"]["represented_by"] in text
    assert context["document"]["reference"] in text
    props = document.core_properties
    assert props.title == context["document"]["title"]
    assert props.identifier == context["document"]["reference"]
    assert props.subject == "Overeenkomst Farmaceutische zorg 2024"


@pytest.mark.parametrize("name", NAMES)
def test_the_offer_is_worded_as_decided(name):
    closed = full_text(render(name, sample_context(negotiable=False)))
    assert "niet-onderhandelbaar aanbod" in closed
    assert "uitsluitend in zijn geheel aanvaarden, in de contracteermodule van het " \
           "Zorginkoopportaal" in closed
    assert "tekenbevoegde volgens KvK), uiterlijk op 15-09-2023." in closed
    assert "opent de onderhandeling" not in closed

    open_ = full_text(render(name, sample_context(negotiable=True)))
    assert "Het opent de onderhandeling" in open_
    assert "per e-mail" in open_ and "uiterlijk op 15-09-2023" in open_
    assert "wordt gesloten in VECOZO" in open_
    assert "niet-onderhandelbaar aanbod" not in open_ and "in zijn geheel" not in open_


def test_an_offer_without_deadline_names_no_date():
    open_ = full_text(render("aanvullende_afspraken", sample_context(negotiable=True, answer_by="")))
    assert "uiterlijk op" not in open_ and "binnen een redelijke termijn" in open_
    closed = full_text(render("dieetpreparaten", sample_context(negotiable=False, answer_by="")))
    assert "uiterlijk op" not in closed and "(tekenbevoegde volgens KvK). Een aanvaarding" in closed


def test_the_collective_is_named_only_when_there_is_one():
    with_collective = full_text(render("aanvullende_afspraken", sample_context()))
    assert "in dit geval Coöperatie Apothekers Gelderland" in with_collective
    without = full_text(render("aanvullende_afspraken", sample_context(collective="")))
    assert "in dit geval" not in without and "bijgestaan door het collectief" not in without
    assert "desbetreffende collectief. De inhoud en de looptijd" in without


def _table_with_header(document, first_header: str, header: list[str]):
    tables = [t for t in document.tables if [c.text for c in t.rows[0].cells] == header]
    assert len(tables) == 1, first_header
    return tables[0]


def test_the_tariff_annex_follows_the_profile():
    with_profile = sample_context(profile=True)
    document = render("farmaceutische_zorg", with_profile)
    text = full_text(document)
    assert "Uw apotheekprofiel: 3 sterren (3 van de 3 sterren)" in text
    assert "€ 7,40 per receptregel" in text
    assert "geldt geen apotheekprofiel" not in text
    table = _table_with_header(document, "Code", ["Code", "Omschrijving", "Eenheid", "Tarief"])
    rows = [[c.text for c in row.cells] for row in table.rows[1:]]
    assert rows == [[t["code"], t["description"], t["unit"], t["amount"]]
                    for t in with_profile["tariffs"]]
    assert rows[0][3] == "€ 7,40"

    without = sample_context(profile=False)
    document = render("farmaceutische_zorg", without)
    text = full_text(document)
    assert "Voor uw type zorgaanbieder (openbare apotheek) geldt geen apotheekprofiel" in text
    assert "Uw apotheekprofiel" not in text
    table = _table_with_header(document, "Code", ["Code", "Omschrijving", "Eenheid", "Tarief"])
    assert len(table.rows) == 1 + len(without["tariffs"])


@pytest.mark.parametrize("name, header, key, expected", [
    ("farmaceutische_zorg", ["Code", "Zorgprestatie", "Omschrijving", "Tarief", "Status"],
     "zorgprestaties", lambda p: [p["code"], p["name"], p["description"], p["tariff"], p["status"]]),
    ("module_zorgprestaties", ["Code", "Zorgprestatie", "Omschrijving", "Tarief", "Status"],
     "zorgprestaties", lambda p: [p["code"], p["name"], p["description"], p["tariff"], p["status"]]),
    ("spoedzorg", ["Code", "Periode", "Omschrijving", "Tarief"], "anz_tariffs",
     lambda t: [t["code"], t["period"], t["description"], t["amount"]]),
    ("aanvullende_afspraken", ["Code", "Thema", "Omschrijving", "Gekozen (ja/nee)"], "themes",
     lambda t: [t["code"], t["title"], t["description"], ""]),
])
def test_list_tables_have_one_row_per_item(name, header, key, expected):
    context = sample_context()
    table = _table_with_header(render(name, context), header[0], header)
    assert [[c.text for c in row.cells] for row in table.rows[1:]] == \
        [expected(item) for item in context[key]]


def test_an_empty_list_leaves_the_header_row_only():
    context = sample_context()
    context = copy.deepcopy(context)
    context["anz_tariffs"] = []
    table = _table_with_header(render("spoedzorg", context), "Code",
                               ["Code", "Periode", "Omschrijving", "Tarief"])
    assert len(table.rows) == 1


def test_values_are_escaped_not_interpreted():
    context = sample_context()
    context["provider"]["name"] = "<w:p>{{ 7*7 }} & Co"
    text = full_text(render("stoppen_met_roken", context))
    assert "<w:p>{{ 7*7 }} & Co" in text and "49" not in text
