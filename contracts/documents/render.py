"""Rendering contract templates: sandboxed, autoescaped, validated, and fast for bulk.

Two ways to render, with the same document text:
- `render_docxtpl`: docxtpl's own render, given our sandboxed, autoescaping environment (its own
  render paths would build an unsandboxed one);
- `PreparedTemplate`: the fast path for bulk. Each template is read, patched (docxtpl's
  `patch_xml`) and compiled once; each context then only renders the compiled parts and writes a
  new ZIP around them, copying every other part as it is. docxtpl instead re-parses the whole
  package with python-docx, re-patches and re-compiles every part, and re-serialises every part
  on save, per document.

Every context is cleaned first (`clean`): control characters are removed and line ends made
`\n`, so no value can make XML that Word refuses; autoescaping keeps `& < > " '` literal.
"""
from __future__ import annotations

import hashlib
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any, Mapping

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import ImmutableSandboxedEnvironment
from lxml import etree

from .schema import FILTERS, TESTS

#: Characters XML 1.0 or Word refuse, and C1 controls: removed from every value.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
#: The parts docxtpl renders: the body, headers, footers and footnotes.
RENDERED_PART = re.compile(r"^word/(document|header\d*|footer\d*|footnotes)\.xml$")
CORE = "docProps/core.xml"
#: Core properties docxtpl renders (python-docx names -> Dublin Core elements).
CORE_FIELDS = ("creator", "description", "identifier", "language", "subject", "title")
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
PROPERTY_LIMIT = 255


def clean(value: Any) -> Any:
    """A copy of `value` safe to render: plain strings without control characters, `\n` line ends.

    `Markup` and other str subclasses become plain strings, so nothing skips autoescaping.
    """
    if isinstance(value, str):
        if type(value) is str and "\r" not in value and not CONTROL.search(value):
            return value  # the common case, checked in one pass
        text = value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        return CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    if value is None or isinstance(value, (bool, int, float)):
        return value
    if isinstance(value, Mapping):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean(v) for v in value]
    return clean(str(value))


def make_environment(autoescape: bool = True) -> ImmutableSandboxedEnvironment:
    """The only Jinja environment templates run in: sandboxed, strict, no globals, few filters."""
    env = ImmutableSandboxedEnvironment(autoescape=autoescape, undefined=StrictUndefined,
                                        keep_trailing_newline=True)
    env.filters = {name: env.filters[name] for name in FILTERS}
    env.tests = {name: env.tests[name] for name in TESTS}
    env.globals = {}
    return env


def patch(xml: str) -> str:
    """docxtpl's source preparation: join tags split across runs, apply {%p %}/{%tr %} and
    mark paragraphs as docxtpl does before compiling."""
    return re.sub(r"<w:p([ >])", r"\n<w:p\1", DocxTemplate.patch_xml(None, xml))


def finish(rendered: str) -> str:
    """docxtpl's post-processing of a rendered part."""
    xml = rendered.replace("\n<w:p ", "<w:p ").replace("\n<w:p>", "<w:p>")
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    if "\n" in xml or "\t" in xml:  # resolve_listing only changes text holding these
        xml = DocxTemplate.resolve_listing(None, xml)
    return xml


def part_source(blob: bytes) -> str:
    """A part's XML as docxtpl reads it: serialised by lxml, not pretty-printed."""
    return etree.tostring(etree.fromstring(blob), encoding="unicode")


@dataclass(frozen=True)
class _Entry:
    """One member of the package: precompressed once if static, else a template to render."""

    name: bytes
    template: Any = None        # compiled Jinja template of a rendered part
    core: Any = None            # the _CoreProperties of docProps/core.xml
    packed: tuple | None = None  # (deflated bytes, crc32, size) of a static part


def _deflate(data: bytes, level: int) -> tuple[bytes, int, int]:
    packer = zlib.compressobj(level, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush(), zlib.crc32(data), len(data)


def _zip(members: list[tuple[bytes, tuple[bytes, int, int]]]) -> bytes:
    """A ZIP file of deflated members (name, (data, crc, size)), dated 1980-01-01.

    Written by hand so that static parts are compressed once per template, not once per
    document; the format is the plain one every reader (Word, LibreOffice, zipfile) accepts.
    """
    chunks, directory, offset = [], [], 0
    for name, (data, crc, size) in members:
        header = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x0800, 8, 0, 0x21, crc,
                             len(data), size, len(name), 0)
        directory.append(struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x0800, 8, 0,
                                     0x21, crc, len(data), size, len(name), 0, 0, 0, 0, 0,
                                     offset) + name)
        chunks += (header, name, data)
        offset += len(header) + len(name) + len(data)
    central = b"".join(directory)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central),
                      offset, 0)
    return b"".join(chunks) + central + end


class PreparedTemplate:
    """A template read, patched and compiled once, rendering many contexts (the bulk path)."""

    def __init__(self, source: bytes, name: str = "template"):
        self.name = name
        env, plain = make_environment(True), make_environment(False)
        entries = []
        with zipfile.ZipFile(io.BytesIO(source)) as package:
            for info in package.infolist():
                blob = package.read(info)
                key = info.filename.encode("utf-8")
                if RENDERED_PART.match(info.filename):
                    entries.append(_Entry(key, template=env.from_string(patch(part_source(blob)))))
                elif info.filename == CORE:
                    entries.append(_Entry(key, core=_CoreProperties(blob, plain)))
                else:
                    entries.append(_Entry(key, packed=_deflate(blob, 6)))
        self._entries = tuple(entries)

    def render(self, context: Mapping[str, Any]) -> bytes:
        """The document for `context`, as the bytes of a .docx file."""
        ctx = clean(context)
        members = []
        for entry in self._entries:
            if entry.packed is not None:
                members.append((entry.name, entry.packed))
                continue
            if entry.template is not None:
                data = (XML_DECLARATION + finish(entry.template.render(ctx))).encode("utf-8")
            else:
                data = entry.core.render(ctx)
            members.append((entry.name, _deflate(data, 1)))
        return _zip(members)


_DC = {"dc": "http://purl.org/dc/elements/1.1/"}


def _core_templates(blob: bytes, env) -> dict[str, Any]:
    tree = etree.fromstring(blob)
    found = {}
    for field in CORE_FIELDS:
        element = tree.find(f"dc:{field}", _DC)
        if element is not None and element.text and ("{{" in element.text or "{%" in element.text):
            found[field] = env.from_string(element.text)
    return found


class _CoreProperties:
    """docProps/core.xml of a prepared template, rendered: lxml writes the XML once, with a mark
    in each templated property, and each document joins the text around the marks with its
    escaped values (what lxml would write for them), instead of reading and writing the XML
    again."""

    def __init__(self, blob: bytes, env):
        self.blob, self.templates = blob, _core_templates(blob, env)
        tree = etree.fromstring(blob)
        salt = hashlib.sha256(blob).hexdigest()  # a mark no template text contains
        marks = {field: f"@@{field}:{salt}@@" for field in self.templates}
        for field, mark in marks.items():
            tree.find(f"dc:{field}", _DC).text = mark
        text = etree.tostring(tree, xml_declaration=True, encoding="UTF-8",
                              standalone=True).decode("utf-8")
        self.fields, self.pieces = [], []
        for field in sorted(marks, key=lambda f: text.index(marks[f])):
            before, text = text.split(marks[field], 1)
            self.fields.append(field)
            self.pieces.append(before)
        self.pieces.append(text)

    def render(self, ctx) -> bytes:
        if not self.templates:
            return self.blob
        out = [self.pieces[0]]
        for field, after in zip(self.fields, self.pieces[1:], strict=False):
            # python-docx and so docxtpl refuse properties over 255 characters: cut, do not fail
            value = clean(self.templates[field].render(ctx))[:PROPERTY_LIMIT]
            out += (value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"), after)
        return "".join(out).encode("utf-8")


def render_docxtpl(source: bytes, context: Mapping[str, Any]) -> bytes:
    """docxtpl's own render and save, in our sandboxed, autoescaping environment (the reference
    the fast path is compared with, and the naive loop of the benchmark)."""
    template = DocxTemplate(io.BytesIO(source))
    template.render(clean(context), jinja_env=make_environment(True), autoescape=True)
    out = io.BytesIO()
    template.save(out)
    return out.getvalue()
