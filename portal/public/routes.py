"""Public pages: home, the zorgzoeker, the language switch. The application form lives here too
(a new provider has no account yet)."""
from __future__ import annotations

import re
from datetime import date
from functools import partial
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import case, func, select

from contracts.campaign import policy_in_force, published_policy
from contracts.errors import CaseError
from contracts.newproviders import DateRefused
from contracts.vocabulary import Contract, dutch

from ..extensions import anonymous_limited, db, not_an_anonymous_search
from ..formatting import format_day
from ..models import Offer, Provider
from ..operations.applications import (MAX_ATTACHMENTS, Known, attachment_name, preview,
                                       submit_application)
from ..refusals import APPLICATION, refusal
from ..web import simulation_today
from .forms import ZorgzoekerSearch, application_form, date_refusal, size_text

bp = Blueprint("public", __name__, template_folder="templates")

PER_PAGE = 50
#: The session key under which the confirmation page finds the application just sent.
SENT = "application_sent"


@bp.route("/")
def home():
    return render_template("public/home.html", year=policy_in_force(simulation_today()).year)


@bp.route("/taal", methods=["POST"])
def language():
    if request.form.get("lang") in ("nl", "en"):
        session["lang"] = request.form["lang"]
    target = request.form.get("next") or url_for("public.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):  # no open redirect
        target = url_for("public.home")
    return redirect(target)


# -- the zorgzoeker ----------------------------------------------------------------------------

@bp.route("/zorgzoeker")
@anonymous_limited("searches", exempt_when=not_an_anonymous_search)
def zorgzoeker():
    """The providers contracted for the contract year the zorgzoeker shows on the simulated date
    (contracts.campaign.published_policy); before the first publication, when it opens."""
    today = simulation_today()
    published = published_policy(today)
    if published is None:
        coming = policy_in_force(today)
        milestone = coming.milestones.get("publicatie_zorgzoeker")
        return render_template("public/zorgzoeker.html", open=False, year=coming.year,
                               opens=milestone.date if milestone else None)
    form = ZorgzoekerSearch(formdata=request.args)
    form.validate()  # a filter with a bad value is shown with its error and not applied
    filters = {name: field.data for name, field in form._fields.items()
               if field.data and not field.errors}
    page = max(request.args.get("pagina", 1, type=int) or 1, 1)
    rows = contracted(published.year, filters, page)
    total = rows[0].total if rows else 0
    return render_template("public/zorgzoeker.html", open=True, year=published.year, form=form,
                           rows=rows, total=total, page=page, pages=max(-(-total // PER_PAGE), 1),
                           filters=filters, contracts_of=contracts_of)


def contracted(year: int, filters: dict, page: int) -> list:
    """One page of the providers contracted for contract `year`, one row per provider with the
    contracts it holds (`contracts`, comma-separated): one query, the number of all matching
    providers riding along on every row. A contract filter keeps the providers that hold it,
    still listing all their contracts."""
    query = (select(Provider.id, Provider.name, Provider.address, Provider.postcode,
                    Provider.city, Provider.provider_type,
                    func.aggregate_strings(Offer.contract, ",").label("contracts"),
                    func.count().over().label("total"))
             .join(Offer, Offer.provider_id == Provider.id)
             .where(Offer.policy_year == year, Offer.status == "geaccepteerd")
             .group_by(Provider.id))
    if filters.get("plaats"):
        query = query.where(Provider.city.icontains(filters["plaats"].strip(), autoescape=True))
    if filters.get("type"):
        query = query.where(Provider.provider_type == filters["type"])
    if filters.get("overeenkomst"):
        query = query.having(func.max(case((Offer.contract == filters["overeenkomst"], 1),
                                           else_=0)) == 1)
    query = (query.order_by(Provider.name, Provider.id)
             .limit(PER_PAGE).offset((page - 1) * PER_PAGE))
    return db.session.execute(query).all()


def contracts_of(row) -> list[Contract]:
    """A zorgzoeker row's contracts, in the vocabulary's order."""
    held = set(row.contracts.split(","))
    return [c for c in Contract if c.value in held]


# -- the application form ----------------------------------------------------------------------

@bp.route("/aanvragen", methods=["GET", "POST"])
@anonymous_limited("applications", methods=["POST"])  # counted with the API's submissions
def apply():
    """The application form for the contract year in force: checked first (what the policy says
    about it), then sent."""
    today = simulation_today()
    policy = policy_in_force(today)
    form = application_form(policy.year)(today=today)
    lines = None
    if form.validate_on_submit():
        lines = preview(form.provider_type.data, form.contracts.data, form.agb_start.data,
                        policy.year, received_on=today, agb=form.agb.data)
        in_the_way(form, lines)
        refused = [line for line in lines if not line.eligible]
        if request.form.get("step") == "versturen" and not form.errors:
            if refused:
                form.contracts.errors.append(_("Voor deze keuze kunt u geen aanvraag doen; "
                                               "hieronder staat waarom."))
            else:
                sent = send(form, today)
                if sent:
                    return sent
    status = 422 if form.errors else 200
    files = [attachment_name(name) for name, _content in getattr(form.attachments, "pdfs", [])]
    return render_template("public/apply.html", form=form, lines=lines, policy=policy,
                           files=files, plain=plain_reason,
                           applies=partial(what_applies, year=policy.year),
                           limit=size_text(current_app.config["ATTACHMENT_MAX_BYTES"]),
                           total=size_text(current_app.config["APPLICATION_MAX_BYTES"])), status


def in_the_way(form, lines) -> None:
    """Say beside the fields what keeps this AGB code from applying, whichever step: a provider
    the insurer knows (its AGB code), an application still open (the contracts)."""
    if any(line.known for line in lines):
        form.agb.errors.append(_("Deze AGB-code is al bekend bij VGZ; met dit formulier kunt u er "
                                 "geen aanvraag voor doen. Hieronder staat wat voor deze "
                                 "zorgaanbieder geldt. De tekenbevoegde logt in op het portaal; "
                                 "neem bij vragen contact op met VGZ."))
    for line in lines:
        if line.open_application:
            form.contracts.errors.append(_(
                "Voor deze AGB-code is al een aanvraag voor de %(contract)s in behandeling "
                "(ontvangen op %(received)s). Wacht eerst ons antwoord daarop af: u hoort "
                "uiterlijk %(due)s van ons.", contract=dutch(Contract(line.contract)),
                received=format_day(line.open_application.received_on),
                due=format_day(line.open_application.answer_due)))


def what_applies(known: Known, contract: str, *, year: int) -> str:
    """What applies to a provider the insurer knows, for one contract of contract `year`, in a
    sentence (told instead of "you can apply")."""
    values = {"name": known.provider, "contract": dutch(Contract(contract)), "year": year,
              "end": format_day(known.agreement_end), "offer_by": format_day(known.offer_by),
              "answer_by": format_day(known.answer_by)}
    if known.situation == "aanvaard":
        return _("%(name)s heeft het aanbod voor de %(contract)s %(year)s aanvaard; u hoeft niets "
                 "aan te vragen.", **values)
    if known.situation == "aanbod" and known.answer_by:
        return _("VGZ heeft %(name)s een aanbod gedaan voor de %(contract)s %(year)s. De "
                 "tekenbevoegde beantwoordt het in het portaal, uiterlijk %(answer_by)s; u hoeft "
                 "niets aan te vragen.", **values)
    if known.situation == "aanbod":
        return _("VGZ heeft %(name)s een aanbod gedaan voor de %(contract)s %(year)s. De "
                 "tekenbevoegde beantwoordt het in het portaal; u hoeft niets aan te vragen.",
                 **values)
    if known.situation == "aanbod_volgt" and known.agreement_end and known.offer_by:
        return _("%(name)s heeft een %(contract)s die loopt tot %(end)s. VGZ biedt uiterlijk "
                 "%(offer_by)s een overeenkomst voor %(year)s aan in het portaal; u hoeft niets "
                 "aan te vragen.", **values)
    if known.situation == "aanbod_volgt":
        return _("VGZ biedt %(name)s een %(contract)s voor %(year)s aan in het portaal; u hoeft "
                 "niets aan te vragen.", **values)
    if known.situation == "lopend":
        return _("%(name)s heeft al een %(contract)s die loopt tot %(end)s; u hoeft niets aan te "
                 "vragen.", **values)
    return _("Deze AGB-code hoort bij %(name)s, die al bekend is bij VGZ. De tekenbevoegde logt "
             "in op het portaal. Heeft de apotheek nog geen account, of neemt u haar over? Neem "
             "dan contact op met VGZ.", **values)


def plain_reason(reason: str) -> str:
    """A reason of the policy engine without the id of the rule or criterion it starts with."""
    return re.sub(r"^[a-z0-9_]+: ", "", reason)


def send(form, today):
    """Submit the checked application (received `today`, for the form's contract year), commit,
    and go to the confirmation; None on a refusal."""
    try:
        application = submit_application(form.data_for_submit(),
                                          getattr(form.attachments, "pdfs", []),
                                          received_on=today, policy_year=form.policy_year)
    except CaseError as error:  # refused before anything was stored
        field = form._fields.get(error.field)
        message = application_refusal(error, form.policy_year)
        if field is not None:
            field.errors.append(message)
        else:
            flash(message, "error")
        return None
    db.session.commit()
    session[SENT] = {"id": application.id, "organisation": application.organisation,
                     "year": form.policy_year,
                     "received_on": application.received_on.isoformat(),
                     "answer_due": application.answer_due.isoformat(),
                     "contact_email": application.contact_email}
    return redirect(url_for(".applied"))


def application_refusal(error: CaseError, year: int) -> str:
    """A refused application for contract `year`, in the page's language (the operation's
    messages are English)."""
    if isinstance(error, DateRefused):
        return date_refusal(error, year)
    return refusal(error, APPLICATION, count=MAX_ATTACHMENTS,
                   size=size_text(current_app.config["APPLICATION_MAX_BYTES"]))


@bp.route("/aanvragen/ontvangen")
def applied():
    sent = session.get(SENT)
    if not sent:  # nothing sent from this browser: nothing to confirm
        return render_template("public/applied.html", sent=None), 404
    return render_template("public/applied.html", sent=sent,
                           received_on=date.fromisoformat(sent["received_on"]),
                           answer_due=date.fromisoformat(sent["answer_due"]))
