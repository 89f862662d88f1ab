"""What the manager's views share: the contract year they work on, loading, Dutch refusals."""
from __future__ import annotations

from flask import abort
from flask_babel import gettext as _

from contracts.errors import CaseError

from ..extensions import db

#: The contract year the portal procures (its calendar runs in 2023).
POLICY_YEAR = 2024
#: Offer statuses in life-cycle order (the dashboard's columns and the chart's segments).
STATUSES = ("concept", "aangeboden", "tegenvoorstel", "in_onderhandeling", "geaccepteerd",
            "afgewezen", "verlopen", "ingetrokken")
OPEN_STATUSES = ("aangeboden", "tegenvoorstel", "in_onderhandeling")
OPEN_APPLICATIONS = ("ontvangen", "in_beoordeling")


def get_or_404(model, ident: int):
    row = db.session.get(model, ident)
    if row is None:
        abort(404)
    return row


def refusal(error: CaseError) -> str:
    """A refused offer action or issue, said in Dutch (the domain's messages are English)."""
    messages = {
        "version": _("De aanbieding is intussen door iemand anders gewijzigd. Laad de pagina "
                     "opnieuw en probeer het nog eens."),
        "reason": _("Deze actie vraagt om een bericht of reden."),
        "status": _("Deze actie is in de huidige status van de aanbieding niet mogelijk."),
        "negotiable": _("Deze actie past niet bij een aanbieding die (niet) onderhandelbaar is."),
        "role": _("U mag deze actie niet uitvoeren."),
        "action": _("Onbekende actie."),
        "contract": _("Het beleid doet hier geen aanbod: %(detail)s", detail=error.message),
        "size_rank": _("De grootte-rang van de zorgaanbieder ontbreekt in het register; het beleid "
                       "onderscheidt hier naar grootte."),
    }
    return messages.get(error.field, _("Niet gelukt: %(detail)s", detail=str(error)))
