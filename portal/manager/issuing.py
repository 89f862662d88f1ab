"""Bulk issue per calendar milestone: the milestones that issue offers, a preview of what the
engine proposes, the request, and the progress of the batch the worker runs."""
from __future__ import annotations

from flask import abort, flash, make_response, redirect, render_template, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from contracts.errors import CaseError
from contracts.policy import load_policy
from contracts.vocabulary import Route

from ..extensions import db
from ..feeds import feed_url
from ..models import IssueBatch, Offer, Provider
from ..operations.batches import plan, request_batch
from ..web import current_actor
from .common import POLICY_YEAR, get_or_404
from .forms import ConfirmForm

SHOWN = 200
#: Seconds between refreshes of a running batch's progress page.
REFRESH = 2


def _issuing_rules(milestone_id: str):
    policy = load_policy(POLICY_YEAR)
    return [r for r in policy.rules.values() if r.milestone == milestone_id and r.route is Route.AANBOD]


def _batch_key(milestone_id: str) -> str:
    return f"{POLICY_YEAR}:{milestone_id}"  # as operations.batches.request_batch names it


def milestones():
    """The 2024 calendar's milestones that have offer rules, with their batch if requested, and
    the campaign's agenda feed."""
    policy = load_policy(POLICY_YEAR)
    batches = {b.milestone: b for b in db.session.scalars(
        select(IssueBatch).where(IssueBatch.policy_year == POLICY_YEAR))}
    rows = [(m, _issuing_rules(m.id), batches.get(m.id)) for m in policy.calendar()]
    return render_template("manager/milestones.html", rows=[r for r in rows if r[1]],
                           feed_url=feed_url(None))


def milestone(milestone_id: str):
    """The preview of a milestone's bulk issue, and (POST) the request to issue it."""
    policy = load_policy(POLICY_YEAR)
    rules = _issuing_rules(milestone_id)
    if milestone_id not in policy.milestones or not rules:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            batch = request_batch(milestone_id, current_actor(), POLICY_YEAR)
        except CaseError:
            db.session.rollback()
            abort(404)
        db.session.commit()
        flash(_("Uitgifte aangevraagd: de worker geeft de aanbiedingen uit."), "success")
        return redirect(url_for("manager.batch", batch_id=batch.id))
    proposal = plan(milestone_id, POLICY_YEAR)
    rule_ids = [r.id for r in rules]
    issued = db.session.execute(
        select(Offer, Provider, func.count().over()).join(Provider, Provider.id == Offer.provider_id)
        .where(Offer.policy_year == POLICY_YEAR, Offer.rule.in_(rule_ids))
        .order_by(Provider.agb, Offer.contract).limit(SHOWN)).all()
    batch = db.session.scalar(select(IssueBatch).where(IssueBatch.key == _batch_key(milestone_id)))
    return render_template(
        "manager/milestone.html", milestone=policy.milestones[milestone_id], rules=rules,
        plan=proposal, shown=SHOWN, issued=issued, issued_total=issued[0][2] if issued else 0,
        batch=batch, form=form)


def batch(batch_id: int):
    """A batch's progress; the page refreshes itself while the batch waits or runs."""
    row = get_or_404(IssueBatch, batch_id)
    running = row.status in ("wachtend", "bezig")
    policy = load_policy(row.policy_year)
    response = make_response(render_template(
        "manager/batch.html", batch=row, running=running, refresh=REFRESH,
        milestone=policy.milestones.get(row.milestone)))
    if running:
        response.headers["Refresh"] = str(REFRESH)
    response.headers["Cache-Control"] = "no-store"
    return response
