"""The inbox's messages, each kind once: a subject and paragraphs with named placeholders, in
Dutch, marked for translation.

A message is stored twice over (`notifications.notify`): as its Dutch text (subject, body: what
the e-mail says and what a search finds) and as its template's key with the values of its
placeholders, so that the inbox shows it in the reader's language (`shown`), with dates as the
reader writes them. A message stored without a key (the shortage notice in seed 004's fixed
format, a message of an older version) is shown as stored.

The texts are marked for the catalogue (`_l`) and translated when shown, like the portal's
labels: Dutch is the language they are written in, so the stored text is the template itself,
with no catalogue lookup (a bulk issue writes thousands at once).

Links in messages are paths in the portal built from the endpoint (`link`), in a request, a
scheduler job and a CLI command alike.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Mapping

from flask import current_app
from flask_babel import get_translations

from contracts.formatting import nl_date
from contracts.vocabulary import dutch

from ..formatting import format_day

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _l(text: str) -> str:
    """Marks a text for the catalogue (pybabel's `-k _l`); `render` translates it when shown."""
    return text


@dataclass(frozen=True)
class Template:
    """One kind of message: its subject, and the paragraphs of its body. A paragraph whose
    placeholders have no value (missing or None) is left out, so an optional fact is a sentence
    of its own, never a fragment of one."""

    subject: "str | Plural"
    paragraphs: "tuple[str | Plural, ...]"
    #: What joins the paragraphs: a space for sentences of one paragraph.
    joiner: str = "\n\n"


def _t(subject: "str | Plural", *paragraphs: "str | Plural", joiner: str = "\n\n") -> Template:
    return Template(subject, paragraphs, joiner)


@dataclass(frozen=True)
class Plural:
    """A text whose words follow a number: its singular and its plural, and the placeholder
    that counts (Dutch, like English, has the two; the catalogue gives each language its own)."""

    singular: str
    plural: str
    count: str


def _n(singular: str, plural: str, count: str) -> Plural:
    """Marks a text with a plural for the catalogue (pybabel's `-k _n:1,2`)."""
    return Plural(singular, plural, count)


_RECEIPT = _l("Het ontvangstbewijs (PDF) noemt het kenmerk en het controlegetal (SHA-256) van het "
              "aanvaarde document.")
_NOT_DELIVERED = _l("U levert het geneesmiddel niet af, of u levert het in overleg met de verzekerde "
                    "wel af; de kosten komen dan voor rekening van de verzekerde.")
_INSURED = _l("Verzekerde: %(insured)s")
#: A signal about a missed deadline that comes late, because the scheduler was not running.
_LATE = _n("Deze melding komt %(late)s dag te laat: de planner was niet actief tussen "
           "%(idle_from)s en %(idle_to)s.",
           "Deze melding komt %(late)s dagen te laat: de planner was niet actief tussen "
           "%(idle_from)s en %(idle_to)s.", "late")
_REFERENCE = _l("Uw referentie: %(patient_reference)s")

#: Every kind of message an operation writes, by key (the key is stored with the message: a key
#: is never renamed, a changed text is a new key or a new wording of the same facts).
TEMPLATES: dict[str, Template] = {
    # offers: the party whose turn it is now hears of each step (operations.offers)
    "offer.issue": _t(_l("Nieuw aanbod: %(contract)s %(year)s"),
                      _l("VGZ heeft u een aanbod gedaan voor de %(contract)s %(year)s."),
                      _l("Reageer uiterlijk op %(deadline)s."), joiner=" "),
    "offer.respond": _t(_l("Reactie op uw tegenvoorstel: %(contract)s %(year)s"),
                        _l("VGZ heeft gereageerd op uw tegenvoorstel: %(reason)s")),
    "offer.agree": _t(_l("Definitief aanbod: %(contract)s %(year)s"),
                      _l("Er is overeenstemming. Het definitieve aanbod staat klaar om te "
                         "aanvaarden.")),
    "offer.withdraw": _t(_l("Aanbod ingetrokken: %(contract)s %(year)s"), _l("Reden: %(reason)s")),
    "offer.expire": _t(_l("Aanbod verlopen: %(contract)s %(year)s"),
                       _l("De termijn om te reageren is verstreken.")),
    "offer.record": _t(_l("Overeenkomst vastgelegd: %(contract)s %(year)s"),
                       _l("Reden: %(reason)s")),
    "offer.counter": _t(_l("Tegenvoorstel van %(provider)s: %(contract)s %(year)s"), "%(reason)s"),
    "offer.accept": _t(_l("Aanbod aanvaard door %(provider)s: %(contract)s %(year)s"),
                       _l("Aanvaard door %(actor)s op %(answered)s."), _RECEIPT, joiner=" "),
    "offer.receipt": _t(_l("Ontvangstbewijs van uw aanvaarding: %(contract)s %(year)s"),
                        _l("U hebt het aanbod aanvaard op %(answered)s (door %(actor)s)."),
                        _RECEIPT, joiner=" "),
    "offer.decline": _t(_l("Aanbod afgewezen door %(provider)s: %(contract)s %(year)s"),
                        _l("Reden: %(reason)s")),
    # applications of new providers (operations.applications)
    "application.received": _t(_l("Nieuwe aanvraag: %(organisation)s"),
                               _l("Aanvraag ontvangen op %(received)s; reactie uiterlijk "
                                  "%(answer_due)s.")),
    "application.granted": _t(_l("Uw aanvraag is toegekend"),
                              _l("Aanvraag van %(received)s voor %(contracts)s: toegekend."),
                              "%(motivation)s", joiner=" "),
    "application.granted_offered": _t(
        _l("Uw aanvraag is toegekend"),
        _l("Aanvraag van %(received)s voor %(contracts)s: toegekend."), "%(motivation)s",
        _l("VGZ heeft u het aanbod gedaan: u vindt het onder Aanbiedingen."), joiner=" "),
    "application.refused": _t(_l("Uw aanvraag is afgewezen"),
                              _l("Aanvraag van %(received)s voor %(contracts)s: afgewezen."),
                              "%(motivation)s", joiner=" "),
    # consent and authorisation requests (operations.consent), with what the pharmacy does
    # next as seed 000 says; the insured by initials only (the message is also e-mailed)
    "consent.toestemming.granted": _t(
        _l("Toestemming verleend: %(reference)s %(substance)s"),
        _l("Uw aanvraag %(reference)s om toestemming voor %(medicine)s is op %(decided)s "
           "verleend door VGZ."), _INSURED, _REFERENCE,
        _l("De toestemming geldt tot en met %(valid_until)s."),
        _l("U declareert het geneesmiddel met Z-indexnummer %(zindex)s."),
        _l("Toelichting: %(reason)s")),
    "consent.machtiging.granted": _t(
        _l("Machtiging verleend: %(reference)s %(substance)s"),
        _l("Uw aanvraag %(reference)s om machtiging voor %(medicine)s is op %(decided)s "
           "verleend door VGZ."), _INSURED, _REFERENCE,
        _l("Het geneesmiddel heeft Z-indexnummer %(zindex)s."),
        _l("De machtiging geldt tot en met %(valid_until)s."),
        _l("U declareert het geneesmiddel met de lokale code 97095005 of een code uit de range "
           "97095551 tot en met 97095600. Zet in het commentaarrecord de stof- en merknaam, de "
           "naam van de importeur (%(importer)s) en de kosten van het geneesmiddel inclusief de "
           "transport- en verzendkosten."),
        _l("Toelichting: %(reason)s")),
    "consent.toestemming.refused": _t(
        _l("Toestemming geweigerd: %(reference)s %(substance)s"),
        _l("Uw aanvraag %(reference)s om toestemming voor %(medicine)s is op %(decided)s "
           "geweigerd door VGZ."), _INSURED, _REFERENCE, _l("Reden: %(reason)s"), _NOT_DELIVERED),
    "consent.machtiging.refused": _t(
        _l("Machtiging geweigerd: %(reference)s %(substance)s"),
        _l("Uw aanvraag %(reference)s om machtiging voor %(medicine)s is op %(decided)s "
           "geweigerd door VGZ."), _INSURED, _REFERENCE, _l("Reden: %(reason)s"), _NOT_DELIVERED),
    # the scheduler's signals about deadlines (scheduler.jobs): `task` and `action` are the
    # deadline's phrases (operations.deadlines), `about` what it concerns, `party` whose move
    "deadline.reminder": _t(
        _l("Herinnering: %(task)s uiterlijk %(deadline)s"), _l("%(action)s: %(about)s."),
        _n("Dit moet uiterlijk op %(deadline)s gebeuren (over %(days)s dag).",
           "Dit moet uiterlijk op %(deadline)s gebeuren (over %(days)s dagen).", "days"),
        _l("De zet is aan %(party)s."), joiner=" "),
    "deadline.reminder_today": _t(
        _l("Herinnering: %(task)s uiterlijk %(deadline)s"), _l("%(action)s: %(about)s."),
        _l("Dit moet uiterlijk op %(deadline)s gebeuren (vandaag)."),
        _l("De zet is aan %(party)s."), joiner=" "),
    "deadline.escalation": _t(
        _l("Termijn verstreken: %(task)s – %(about)s"),
        _l("De termijn voor “%(action)s” (%(about)s) is verstreken op %(deadline)s; de zet is "
           "aan %(party)s. Neem contact op of neem een besluit."), _LATE, joiner=" "),
    "offers.expired": _t(
        _n("%(count)s aanbieding verlopen op %(day)s", "%(count)s aanbiedingen verlopen op %(day)s",
           "count"),
        _n("Deze aanbieding is niet op tijd beantwoord en is verlopen:",
           "Deze aanbiedingen zijn niet op tijd beantwoord en zijn verlopen:", "count"),
        "%(offers)s",
        _n("… en nog %(more)s aanbieding.", "… en nog %(more)s aanbiedingen.", "more"),
        _LATE, joiner="\n"),
    "zorgzoeker.published": _t(
        _l("Zorgzoeker %(year)s gepubliceerd"),
        _n("Vanaf %(opens)s toont de zorgzoeker het gecontracteerde zorgaanbod voor %(year)s: nu "
           "%(count)s zorgaanbieder. Elke aanvaarding komt er direct bij.",
           "Vanaf %(opens)s toont de zorgzoeker het gecontracteerde zorgaanbod voor %(year)s: nu "
           "%(count)s zorgaanbieders. Elke aanvaarding komt er direct bij.", "count")),
    # the planning's announcements (operations.announcements): `group` in the seed's words
    "announcement": _t(
        _l("Bekendmaking: %(contract)s %(year)s"),
        _l("VGZ maakt bekend dat u behoort tot de %(group)s voor de %(contract)s %(year)s."),
        _l("Uiterlijk %(offer_by)s bieden wij u %(via)s een nieuwe overeenkomst aan."),
        "%(terms)s",
        _l("Uiterlijk %(agreement_by)s ronden wij de onderhandeling samen af."), joiner=" "),
    # accounts (operations.accounts): the link the message leads to sets the password
    "account.invite": _t(_l("Uw account voor het Zorginkoopportaal van VGZ"),
                         _l("Er is een account voor u aangemaakt als tekenbevoegde van "
                            "%(provider)s (inlognaam %(email)s). Kies binnen %(days)s dagen uw "
                            "wachtwoord via de link hieronder; daarna logt u in met uw "
                            "e-mailadres en dat wachtwoord.")),
    "account.reset": _t(_l("Uw wachtwoord voor het Zorginkoopportaal van VGZ"),
                        _l("Iemand (hopelijk u) vroeg een nieuw wachtwoord aan voor %(email)s. "
                           "Kies het binnen %(minutes)s minuten via de link hieronder; de link "
                           "werkt één keer. Vroeg u niets aan, dan kunt u dit bericht negeren: "
                           "uw wachtwoord blijft zoals het is.")),
}

#: How a placeholder's value is shown, by the placeholder's name: a date (stored as yyyy-mm-dd)
#: as the reader writes dates, a contract's slug (or a list of them) as the vocabulary's words in
#: the reader's language. Any other value is shown as it is (names, reasons, numbers).
DATES = frozenset({"deadline", "answered", "received", "answer_due", "decided", "valid_until",
                   "day", "opens", "idle_from", "idle_to", "offer_by", "agreement_by"})
CONTRACTS = frozenset({"contract", "contracts"})
#: Values that are phrases of the catalogue (a deadline's task, action and party, an
#: announcement's channel and terms, marked where they are defined): translated when shown.
PHRASES = frozenset({"task", "action", "party", "via", "terms"})
#: A value that is a contract of a year ({"contract": slug, "year": 2024}) or a text as it is.
SUBJECTS = frozenset({"about"})
#: Values that are lists, by name: how each item is shown (its values as a message's), one line
#: each.
LISTS = {"offers": _l("%(provider)s: %(contract)s %(year)s, termijn %(deadline)s")}


@lru_cache(maxsize=None)
def _names(text: str) -> frozenset[str]:
    return frozenset(PLACEHOLDER.findall(text))


def _names_of(part: "str | Plural") -> frozenset[str]:
    if isinstance(part, Plural):
        return _names(part.singular) | _names(part.plural) | {part.count}
    return _names(part)


@lru_cache(maxsize=None)
def placeholders(key: str) -> frozenset[str]:
    """The names of a template's placeholders: the values a message of its kind stores."""
    template = TEMPLATES[key]
    return frozenset().union(*map(_names_of, (template.subject, *template.paragraphs)))


@lru_cache(maxsize=None)
def counts(key: str) -> frozenset[str]:
    """The placeholders of a template that count (a whole number chooses singular or plural)."""
    template = TEMPLATES[key]
    return frozenset(part.count for part in (template.subject, *template.paragraphs)
                     if isinstance(part, Plural))


def stored_params(params: Mapping) -> dict:
    """The values as the JSON column keeps them: dates as yyyy-mm-dd (also in a list's items),
    the rest as given."""
    def stored(value):
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, dict):  # not typing's Mapping: its check costs 10x, per value
            return stored_params(value)
        if isinstance(value, (list, tuple)):
            return [stored(item) for item in value]
        return value
    return {name: stored(value) for name, value in params.items()}


@lru_cache(maxsize=1024)
def _dutch_day(iso: str) -> str:
    return nl_date(date.fromisoformat(iso))  # a batch's messages share a few days


def _value(name: str, value, translate, stored: bool):
    """A stored value as the message shows it (see DATES, CONTRACTS, PHRASES, SUBJECTS and
    LISTS)."""
    if name in DATES:
        return _dutch_day(value) if stored else format_day(date.fromisoformat(value))
    if name in CONTRACTS:
        return ", ".join(translate(dutch(slug)) for slug in
                         (value if isinstance(value, list) else [value]))
    if name in PHRASES:
        return translate(value)
    if name in SUBJECTS and isinstance(value, dict):
        return f"{_value('contract', value['contract'], translate, stored)} {value['year']}"
    if name in LISTS:
        line = translate(LISTS[name])
        return "\n".join("- " + line % _values(item, translate, stored) for item in value)
    return value


def _values(params: Mapping, translate, stored: bool) -> dict:
    return {name: _value(name, value, translate, stored) for name, value in params.items()
            if value is not None}


def _text(part: "str | Plural", values: Mapping, translations, stored: bool) -> str:
    """One text of a template with its values: a plural in the form its count asks."""
    if isinstance(part, Plural):
        count = int(values[part.count])
        if stored:  # Dutch: the singular for one, the plural for any other number
            return (part.singular if count == 1 else part.plural) % values
        return translations.ungettext(part.singular, part.plural, count) % values
    return (part if stored else translations.ugettext(part)) % values


def _same(text: str) -> str:
    return text


def render(key: str, params: Mapping, *, stored: bool = False) -> tuple[str, str]:
    """The subject and body of a message from its stored values: in the reader's language, or,
    `stored`, the Dutch text that is stored with it. KeyError for a key the catalogue does not
    have, or a translation that names a value the message does not have."""
    template = TEMPLATES[key]
    translations = None if stored else get_translations()
    translate = _same if stored else translations.ugettext
    values = _values(params, translate, stored)
    body = [_text(paragraph, values, translations, stored) for paragraph in template.paragraphs
            if _names_of(paragraph) <= values.keys()]
    return _text(template.subject, values, translations, stored), template.joiner.join(body)


def dutch_text(key: str, params: Mapping) -> tuple[str, str]:
    """The stored text of a message: its template in Dutch, from the values as stored."""
    return render(key, params, stored=True)


#: How many stored texts `stored_message` keeps (each a few hundred bytes).
TEXTS_KEPT = 4096
_texts: dict[tuple[str, str], tuple[dict, str, str]] = {}


def stored_message(key: str, params: Mapping) -> tuple[dict, str, str]:
    """A message as it is stored: its values as stored (`stored_params`) and its Dutch subject
    and body (`dutch_text`).

    Kept by template and values: a scan's reminders name no provider, so the 16,485 reminders of
    a day among 100,000 deadlines share 180 texts (one per contract, deadline and task), and
    each is rendered once (bench/campaign.py scan). The stored text depends on nothing else
    (Dutch, no catalogue). Callers must not change what they get."""
    kept = (key, json.dumps(params, default=_stored_date))  # the values as the column has them
    known = _texts.get(kept)
    if known is None:
        stored = stored_params(params)
        known = (stored, *dutch_text(key, stored))
        if len(_texts) >= TEXTS_KEPT:
            _texts.clear()
        _texts[kept] = known
    return known


def _stored_date(value):
    if isinstance(value, date):  # as stored_params stores it
        return value.isoformat()
    raise TypeError(f"a message's value must be JSON or a date, not {value!r}")


@dataclass(frozen=True)
class Shown:
    """A message as the inbox shows it."""

    subject: str
    body: str


def shown(message) -> Shown:
    """A message (a Notification) in the reader's language: its template rendered anew, or,
    for a message without one (or whose values no longer fit it), its stored text."""
    if message.template and message.template in TEMPLATES:
        try:
            return Shown(*render(message.template, message.params or {}))
        except (KeyError, ValueError, TypeError):  # a stored value the template cannot show
            pass
    return Shown(message.subject, message.body)


def link(endpoint: str, **values) -> str:
    """The path in the portal of an endpoint (as url_for builds it), also outside a request (the
    scheduler, the CLI): the mail puts the portal's address before it."""
    adapter = current_app.extensions.get("portal.links")
    if adapter is None:  # bound once per app: binding costs twice what building a path does
        adapter = current_app.extensions["portal.links"] = current_app.url_map.bind("portal")
    return adapter.build(endpoint, values)
