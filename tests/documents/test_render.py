"""The renderer: values come out exactly as given, templates cannot run code, and the fast path
writes the same document text as docxtpl's own render."""
import io
import zipfile

import pytest
from hypothesis import given, settings, strategies as st
from lxml import etree

from contracts.documents.render import PreparedTemplate, clean, render_docxtpl
from contracts.documents.validate import TemplateRefused, check_template, load_checked
from tests.support.docx_factory import document_text, make_docx

SPECIAL = "Zoë & Søren <b>“quoted”</b> 'x' \"y\" — 東京 Ελλάδα عربى"


def context(**provider):
    return {"provider": {"name": "Apotheek De Linde", "city": "Utrecht", **provider},
            "offer": {"negotiable": False}, "tariffs": [{"code": "T1", "amount": "€ 7,40"}]}


TEMPLATE = make_docx(
    ["Partij: {{ provider.name }} te {{ provider.city }}",
     ["Gesplitst: {{ provider.", "name }} einde"],
     "{% if offer.negotiable %}onderhandelbaar{% else %}niet onderhandelbaar{% endif %}"],
    header="Kop {{ provider.name }}", footer="Voet {{ provider.city }}",
    properties={"title": "Titel {{ provider.name }}"},
    table=[["{%tr for t in tariffs %}", ""], ["{{ t.code }}", "{{ t.amount }}"], ["{%tr endfor %}", ""]])


def test_values_come_out_exactly_as_given():
    text = document_text(PreparedTemplate(TEMPLATE).render(context(name=SPECIAL)))
    assert text["body"][0] == f"Partij: {SPECIAL} te Utrecht"
    assert text["body"][1] == f"Gesplitst: {SPECIAL} einde"
    assert text["header"] == [f"Kop {SPECIAL}"]
    assert text["footer"] == ["Voet Utrecht"]
    assert text["title"] == f"Titel {SPECIAL}"
    assert "T1 | € 7,40" in text["body"]


def test_newlines_and_tabs_are_kept_and_control_characters_removed():
    name = "Regel een\nRegel twee\tmet tab\r\nRegel drie\x00\x07\x0b\x1b\x7f\x85 eind"
    rendered = PreparedTemplate(TEMPLATE).render(context(name=name))
    assert document_text(rendered)["body"][0] == (
        "Partij: Regel een\nRegel twee\tmet tab\nRegel drie eind te Utrecht")
    for part in zipfile.ZipFile(io.BytesIO(rendered)).namelist():
        if part.endswith(".xml"):
            etree.fromstring(zipfile.ZipFile(io.BytesIO(rendered)).read(part))  # well-formed


@settings(max_examples=60)
@given(st.text(max_size=40))
def test_any_text_gives_a_well_formed_document_with_that_text(value):
    rendered = PreparedTemplate(TEMPLATE).render(context(name=value))
    with zipfile.ZipFile(io.BytesIO(rendered)) as package:
        for part in package.namelist():
            if part.endswith(".xml"):
                etree.fromstring(package.read(part))
    expected = clean(value)
    assert document_text(rendered)["body"][0] == f"Partij: {expected} te Utrecht"


def test_markup_cannot_skip_autoescaping():
    from markupsafe import Markup
    rendered = PreparedTemplate(TEMPLATE).render(context(name=Markup("<w:br/>inject")))
    assert document_text(rendered)["body"][0] == "Partij: <w:br/>inject te Utrecht"


@pytest.mark.parametrize("name", ["plain", SPECIAL, "a\nb\tc", "", "x" * 240])
@pytest.mark.parametrize("negotiable", [True, False])
def test_fast_path_writes_the_same_text_as_docxtpl(name, negotiable):
    ctx = context(name=name)
    ctx["offer"]["negotiable"] = negotiable
    fast, reference = document_text(PreparedTemplate(TEMPLATE).render(ctx)), document_text(
        render_docxtpl(TEMPLATE, ctx))
    for key in ("body", "header", "footer"):
        assert fast[key] == reference[key]


def test_a_long_value_in_a_property_is_cut_not_refused():
    text = document_text(PreparedTemplate(TEMPLATE).render(context(name="x" * 600)))
    assert text["title"] == ("Titel " + "x" * 600)[:255]
    assert text["body"][0] == f"Partij: {'x' * 600} te Utrecht"


def test_same_context_same_bytes():
    prepared = PreparedTemplate(TEMPLATE)
    assert prepared.render(context()) == prepared.render(context())
    assert prepared.render(context()) != prepared.render(context(name="Anders"))


PAYLOADS = [
    "{{ provider.__class__.__mro__[1].__subclasses__() }}",
    "{{ lipsum.__globals__.os.popen('id').read() }}",
    "{{ cycler.__init__.__globals__ }}",
    "{% set x = provider %}{{ x }}",
    "{% include '/etc/passwd' %}",
    "{% import 'os' as os %}",
    "{{ provider|attr('__class__') }}",
    "{{ provider['__class__'] }}",
    "{{ self._TemplateReference__context }}",
    "{{ config }}",
    "{{ request.application }}",
    "{% for x in ().__class__.__base__.__subclasses__() %}{% endfor %}",
    "{{ 7*7 }}",
    "{% macro m() %}x{% endmacro %}",
]


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize("where", ["body", "header", "footer", "title"])
def test_injection_payloads_are_refused_wherever_they_hide(payload, where):
    parts = {"body": ([payload], {}), "header": ([], {"header": payload}),
             "footer": ([], {"footer": payload}), "title": ([], {"properties": {"title": payload}})}
    paragraphs, extra = parts[where]
    source = make_docx(paragraphs or ["Gewone tekst"], **extra)
    problems = check_template(source, "payload")
    assert any(p.severity == "fout" for p in problems)
    with pytest.raises(TemplateRefused):
        load_checked(source, "payload")


def test_the_sandbox_stops_a_payload_even_without_the_validator():
    from jinja2.exceptions import SecurityError
    source = make_docx(["{{ provider.__class__.__mro__ }}"])
    with pytest.raises(SecurityError):
        PreparedTemplate(source).render(context())


def test_unknown_variables_and_fields_are_named():
    problems = check_template(make_docx(["{{ provider.nam }} {{ klant.naam }}"]), "t")
    messages = " ".join(p.message for p in problems)
    assert "'nam'" in messages and "'klant'" in messages


def test_tags_split_across_runs_are_reported_and_still_render():
    problems = check_template(TEMPLATE, "t")
    assert [p for p in problems if p.severity == "waarschuwing" and "Word-runs" in p.message]
    assert not [p for p in problems if p.severity == "fout"]


def test_a_tag_left_open_in_its_paragraph_is_an_error():
    problems = check_template(make_docx(["{{ provider.name", "}}"]), "t")
    assert any("niet afgesloten" in p.message for p in problems if p.severity == "fout")


def test_a_file_that_is_no_word_document_is_refused():
    assert check_template(b"PK\x03\x04 not really", "t")[0].severity == "fout"
    assert check_template(b"%PDF-1.7", "t")[0].severity == "fout"
