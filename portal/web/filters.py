"""The template filters: dates and amounts in the reader's language, the words for slugs, reasons
without their rule names, days left, inline images."""
from __future__ import annotations

import base64
import re
from datetime import date, datetime

from jinja2 import pass_context

from contracts.vocabulary import dutch

from ..formatting import format_day, format_eur, format_moment
from .labels import label
from .language import translations
from .session import simulation_today


def nl_date(value) -> str:
    """A date (15-09-2023 in Dutch), a date-time to the minute in Amsterdam time; "-" for none."""
    return format_moment(value) if isinstance(value, datetime) else format_day(value)


def b64encode(text: str) -> str:
    """For a data: URL of an inline image (the enrolment's QR code)."""
    return base64.b64encode(text.encode()).decode()


def days_left(deadline: date | None) -> int | None:
    return None if deadline is None else (deadline - simulation_today()).days


@pass_context
def label_filter(context, value) -> str:
    """`label` for templates, with the render's translations."""
    return label(value, translations(context).ugettext)


#: "rule_id: " before a reason of the policy engine or a check ("geen_regel: ...",
#: "voorkeursmiddel: ..."): the rule's internal name, which pages leave out.
RULE_ID = re.compile(r"^[a-z0-9_]+: ")


def reason_text(reason: str) -> str:
    """A reason as a page shows it (`{{ r|reason }}`): without the rule's internal name, as a
    sentence."""
    text = RULE_ID.sub("", str(reason), count=1)
    return text[:1].upper() + text[1:]


@pass_context
def dutch_filter(context, value) -> str:
    """The vocabulary's label of a slug (contracts.vocabulary.dutch: provider types, contracts,
    channels), in the user's language: Dutch as the documents say it, else its translation."""
    return translations(context).ugettext(dutch(value)) if value is not None else ""


#: The filters every template has, by name.
FILTERS = {"nl_date": nl_date, "euro": format_eur, "dutch": dutch_filter, "days_left": days_left,
           "label": label_filter, "b64encode": b64encode, "reason": reason_text}
