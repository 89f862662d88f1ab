"""The provider register: search, one provider with its profile and offers, CSV import, and
issuing one offer to one provider."""
from __future__ import annotations

from dataclasses import dataclass, replace

from flask import flash, redirect, render_template, request, url_for
from flask_babel import format_decimal, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, or_, select

from contracts.campaign import policy_in_force
from contracts.engine import Decision, decide
from contracts.errors import CaseError
from contracts.policy import Policy
from contracts.profile import load_profile_model
from contracts.vocabulary import Contract, Route, dutch

from ..exports import Column, export_response
from ..extensions import db
from ..fields import choice
from ..models import Application, Offer, Provider
from ..operations.imports import import_providers, import_scores
from ..operations.offers import issue_offer
from ..operations.providers import case_for, profile_facts, profile_history
from ..refusals import OFFER, refusal
from ..web import current_actor, memoised, simulation_today
from ..web.paging import page_of
from .forms import ImportForm, IssueOfferForm, ProviderSearchForm
from .offers import page_window

PER_PAGE = 50
ERRORS_SHOWN = 500


def searched(query, form: ProviderSearchForm):
    """`query` over providers narrowed by the search form's valid fields (a bad one is left out,
    and the form shows its message)."""
    if form.q.data and form.q.data.strip() and not form.q.errors:
        term = form.q.data.strip().lower()
        query = query.where(or_(func.lower(Provider.name).contains(term, autoescape=True),
                                Provider.agb.contains(term, autoescape=True),
                                func.lower(Provider.city).contains(term, autoescape=True)))
    if form.type.data and not form.type.errors:
        query = query.where(Provider.provider_type == form.type.data)
    if form.region.data and not form.region.errors:
        query = query.where(func.lower(Provider.region) == form.region.data.strip().lower())
    return query.order_by(Provider.name, Provider.id)


def _search_args() -> dict[str, str]:
    return {k: v for k, v in request.args.items() if k != "page" and v}


@memoised
def providers():
    """The register, searched and filtered, 50 a page (portal.web.paging)."""
    form = ProviderSearchForm(request.args)
    form.validate()
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    rows, total = page_of(searched(select(Provider), form), (page - 1) * PER_PAGE, PER_PAGE)
    args = _search_args()
    if not rows and page > 1:  # past the last page (the register shrank, or a typed URL)
        return redirect(url_for("manager.providers", **args))
    pages = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    providers = [r[0] for r in rows]
    return render_template("manager/providers.html", form=form, providers=providers,
                           total=total, page=page, pages=pages, window=page_window(page, pages),
                           args=args, per_page=PER_PAGE,
                           found=ngettext("%(total)s zorgaanbieder gevonden.",
                                          "%(total)s zorgaanbieders gevonden.", total,
                                          total=format_decimal(total)))


EXPORT_COLUMNS = (
    Column(_l("AGB-code"), 11), Column(_l("Naam"), 36), Column(_l("Type zorgaanbieder"), 28),
    Column(_l("Adres"), 28), Column(_l("Postcode"), 10), Column(_l("Plaats"), 18),
    Column(_l("Regio"), 16), Column(_l("KvK-nummer"), 12), Column(_l("E-mailadres"), 30),
    Column(_l("Collectief"), 20), Column(_l("Startdatum AGB-code"), 18),
    Column(_l("RIZ-contra-indicatie"), 18))
EXPORT_FIELDS = (Provider.agb, Provider.name, Provider.provider_type, Provider.address,
                 Provider.postcode, Provider.city, Provider.region, Provider.kvk,
                 Provider.contact_email, Provider.collective, Provider.agb_start,
                 Provider.riz_contra_indication)


def providers_export(fmt: str):
    """The register as searched on its page, every page of it, as a file."""
    form = ProviderSearchForm(request.args)
    form.validate()
    yes, no = _("ja"), _("nee")
    rows = ((agb, name, dutch(kind), address, postcode, city, region, kvk, email, collective,
             agb_start, yes if riz else no)
            for agb, name, kind, address, postcode, city, region, kvk, email, collective,
            agb_start, riz in db.session.execute(searched(select(*EXPORT_FIELDS), form)))
    return export_response(fmt, f"zorgaanbieders-{simulation_today().isoformat()}",
                           _("Zorgaanbieders"), EXPORT_COLUMNS, rows)


@dataclass(frozen=True)
class ContractLine:
    """What the policy does for this provider and contract, and whether a manager can issue it."""

    contract: str
    decision: Decision | None
    problem: str | None
    offer: Offer | None
    issuable: bool
    needs_override: bool


def contract_lines(provider: Provider, offers: list[Offer], policy: Policy,
                   history) -> list[ContractLine]:
    """Per contract, what `policy` does for the provider and the offer it has of that year."""
    facts = profile_facts(provider, policy.year, history)
    by_contract = {o.contract: o for o in offers if o.policy_year == policy.year}
    lines = []
    for contract in Contract:
        offer = by_contract.get(contract.value)
        try:
            case = case_for(provider, contract.value, policy.year, facts)
            decision = decide(case, policy)
        except CaseError as error:
            lines.append(ContractLine(contract.value, None, refusal(error, OFFER), offer, False,
                                      False))
            continue
        needs_override = False
        if decision.route is not Route.AANBOD and decision.exclusion:
            # Issuable only if, the exclusion set aside, the policy would make an offer here.
            cleared = decide(replace(case, riz_contra_indication=False, profile=None), policy)
            needs_override = cleared.route is Route.AANBOD
        issuable = offer is None and (decision.route is Route.AANBOD or needs_override)
        lines.append(ContractLine(contract.value, decision, None, offer, issuable, needs_override))
    return lines


def _provider_page(provider: Provider, policy: Policy, form: IssueOfferForm | None = None):
    """The provider's page: its facts, profile, agreements, what `policy` (the contract year in
    force) does for it, its offers of every year and its applications."""
    history = profile_history(policy.year)
    model = load_profile_model(policy.year)
    offers = db.session.scalars(select(Offer).where(Offer.provider_id == provider.id)
                                .order_by(Offer.policy_year.desc(), Offer.contract)).all()
    applications = db.session.scalars(
        select(Application).where(or_(Application.provider_id == provider.id,
                                      Application.agb == provider.agb))
        .order_by(Application.received_on.desc())).all()
    lines = contract_lines(provider, offers, policy, history)
    issuable = [line for line in lines if line.issuable]
    form = form or IssueOfferForm()
    excluded = _(" (uitgesloten: reden vereist)")
    form.contract.choices = [choice(line.contract, dutch(Contract(line.contract))
                                    + (excluded if line.needs_override else ""))
                             for line in issuable]
    profile = history.of(provider.agb)
    trends = {c.id: history.trend(provider.agb, c.id) for c in model.components} if profile else {}
    declining = history.declining_components(provider.agb) if profile else ()
    return render_template(
        "manager/provider.html", provider=provider, year=policy.year, offers=offers,
        applications=applications,
        lines=lines, form=form, can_issue=bool(issuable),
        needs_override=any(line.needs_override for line in issuable), profile=profile,
        components=model.components, trends=trends, declining=declining,
        groups={g.id: g for g in model.groups}, lowest=model.lowest_group.id,
        has_profile=model.applies_to(provider.provider_type))


def provider(provider_id: int):
    return _provider_page(db.get_or_404(Provider, provider_id),
                          policy_in_force(simulation_today()))


def issue_one(provider_id: int):
    """Issue the offer the policy in force prescribes for one contract; an exclusion needs a
    reason."""
    provider = db.get_or_404(Provider, provider_id)
    policy = policy_in_force(simulation_today())
    form = IssueOfferForm()
    offers = db.session.scalars(select(Offer).where(Offer.provider_id == provider.id)).all()
    lines = {line.contract: line for line in contract_lines(provider, offers, policy,
                                                            profile_history(policy.year))}
    form.contract.choices = [choice(c, c) for c, line in lines.items() if line.issuable]
    if not form.validate_on_submit():
        return _provider_page(provider, policy, form)
    line = lines[form.contract.data]
    reason = (form.override_reason.data or "").strip()
    if line.needs_override and not reason:
        form.override_reason.errors.append(_("Deze zorgaanbieder is uitgesloten. Geef de reden "
                                             "waarom u toch een aanbod doet."))
        return _provider_page(provider, policy, form)
    try:
        offer = issue_offer(provider, line.contract, policy.year, current_actor(),
                            deadline=form.deadline.data,
                            override_reason=reason if line.needs_override else "")
    except CaseError as error:
        db.session.rollback()
        flash(refusal(error, OFFER), "error")
        return redirect(url_for("manager.provider", provider_id=provider.id))
    db.session.commit()
    flash(_("Aanbod %(contract)s %(year)s uitgegeven aan %(name)s.",
            contract=dutch(Contract(offer.contract)), year=offer.policy_year, name=provider.name),
          "success")
    return redirect(url_for("manager.offer", offer_id=offer.id))


def import_register():
    """CSV upload of providers or profile scores: all rows stored, or none and the errors."""
    form = ImportForm()
    result = None
    if form.validate_on_submit():
        content = form.file.data.read()
        run = import_providers if form.kind.data == "zorgaanbieders" else import_scores
        result = run(content, current_actor())
        if result.ok:
            db.session.commit()
            kinds = {"zorgaanbieders": _("zorgaanbieders"), "profielscores": _("profielscores")}
            flash(_("%(n)s rijen geïmporteerd (%(kind)s).", n=result.imported,
                    kind=kinds.get(result.kind, result.kind)), "success")
            return redirect(url_for("manager.providers"))
        db.session.rollback()
        flash(_("Niets geïmporteerd: het bestand bevat %(n)s fouten. Verbeter ze en importeer het "
                "hele bestand opnieuw.", n=len(result.errors)), "error")
    return render_template("manager/import.html", form=form, result=result, shown=ERRORS_SHOWN)
