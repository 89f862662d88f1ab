"""Checking a Word template before it is used: a template is code.

When a template is loaded or replaced it must pass: every Jinja construct is on a short allow
list (names and attributes of the context the product provides, `if`, `for` over its lists, a
few formatting filters); nothing reaches into Python (no calls, no item access, no attributes
starting with `_`, no `set`, macros, includes or imports), in the body, headers, footers,
footnotes and properties alike. Tags split across Word runs are reported (docxtpl joins them);
a tag left open in its paragraph is an error. Finally a probe render must give well-formed XML.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from jinja2 import TemplateSyntaxError, nodes
from lxml import etree

from .render import (CORE, RENDERED_PART, PreparedTemplate, _DC, CORE_FIELDS, make_environment,
                     part_source, patch)
from .schema import CONTEXT_SCHEMA, FILTERS, LOOP, TESTS

ERROR, WARNING = "fout", "waarschuwing"
_ANY = object()  # the shape of an expression already reported as wrong
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
SPLIT_TAG = re.compile(r"\{(?:<[^>]*>)+[{%#]|[%}#](?:<[^>]*>)+\}|\{[{%](?:(?![%}]\}).)*?</w:t>",
                       re.DOTALL)
UNSUPPORTED = re.compile(r"\{\{(r|p)\s|\{%-?\s*(tc|r|sp)\s")


@dataclass(frozen=True)
class Problem:
    """One finding about a template: where, how bad, what."""

    part: str
    severity: str
    message: str

    def __str__(self) -> str:
        return f"{self.part}: {self.severity}: {self.message}"


class TemplateRefused(ValueError):
    """A template failed validation; `problems` says why."""

    def __init__(self, name: str, problems: list[Problem]):
        self.name = name
        self.problems = problems
        errors = [p for p in problems if p.severity == ERROR]
        super().__init__(f"{name}: {len(errors)} fout(en): " + "; ".join(str(p) for p in errors[:3]))


class _Walker:
    """Walks a parsed template, allowing only known names and harmless constructs."""

    def __init__(self, part: str):
        self.part = part
        self.problems: list[Problem] = []

    def error(self, node, message: str) -> object:
        line = getattr(node, "lineno", None)
        self.problems.append(Problem(self.part, ERROR, message + (f" (regel {line})" if line else "")))
        return _ANY

    def walk(self, node, scope: dict):
        """Check `node`; return the shape of an expression (dict, [item], None or _ANY)."""
        kind = type(node).__name__
        handler = getattr(self, f"_{kind}", None)
        if handler is None:
            return self.error(node, f"niet toegestaan in een sjabloon: {kind}")
        return handler(node, scope)

    def walk_all(self, items, scope):
        for item in items or ():
            self.walk(item, scope)

    def _Template(self, node, scope):
        self.walk_all(node.body, scope)

    def _Output(self, node, scope):
        self.walk_all(node.nodes, scope)

    def _TemplateData(self, node, scope):
        return None

    def _Const(self, node, scope):
        return None

    def _Name(self, node, scope):
        if node.ctx != "load":
            return self.error(node, f"toewijzing aan {node.name!r} is niet toegestaan")
        if node.name not in scope:
            return self.error(node, f"onbekende variabele {node.name!r}; bekend: "
                                    f"{', '.join(sorted(k for k in scope if k != 'loop'))}")
        return scope[node.name]

    def _Getattr(self, node, scope):
        base = self.walk(node.node, scope)
        if node.attr.startswith("_"):
            return self.error(node, f"attribuut {node.attr!r} is niet toegestaan")
        if base is _ANY:
            return _ANY
        if not isinstance(base, dict) or node.attr not in base:
            known = ", ".join(sorted(base)) if isinstance(base, dict) else "geen"
            return self.error(node, f"onbekend veld {node.attr!r} (bekend: {known})")
        return base[node.attr]

    def _Filter(self, node, scope):
        if node.name not in FILTERS:
            return self.error(node, f"filter {node.name!r} is niet toegestaan "
                                    f"(toegestaan: {', '.join(sorted(FILTERS))})")
        if node.node is not None:
            self.walk(node.node, scope)
        self.walk_all(node.args, scope)
        self.walk_all([k.value for k in node.kwargs], scope)
        if node.dyn_args or node.dyn_kwargs:
            return self.error(node, "*args/**kwargs zijn niet toegestaan")
        return None

    def _Test(self, node, scope):
        if node.name not in TESTS:
            return self.error(node, f"test {node.name!r} is niet toegestaan")
        self.walk(node.node, scope)
        self.walk_all(node.args, scope)
        return None

    def _Compare(self, node, scope):
        self.walk(node.expr, scope)
        for operand in node.ops:
            self.walk(operand.expr, scope)
        return None

    def _binary(self, node, scope):
        self.walk(node.left, scope)
        self.walk(node.right, scope)
        return None

    _And = _Or = _binary

    def _Not(self, node, scope):
        self.walk(node.node, scope)
        return None

    def _Concat(self, node, scope):
        self.walk_all(node.nodes, scope)
        return None

    def _CondExpr(self, node, scope):
        self.walk(node.test, scope)
        self.walk(node.expr1, scope)
        if node.expr2 is not None:
            self.walk(node.expr2, scope)
        return None

    def _Tuple(self, node, scope):
        self.walk_all(node.items, scope)
        return None

    _List = _Tuple

    def _If(self, node, scope):
        self.walk(node.test, scope)
        self.walk_all(node.body, scope)
        self.walk_all(node.elif_, scope)
        self.walk_all(node.else_, scope)

    def _For(self, node, scope):
        items = self.walk(node.iter, scope)
        if node.recursive:
            self.error(node, "recursieve lussen zijn niet toegestaan")
        if not isinstance(node.target, nodes.Name):
            return self.error(node, "een lus heeft één lusvariabele")
        if items is not _ANY and not isinstance(items, list):
            self.error(node, "een lus gaat alleen over een lijst uit de context")
        inner = {**scope, node.target.name: items[0] if isinstance(items, list) else _ANY,
                 "loop": LOOP}
        if node.test is not None:
            self.walk(node.test, inner)
        self.walk_all(node.body, inner)
        self.walk_all(node.else_, scope)


def _paragraph_texts(xml: bytes):
    root = etree.fromstring(xml)
    for paragraph in root.iter(f"{W}p"):
        yield "".join(t.text or "" for t in paragraph.iter(f"{W}t"))


def check_source(part: str, source: str, env=None) -> list[Problem]:
    """Parse and walk one piece of template text (a patched part or a property)."""
    env = env or make_environment()
    try:
        tree = env.parse(source)
    except TemplateSyntaxError as error:
        lines = source.splitlines()
        where = re.sub(r"<[^>]+>", "", lines[error.lineno - 1])[:120] if error.lineno <= len(lines) else ""
        return [Problem(part, ERROR, f"Jinja-syntaxfout: {error.message} bij “{where.strip()}”")]
    walker = _Walker(part)
    walker.walk(tree, dict(CONTEXT_SCHEMA))
    return walker.problems


def check_part(part: str, blob: bytes) -> list[Problem]:
    """Everything about one rendered part of the package."""
    problems = []
    raw = part_source(blob)
    for match in SPLIT_TAG.finditer(raw):
        text = re.sub(r"<[^>]+>", "", match.group(0))
        problems.append(Problem(part, WARNING, f"tag verdeeld over meerdere Word-runs: “{text}” "
                                               "(wordt samengevoegd; opmaak van de tag kan verloren gaan)"))
    for text in _paragraph_texts(blob):
        if UNSUPPORTED.search(text):
            problems.append(Problem(part, ERROR, f"niet ondersteunde docxtpl-tag in “{text[:80]}”"))
        if text.count("{{") != text.count("}}") or text.count("{%") != text.count("%}"):
            problems.append(Problem(part, ERROR, f"tag niet afgesloten binnen de alinea: “{text[:80]}”"))
    if any(p.severity == ERROR for p in problems):
        return problems
    return problems + check_source(part, patch(raw))


def _probe_context(shape, flag: bool):
    if isinstance(shape, dict):
        return {k: _probe_context(v, flag) if v is not None else _probe_value(k, flag)
                for k, v in shape.items()}
    return [_probe_context(shape[0], flag), _probe_context(shape[0], not flag)]


def _probe_value(key: str, flag: bool):
    if key in ("negotiable", "present"):
        return flag
    if key == "based_on_labels":
        return ["apotheekprofiel", "type zorgaanbieder"]
    return f"<{key}> & “{key}”\n\tß"


def check_template(source: bytes, name: str = "template") -> list[Problem]:
    """All problems of a .docx template; the template may be used when none is an error."""
    try:
        package = zipfile.ZipFile(io.BytesIO(source))
    except zipfile.BadZipFile:
        return [Problem(name, ERROR, "geen geldig Word-bestand (.docx)")]
    problems = []
    with package:
        names = package.namelist()
        if "word/document.xml" not in names:
            return [Problem(name, ERROR, "geen geldig Word-bestand: word/document.xml ontbreekt")]
        plain = make_environment(False)
        for part in names:
            try:
                if RENDERED_PART.match(part):
                    problems += check_part(part, package.read(part))
                elif part == CORE:
                    tree = etree.fromstring(package.read(part))
                    for field in CORE_FIELDS:
                        element = tree.find(f"dc:{field}", _DC)
                        if element is not None and element.text:
                            problems += check_source(f"{part}#{field}", element.text, plain)
                elif part.endswith(".xml") and re.search(rb"\{[{%]", package.read(part)):
                    problems.append(Problem(part, WARNING, "bevat tags die niet worden ingevuld"))
            except etree.XMLSyntaxError as error:
                problems.append(Problem(part, ERROR, f"onleesbare XML: {error}"))
    if any(p.severity == ERROR for p in problems):
        return problems
    return problems + _probe(source, name)


def _probe(source: bytes, name: str) -> list[Problem]:
    """Render both branches of every condition and check each part is well-formed XML."""
    prepared = PreparedTemplate(source, name)
    problems = []
    for flag in (True, False):
        try:
            rendered = prepared.render(_probe_context(CONTEXT_SCHEMA, flag))
        except Exception as error:  # a template error at render time: report, do not crash
            return [Problem(name, ERROR, f"proefweergave mislukt: {type(error).__name__}: {error}")]
        with zipfile.ZipFile(io.BytesIO(rendered)) as package:
            for part in package.namelist():
                if part.endswith(".xml") or part.endswith(".rels"):
                    try:
                        etree.fromstring(package.read(part))
                    except etree.XMLSyntaxError as error:
                        problems.append(Problem(part, ERROR, f"proefweergave geeft ongeldige XML: {error}"))
            leftovers = [p for p in package.namelist() if RENDERED_PART.match(p)
                         and re.search(rb"\{\{|\{%", package.read(p))]
            problems += [Problem(p, ERROR, "na invullen blijven tags staan") for p in leftovers]
    return problems


def load_checked(source: bytes, name: str) -> PreparedTemplate:
    """A prepared template, or TemplateRefused with the problems found."""
    problems = check_template(source, name)
    if any(p.severity == ERROR for p in problems):
        raise TemplateRefused(name, problems)
    return PreparedTemplate(source, name)
