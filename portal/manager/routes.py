"""The contract manager's side (/beheer): every URL rule of the blueprint, in one place.

The views live per area: `dashboard`, `register` (providers, import, one offer), `offers` (the
overview of every offer), `issuing` (bulk issue per milestone), `applications`, `negotiations`
(offers and their actions), `lab` (the policy lab), `clock`, `exports` (the lists whose pages
other modules own, as files). Every rule is for contract managers and admins only.
"""
from flask import Blueprint

from ..web import MANAGERS, roles_required
from ..years import application_year
from . import (applications, clock, dashboard, exports, inbox, issuing, lab, negotiations, offers,
               outbox, register)
from .common import OPEN_STATUSES

bp = Blueprint("manager", __name__, url_prefix="/beheer", template_folder="templates")

GET, POST, BOTH = ("GET",), ("POST",), ("GET", "POST")
#: A list as a file: export.csv or export.xlsx (any other format is a 404, after the role check).
EXPORT = "export.<fmt>"
RULES = (
    ("/", dashboard.dashboard, GET),
    ("/zorgaanbieders", register.providers, GET),
    ("/zorgaanbieders/" + EXPORT, register.providers_export, GET),
    ("/zorgaanbieders/import", register.import_register, BOTH),
    ("/zorgaanbieders/<int:provider_id>", register.provider, GET),
    ("/zorgaanbieders/<int:provider_id>/aanbieden", register.issue_one, POST, "issue_offer"),
    ("/aanbiedingen", offers.offers, GET),
    ("/aanbiedingen/" + EXPORT, offers.offers_export, GET),
    ("/aanbiedingen/uitgeven", issuing.milestones, GET),
    ("/aanbiedingen/uitgeven/<milestone_id>", issuing.milestone, BOTH),
    ("/batches/<int:batch_id>", issuing.batch, GET),
    ("/aanvragen", applications.applications, GET),
    ("/aanvragen/" + EXPORT, exports.applications_export, GET),
    ("/aanvragen/<int:application_id>", applications.application, BOTH),
    ("/aanvragen/<int:application_id>/bijlagen/<int:attachment_id>", applications.attachment, GET),
    ("/onderhandelingen", negotiations.negotiations, GET),
    ("/aanbiedingen/<int:offer_id>", negotiations.offer, GET),
    ("/aanbiedingen/<int:offer_id>/document", negotiations.offer_document, GET),
    ("/aanbiedingen/<int:offer_id>/ontvangstbewijs.pdf", negotiations.offer_receipt, GET),
    ("/aanbiedingen/<int:offer_id>/acties/<action>", negotiations.offer_action, POST),
    ("/simulatiedatum", clock.clock, BOTH),
    ("/meldingen", inbox.messages, GET),
    ("/meldingen/<int:message_id>/openen", inbox.open_message, POST),
    ("/meldingen/alles-gelezen", inbox.mark_all_read, POST),
    ("/uitgaande-post", outbox.outbox, GET),
    ("/uitgaande-post/" + EXPORT, exports.outbox_export, GET),
    ("/beleidslab", lab.index, GET, "lab"),
    ("/beleidslab/varianten/nieuw", lab.variant_new, BOTH, "lab_variant_new"),
    ("/beleidslab/varianten/upload", lab.variant_upload, POST, "lab_variant_upload"),
    ("/beleidslab/varianten/<name>", lab.variant, GET, "lab_variant"),
    ("/beleidslab/varianten/<name>/bewerken", lab.variant_edit, BOTH, "lab_variant_edit"),
    ("/beleidslab/varianten/<name>/variant.yaml", lab.variant_yaml, GET, "lab_variant_yaml"),
    ("/beleidslab/varianten/<name>/vergelijken", lab.run_request, POST, "lab_run_request"),
    ("/beleidslab/vergelijkingen/<int:run_id>", lab.run, GET, "lab_run"),
    ("/beleidslab/vergelijkingen/<int:run_id>/" + EXPORT, lab.run_export, GET, "lab_run_export"),
)

for rule, view, methods, *endpoint in RULES:
    bp.add_url_rule(rule, endpoint[0] if endpoint else view.__name__,
                    roles_required(*MANAGERS)(view), methods=list(methods))

# A bulk issue's name in words, for every page that names the batch an offer came in (the
# offer pages of both audiences).
bp.add_app_template_filter(issuing.batch_title, "batch_title")
# The contract year an application is for, on every page that lists applications.
bp.add_app_template_global(application_year)
# Whether an offer still awaits an answer (contracts.offers.OPEN), on the offer pages of both
# audiences: `{% if offer.status is open_offer %}`.
bp.add_app_template_test(lambda status: status in OPEN_STATUSES, "open_offer")
