"""The contract manager's side (/beheer): every URL rule of the blueprint, in one place.

The views live per area: `dashboard`, `register` (providers, import, one offer), `issuing` (bulk
issue per milestone), `applications`, `negotiations` (offers and their actions), `clock`. Every
rule is for contract managers and admins only.
"""
from flask import Blueprint

from ..web import MANAGERS, roles_required
from . import applications, clock, dashboard, inbox, issuing, negotiations, outbox, register

bp = Blueprint("manager", __name__, url_prefix="/beheer", template_folder="templates")

GET, POST, BOTH = ("GET",), ("POST",), ("GET", "POST")
RULES = (
    ("/", dashboard.dashboard, GET),
    ("/zorgaanbieders", register.providers, GET),
    ("/zorgaanbieders/import", register.import_register, BOTH),
    ("/zorgaanbieders/<int:provider_id>", register.provider, GET),
    ("/zorgaanbieders/<int:provider_id>/aanbieden", register.issue_one, POST, "issue_offer"),
    ("/aanbiedingen/uitgeven", issuing.milestones, GET),
    ("/aanbiedingen/uitgeven/<milestone_id>", issuing.milestone, BOTH),
    ("/batches/<int:batch_id>", issuing.batch, GET),
    ("/aanvragen", applications.applications, GET),
    ("/aanvragen/<int:application_id>", applications.application, BOTH),
    ("/aanvragen/<int:application_id>/bijlagen/<int:attachment_id>", applications.attachment, GET),
    ("/onderhandelingen", negotiations.negotiations, GET),
    ("/aanbiedingen/<int:offer_id>", negotiations.offer, GET),
    ("/aanbiedingen/<int:offer_id>/document", negotiations.offer_document, GET),
    ("/aanbiedingen/<int:offer_id>/acties/<action>", negotiations.offer_action, POST),
    ("/simulatiedatum", clock.clock, BOTH),
    ("/meldingen", inbox.messages, GET),
    ("/uitgaande-post", outbox.outbox, GET),
)

for rule, view, methods, *endpoint in RULES:
    bp.add_url_rule(rule, endpoint[0] if endpoint else view.__name__,
                    roles_required(*MANAGERS)(view), methods=list(methods))
