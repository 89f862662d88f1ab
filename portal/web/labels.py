"""The words behind the slugs and audit actions the pages show, in the reader's language."""
from __future__ import annotations

from flask_babel import gettext


def _l(text: str) -> str:
    """Marks a word for the catalogue (pybabel's `-k _l`); `label` translates it when shown."""
    return text


#: The words behind the slugs the pages show (statuses of offers, applications and batches, a
#: provider's relation to a contract, the policy's routes and exclusions, improvement agreements):
#: in Dutch the slug itself with spaces, in English its translation.
LABELS = {
    "concept": _l("concept"), "aangeboden": _l("aangeboden"), "tegenvoorstel": _l("tegenvoorstel"),
    "in_onderhandeling": _l("in onderhandeling"), "geaccepteerd": _l("geaccepteerd"),
    "afgewezen": _l("afgewezen"), "verlopen": _l("verlopen"), "ingetrokken": _l("ingetrokken"),
    "ontvangen": _l("ontvangen"), "in_beoordeling": _l("in beoordeling"),
    "toegekend": _l("toegekend"),
    "wachtend": _l("wachtend"), "bezig": _l("bezig"), "klaar": _l("klaar"), "mislukt": _l("mislukt"),
    "nieuw": _l("nieuw"), "aflopend": _l("aflopend"), "doorlopend": _l("doorlopend"),
    "aanbod": _l("aanbod"), "aanvraag": _l("aanvraag"), "geen": _l("geen"),
    "minimumeis": _l("minimumeis"), "uitsluitingsgrond": _l("uitsluitingsgrond"),
    "nagekomen": _l("nagekomen"), "niet_nagekomen": _l("niet nagekomen"),
    "geweigerd": _l("geweigerd"),
}

#: What an audit entry's action says (`{{ entry.action|label }}`): the verbs the operations
#: record, as what happened, in the user's language.
AUDIT_ACTIONS = {
    # offers (contracts/offers.py TRANSITIONS, and the record an issue writes first)
    "create": _l("aangemaakt"), "issue": _l("aangeboden"), "accept": _l("aanvaard"),
    "decline": _l("afgewezen door de zorgaanbieder"), "counter": _l("tegenvoorstel gedaan"),
    "respond": _l("gereageerd op tegenvoorstel"), "agree": _l("overeenstemming bereikt"),
    "expire": _l("verlopen"), "withdraw": _l("ingetrokken"),
    "record": _l("vastgelegd zonder acceptatie"),
    # applications, consent and authorisation requests
    "submit": _l("ingediend"), "answer": _l("beantwoord"), "take": _l("in behandeling genomen"),
    "grant": _l("verleend"), "refuse": _l("geweigerd"),
    # shortages (contracts/shortages.py ACTIONS)
    "registreren": _l("geregistreerd"), "wijzigen": _l("gewijzigd"), "beeindigen": _l("beëindigd"),
    # batches, imports, the clock, messages, feeds
    "save": _l("opgeslagen"),
    "request": _l("aangevraagd"), "run": _l("uitgevoerd"), "import": _l("geïmporteerd"),
    "set": _l("simulatiedatum verzet"), "read": _l("gelezen"), "read_all": _l("alles gelezen"),
    "feed_renewed": _l("agendalink vernieuwd"),
    # accounts (as the account pages name them)
    "invite": _l("uitgenodigd"), "login": _l("ingelogd"), "login_failed": _l("inloggen mislukt"),
    "logout": _l("uitgelogd"), "logout_everywhere": _l("overal uitgelogd"),
    "password_changed": _l("wachtwoord gewijzigd"), "password_set": _l("wachtwoord ingesteld"),
    "password_reset": _l("wachtwoord hersteld"),
    "password_reset_requested": _l("herstellink aangevraagd"),
    "2fa_enrolled": _l("tweestaps ingesteld"), "2fa_used": _l("tweestapscode gebruikt"),
    "2fa_failed": _l("tweestapscode onjuist"), "recovery_code_used": _l("herstelcode gebruikt"),
    "2fa_disabled": _l("tweestaps uitgezet"), "token_issued": _l("API-token gemaakt"),
    "token_revoked": _l("API-token ingetrokken"), "deactivated": _l("gedeactiveerd"),
    "reactivated": _l("weer geactiveerd"),
}


def label(value, translate=None) -> str:
    """The word for a slug (LABELS) or an audit entry's action (AUDIT_ACTIONS) in the user's
    language; an unknown slug with its underscores as spaces.
    `translate`: the render's gettext (templates), else Flask-Babel's."""
    if value is None:
        return ""
    text = str(value)
    word = LABELS.get(text) or AUDIT_ACTIONS.get(text)
    return (translate or gettext)(word) if word else text.replace("_", " ")
