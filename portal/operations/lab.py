"""The policy lab's records in the portal: variants saved as versions (audited), and comparisons
requested, claimed and followed. The replays themselves run in `portal lab worker` (the `lab`
package), which the portal does not import: it records what is asked and reads what came out.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Mapping

from flask import current_app
from sqlalchemy import and_, func, or_, select, update

from contracts.campaign import Window
from contracts.policy import load_policy
from contracts.variants import Variant, VariantError, dump, load_variant, parse

from ..extensions import db
from ..models import LabRun, PolicyVariant
from . import audit, clock
from .audit import Actor

#: A run's states, as the batch's: waiting, running, done, failed.
WAITING, RUNNING, DONE, FAILED = "wachtend", "bezig", "klaar", "mislukt"


def latest(name: str) -> PolicyVariant | None:
    """The newest saved version of the variant `name`."""
    return db.session.scalar(select(PolicyVariant).where(PolicyVariant.name == name)
                             .order_by(PolicyVariant.version.desc()).limit(1))


def version(name: str, number: int) -> PolicyVariant | None:
    return db.session.scalar(select(PolicyVariant).where(PolicyVariant.name == name,
                                                         PolicyVariant.version == number))


def resolve(name: str) -> dict | None:
    """A variant named as a base: the data of its newest version (contracts.variants.Resolver)."""
    row = latest(name)
    return parse(row.text) if row is not None else None


def pinned(bases: Mapping[str, int]):
    """A resolver that reads the variants named in `bases` at those versions (a comparison's
    own), any other at its newest."""
    def resolve_pinned(name: str) -> dict | None:
        row = version(name, bases[name]) if name in bases else latest(name)
        return parse(row.text) if row is not None else None
    return resolve_pinned


def checked(row: PolicyVariant, bases: Mapping[str, int] | None = None) -> Variant:
    """The saved version as the lab uses it: its bases at the versions `bases` names (a
    comparison's), else at their newest."""
    return load_variant(row.text, pinned(bases or {}))


def base_versions(row: PolicyVariant) -> dict[str, int]:
    """The newest versions of the variants `row` is based on, down to its year: name -> version."""
    found: dict[str, int] = {}
    base = row.base
    while not base.isdigit() and base not in found:
        newest = latest(base)
        if newest is None:
            break
        found[base] = newest.version
        base = newest.base
    return found


def variants() -> list[PolicyVariant]:
    """The newest version of every variant, by name."""
    newest = (select(PolicyVariant.name, func.max(PolicyVariant.version).label("version"))
              .group_by(PolicyVariant.name).subquery())
    return list(db.session.scalars(
        select(PolicyVariant).join(newest, and_(PolicyVariant.name == newest.c.name,
                                                PolicyVariant.version == newest.c.version))
        .order_by(PolicyVariant.name)))


def versions(name: str) -> list[PolicyVariant]:
    """Every saved version of a variant, newest first."""
    return list(db.session.scalars(select(PolicyVariant).where(PolicyVariant.name == name)
                                   .order_by(PolicyVariant.version.desc())))


def save_variant(data: Mapping | str, actor: Actor, *, expect_new: bool = False) -> PolicyVariant:
    """Check a variant (its data or YAML text) and save it as a new version of its name; the
    newest version unchanged if the text is the same. VariantError naming the field if the lab
    cannot use it, with nothing saved; `expect_new` refuses a name already taken (a new variant
    is not a silent new version of another manager's)."""
    if isinstance(data, str):
        data = parse(data)
    variant = load_variant(data, resolve)
    text = dump(variant.data)
    previous = latest(variant.name)
    if previous is not None and expect_new:
        raise VariantError("variant", f"er is al een variant met de naam {variant.name!r}")
    if previous is not None and previous.text == text:
        return previous
    row = PolicyVariant(name=variant.name, version=(previous.version + 1) if previous else 1,
                        year=variant.year, base=str(variant.base), title=variant.policy.title,
                        text=text, saved_by=actor.name)
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "policy_variant", row.id, "save",
                 f"versie {previous.version}" if previous else None, f"versie {row.version}",
                 variant.name)
    return row


def request_run(row: PolicyVariant, actor: Actor, *, seed: int = 1, start: date | None = None,
                end: date | None = None) -> LabRun:
    """Ask for a comparison of `row` (one version of a variant) with its year's own policy, over
    the days given (the campaign's by default). CaseError naming the field if the window is
    wrong, with nothing saved."""
    bases = base_versions(row)
    window = Window.checked(load_policy(checked(row, bases).year), start, end)
    run = LabRun(variant_id=row.id, bases=bases, seed=seed, start=window.start, end=window.end,
                 total=2 * window.days, requested_by=actor.name)
    db.session.add(run)
    db.session.flush()
    audit.record(actor, "lab_run", run.id, "request", None, WAITING,
                 f"{row.name} versie {row.version}")
    return run


def runs(limit: int = 50, *, name: str | None = None) -> list[LabRun]:
    """The newest comparisons first (of every version of the variant `name`, where given)."""
    query = select(LabRun).order_by(LabRun.id.desc()).limit(limit)
    if name is not None:
        query = query.join(LabRun.variant).where(PolicyVariant.name == name)
    return list(db.session.scalars(query))


# -- the worker's side ----------------------------------------------------------------------------

def _now() -> datetime:
    return datetime.now(timezone.utc)


def _runnable():
    """A run a worker may take: waiting, or `bezig` without a sign of life for LAB_STALE_SECONDS
    (its worker was killed; a replay starts from a fresh copy, so it is simply run again)."""
    stale = _now() - timedelta(seconds=float(current_app.config["LAB_STALE_SECONDS"]))
    return or_(LabRun.status == WAITING,
               and_(LabRun.status == RUNNING,
                    or_(LabRun.heartbeat_at.is_(None), LabRun.heartbeat_at < stale)))


def claim_next() -> LabRun | None:
    """Take the oldest runnable comparison for this worker (one atomic update per candidate, so
    two workers never both run one), or None."""
    while True:
        candidate = db.session.scalar(select(LabRun.id).where(_runnable())
                                      .order_by(LabRun.id).limit(1))
        if candidate is None:
            db.session.commit()
            return None
        taken = db.session.execute(update(LabRun).where(LabRun.id == candidate, _runnable())
                                   .values(status=RUNNING, heartbeat_at=_now(), done=0, error=None)
                                   .execution_options(synchronize_session=False))
        db.session.commit()
        if taken.rowcount == 1:
            return db.session.get(LabRun, candidate)


def report_progress(run_id: int, done: int) -> None:
    """A running comparison's days replayed, and a sign of life."""
    db.session.execute(update(LabRun).where(LabRun.id == run_id)
                       .values(done=done, heartbeat_at=_now())
                       .execution_options(synchronize_session=False))
    db.session.commit()


def finish(run_id: int, comparison: dict) -> None:
    run = db.session.get(LabRun, run_id)
    run.comparison, run.status, run.done = comparison, DONE, run.total
    run.finished_at = clock.now()
    audit.record(audit.SYSTEM, "lab_run", run.id, "run", RUNNING, DONE,
                 f"{comparison['timing']['replays_s']} s")
    db.session.commit()


def fail(run_id: int, error: str) -> None:
    db.session.rollback()
    run = db.session.get(LabRun, run_id)
    run.status, run.error, run.finished_at = FAILED, error, clock.now()
    audit.record(audit.SYSTEM, "lab_run", run.id, "run", RUNNING, FAILED, error[:200])
    db.session.commit()

