"""Build the six Word templates of the contract documents.

    python contracts/documents/templates/build_templates.py [--out DIR]

writes farmaceutische_zorg.docx, module_zorgprestaties.docx, spoedzorg.docx,
aanvullende_afspraken.docx, dieetpreparaten.docx and stoppen_met_roken.docx (default: next to this
script). The .docx files are the source a contract manager edits in Word afterwards; this script is
how they were first made, and a test checks that it still reproduces them.

The documents are docxtpl templates. Every Jinja tag is written inside one run (one `add_run` call
holding the whole `{{ ... }}` or `{% ... %}`), so no tag is split across runs. Only the context names
and constructs the portal's template validator allows are used: `{{ a.b }}`, `{%p if/else/endif %}`
paragraphs, inline `{% if %}...{% endif %}` inside one paragraph, `{%tr for/endfor %}` table rows and
the filter `join`.

Sources: the clause text is a model agreement written for this simulator after the public sources in
shared/seeds (the 2024 procurement policy, seed 002; the import-medicine memo, seed 000; appropriate
use of medicines, seed 001). Passages quoted verbatim from a seed are marked so below. Codes and
amounts are not in the templates: they come from contracts/documents/content.yaml (simulated).
"""
from __future__ import annotations

import argparse
import copy
import datetime as dt
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

HERE = Path(__file__).resolve().parent

# House style.
FONT = "Arial"
PETROL = "005A64"
GREY = "595959"
RULE = "A6A6A6"
TEXT_WIDTH_MM = 160  # A4 (210 mm) less 25 mm margins either side
FIXED_TIME = dt.datetime(2023, 5, 1, 9, 0, 0, tzinfo=dt.timezone.utc)  # reproducible builds
ZIP_TIME = (2023, 5, 1, 9, 0, 0)

# Numbering: abstractNum 7 is the one of the built-in "List Number" style, 8 and 6 those of
# "List Bullet" and "List Bullet 2". Ours: upper-case letters for the recitals.
ABSTRACT_DECIMAL = 7
ABSTRACT_BULLET = 8
ABSTRACT_BULLET_2 = 6
ABSTRACT_LETTER = 20

INSURER_DEFINITION = (
    "{{ insurer.name }}, handelend voor zichzelf en namens de zorgverzekeraars die met haar in een "
    "groep zijn verbonden, waaronder de zorgverzekeraars die hun verzekeringen aanbieden onder de "
    "labels VGZ, IZA, Univé, UMC Zorgverzekering, Zekur, Bewuzt, Zorgzaam en VGZ voor de Zorg."
)


# ---------------------------------------------------------------------------------------------
# Low-level helpers
# ---------------------------------------------------------------------------------------------

def _replace_props(style_element, ppr: str | None, rpr: str | None) -> None:
    """Give a style exactly these paragraph and run properties (XML inside w:pPr / w:rPr)."""
    for tag in ("w:pPr", "w:rPr"):
        for old in style_element.findall(qn(tag)):
            style_element.remove(old)
    anchor = style_element.find(qn("w:tblPr"))
    for tag, body in (("w:pPr", ppr), ("w:rPr", rpr)):
        if body is None:
            continue
        element = parse_xml(f"<{tag} {nsdecls('w')}>{body}</{tag}>")
        if anchor is not None:
            anchor.addprevious(element)
        else:
            style_element.append(element)


def _fonts(size_half_points: int, *, bold: bool = False, italic: bool = False,
           color: str | None = None) -> str:
    xml = (f'<w:rFonts w:ascii="{FONT}" w:hAnsi="{FONT}" w:eastAsia="{FONT}" w:cs="{FONT}"/>'
           + ("<w:b/><w:bCs/>" if bold else "") + ("<w:i/><w:iCs/>" if italic else ""))
    if color:
        xml += f'<w:color w:val="{color}"/>'
    return xml + f'<w:sz w:val="{size_half_points}"/><w:szCs w:val="{size_half_points}"/>'


def _field(paragraph, instruction: str, placeholder: str) -> None:
    """A complex field (w:fldChar begin/separate/end) such as PAGE or NUMPAGES."""
    def run_with(child) -> None:
        run = paragraph.add_run()
        run._r.append(child)

    begin = OxmlElement("w:fldChar")
    begin.set(qn("w:fldCharType"), "begin")
    run_with(begin)
    instr = OxmlElement("w:instrText")
    instr.set(qn("xml:space"), "preserve")
    instr.text = f" {instruction} "
    run_with(instr)
    separate = OxmlElement("w:fldChar")
    separate.set(qn("w:fldCharType"), "separate")
    run_with(separate)
    paragraph.add_run(placeholder)
    end = OxmlElement("w:fldChar")
    end.set(qn("w:fldCharType"), "end")
    run_with(end)


def _border(paragraph, side: str) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    ppr.append(parse_xml(
        f'<w:pBdr {nsdecls("w")}><w:{side} w:val="single" w:sz="4" w:space="4" '
        f'w:color="{RULE}"/></w:pBdr>'))


def _normalise_zip(path: Path) -> None:
    """Rewrite the package with fixed timestamps, so an unchanged template builds to the same bytes."""
    with zipfile.ZipFile(path) as source:
        members = [(info.filename, source.read(info.filename)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, data)


APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Template>Normal.dotm</Template><Application>Zorginkoopportaal (python-docx)</Application>"
    "<DocSecurity>0</DocSecurity><ScaleCrop>false</ScaleCrop>"
    "<Company>Coöperatie VGZ U.A.</Company><LinksUpToDate>false</LinksUpToDate>"
    "<SharedDoc>false</SharedDoc><HyperlinksChanged>false</HyperlinksChanged>"
    "<AppVersion>16.0000</AppVersion></Properties>"
)


# ---------------------------------------------------------------------------------------------
# The document builder
# ---------------------------------------------------------------------------------------------

class Builder:
    """A contract document in the house style, built paragraph by paragraph.

    Text is passed as parts: a str is one run; a tuple (text, "b") is one bold run. A Jinja tag
    must stand whole inside one part.
    """

    def __init__(self, *, short_title: str, kind_word: str) -> None:
        self.doc = Document()
        # How the clauses name the document: "deze overeenkomst" but "dit addendum".
        if kind_word not in ("overeenkomst", "addendum"):
            raise ValueError(f"kind_word must be overeenkomst or addendum, not {kind_word!r}")
        self.kind_word = kind_word
        self.this = "deze overeenkomst" if kind_word == "overeenkomst" else "dit addendum"
        self.This = self.this[0].upper() + self.this[1:]
        self.the_final = ("de definitieve overeenkomst" if kind_word == "overeenkomst"
                          else "het definitieve addendum")
        self.article_no = 0
        self.lid_no = 0
        self._lid_num: int | None = None
        self._styles()
        self._numbering()
        self._page(short_title)
        self._properties()

    # -- set-up -----------------------------------------------------------------------------

    def _styles(self) -> None:
        styles = self.doc.styles
        defaults = styles.element.find(qn("w:docDefaults"))
        rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
        for child in list(rpr):
            rpr.remove(child)
        for child in parse_xml(f"<w:rPr {nsdecls('w')}>{_fonts(20)}"
                               '<w:lang w:val="nl-NL" w:eastAsia="nl-NL" w:bidi="ar-SA"/></w:rPr>'):
            rpr.append(copy.deepcopy(child))
        ppr = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr"))
        for child in list(ppr):
            ppr.remove(child)
        ppr.append(parse_xml(f'<w:spacing {nsdecls("w")} w:after="120" w:line="264" '
                             'w:lineRule="auto"/>'))

        def restyle(name: str, ppr: str | None, rpr: str | None) -> None:
            _replace_props(styles[name].element, ppr, rpr)

        restyle("Normal", None, _fonts(20))
        restyle("Title", '<w:pBdr><w:bottom w:val="single" w:sz="8" w:space="6" '
                f'w:color="{PETROL}"/></w:pBdr><w:spacing w:before="0" w:after="120" '
                'w:line="240" w:lineRule="auto"/>', _fonts(36, bold=True, color=PETROL))
        restyle("Subtitle", '<w:spacing w:before="0" w:after="360"/>', _fonts(22, color=GREY))
        restyle("Heading 1", '<w:keepNext/><w:keepLines/><w:spacing w:before="320" w:after="120"/>'
                '<w:outlineLvl w:val="0"/>', _fonts(24, bold=True, color=PETROL))
        restyle("Heading 2", '<w:keepNext/><w:keepLines/><w:spacing w:before="200" w:after="80"/>'
                '<w:outlineLvl w:val="1"/>', _fonts(21, bold=True, color=GREY))
        restyle("List Number", '<w:numPr><w:numId w:val="5"/></w:numPr>'
                '<w:spacing w:after="100"/><w:ind w:left="425" w:hanging="425"/>', None)
        restyle("List Bullet", '<w:numPr><w:numId w:val="1"/></w:numPr><w:contextualSpacing/>'
                '<w:spacing w:after="100"/><w:ind w:left="425" w:hanging="425"/>', None)
        restyle("List Bullet 2", '<w:numPr><w:numId w:val="2"/></w:numPr><w:contextualSpacing/>'
                '<w:spacing w:after="100"/><w:ind w:left="850" w:hanging="425"/>', None)
        for name in ("Header", "Footer"):
            restyle(name, f'<w:tabs><w:tab w:val="right" w:pos="{int(TEXT_WIDTH_MM / 25.4 * 1440)}"/>'
                    '</w:tabs><w:spacing w:after="0" w:line="240" w:lineRule="auto"/>',
                    _fonts(16, color=GREY))

        table_text = styles.add_style("Tabeltekst", WD_STYLE_TYPE.PARAGRAPH)
        table_text.base_style = styles["Normal"]
        _replace_props(table_text.element, '<w:spacing w:before="40" w:after="40" w:line="240" '
                       'w:lineRule="auto"/>', _fonts(18))
        table_text.quick_style = True

        table = styles.add_style("VGZ Tabel", WD_STYLE_TYPE.TABLE)
        table.base_style = styles["Normal Table"]
        borders = "".join(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="{RULE}"/>'
                          for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
        table.element.append(parse_xml(
            f'<w:tblPr {nsdecls("w")}><w:tblBorders>{borders}</w:tblBorders>'
            '<w:tblCellMar><w:top w:w="28" w:type="dxa"/><w:left w:w="85" w:type="dxa"/>'
            '<w:bottom w:w="28" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
            '</w:tblPr>'))
        table.element.append(parse_xml(
            f'<w:tblStylePr {nsdecls("w")} w:type="firstRow"><w:rPr><w:b/><w:bCs/>'
            '<w:color w:val="FFFFFF"/></w:rPr><w:tblPr/><w:trPr><w:tblHeader/></w:trPr>'
            f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{PETROL}"/></w:tcPr>'
            '</w:tblStylePr>'))
        table.quick_style = True

    def _numbering(self) -> None:
        numbering = self.doc.part.numbering_part.element
        abstracts = numbering.findall(qn("w:abstractNum"))
        for abstract in abstracts:
            if abstract.get(qn("w:abstractNumId")) in {str(ABSTRACT_DECIMAL), str(ABSTRACT_BULLET),
                                                        str(ABSTRACT_BULLET_2)}:
                level = abstract.find(qn("w:lvl"))
                ppr = level.find(qn("w:pPr"))
                level.remove(ppr)
                left = 850 if abstract.get(qn("w:abstractNumId")) == str(ABSTRACT_BULLET_2) else 425
                level.append(parse_xml(f'<w:pPr {nsdecls("w")}><w:ind w:left="{left}" '
                                       'w:hanging="425"/></w:pPr>'))
                if abstract.get(qn("w:abstractNumId")) != str(ABSTRACT_DECIMAL):
                    # bullets are en dashes, as usual in Dutch agreements
                    level.find(qn("w:lvlText")).set(qn("w:val"), "–")
                    rpr = level.find(qn("w:rPr"))
                    level.remove(rpr)
                    level.append(parse_xml(f'<w:rPr {nsdecls("w")}><w:rFonts w:ascii="{FONT}" '
                                           f'w:hAnsi="{FONT}" w:hint="default"/></w:rPr>'))
        letter = parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{ABSTRACT_LETTER}">'
            '<w:multiLevelType w:val="singleLevel"/><w:lvl w:ilvl="0"><w:start w:val="1"/>'
            '<w:numFmt w:val="upperLetter"/><w:lvlText w:val="%1."/><w:lvlJc w:val="left"/>'
            '<w:pPr><w:ind w:left="425" w:hanging="425"/></w:pPr></w:lvl></w:abstractNum>')
        abstracts[-1].addnext(letter)

    def _new_list(self, abstract_id: int) -> int:
        """A fresh numbering instance that restarts at 1."""
        num = self.doc.part.numbering_part.element.add_num(abstract_id)
        num.add_lvlOverride(ilvl=0).add_startOverride(1)
        return num.numId

    def _page(self, short_title: str) -> None:
        section = self.doc.sections[0]
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin = section.bottom_margin = Mm(25)
        section.left_margin = section.right_margin = Mm(25)
        section.header_distance = section.footer_distance = Mm(12)

        header = section.header.paragraphs[0]
        header.style = self.doc.styles["Header"]
        header.add_run("{{ insurer.name }}")
        header.add_run("\t")
        header.add_run("{{ document.title }}")
        _border(header, "bottom")

        footer = section.footer.paragraphs[0]
        footer.style = self.doc.styles["Footer"]
        footer.add_run("{{ document.reference }} · versie {{ document.version }}")
        footer.add_run("\t")
        footer.add_run("pagina ")
        _field(footer, "PAGE", "1")
        footer.add_run(" van ")
        _field(footer, "NUMPAGES", "1")
        _border(footer, "top")
        self.short_title = short_title

    def _properties(self) -> None:
        props = self.doc.core_properties
        props.title = "{{ document.title }}"
        props.author = "{{ insurer.name }}"
        props.subject = "{{ document.contract_name }} {{ policy_year }}"
        props.identifier = "{{ document.reference }}"
        props.keywords = f"zorginkoop; farmaceutische zorg; {self.short_title}"
        props.category = "Zorgovereenkomst"
        props.comments = ("Sjabloon van de zorginkoopportaal-simulator, gebouwd met "
                          "contracts/documents/templates/build_templates.py. Codes en bedragen zijn "
                          "gesimuleerd.")
        props.language = "nl-NL"
        props.last_modified_by = "Zorginkoop Farmacie"
        props.revision = 1
        props.created = props.modified = FIXED_TIME.replace(tzinfo=None)
        package = self.doc.part.package
        for rel_id, rel in list(package.rels.items()):
            if rel.reltype == RT.THUMBNAIL:
                del package.rels[rel_id]
            elif rel.reltype == RT.EXTENDED_PROPERTIES:
                rel.target_part._blob = APP_XML.encode("utf-8")

    # -- paragraphs -------------------------------------------------------------------------

    def _runs(self, paragraph, parts) -> None:
        for part in parts:
            if isinstance(part, tuple):
                text, fmt = part
                run = paragraph.add_run(text)
                run.bold = "b" in fmt
                run.italic = "i" in fmt
            else:
                paragraph.add_run(part)

    def p(self, *parts, style: str | None = None, keep_with_next: bool = False):
        paragraph = self.doc.add_paragraph(style=style)
        self._runs(paragraph, parts)
        if keep_with_next:
            paragraph.paragraph_format.keep_with_next = True
        return paragraph

    def tag(self, tag: str) -> None:
        """A paragraph holding one docxtpl paragraph tag ({%p ... %}) and nothing else."""
        if not (tag.startswith("{%p ") and tag.endswith("%}")):
            raise ValueError(f"not one docxtpl paragraph tag: {tag!r}")
        self.doc.add_paragraph().add_run(tag)

    def title(self, title: str, subtitle: str) -> None:
        self.p(title, style="Title")
        self.p(subtitle, style="Subtitle")

    def h1(self, text: str, *, page_break: bool = False) -> None:
        paragraph = self.p(text, style="Heading 1")
        if page_break:
            paragraph.paragraph_format.page_break_before = True

    def h2(self, text: str) -> None:
        self.p(text, style="Heading 2")

    def numbered(self, *parts, num_id: int):
        paragraph = self.p(*parts, style="List Number")
        num_pr = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = num_id
        return paragraph

    def bullet(self, *parts, level: int = 1):
        return self.p(*parts, style="List Bullet" if level == 1 else "List Bullet 2")

    # -- articles ---------------------------------------------------------------------------

    def article(self, title: str) -> int:
        self.article_no += 1
        self.lid_no = 0
        self._lid_num = self._new_list(ABSTRACT_DECIMAL)
        self.h1(f"Artikel {self.article_no} {title}")
        return self.article_no

    def lid(self, *parts) -> int:
        """The next member (lid) of the current article; returns its number."""
        self.lid_no += 1
        self.numbered(*parts, num_id=self._lid_num)
        return self.lid_no

    def definitions(self, items: list[tuple[str, str]], *, level: int = 1) -> None:
        """Defined terms, one bullet each; level 2 when they belong to a numbered member."""
        for term, text in items:
            self.bullet((f"{term}: ", "b"), text, level=level)

    # -- tables -----------------------------------------------------------------------------

    def _cell_text(self, cell, text: str, *, align_right: bool = False) -> None:
        paragraph = cell.paragraphs[0]
        paragraph.style = self.doc.styles["Tabeltekst"]
        if text:
            paragraph.add_run(text)
        if align_right:
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT

    def _widths(self, table, widths_mm) -> None:
        table.autofit = False
        grid = table._tbl.tblGrid
        for col, width in zip(grid.findall(qn("w:gridCol")), widths_mm, strict=True):
            col.set(qn("w:w"), str(int(width / 25.4 * 1440)))
        for row in table.rows:
            for cell, width in zip(row.cells, widths_mm, strict=True):
                cell.width = Mm(width)

    def loop_table(self, headers: list[str], loop: str, cells: list[str], widths_mm: list[float],
                   *, right_aligned: tuple[int, ...] = ()) -> None:
        """A table with a header row and one docxtpl row loop:
        header / {%tr for ... %} / the data row / {%tr endfor %}."""
        if not loop.startswith("{%tr for "):
            raise ValueError(f"not a docxtpl row loop: {loop!r}")
        if not len(headers) == len(cells) == len(widths_mm):
            raise ValueError(f"{len(headers)} headers, {len(cells)} cells and {len(widths_mm)} "
                             "widths: one of each per column")
        table = self.doc.add_table(rows=4, cols=len(headers))
        table.style = self.doc.styles["VGZ Tabel"]
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        look = table._tbl.tblPr.find(qn("w:tblLook"))
        if look is not None:
            table._tbl.tblPr.remove(look)
        table._tbl.tblPr.append(parse_xml(
            f'<w:tblLook {nsdecls("w")} w:val="0420" w:firstRow="1" w:lastRow="0" '
            'w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/>'))
        header, loop_row, data, end = table.rows
        for i, text in enumerate(headers):
            self._cell_text(header.cells[i], text, align_right=i in right_aligned)
        header._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))
        for i, text in enumerate(cells):
            self._cell_text(loop_row.cells[i], loop if i == 0 else "")
            self._cell_text(data.cells[i], text, align_right=i in right_aligned)
            self._cell_text(end.cells[i], "{%tr endfor %}" if i == 0 else "")
        data._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        self._widths(table, widths_mm)
        self.p("")  # breathing space after a table

    def signature_block(self) -> None:
        self.h1("Ondertekening")
        self.p("Aldus overeengekomen en ondertekend:", keep_with_next=True)
        rows = [
            (("Voor de Zorgverzekeraar", "b"), ("Voor de Zorgaanbieder", "b")),
            ("{{ insurer.name }}", "{{ provider.name }}"),
            ("Handtekening:", "Handtekening:"),
            ("", ""),
            ("______________________________", "______________________________"),
            ("Naam: {{ insurer.represented_by }}", "Naam: {{ provider.signatory }}"),
            ("Functie: {{ insurer.function }}", "Functie: tekenbevoegde volgens KvK"),
            ("Plaats: {{ insurer.city }}", "Plaats: ______________________"),
            ("Datum: ______________________", "Datum: ______________________"),
        ]
        table = self.doc.add_table(rows=len(rows), cols=2)
        table.alignment = WD_TABLE_ALIGNMENT.LEFT
        for row, texts in zip(table.rows, rows, strict=True):
            row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
            for cell, text in zip(row.cells, texts, strict=True):
                paragraph = cell.paragraphs[0]
                paragraph.style = self.doc.styles["Normal"]
                paragraph.paragraph_format.keep_with_next = True
                paragraph.paragraph_format.space_after = Pt(4)
                self._runs(paragraph, [text] if text else [])
        self._widths(table, [80, 80])

    # -- saving -----------------------------------------------------------------------------

    def save(self, path: Path) -> Path:
        self.doc.save(path)
        _normalise_zip(path)
        return path


# ---------------------------------------------------------------------------------------------
# Sections every document shares
# ---------------------------------------------------------------------------------------------

def parties(b: Builder, *, collective: bool = False) -> None:
    b.h1("Partijen")
    b.p("De ondergetekenden:")
    num = b._new_list(ABSTRACT_DECIMAL)
    b.numbered(
        ("{{ insurer.name }}", "b"),
        ", gevestigd te {{ insurer.city }}, postadres {{ insurer.address }}, "
        "{{ insurer.postcode }} {{ insurer.city }}, ingeschreven in het Handelsregister van de Kamer "
        "van Koophandel onder nummer {{ insurer.kvk }}, handelend voor zichzelf en namens de "
        "zorgverzekeraars die met haar in een groep zijn verbonden, te dezen rechtsgeldig "
        "vertegenwoordigd door {{ insurer.represented_by }}, {{ insurer.function }},",
        num_id=num)
    b.p("hierna te noemen: ‘de Zorgverzekeraar’,").paragraph_format.left_indent = Mm(7.5)
    b.p("en")
    b.numbered(
        ("{{ provider.name }}", "b"),
        ", gevestigd aan {{ provider.address }}, {{ provider.postcode }} {{ provider.city }}, "
        "ingeschreven in het Handelsregister van de Kamer van Koophandel onder nummer "
        "{{ provider.kvk }}, AGB-code {{ provider.agb }}, type zorgaanbieder: "
        "{{ provider.provider_type_label }}, te dezen rechtsgeldig vertegenwoordigd door "
        "{{ provider.signatory }}",
        *(["{% if provider.collective %}, voor de totstandkoming van dit addendum bijgestaan door "
           "het collectief {{ provider.collective }}{% endif %}"] if collective else []),
        ",",
        num_id=num)
    b.p("hierna te noemen: ‘de Zorgaanbieder’,").paragraph_format.left_indent = Mm(7.5)
    b.p("hierna gezamenlijk te noemen: ‘Partijen’ en ieder afzonderlijk: ‘Partij’.")


def recitals(b: Builder, items: list, *, subject: str) -> None:
    """Overwegingen: the policy basis, then the document's own recitals, then the closing one."""
    b.h1("Overwegingen")
    b.p("Partijen nemen het volgende in aanmerking:")
    num = b._new_list(ABSTRACT_LETTER)
    b.numbered(
        "De Zorgverzekeraar heeft op grond van de Zorgverzekeringswet een zorgplicht jegens haar "
        "Verzekerden en koopt daartoe zorg in bij zorgaanbieders.", num_id=num)
    b.numbered(
        "De Zorgverzekeraar heeft haar beleid voor de inkoop van deze zorg vastgelegd in het "
        "Inkoopbeleid Extramurale Farmaceutische zorg {{ policy_year }} (hierna: ‘het "
        "Inkoopbeleid’). Het Inkoopbeleid is gebaseerd op vijf uitgangspunten: transformatie in de "
        "zorg, arbeidsmarkt, digitalisering, ledenbetrokkenheid en duurzaamheid.", num_id=num)
    for item in items:
        if isinstance(item, str) and item.startswith("{%p "):
            b.tag(item)
        else:
            b.numbered(*(item if isinstance(item, tuple) else (item,)), num_id=num)
    b.tag("{%p if offer.based_on_labels %}")
    b.numbered("Het aanbod van de Zorgverzekeraar voor " + b.this + " is gebaseerd op: "
               "{{ offer.based_on_labels|join(', ') }}.", num_id=num)
    b.tag("{%p endif %}")
    b.numbered(
        "De Zorgverzekeraar is geen aanbestedende dienst in de zin van de Aanbestedingswet. De "
        "relatie tussen Partijen wordt uitsluitend beheerst door de precontractuele goede trouw, "
        "redelijkheid en billijkheid.", num_id=num)
    b.numbered(f"Partijen wensen hun afspraken over {subject} vast te leggen in {b.this}.",
               num_id=num)
    b.p("en komen het volgende overeen:")


def common_definitions(b: Builder) -> list[tuple[str, str]]:
    return [
        ("Zorgverzekeraar", INSURER_DEFINITION),
        ("Zorgaanbieder", "{{ provider.name }}, met AGB-code {{ provider.agb }}."),
        ("Verzekerde", "een natuurlijk persoon die een zorgverzekering en/of een aanvullende "
                       "verzekering heeft gesloten bij de Zorgverzekeraar."),
        ("Inkoopbeleid", "het Inkoopbeleid Extramurale Farmaceutische zorg {{ policy_year }} van de "
                         "Zorgverzekeraar."),
        ("Algemene Voorwaarden", "de Algemene Voorwaarden Zorginkoop VGZ."),
        ("Zorginkoopportaal", "het Zorginkoopportaal van VECOZO, waarin de Zorgverzekeraar "
                              "overeenkomsten en addenda aanbiedt en waarin zij worden gesloten."),
        ("VECOZO", "het beveiligde communicatieplatform van zorgverzekeraars en zorgaanbieders, "
                   "waarlangs onder meer declaraties en retourinformatie worden uitgewisseld."),
        ("Vektis-standaard", "de door Vektis beheerde EI-standaard voor het declareren van "
                             "farmaceutische hulp (AP304), in de versie die op de declaratiedatum "
                             "geldt."),
        ("G-Standaard", "de geneesmiddelendatabank van Z-Index."),
    ]


def term_article(b: Builder, *, extra: list[str] = ()) -> None:
    b.article("Looptijd")
    b.lid(f"{b.This} treedt in werking op {{{{ period.start }}}} en eindigt van "
          f"rechtswege op {{{{ period.end }}}}, zonder dat opzegging is vereist.")
    for text in extra:
        b.lid(text)
    b.lid(f"Stilzwijgende verlenging van {b.this} is uitgesloten. Partijen treden tijdig "
          "voor het einde van de looptijd met elkaar in overleg over het vervolg, met inachtneming "
          "van het dan geldende inkoopbeleid van de Zorgverzekeraar.")


def declaring_article(b: Builder, *, what: str, extra: list[str] = ()) -> None:
    b.article("Declareren en betalen")
    b.lid(f"De Zorgaanbieder declareert {what} rechtstreeks bij de Zorgverzekeraar, elektronisch "
          "via VECOZO, volgens de Vektis-standaard en met gebruik van de codes uit de G-Standaard "
          "en de prestatiecodes die bij " + b.this + " horen.")
    b.lid("Een declaratie vermeldt per Verzekerde en per prestatie ten minste het BSN of "
          "verzekerdennummer, de AGB-code van de Zorgaanbieder en, waar van toepassing, de AGB-code "
          "van de voorschrijver. De Zorgaanbieder dient een declaratie in binnen drie maanden na de "
          "datum van de geleverde zorg.")
    for text in extra:
        b.lid(text)
    b.lid("De Zorgverzekeraar betaalt een juiste en volledige declaratie binnen 30 dagen na "
          "ontvangst. Declaratieregels die de Zorgverzekeraar afwijst, meldt zij met de reden van "
          "afwijzing in de retourinformatie.")
    b.lid("De Zorgaanbieder brengt een Verzekerde voor zorg die onder " + b.this +
          " valt geen kosten in rekening, behoudens wettelijke eigen bijdragen en zorg waarop de "
          "Verzekerde geen aanspraak heeft en die hij, na vooraf te zijn geïnformeerd, zelf betaalt.")
    b.lid("De Zorgverzekeraar heeft de wettelijke taak de rechtmatigheid en doelmatigheid van "
          "declaraties te controleren. Zij voert daartoe formele en materiële controles uit zoals "
          "beschreven in haar controleplan. De Zorgaanbieder verleent daaraan zijn medewerking en "
          "verstrekt op verzoek de gegevens die daarvoor nodig zijn.")


def quality_article(b: Builder, items: list[str]) -> None:
    b.article("Kwaliteit")
    for text in items:
        b.lid(text)
    b.lid("De Zorgaanbieder heeft een klachtenregeling die voldoet aan de Wet kwaliteit, klachten en "
          "geschillen zorg (Wkkgz) en is aangesloten bij een erkende geschilleninstantie.")
    b.lid("De Zorgaanbieder informeert de Zorgverzekeraar onverwijld, en waar mogelijk vooraf, over "
          "wijzigingen die voor " + b.this + " van belang zijn, zoals een wijziging van "
          "de AGB-code, de vestigingsplaats, de rechtsvorm of de zeggenschap, een overname of de "
          "(voorgenomen) sluiting van de vestiging, en over maatregelen van de Inspectie "
          "Gezondheidszorg en Jeugd (IGJ).")


def privacy_article(b: Builder) -> None:
    b.article("Vertrouwelijkheid en persoonsgegevens")
    b.lid("Partijen verwerken persoonsgegevens, waaronder gegevens over gezondheid, uitsluitend in "
          "overeenstemming met de Algemene verordening gegevensbescherming (AVG), de Uitvoeringswet "
          "AVG, de Zorgverzekeringswet en de Gedragscode Verwerking Persoonsgegevens "
          "Zorgverzekeraars. Ieder van Partijen is voor de eigen verwerking "
          "verwerkingsverantwoordelijke.")
    b.lid("De Zorgaanbieder verwerkt niet meer persoonsgegevens dan voor de zorgverlening en de "
          "declaratie nodig is, en treft passende technische en organisatorische maatregelen om deze "
          "te beveiligen, in lijn met NEN 7510. Een inbreuk in verband met persoonsgegevens van "
          "Verzekerden meldt hij zonder onredelijke vertraging aan de Zorgverzekeraar.")
    b.lid("Partijen houden de inhoud van " + b.this + ", in het bijzonder de tarieven, "
          "vertrouwelijk, behalve voor zover een wettelijke plicht of een toezichthouder (zoals de "
          "Nederlandse Zorgautoriteit) tot openbaarmaking verplicht. De Zorgverzekeraar mag "
          "bekendmaken dat de Zorgaanbieder door haar is gecontracteerd, onder meer in haar "
          "Zorgzoekers.")


def termination_article(b: Builder, *, extra: list[str] = ()) -> None:
    b.article("Wijziging en beëindiging")
    b.lid("Wijzigingen van en aanvullingen op " + b.this + " zijn alleen geldig als "
          "Partijen ze schriftelijk zijn overeengekomen, in een addendum of in het "
          "Zorginkoopportaal.")
    b.lid("Wijzigt wet- of regelgeving, of een beleidsregel of prestatiebeschrijving van de "
          "Nederlandse Zorgautoriteit, op een wijze die " + b.this + " raakt, dan passen "
          "Partijen " + b.this + " in overleg daaraan aan.")
    b.lid("Elk van Partijen kan " + b.this + " met onmiddellijke ingang, zonder "
          "rechterlijke tussenkomst, schriftelijk geheel of gedeeltelijk ontbinden als de andere "
          "Partij in staat van faillissement wordt verklaard, surseance van betaling aanvraagt of "
          "de onderneming staakt.")
    b.lid("De Zorgverzekeraar kan " + b.this + " met onmiddellijke ingang ontbinden als "
          "de Zorgaanbieder niet langer voldoet aan de minimumeisen van het Inkoopbeleid, waaronder "
          "de toetsing aan het RIZ-portaal (Raadpleging Integriteit Zorgaanbieders), als een voor de "
          "zorgverlening vereiste vergunning of registratie vervalt, of bij fraude of een ernstige "
          "tekortkoming die niet binnen een redelijke termijn wordt hersteld.")
    for text in extra:
        b.lid(text)
    b.lid("Na het einde van " + b.this + " declareert de Zorgaanbieder de zorg die hij "
          "tot de einddatum heeft geleverd volgens " + b.this + ", en werkt hij mee aan een "
          "zorgvuldige overdracht van de zorg aan een andere zorgaanbieder.")


def conditions_article(b: Builder, *, extra: list[str] = ()) -> None:
    b.article("Algemene Voorwaarden")
    b.lid("Op " + b.this + " zijn de Algemene Voorwaarden Zorginkoop VGZ van toepassing. "
          "De Zorgaanbieder verklaart deze te hebben ontvangen en met de inhoud ervan bekend te "
          "zijn. Zij zijn te raadplegen op www.cooperatievgz.nl/zorgaanbieders/algemene-informatie.")
    b.lid("Bij strijd tussen " + b.this + " en de Algemene Voorwaarden gaat " + b.this + " "
          "voor. Bij strijd tussen de artikelen en de bijlagen gaan de artikelen "
          "voor.")
    for text in extra:
        b.lid(text)
    b.lid("Algemene voorwaarden van de Zorgaanbieder zijn niet van toepassing.")


def disputes_article(b: Builder) -> None:
    b.article("Geschillen en toepasselijk recht")
    b.lid("Op " + b.this + " is Nederlands recht van toepassing.")
    b.lid("Partijen trachten een geschil over " + b.this + " eerst in onderling overleg op "
          "te lossen. Lukt dat niet binnen zes weken nadat een Partij het geschil schriftelijk heeft "
          "gemeld, dan kunnen Partijen in overleg kiezen voor mediation.")
    b.lid("Een geschil dat niet in overleg of door mediation wordt opgelost, legt de meest gerede "
          "Partij voor aan de bevoegde rechter van de Rechtbank Gelderland, locatie Arnhem.")


def offer_article(b: Builder, *, lapse: str | None = None) -> None:
    """Aanbod en aanvaarding: the wording follows the decision (negotiable or not). The date is
    the one by which the provider must answer (the offer's own deadline, as the portal shows
    it), not the policy's date by which the insurer makes the offer."""
    b.article("Aanbod en aanvaarding")
    b.tag("{%p if offer.negotiable %}")
    b.lid("Dit document is een onderhandelbaar aanbod van de Zorgverzekeraar. Het opent de "
          "onderhandeling tussen Partijen over " + b.this + ". De Zorgverzekeraar zendt "
          "het aanbod per e-mail aan de Zorgaanbieder{% if provider.contact_email %} "
          "({{ provider.contact_email }}){% endif %}.")
    b.lid("De Zorgaanbieder reageert per e-mail op het aanbod, met een aanvaarding of met een "
          "gemotiveerd tegenvoorstel, "
          "{% if offer.answer_by %}uiterlijk op {{ offer.answer_by }}{% endif %}"
          "{% if not offer.answer_by %}binnen een redelijke termijn{% endif %}.")
    b.lid("Wat Partijen in de onderhandeling overeenkomen, legt de Zorgverzekeraar vast in "
          + b.the_final + ". " + b.the_final[0].upper() + b.the_final[1:] + " wordt gesloten in "
          "{{ offer.final_channel_label }}, door aanvaarding door de tekenbevoegde van de "
          "Zorgaanbieder volgens de inschrijving in het Handelsregister van de Kamer van "
          "Koophandel. Afspraken per e-mail binden Partijen pas vanaf dat moment.")
    b.tag("{%p else %}")
    b.lid("Dit document is een niet-onderhandelbaar aanbod van de Zorgverzekeraar. Het aanbod staat "
          "voor de Zorgaanbieder klaar in de contracteermodule van het Zorginkoopportaal "
          "({{ offer.channel_label }}).")
    b.lid("De Zorgaanbieder kan het aanbod uitsluitend in zijn geheel aanvaarden, in de "
          "contracteermodule van het Zorginkoopportaal, door zijn tekenbevoegde volgens de "
          "inschrijving in het Handelsregister van de Kamer van Koophandel (tekenbevoegde volgens "
          "KvK)"
          "{% if offer.answer_by %}, uiterlijk op {{ offer.answer_by }}{% endif %}. Een aanvaarding "
          "onder voorbehoud of met wijzigingen geldt als afwijzing van het aanbod.")
    b.lid("De aanvaarding in het Zorginkoopportaal geldt als ondertekening van "
          + b.this + " door de Zorgaanbieder. Wordt het aanbod niet tijdig aanvaard, dan "
          "vervalt het." + (f" {lapse}" if lapse else ""))
    b.tag("{%p endif %}")


def agreed_tariffs_annex(b: Builder, number: int) -> None:
    """Bijlage `number`: the tariff lines changed in the negotiation, in the documents without a
    tariff table of their own, so the document that is accepted states what was agreed."""
    b.tag("{%p if agreed_tariffs %}")
    b.h1(f"Bijlage {number} Tarieven uit de onderhandeling", page_break=True)
    b.p("{% if offer.negotiable %}De Zorgverzekeraar biedt in de onderhandeling de volgende "
        "tarieven aan.{% endif %}{% if not offer.negotiable %}Partijen zijn in de onderhandeling "
        "de volgende tarieven overeengekomen.{% endif %} Zij gelden voor {{ policy_year }} in "
        "plaats van de tarieven die de Zorgverzekeraar daarvoor publiceert.", keep_with_next=True)
    b.loop_table(["Code", "Omschrijving", "Eenheid", "Tarief"], "{%tr for t in agreed_tariffs %}",
                 ["{{ t.code }}", "{{ t.description }}", "{{ t.unit }}", "{{ t.amount }}"],
                 [25, 80, 30, 25], right_aligned=(3,))
    b.tag("{%p endif %}")


# ---------------------------------------------------------------------------------------------
# The six documents
# ---------------------------------------------------------------------------------------------

class NumberingError(RuntimeError):
    """A passage quoted from a seed sits under another number than the seed gives it."""


def numbered_as(number: int, seed_number: int, what: str) -> None:
    """The seed quotes the contract by article and member number ("artikel 5 lid 3"): the
    template must number the quoted passage the same, or its citation would be wrong."""
    if number != seed_number:
        raise NumberingError(f"{what} is number {number} in the template; the seed's text "
                             f"numbers it {seed_number}")


# VERBATIM from seed 000 (memo "Uitwijken naar importgeneesmiddel bij zeldzame indicatie"), which
# quotes the Bepalingen Zorgovereenkomst Farmaceutische Zorg. Do not edit: a test compares these
# passages with the seed. Article 1, member 1:
SEED_000_ARTICLE_1_LID_1 = (
    "De Zorgaanbieder levert farmaceutische zorg aan de verzekerden van de Zorgverzekeraar voor "
    "zover zij op deze zorg zijn aangewezen en zich tot de Zorgaanbieder hebben gewend. De "
    "farmaceutische zorg omvat de farmaceutische zorg voor zover die behoort tot de aanspraak van "
    "verzekerden op grond van de verzekeringsvoorwaarden van de zorgverzekeringen en het hierop van "
    "toepassing zijnde Reglement farmaceutische zorg alsmede de levering van anticonceptiemiddelen "
    "uit de aanvullende verzekeringen van de Zorgverzekeraar."
)
# VERBATIM from seed 000: article 5, member 3 (the heading and its two points).
SEED_000_ARTICLE_5_LID_3 = (
    "Importgeneesmiddelen",
    "Indien een importgeneesmiddel wordt afgeleverd vergoedt de Zorgverzekeraar maximaal de "
    "Inkoopprijs of indien het betreffende importgeneesmiddel niet is opgenomen in de G-Standaard, "
    "maximaal de inkoopkosten van het geneesmiddel.",
    "Voor geïmporteerde geneesmiddelen waarbij de IGJ een importvergunning heeft afgegeven "
    "(publicatie Staatscourant) vergoedt de Zorgverzekeraar ook de daarbij behorende "
    "transportkosten.",
)


def farmaceutische_zorg() -> Builder:
    b = Builder(short_title="Overeenkomst Farmaceutische zorg", kind_word="overeenkomst")
    b.title("Overeenkomst Farmaceutische zorg {{ policy_year }}",
            "Zorgovereenkomst extramurale farmaceutische zorg")
    parties(b)
    recitals(b, [
        "De Zorgverzekeraar biedt reeds gecontracteerde zorgaanbieders met een aflopende "
        "overeenkomst een nieuwe overeenkomst Farmaceutische zorg aan, en beoordeelt de aanvraag "
        "van een nieuwe zorgaanbieder aan de criteria van het Inkoopbeleid.",
        "Het apotheekprofiel is medebepalend voor de tarieven die de Zorgverzekeraar bij deze "
        "overeenkomst aanbiedt.",
        "De Zorgverzekeraar wil de rol van de apotheker als medicatiespecialist en als volwaardige "
        "zorgaanbieder in de eerstelijnszorg versterken. In de nieuwe overeenkomsten voor "
        "{{ policy_year }} zijn daarom de nieuwe en gewijzigde zorgprestaties standaard opgenomen.",
    ], subject="de levering van farmaceutische zorg aan Verzekerden")

    numbered_as(b.article("Reikwijdte en definities"), 1, "article 'Reikwijdte en definities'")
    b.lid(SEED_000_ARTICLE_1_LID_1)  # verbatim, seed 000
    b.lid("In deze overeenkomst wordt verstaan onder:")
    b.definitions(level=2, items=common_definitions(b) + [
        ("Farmaceutische zorg", "de zorg als bedoeld in artikel 2.8 van het Besluit "
                                "zorgverzekering, met de zorgprestaties van Bijlage 2."),
        ("Reglement farmaceutische zorg", "het reglement van de Zorgverzekeraar dat bij de "
                                          "verzekeringsvoorwaarden hoort en de aanspraak op "
                                          "farmaceutische zorg uitwerkt."),
        ("Inkoopprijs", "de prijs die de Zorgaanbieder voor een geneesmiddel betaalt, na aftrek "
                        "van kortingen, bonussen en andere voordelen."),
        ("Importgeneesmiddel", "een geneesmiddel dat niet in Nederland verkrijgbaar is en dat met "
                               "toestemming van de IGJ uit het buitenland wordt betrokken."),
        ("Apotheekprofiel", "de vergelijking van apotheken op kwaliteit, klantbeleving en kosten "
                            "die de Zorgverzekeraar jaarlijks opstelt, met de groep waarin de "
                            "Zorgaanbieder valt."),
        ("Zorgprestatie", "een prestatie farmaceutische zorg zoals beschreven door de Nederlandse "
                          "Zorgautoriteit (NZa) en opgenomen in Bijlage 2."),
        ("Receptregel", "de terhandstelling van één geneesmiddel of middel op één voorschrift."),
    ])

    term_article(b)

    b.article("Zorgverlening")
    b.lid("De Zorgaanbieder levert de farmaceutische zorg volgens de professionele standaard, "
          "waaronder de Nederlandse Apotheeknorm en de richtlijnen van de KNMP, en met inachtneming "
          "van de Geneesmiddelenwet.")
    b.lid("De Zorgaanbieder draagt zorg voor de bereikbaarheid en beschikbaarheid van "
          "farmaceutische zorg, 24 uur per dag en 7 dagen per week. Hij is en blijft verantwoordelijk "
          "voor de 24-uurszorg voor zijn patiënten en kan voor de dienstverlening in de Avond, Nacht "
          "en op Zondag (ANZ) een schriftelijke regeling treffen met een dienstapotheek.")
    b.lid("De Zorgaanbieder houdt van iedere Verzekerde een actueel medicatiedossier bij, bewaakt de "
          "medicatie en wisselt, met toestemming van de Verzekerde, medicatiegegevens elektronisch "
          "uit met andere zorgverleners volgens de landelijke afspraken over medicatieoverdracht.")
    b.lid("De Zorgaanbieder levert de zorgprestaties van Bijlage 2 wanneer de Verzekerde daarop is "
          "aangewezen. De nieuwe en gewijzigde zorgprestaties maken vanaf {{ period.start }} deel "
          "uit van deze overeenkomst.")
    b.lid("Levert de Zorgaanbieder een geneesmiddel waarop de Verzekerde geen aanspraak heeft, dan "
          "informeert hij de Verzekerde vooraf dat de kosten voor diens eigen rekening komen.")

    b.article("Gepast gebruik en doelmatigheid")
    b.lid("Partijen streven ernaar dat Verzekerden toegang hebben tot het juiste geneesmiddel, op "
          "het juiste moment, in de juiste dosering, tegen een reële prijs.")
    b.lid("De Zorgaanbieder levert, tenzij medische noodzaak op het voorschrift is vermeld, het "
          "geneesmiddel dat de Zorgverzekeraar volgens haar preferentiebeleid heeft aangewezen, en "
          "levert niet meer dan de hoeveelheid die het Reglement farmaceutische zorg toestaat.")
    b.lid("De Zorgaanbieder werkt met de voorschrijvers in zijn omgeving samen aan doelmatig "
          "voorschrijven, onder meer in een farmacotherapeutisch overleg (FTO).")

    numbered_as(b.article("Tarieven en vergoeding"), 5, "article 'Tarieven en vergoeding'")
    b.lid("De Zorgverzekeraar vergoedt voor de farmaceutische zorg de kosten van het geneesmiddel of "
          "middel op basis van de Inkoopprijs, met inachtneming van het Reglement farmaceutische "
          "zorg, en de tarieven voor de terhandstelling en de zorgprestaties van Bijlage 1 en "
          "Bijlage 2.")
    b.lid("De tarieven van Bijlage 1 volgen uit het apotheekprofiel en het type zorgaanbieder. Zij "
          "gelden voor het jaar {{ policy_year }}.")
    # verbatim, seed 000: article 5 lid 3
    numbered_as(b.lid(SEED_000_ARTICLE_5_LID_3[0]), 3, "article 5's member 'Importgeneesmiddelen'")
    for point in SEED_000_ARTICLE_5_LID_3[1:]:
        b.bullet(point, level=2)  # verbatim, seed 000
    b.lid("Buiten het geval van lid 3 zijn de transport- en/of verzendkosten van geneesmiddelen uit "
          "binnen- en buitenland verdisconteerd in het tarief voor de terhandstelling; de "
          "Zorgaanbieder brengt deze niet afzonderlijk in rekening bij de Verzekerde of de "
          "Zorgverzekeraar.")
    b.lid("Een importgeneesmiddel dat niet in de G-Standaard is opgenomen, vergoedt de "
          "Zorgverzekeraar alleen als zij vooraf toestemming (een machtiging) heeft gegeven.")

    declaring_article(b, what="de geleverde farmaceutische zorg", extra=[
        "Een importgeneesmiddel zonder Z-indexnummer waarvoor een machtiging is afgegeven, "
        "declareert de Zorgaanbieder met de lokale code 97095005 of een code uit de range 97095551 "
        "tot en met 97095600. In het commentaarrecord vermeldt hij de stof- en merknaam, de naam van "
        "de importeur en de kosten van het geneesmiddel inclusief de transport- of verzendkosten.",
    ])
    quality_article(b, [
        "De Zorgaanbieder beschikt over een kwaliteitssysteem dat voldoet aan de Nederlandse "
        "Apotheeknorm of een gelijkwaardige norm, en laat dit periodiek toetsen.",
        "De Zorgaanbieder levert tijdig de gegevens aan die nodig zijn voor het apotheekprofiel. "
        "Behoort de Zorgaanbieder tot de groep met het laagst scorende apotheekprofiel, dan kan de "
        "Zorgverzekeraar verbeterafspraken voorstellen over kwaliteit, klantbeleving en kosten. Het "
        "onvoldoende nakomen of niet willen maken van verbeterafspraken kan, met de andere "
        "voorwaarden van Bijlage 2 van het Inkoopbeleid, een grond zijn om geen nieuwe overeenkomst "
        "aan te bieden.",
    ])
    privacy_article(b)
    termination_article(b, extra=[
        "Deze overeenkomst is verbonden aan de Zorgaanbieder en de vestiging met de AGB-code "
        "hierboven. Zij gaat bij overname van de apotheek of de apotheekhoudende "
        "huisartsenpraktijk niet over op de overnemende partij; die geldt als nieuwe zorgaanbieder "
        "en kan via de website van de Zorgverzekeraar een overeenkomst aanvragen.",
    ])
    conditions_article(b)
    disputes_article(b)
    offer_article(b)
    b.signature_block()

    b.h1("Bijlage 1 Tarieven", page_break=True)
    b.h2("Apotheekprofiel")
    b.tag("{%p if profile.present %}")
    b.p("Uw apotheekprofiel: ", ("{{ profile.group_label }}", "b"),
        " ({{ profile.stars }} van de 3 sterren). Het apotheekprofiel is medebepalend voor de "
        "tarieven die de Zorgverzekeraar bij deze overeenkomst aanbiedt. Het tarief voor de "
        "terhandstelling bedraagt {{ profile.tariff_per_line }} per receptregel.")
    b.tag("{%p else %}")
    b.p("Voor uw type zorgaanbieder ({{ provider.provider_type_label }}) geldt geen "
        "apotheekprofiel. De tarieven hieronder gelden voor alle zorgaanbieders van dit type.")
    b.tag("{%p endif %}")
    b.h2("Tarieven {{ policy_year }}")
    b.p("De tarieven luiden in euro’s en gelden per eenheid zoals vermeld.", keep_with_next=True)
    b.loop_table(["Code", "Omschrijving", "Eenheid", "Tarief"], "{%tr for t in tariffs %}",
                 ["{{ t.code }}", "{{ t.description }}", "{{ t.unit }}", "{{ t.amount }}"],
                 [25, 80, 30, 25], right_aligned=(3,))

    b.h1("Bijlage 2 Zorgprestaties", page_break=True)
    b.p("In de nieuwe overeenkomsten voor {{ policy_year }} zijn de nieuwe en gewijzigde "
        "zorgprestaties standaard opgenomen. De Zorgaanbieder kan de hieronder vermelde "
        "zorgprestaties vanaf {{ period.start }} bij de Zorgverzekeraar declareren, mits aan de "
        "voorwaarden van de prestatiebeschrijving van de NZa is voldaan.", keep_with_next=True)
    b.loop_table(["Code", "Zorgprestatie", "Omschrijving", "Tarief", "Status"],
                 "{%tr for p in zorgprestaties %}",
                 ["{{ p.code }}", "{{ p.name }}", "{{ p.description }}", "{{ p.tariff }}",
                  "{{ p.status }}"],
                 [18, 42, 58, 18, 24], right_aligned=(3,))
    return b


def module_zorgprestaties() -> Builder:
    b = Builder(short_title="Addendum Module farmaceutische zorgprestaties", kind_word="addendum")
    b.title("Addendum Module farmaceutische zorgprestaties {{ policy_year }}",
            "bij de Zorgovereenkomst Farmaceutische zorg 2023-2024")
    parties(b)
    recitals(b, [
        "Partijen hebben de Zorgovereenkomst Farmaceutische zorg 2023-2024 gesloten (hierna: ‘de "
        "Overeenkomst’), die in {{ policy_year }} doorloopt.",
        "De Zorgverzekeraar wil, in lijn met haar visie op het farmaceutische zorglandschap in "
        "2030, de rol van de apotheker als medicatiespecialist en als volwaardige zorgaanbieder in "
        "de eerstelijnszorg versterken. Daartoe zijn nieuwe zorgprestaties opgenomen en enkele "
        "bestaande gewijzigd, waaronder een zorgprestatie voor het leveren van farmaceutische zorg "
        "aan chronische patiënten.",
        "Volgens het Inkoopbeleid biedt de Zorgverzekeraar reeds gecontracteerde zorgaanbieders met "
        "een doorlopende overeenkomst dit addendum aan. In de nieuwe overeenkomsten voor "
        "{{ policy_year }} zijn deze zorgprestaties standaard opgenomen.",
    ], subject="de nieuwe en gewijzigde zorgprestaties")

    b.article("Definities")
    b.p("Begrippen met een hoofdletter hebben de betekenis die de Overeenkomst eraan geeft. "
        "Daarnaast wordt in dit addendum verstaan onder:")
    b.definitions([
        ("Addendum", "dit Addendum Module farmaceutische zorgprestaties, met zijn bijlage."),
        ("Overeenkomst", "de Zorgovereenkomst Farmaceutische zorg 2023-2024 tussen Partijen."),
        ("Zorgprestatie", "een prestatie farmaceutische zorg zoals beschreven door de Nederlandse "
                          "Zorgautoriteit (NZa) en opgenomen in Bijlage 1."),
        ("Nieuw / gewijzigd", "de status van een zorgprestatie ten opzichte van de Overeenkomst, "
                              "zoals vermeld in Bijlage 1."),
    ] + common_definitions(b)[:3])

    b.article("Onderwerp")
    b.lid("Dit addendum voegt de nieuwe zorgprestaties van Bijlage 1 toe aan de Overeenkomst en "
          "vervangt de beschrijving en het tarief van de gewijzigde zorgprestaties.")
    b.lid("Na ondertekening van dit addendum maken de nieuwe en gewijzigde zorgprestaties per "
          "{{ period.start }} onderdeel uit van de Overeenkomst. Vanaf dat moment kan de "
          "Zorgaanbieder de geleverde zorgprestaties bij de Zorgverzekeraar declareren.")
    b.lid("Wanneer de Zorgaanbieder dit addendum niet ondertekent, blijft de huidige overeenkomst "
          "van kracht. De Zorgaanbieder kan dan alleen bestaande zorgprestaties bij de "
          "Zorgverzekeraar declareren.")
    b.lid("Voor het overige blijft de Overeenkomst ongewijzigd van kracht.")

    term_article(b, extra=["Dit addendum eindigt in elk geval op het moment dat de Overeenkomst "
                           "eindigt."])

    b.article("Voorwaarden voor de zorgprestaties")
    b.lid("De Zorgaanbieder levert een zorgprestatie alleen als de Verzekerde daarop is aangewezen, "
          "en volgens de prestatiebeschrijving van de NZa en de professionele standaard, waaronder "
          "de richtlijnen van de KNMP.")
    b.lid("De Zorgaanbieder legt de geleverde zorgprestatie, met de afspraken die met de Verzekerde "
          "en waar nodig met de voorschrijver zijn gemaakt, vast in het medicatiedossier.")
    b.lid("Een zorgprestatie die in tijd samenvalt met een andere zorgprestatie, declareert de "
          "Zorgaanbieder alleen als de prestatiebeschrijving dat toestaat.")

    declaring_article(b, what="de zorgprestaties van Bijlage 1")
    quality_article(b, [
        "De Zorgaanbieder zet voor de zorgprestaties deskundig personeel in en zorgt dat een "
        "apotheker of, bij een apotheekhoudend huisarts, de huisarts verantwoordelijk is voor de "
        "inhoud ervan.",
    ])
    privacy_article(b)
    termination_article(b)
    conditions_article(b, extra=["Bij strijd tussen dit addendum en de Overeenkomst gaat dit "
                                 "addendum voor, voor zover het de zorgprestaties van Bijlage 1 "
                                 "betreft."])
    disputes_article(b)
    offer_article(b, lapse="De huidige overeenkomst blijft dan van kracht.")
    b.signature_block()

    b.h1("Bijlage 1 Zorgprestaties", page_break=True)
    b.p("De zorgprestaties die met dit addendum per {{ period.start }} deel uitmaken van de "
        "Overeenkomst, met hun tarief voor {{ policy_year }}.", keep_with_next=True)
    b.loop_table(["Code", "Zorgprestatie", "Omschrijving", "Tarief", "Status"],
                 "{%tr for p in zorgprestaties %}",
                 ["{{ p.code }}", "{{ p.name }}", "{{ p.description }}", "{{ p.tariff }}",
                  "{{ p.status }}"],
                 [18, 42, 58, 18, 24], right_aligned=(3,))
    agreed_tariffs_annex(b, 2)
    return b


def spoedzorg() -> Builder:
    b = Builder(short_title="Addendum Farmaceutische spoedzorg", kind_word="addendum")
    b.title("Addendum Farmaceutische spoedzorg {{ policy_year }}",
            "bij de Overeenkomst Farmaceutische zorg · Avond, Nacht en Zondag (ANZ)")
    parties(b)
    recitals(b, [
        "De Zorgaanbieder is een {{ provider.provider_type_label }} en levert farmaceutische "
        "spoedzorg in de Avond, Nacht en op Zondag (ANZ). Zorgaanbieders die farmaceutische "
        "spoedzorg leveren, krijgen in aanvulling op de overeenkomst Farmaceutische zorg een "
        "addendum Farmaceutische spoedzorg aangeboden.",
        "Spoedeisende farmaceutische zorg wordt gezamenlijk door alle zorgverzekeraars op landelijk "
        "niveau in een non-concurrentieel model ingekocht, conform de ‘Handreiking inkoop acute "
        "farmaceutische zorg ZN’ van februari 2020.",
        "Volgens de Handreiking vertegenwoordigen de twee grootste zorgverzekeraars per regio de "
        "andere zorgverzekeraars bij het maken van afspraken met lokale vertegenwoordigers van "
        "dienstapotheken over de Avond-, Nacht- en Zondagtarieven (ANZ-tarieven). Deze tarieven "
        "worden vastgelegd in dit addendum.",
        "Apotheekhoudenden met een overeenkomst Farmaceutische zorg zijn en blijven verantwoordelijk "
        "voor de 24-uurszorg voor hun patiënten, en kunnen voor de ANZ-uren een schriftelijke "
        "regeling treffen met een dienstapotheek.",
    ], subject="de farmaceutische spoedzorg in de ANZ-uren")

    b.article("Definities")
    b.p("In dit addendum wordt verstaan onder:")
    b.definitions(common_definitions(b)[:3] + [
        ("Overeenkomst", "de overeenkomst Farmaceutische zorg tussen Partijen waarop dit addendum "
                         "een aanvulling is."),
        ("ANZ-uren", "de Avond, Nacht en Zondag: werkdagen van 18.00 uur tot 08.00 uur de "
                     "volgende dag, en zondagen en algemeen erkende feestdagen van 08.00 uur tot "
                     "18.00 uur."),
        ("Dienstapotheek", "een apotheek die farmaceutische spoedzorg levert in de ANZ-uren: een "
                           "zuivere dienstapotheek levert enkel farmaceutische spoedzorg, een "
                           "hybride dienstapotheek is ook overdag van maandag tot en met zaterdag "
                           "geopend als apotheek."),
        ("Handreiking", "de ‘Handreiking inkoop acute farmaceutische zorg ZN’ van Zorgverzekeraars "
                        "Nederland, vastgesteld in februari 2020."),
        ("ANZ-tarief", "het tarief van Bijlage 1 voor farmaceutische spoedzorg in de ANZ-uren."),
    ] + common_definitions(b)[3:])

    term_article(b, extra=["Dit addendum eindigt in elk geval op het moment dat de Overeenkomst "
                           "eindigt, of zodra de Zorgaanbieder geen farmaceutische spoedzorg meer "
                           "levert in de ANZ-uren."])

    b.article("Farmaceutische spoedzorg")
    b.lid("De Zorgaanbieder is in de ANZ-uren geopend en levert dan farmaceutische spoedzorg aan "
          "iedere Verzekerde die zich met een voorschrift voor een spoedeisend geneesmiddel tot hem "
          "wendt, ook als de Verzekerde in de regio niet bij hem is ingeschreven.")
    b.lid("De Zorgaanbieder stemt zijn openingstijden en werkwijze af met de huisartsenpost en de "
          "spoedeisende hulp in zijn regio, en met de apotheekhoudenden die met hem een schriftelijke "
          "regeling voor de ANZ-uren hebben getroffen.")
    b.lid("De Zorgaanbieder levert in de ANZ-uren niet meer dan nodig is tot de eigen apotheek van "
          "de Verzekerde weer open is, tenzij de zorgvraag anders vereist.")
    b.lid("De Zorgaanbieder informeert de eigen apotheek van de Verzekerde uiterlijk de eerstvolgende "
          "werkdag over de geleverde zorg, volgens de landelijke afspraken over "
          "medicatieoverdracht.")

    b.article("ANZ-tarieven")
    b.lid("Voor farmaceutische spoedzorg die in de ANZ-uren is gevraagd en in die uren is geleverd, "
          "vergoedt de Zorgverzekeraar de ANZ-tarieven van Bijlage 1, naast de vergoeding voor de "
          "geneesmiddelen en de terhandstelling volgens de Overeenkomst.")
    b.lid("De ANZ-tarieven zijn afgesproken volgens de Handreiking en gelden voor {{ policy_year }}. "
          "Zij zijn voor de Zorgaanbieder niet onderhandelbaar.")

    declaring_article(b, what="de farmaceutische spoedzorg en de ANZ-tarieven")
    quality_article(b, [
        "De Zorgaanbieder zorgt dat in de ANZ-uren een apotheker bereikbaar is en dat er voldoende "
        "deskundig personeel aanwezig is om de spoedzorg veilig te leveren.",
    ])
    privacy_article(b)
    termination_article(b)
    conditions_article(b)
    disputes_article(b)
    offer_article(b)
    b.signature_block()

    b.h1("Bijlage 1 ANZ-tarieven", page_break=True)
    b.p("De ANZ-tarieven voor {{ policy_year }}, afgesproken volgens de Handreiking inkoop acute "
        "farmaceutische zorg ZN.", keep_with_next=True)
    b.loop_table(["Code", "Periode", "Omschrijving", "Tarief"], "{%tr for t in anz_tariffs %}",
                 ["{{ t.code }}", "{{ t.period }}", "{{ t.description }}", "{{ t.amount }}"],
                 [22, 40, 73, 25], right_aligned=(3,))
    agreed_tariffs_annex(b, 2)
    return b


def aanvullende_afspraken() -> Builder:
    b = Builder(short_title="Addendum Aanvullende afspraken", kind_word="addendum")
    b.title("Addendum Aanvullende afspraken {{ policy_year }}",
            "bij de Overeenkomst Farmaceutische zorg")
    parties(b, collective=True)
    recitals(b, [
        "In aanvulling op een getekende overeenkomst Farmaceutische zorg maakt de Zorgverzekeraar "
        "in overeenstemming met landelijke, lokale of regionale collectieven van apotheekhoudenden "
        "aanvullende afspraken. Deze afspraken worden in een addendum toegevoegd aan de overeenkomst "
        "Farmaceutische zorg.",
        "Dit addendum geldt voor de apotheekhoudenden die zich laten vertegenwoordigen door het "
        "desbetreffende collectief{% if provider.collective %}, in dit geval "
        "{{ provider.collective }}{% endif %}. De inhoud en de looptijd van dit addendum zijn "
        "onderhandelbaar.",
        "De Zorgverzekeraar streeft ernaar dat haar leden toegang hebben tot het juiste "
        "geneesmiddel, op het juiste moment, in de juiste dosering, tegen een reële prijs, en maakt "
        "daarover afspraken met zorgaanbieders: over het doelmatig voorschrijven van geneesmiddelen, "
        "de prijs en gepast gebruik.",
    ], subject="passende inzet van geneesmiddelen")

    b.article("Definities")
    b.p("In dit addendum wordt verstaan onder:")
    b.definitions(common_definitions(b)[:3] + [
        ("Overeenkomst", "de getekende overeenkomst Farmaceutische zorg tussen Partijen waarop dit "
                         "addendum een aanvulling is."),
        ("Collectief", "het landelijke, lokale of regionale collectief van apotheekhoudenden dat "
                       "de Zorgaanbieder bij de totstandkoming van dit addendum vertegenwoordigt."),
        ("Thema", "een onderwerp van passende inzet van geneesmiddelen uit Bijlage 1 waarover "
                  "Partijen afspraken kunnen maken."),
        ("Werkafspraak", "de uitwerking van een gekozen Thema: het doel, de aanpak, de indicator "
                         "waarmee het resultaat wordt gemeten en de vergoeding."),
    ] + common_definitions(b)[3:])

    b.article("Onderwerp")
    b.lid("Partijen maken aanvullende afspraken over passende inzet van geneesmiddelen. Bijlage 1 "
          "bevat de Thema’s waaruit Partijen kiezen; Partijen vullen per Thema in de kolom "
          "‘Gekozen’ ‘ja’ of ‘nee’ in.")
    b.lid("Per gekozen Thema leggen Partijen een Werkafspraak vast, die als onderdeel van dit "
          "addendum geldt.")
    b.lid("De inhoud van dit addendum is onderhandelbaar. Ideeën voor aanvullende afspraken kan de "
          "Zorgaanbieder, of het Collectief namens hem, gedurende het jaar met de Zorgverzekeraar "
          "delen.")

    term_article(b, extra=["Partijen kunnen in de onderhandeling een andere looptijd overeenkomen; "
                           "dit addendum loopt nooit langer dan de Overeenkomst."])

    b.article("Uitvoering en vergoeding")
    b.lid("De Zorgaanbieder voert de gekozen Thema’s uit volgens de Werkafspraken, in samenwerking "
          "met de voorschrijvers in zijn omgeving.")
    b.lid("De vergoeding per gekozen Thema staat in de Werkafspraak. De Zorgverzekeraar kent daarvoor "
          "een prestatiecode toe.")
    b.lid("Partijen evalueren de Werkafspraken ten minste eenmaal per jaar aan de hand van de "
          "afgesproken indicatoren{% if provider.collective %}, waar zinvol samen met "
          "{{ provider.collective }}{% endif %}.")

    declaring_article(b, what="de vergoedingen uit de Werkafspraken")
    quality_article(b, [
        "De Zorgaanbieder levert de gegevens aan die nodig zijn om het resultaat van de gekozen "
        "Thema’s te meten, zonder meer persoonsgegevens dan daarvoor nodig is.",
    ])
    privacy_article(b)
    termination_article(b, extra=[
        "Dit addendum eindigt van rechtswege zodra de Overeenkomst eindigt.",
    ])
    conditions_article(b)
    disputes_article(b)
    offer_article(b)
    b.signature_block()

    b.h1("Bijlage 1 Thema’s passende inzet van geneesmiddelen", page_break=True)
    b.p("Partijen vullen in de laatste kolom per Thema ‘ja’ of ‘nee’ in.", keep_with_next=True)
    b.loop_table(["Code", "Thema", "Omschrijving", "Gekozen (ja/nee)"], "{%tr for t in themes %}",
                 ["{{ t.code }}", "{{ t.title }}", "{{ t.description }}", ""],
                 [22, 40, 70, 28])
    agreed_tariffs_annex(b, 2)
    return b


def dieetpreparaten() -> Builder:
    b = Builder(short_title="Overeenkomst Dieetpreparaten", kind_word="overeenkomst")
    b.title("Overeenkomst Dieetpreparaten {{ policy_year }}",
            "Zorgovereenkomst dieetpreparaten, met uitzondering van sondevoeding")
    parties(b)
    recitals(b, [
        "Voor de inkoop van dieetpreparaten hanteert de Zorgverzekeraar een specifiek "
        "contracteringsproces voor facilitaire bedrijven en voor openbare apotheken, "
        "apotheekhoudende huisartsen, poliklinische apotheken en internetapotheken. De Zorgaanbieder "
        "is een {{ provider.provider_type_label }}.",
        "Sinds {{ policy_year }} is het mogelijk om alleen een overeenkomst Dieetpreparaten af te "
        "sluiten, zonder overeenkomst Farmaceutische zorg.",
    ], subject="de levering van dieetpreparaten (m.u.v. sondevoeding)")

    b.article("Definities")
    b.p("In deze overeenkomst wordt verstaan onder:")
    b.definitions(common_definitions(b)[:3] + [
        ("Dieetpreparaat", "een polymeer, oligomeer, monomeer of modulair dieetpreparaat waarop de "
                           "Verzekerde aanspraak heeft op grond van de zorgverzekering en bijlage 2 "
                           "van de Regeling zorgverzekering."),
        ("Sondevoeding", "voeding die via een sonde wordt toegediend; sondevoeding valt buiten "
                         "deze overeenkomst."),
        ("Facilitair bedrijf", "een zorgaanbieder die dieetpreparaten levert, zonder apotheek te "
                               "zijn."),
        ("Voorschrift", "het voorschrift van een bevoegde voorschrijver, met de indicatie waarvoor "
                        "het dieetpreparaat is voorgeschreven."),
    ] + common_definitions(b)[3:])

    term_article(b)

    b.article("Zorgverlening")
    b.lid("De Zorgaanbieder levert dieetpreparaten, met uitzondering van sondevoeding, aan "
          "Verzekerden die daarop volgens de zorgverzekering aanspraak hebben, op basis van een "
          "Voorschrift.")
    b.lid("De Zorgaanbieder gaat voor iedere levering na of de Verzekerde aan de voorwaarden van de "
          "aanspraak voldoet, en legt de indicatie vast.")
    b.lid("De Zorgaanbieder levert in overleg met de Verzekerde, op een afleveradres in Nederland, "
          "uiterlijk de tweede werkdag na ontvangst van het Voorschrift, en bij spoed dezelfde of de "
          "volgende dag.")
    b.lid("De Zorgaanbieder geeft de Verzekerde informatie over het gebruik en de bewaring van het "
          "dieetpreparaat en werkt, waar nodig, samen met de diëtist en de voorschrijver.")
    b.lid("De Zorgaanbieder levert niet meer dan de hoeveelheid die de Verzekerde volgens het "
          "Voorschrift nodig heeft, en ten hoogste de hoeveelheid die de verzekeringsvoorwaarden "
          "toestaan.")

    b.article("Vergoeding")
    b.lid("De Zorgverzekeraar vergoedt de dieetpreparaten op basis van de Inkoopprijs, tot ten "
          "hoogste de prijs in de G-Standaard, vermeerderd met het afleveringstarief dat de "
          "Zorgverzekeraar voor {{ policy_year }} bij deze overeenkomst in het Zorginkoopportaal "
          "publiceert{% if agreed_tariffs %}, of met het tarief uit de onderhandeling in Bijlage 1"
          "{% endif %}.")
    b.lid("Verzend- en bezorgkosten zijn in het afleveringstarief begrepen en worden niet afzonderlijk "
          "in rekening gebracht.")

    declaring_article(b, what="de geleverde dieetpreparaten")
    quality_article(b, [
        "De Zorgaanbieder bewaart en vervoert dieetpreparaten volgens de voorschriften van de "
        "fabrikant en zorgt voor een sluitende registratie van de leveringen.",
    ])
    privacy_article(b)
    termination_article(b)
    conditions_article(b)
    disputes_article(b)
    offer_article(b)
    b.signature_block()
    agreed_tariffs_annex(b, 1)
    return b


def stoppen_met_roken() -> Builder:
    b = Builder(short_title="Overeenkomst Stoppen met roken medicatie", kind_word="overeenkomst")
    b.title("Overeenkomst Stoppen met roken medicatie {{ policy_year }}",
            "Zorgovereenkomst medicatie bij stoppen met roken")
    parties(b)
    recitals(b, [
        "Voor de inkoop van stoppen met roken medicatie hanteert de Zorgverzekeraar een specifiek "
        "contracteringsproces voor zorgaanbieders die stoppen met roken medicatie leveren.",
        "Het beleid voor gespecialiseerde zorg rondom stoppen met roken en voor de zorgmodule "
        "‘Stoppen met roken’ staat in het inkoopbeleid Huisartsenzorg {{ policy_year }}. Deze "
        "overeenkomst betreft alleen de medicatie.",
    ], subject="de levering van medicatie bij stoppen met roken")

    b.article("Definities")
    b.p("In deze overeenkomst wordt verstaan onder:")
    b.definitions(common_definitions(b)[:3] + [
        ("Stoppen-met-rokenprogramma", "een programma van gedragsmatige ondersteuning bij het "
                                       "stoppen met roken, eventueel met geneesmiddelen, waarop "
                                       "de Verzekerde aanspraak heeft op grond van de "
                                       "zorgverzekering."),
        ("Medicatie", "nicotinevervangende middelen en geneesmiddelen die het stoppen met roken "
                      "ondersteunen, voor zover zij tot de aanspraak behoren."),
        ("Begeleider", "de zorgverlener die de Verzekerde in het Stoppen-met-rokenprogramma "
                       "begeleidt."),
    ] + common_definitions(b)[3:])

    term_article(b)

    b.article("Zorgverlening")
    b.lid("De Zorgaanbieder levert Medicatie aan Verzekerden die deelnemen aan een "
          "Stoppen-met-rokenprogramma, op voorschrift van een bevoegde voorschrijver.")
    b.lid("De Zorgaanbieder gaat na of de Verzekerde deelneemt aan een Stoppen-met-rokenprogramma en "
          "legt de naam van de Begeleider vast.")
    b.lid("De Zorgaanbieder geeft de Verzekerde bij de eerste levering uitleg over het gebruik, de "
          "bijwerkingen en de duur van de behandeling, en stemt zo nodig af met de Begeleider.")
    b.lid("De Zorgaanbieder levert de Medicatie in hoeveelheden die passen bij het verloop van het "
          "programma, zodat niet meer wordt geleverd dan de Verzekerde nodig heeft.")

    b.article("Vergoeding")
    b.lid("De Zorgverzekeraar vergoedt de Medicatie op basis van de Inkoopprijs, tot ten hoogste de "
          "prijs in de G-Standaard, vermeerderd met het tarief voor de terhandstelling dat de "
          "Zorgverzekeraar voor {{ policy_year }} bij deze overeenkomst in het Zorginkoopportaal "
          "publiceert{% if agreed_tariffs %}, of met het tarief uit de onderhandeling in Bijlage 1"
          "{% endif %}.")
    b.lid("Het Stoppen-met-rokenprogramma, de Medicatie inbegrepen, valt niet onder het verplicht "
          "eigen risico van de Verzekerde.")

    declaring_article(b, what="de geleverde Medicatie", extra=[
        "De Zorgaanbieder vermeldt in de declaratie dat de Medicatie is geleverd in het kader van "
        "een Stoppen-met-rokenprogramma.",
    ])
    quality_article(b, [
        "De Zorgaanbieder levert de Medicatie volgens de professionele standaard, waaronder de "
        "richtlijnen van de KNMP, en bewaakt de medicatie op interacties en contra-indicaties.",
    ])
    privacy_article(b)
    termination_article(b)
    conditions_article(b)
    disputes_article(b)
    offer_article(b)
    b.signature_block()
    agreed_tariffs_annex(b, 1)
    return b


TEMPLATES = {
    "farmaceutische_zorg": farmaceutische_zorg,
    "module_zorgprestaties": module_zorgprestaties,
    "spoedzorg": spoedzorg,
    "aanvullende_afspraken": aanvullende_afspraken,
    "dieetpreparaten": dieetpreparaten,
    "stoppen_met_roken": stoppen_met_roken,
}


def build(out_dir: Path = HERE) -> list[Path]:
    """Write the six templates into out_dir; return their paths."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    return [make().save(out_dir / f"{name}.docx") for name, make in TEMPLATES.items()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="directory to write into "
                        "(default: this folder, contracts/documents/templates/)")
    args = parser.parse_args(argv)
    for path in build(args.out):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
