"""Bulk issue per calendar milestone: the milestones that issue offers, a preview of what the
engine proposes, the request, and the progress of the batch the worker runs."""
from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from contracts.campaign import policy_in_force
from contracts.errors import CaseError
from contracts.policy import Policy, available_years, load_policy
from contracts.vocabulary import Route, dutch

from ..extensions import db
from ..feeds import feed_url
from ..models import IssueBatch, Offer, Provider
from ..operations.batches import plan, request_batch
from ..web import current_actor, simulation_today
from .forms import ConfirmForm
from .offers import page_window

PER_PAGE = 50
#: The preview's three lists, each paged on its own (the URL parameter of its page number).
LISTS = ("proposed", "excluded", "issued")
#: Seconds between refreshes of a running batch's progress page.
REFRESH = 2


def _issuing_rules(policy: Policy, milestone_id: str):
    return [r for r in policy.rules.values() if r.milestone == milestone_id and r.route is Route.AANBOD]


def batch_title(key: str | None) -> str:
    """A bulk issue in words: the contract, its year and the milestone's title (the pages'
    `batch_title` filter; a batch's key "2024:fz_aflopend_aanbod" is for the database only)."""
    year, _sep, milestone_id = (key or "").partition(":")
    milestone = None
    if year.isdigit() and int(year) in available_years():
        milestone = load_policy(int(year)).milestones.get(milestone_id)
    if milestone is None:
        return _("uitgifte per mijlpaal")
    if milestone.contract is None:
        return f"{milestone.action} ({year})"
    return f"{dutch(milestone.contract)} {year}: {milestone.action}"


def _page(name: str) -> int:
    return max(request.args.get(f"{name}_page", 1, type=int) or 1, 1)


def _paged(name: str, items: list, total: int | None = None) -> dict:
    """One list of the preview: this page's items, and what its page links need."""
    page = _page(name)
    total = len(items) if total is None else total
    pages = max(-(-total // PER_PAGE), 1)
    page = min(page, pages)
    return {"page": page, "pages": pages, "total": total, "window": page_window(page, pages),
            "param": f"{name}_page"}


def milestones():
    """The milestones with offer rules of the calendar of the contract year in force, with their
    batch if requested, and the campaign's agenda feed."""
    policy = policy_in_force(simulation_today())
    batches = {b.milestone: b for b in db.session.scalars(
        select(IssueBatch).where(IssueBatch.policy_year == policy.year))}
    rows = [(m, _issuing_rules(policy, m.id), batches.get(m.id)) for m in policy.calendar()]
    return render_template("manager/milestones.html", rows=[r for r in rows if r[1]],
                           policy=policy, feed_url=feed_url(None))


def milestone(milestone_id: str):
    """The preview of a milestone's bulk issue in the contract year in force, and (POST) the
    request to issue it."""
    policy = policy_in_force(simulation_today())
    rules = _issuing_rules(policy, milestone_id)
    if milestone_id not in policy.milestones or not rules:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            batch = request_batch(milestone_id, current_actor(), policy.year)
        except CaseError:
            db.session.rollback()
            abort(404)
        db.session.commit()
        flash(_("Uitgifte aangevraagd: de verwerker geeft de aanbiedingen uit zodra hij vrij is."),
              "success")
        return redirect(url_for("manager.batch", batch_id=batch.id))
    proposal = plan(milestone_id, policy.year)
    issued_page = _page("issued")
    issued = db.session.execute(
        select(Offer, Provider, func.count().over()).join(Provider, Provider.id == Offer.provider_id)
        .where(Offer.policy_year == policy.year, Offer.rule.in_([r.id for r in rules]))
        .order_by(Provider.agb, Offer.contract, Offer.id)
        .limit(PER_PAGE).offset((issued_page - 1) * PER_PAGE)).all()
    lists = {"proposed": _paged("proposed", proposal.offers),
             "excluded": _paged("excluded", proposal.excluded),
             "issued": _paged("issued", [], issued[0][2] if issued else 0)}
    # The page numbers of the other lists stay as they are when one list turns its page.
    args = {f"{name}_page": lists[name]["page"] for name in LISTS if lists[name]["page"] > 1}
    if not issued and issued_page > 1:  # past the issued list's end: its first page
        return redirect(url_for("manager.milestone", milestone_id=milestone_id,
                                **{k: v for k, v in args.items() if k != "issued_page"}))
    batch = db.session.scalar(select(IssueBatch).where(IssueBatch.policy_year == policy.year,
                                                       IssueBatch.milestone == milestone_id))
    return render_template(
        "manager/milestone.html", policy=policy, milestone=policy.milestones[milestone_id],
        rules=rules, plan=proposal, lists=lists, args={"milestone_id": milestone_id, **args},
        per_page=PER_PAGE, issued=issued, batch=batch, form=form)


def batch(batch_id: int):
    """A batch's progress; the page refreshes itself while the batch waits or runs."""
    row = db.get_or_404(IssueBatch, batch_id)
    running = row.status in ("wachtend", "bezig")
    response = make_response(render_template(
        "manager/batch.html", batch=row, running=running, refresh=REFRESH))
    if running:
        response.headers["Refresh"] = str(REFRESH)
    response.headers["Cache-Control"] = "no-store"
    return response
