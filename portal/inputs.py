"""Input that never crashes: what every form, query string and JSON body is checked for before
a view sees it (NUL characters, lone surrogates, JSON nested too deep, numbers too long).

The same bounded JSON reader (`loads`) serves the command line, so a case on stdin or a facts
file is held to the same limits as a request body.
"""
from __future__ import annotations

import json
import math
import re
import sys
from itertools import accumulate

import flask
from flask import render_template, request
from flask_babel import gettext as _
from flask_smorest import abort

from contracts.errors import CaseError

from .api.common import field_errors

#: Deeper JSON is refused before it is parsed: Python's parser recurses once per level (and
#: raises RecursionError near a thousand); no document of the portal needs more than a few.
MAX_DEPTH = 32
#: Longer numbers are refused: Python refuses integers over 4,300 digits with a ValueError, a
#: longer float silently becomes infinity, and no field of the portal needs a hundred digits.
MAX_DIGITS = 100
#: What no string may hold: NUL (PostgreSQL refuses it in text) and lone surrogates
#: (U+D800..U+DFFF: UTF-8 has no encoding for them, so nothing can store or print them).
FORBIDDEN = re.compile("[\x00\ud800-\udfff]")
#: A JSON string (the "unrolled loop": quick over a megabyte of base64), skipped when counting
#: brackets.
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_NOT_BRACKET = re.compile(r"[^\[\]{}]+")
_LEVEL = {"[": 1, "{": 1, "]": -1, "}": -1}


class BadJson(CaseError):
    """Not JSON the portal reads: not UTF-8, malformed, nested too deep or a number too long."""


class BadText(CaseError):
    """A string holds a NUL character or a lone surrogate; `field` says where."""


class _NumberRefused(Exception):
    """Raised inside the parser's number hooks; `loads` turns it into BadJson."""


def loads(data: str | bytes, *, field: str = "json", parse_float=float) -> object:
    """`data` as JSON, within bounds: BadJson or BadText (both CaseError, naming the field)
    instead of RecursionError, ValueError or a string nothing can store."""
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise BadJson(field, f"not UTF-8 (byte {error.start}: {error.reason})") from None
    data = data.removeprefix("\ufeff")
    depth = nesting(data)
    if depth > MAX_DEPTH:
        raise BadJson(field, f"nested {depth} levels deep, at most {MAX_DEPTH} allowed")
    try:
        value = json.loads(data, parse_int=_bounded_int, parse_constant=_no_constant,
                           parse_float=lambda text: parse_float(_bounded(text)))
    except json.JSONDecodeError as error:
        raise BadJson(field, f"malformed JSON: {error}") from None
    except _NumberRefused as error:
        raise BadJson(field, str(error)) from None
    if (where := bad_text_in(value)) is not None:
        path, reason = where
        raise BadText(path or field, reason)
    return value


def read_stdin(*, field: str = "case", parse_float=float) -> object:
    """The JSON document on standard input, by `loads`; read as bytes, so that its encoding is
    the document's (UTF-8), not the terminal's."""
    stream = getattr(sys.stdin, "buffer", sys.stdin)
    return loads(stream.read(), field=field, parse_float=parse_float)


def nesting(text: str) -> int:
    """How deep the brackets of `text` nest outside its strings (0 for a number or a string)."""
    brackets = _NOT_BRACKET.sub("", _STRING.sub("", text))
    return max(accumulate(map(_LEVEL.__getitem__, brackets)), default=0)


def _bounded_int(text: str) -> int:
    return int(_bounded(text))


def _bounded(text: str) -> str:
    """A number as the parser found it, refused if too long or beyond a float's range."""
    length = len(text.lstrip("-"))
    if length > MAX_DIGITS:
        raise _NumberRefused(f"a number of {length} characters; at most {MAX_DIGITS} allowed")
    if not math.isfinite(float(text)):
        raise _NumberRefused(f"the number {text} is out of range")
    return text


def _no_constant(name: str):
    raise _NumberRefused(f"{name} is not a JSON number")


def bad_text(text: str) -> str | None:
    """Why `text` cannot be stored, or None."""
    found = FORBIDDEN.search(text)
    if found is None:
        return None
    if found.group() == "\x00":
        return "contains a NUL character"
    return f"contains a lone surrogate (U+{ord(found.group()):04X})"


def bad_text_in(value, path: str = "") -> tuple[str, str] | None:
    """(dotted path, why) of the first string of a JSON document (keys too) that cannot be
    stored, or None. Recursion is bounded: `loads` has refused deep documents already."""
    if isinstance(value, str):
        reason = bad_text(value)
        return None if reason is None else (path, reason)
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list):
        items = enumerate(value)
    else:
        return None
    for key, item in items:
        inner = f"{path}.{shown(key)}" if path else shown(key)
        if isinstance(key, str) and (reason := bad_text(key)):
            return inner, reason
        if (found := bad_text_in(item, inner)) is not None:
            return found
    return None


def shown(name) -> str:
    """A name as an error message may repeat it: printable and short."""
    return FORBIDDEN.sub("\ufffd", str(name))[:80]


# The check of every request ---------------------------------------------------------------

def init_app(app) -> None:
    """Checks every request before its view: query, form and path values, and JSON bodies."""
    app.before_request(check_request)


def check_request():
    """Refuses a request whose text no view could store or whose JSON no parser should read:
    the API answers in its own error format, the pages with the error page."""
    for location, values in (("query", request.args), ("form", request.form)):
        for key, value in values.items(multi=True):
            reason = bad_text(key) or bad_text(value)
            if reason:
                return _refuse_text(location, shown(key), reason)
    if any(isinstance(v, str) and bad_text(v) for v in (request.view_args or {}).values()):
        flask.abort(404)  # no record has such a name (and no query should look for one)
    if request.is_json:
        body = request.get_data(cache=True)
        if body.strip():
            try:
                loads(body)
            except BadText as error:
                return _refuse_text("json", error.field, error.message)
            except BadJson as error:
                return _refuse(400, _("De gegevens van dit verzoek zijn niet te lezen (geen "
                                      "geldige JSON, te diep genest of een te lang getal)."),
                               error.message, errors={"json": [error.message]})
    return None


def _refuse_text(location: str, field: str, reason: str):
    return _refuse(422 if _is_api() else 400,
                   _("Het veld %(field)s bevat een teken dat niet is toegestaan (een nul-teken "
                     "of een ongeldig Unicode-teken). Verwijder het en probeer het opnieuw.",
                     field=field or "?"),
                   f"{field}: {reason}", errors={location: field_errors(field, reason)})


def _refuse(status: int, page_message: str, api_message: str, errors: dict | None = None):
    """The API's error (flask-smorest's format) or the error page, with `status`."""
    if _is_api():
        abort(status, message=api_message, **({"errors": errors} if errors else {}))
    return render_template("error.html", message=page_message,
                           title=_("Dit verzoek is niet uitgevoerd")), status


def _is_api() -> bool:
    return request.path.startswith("/api/")
