"""Bulk issue per calendar milestone: the engine proposes, a manager requests, a worker runs.

The request only records a batch; a worker (`portal worker`, or the scheduler's scan) runs the
waiting batches (`run_waiting`) outside any web request, committing its progress as it goes, so
any web worker can show it. A batch has a unique key per policy year and milestone, and issuing
an offer twice returns the first, so running a batch again issues nothing twice.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterable, Iterator

from flask import current_app
from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import selectinload

from contracts.engine import Decision, decide
from contracts.errors import CaseError
from contracts.policy import Policy, load_policy
from contracts.vocabulary import Contract, Route

from ..extensions import db
from ..models import IssueBatch, Offer, Provider
from ..models.tallies import fold as fold_tallies
from . import audit, clock
from .audit import SYSTEM, Actor
from .offers import issue_offers
from .providers import case_for, profile_facts, profile_history

log = logging.getLogger(__name__)


@dataclass
class Plan:
    """What a milestone's bulk issue would do: offers to make, exclusions, offers already made."""

    milestone: str
    offers: list[tuple[Provider, str, Decision]] = field(default_factory=list)
    excluded: list[tuple[Provider, str, Decision]] = field(default_factory=list)
    existing: int = 0
    history: object = None  # the profile history the plan was made with, for issuing it


def plan(milestone_id: str, policy_year: int) -> Plan:
    """The providers and offers the policy of `policy_year` selects for a milestone."""
    policy = load_policy(policy_year)
    if milestone_id not in policy.milestones:
        raise CaseError("milestone", f"unknown milestone {milestone_id!r}", sorted(policy.milestones))
    rules = [r for r in policy.rules.values() if r.milestone == milestone_id and r.route is Route.AANBOD]
    result = Plan(milestone_id)
    if not rules:
        return result
    types = sorted({str(t) for r in rules for t in r.provider_types})
    contracts = sorted({str(r.contract) for r in rules})
    rule_ids = {r.id for r in rules}
    issued = {tuple(row) for row in db.session.execute(
        select(Offer.provider_id, Offer.contract)
        .where(Offer.policy_year == policy_year, Offer.contract.in_(contracts)))}
    history = result.history = profile_history(policy_year)
    for provider, contract, decision in decisions(policy, types=types, contracts=contracts,
                                                  history=history):
        if decision.rule not in rule_ids:
            continue
        if (provider.id, contract) in issued:
            result.existing += 1
        elif decision.exclusion:
            result.excluded.append((provider, contract, decision))
        elif decision.route is Route.AANBOD:
            result.offers.append((provider, contract, decision))
    return result


def decisions(policy: Policy, *, types: Iterable[str] | None = None,
              contracts: Iterable[str] | None = None,
              history=None) -> Iterator[tuple[Provider, str, Decision]]:
    """What `policy` decides for every provider (by AGB code) and contract: (provider, contract,
    decision). The bulk issue plans with it and the policy lab takes its census with it.

    `types` limits the providers to those provider types, `contracts` the contracts (all, in
    the vocabulary's order, by default); `history` is the profile history of the policy's year
    (read here if not given). A cell the engine cannot decide yet (a size rank the register
    does not give) is left out: the register must say it first.
    """
    contracts = [str(c) for c in (Contract if contracts is None else contracts)]
    if history is None:
        history = profile_history(policy.year)
    query = select(Provider).options(selectinload(Provider.contracts)).order_by(Provider.agb)
    if types is not None:
        query = query.where(Provider.provider_type.in_(list(types)))
    for provider in db.session.scalars(query):
        facts = profile_facts(provider, policy.year, history)
        for contract in contracts:
            try:
                decision = decide(case_for(provider, contract, policy.year, facts), policy)
            except CaseError:
                continue
            yield provider, contract, decision


def request_batch(milestone_id: str, actor: Actor, policy_year: int) -> IssueBatch:
    """Record a bulk issue of a milestone of `policy_year` for a worker to run; asking twice gives
    the same batch."""
    if milestone_id not in load_policy(policy_year).milestones:
        raise CaseError("milestone", f"unknown milestone {milestone_id!r}",
                        sorted(load_policy(policy_year).milestones))
    key = f"{policy_year}:{milestone_id}"
    batch = db.session.scalar(select(IssueBatch).where(IssueBatch.key == key))
    if batch is None:
        batch = IssueBatch(key=key, policy_year=policy_year, milestone=milestone_id,
                           requested_by=actor.name)
        db.session.add(batch)
        db.session.flush()
        audit.record(actor, "batch", batch.id, "request", None, "wachtend", key)
    elif batch.status in ("klaar", "mislukt"):
        batch.status, batch.error = "wachtend", None  # run again: issues what is missing only
        audit.record(actor, "batch", batch.id, "request", "klaar", "wachtend", key)
    db.session.flush()
    return batch


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _runnable():
    """A batch a worker may take: waiting, or `bezig` without a sign of life from its worker for
    BATCH_STALE_SECONDS (the worker was killed; running it again issues what is missing only)."""
    stale = _now() - timedelta(seconds=float(current_app.config.get("BATCH_STALE_SECONDS", 300)))
    return or_(IssueBatch.status == "wachtend",
               and_(IssueBatch.status == "bezig",
                    or_(IssueBatch.heartbeat_at.is_(None), IssueBatch.heartbeat_at < stale)))


def claim(batch_id: int) -> bool:
    """Take a runnable batch for this worker: one atomic update, so two workers never both run it."""
    claimed = db.session.execute(update(IssueBatch).where(IssueBatch.id == batch_id, _runnable())
                                 .values(status="bezig", heartbeat_at=_now())
                                 .execution_options(synchronize_session=False))
    db.session.commit()
    return claimed.rowcount == 1


def run_batch(batch_id: int, *, commit_every: int = 200) -> IssueBatch:
    """Issue every offer of the batch's plan, committing progress as it goes.

    The batch is claimed first; a batch another worker claimed is left alone. Any failure,
    planning included, marks the batch `mislukt` with the error. The offers are issued a chunk
    at a time (issue_offers), each chunk committed with the batch's progress.
    """
    if not claim(batch_id):
        return db.session.get(IssueBatch, batch_id)
    batch = db.session.get(IssueBatch, batch_id)
    try:
        todo = plan(batch.milestone, batch.policy_year)
        batch.total, batch.done = len(todo.offers) + todo.existing, todo.existing
        batch.excluded = len(todo.excluded)
        key, policy_year = batch.key, batch.policy_year
        # read before the commit expires them (reading an expired provider reads it again)
        provider_ids = [provider.id for provider, _contract, _decision in todo.offers]
        db.session.commit()
        for start in range(0, len(todo.offers), commit_every):
            chunk = todo.offers[start:start + commit_every]
            _reload(provider_ids[start:start + commit_every])
            issue_offers([(provider, contract) for provider, contract, _decision in chunk],
                         policy_year, SYSTEM, batch=key, history=todo.history)
            batch.done = todo.existing + start + len(chunk)
            batch.heartbeat_at = _now()
            db.session.commit()
        batch.done = batch.total
        batch.status, batch.finished_at = "klaar", clock.now()
        fold_tallies(db.session.connection())  # the batch's changes of the offer counts summed
        audit.record(SYSTEM, "batch", batch.id, "run", "bezig", "klaar",
                     f"{len(todo.offers)} issued, {len(todo.excluded)} excluded")
        db.session.commit()
    except Exception as error:
        db.session.rollback()
        batch = db.session.get(IssueBatch, batch_id)
        batch.status, batch.error = "mislukt", f"{type(error).__name__}: {error}"
        db.session.commit()
        log.exception("batch %s failed", batch_id)
        raise
    return batch


def _reload(provider_ids: list[int]) -> None:
    """Read a chunk's providers, with the agreements they hold, in two queries: the previous
    commit expired them, and one by one they would be read back a row at a time."""
    db.session.scalars(select(Provider).where(Provider.id.in_(provider_ids))
                       .options(selectinload(Provider.contracts))).all()


def next_waiting() -> IssueBatch | None:
    """The oldest batch a worker may take (waiting, or abandoned by a worker that died)."""
    return db.session.scalar(select(IssueBatch).where(_runnable()).order_by(IssueBatch.id).limit(1))


def run_waiting(echo: Callable[[str], None] = log.info) -> tuple[int, int]:
    """Run every waiting batch, oldest first, until none waits: (batches run, batches failed).
    The worker's loop and the scheduler's scan both run batches through it; `echo` gets a line
    per batch.

    A failed batch is marked `mislukt` by run_batch and left for a manager to request again; the
    next one is run all the same.
    """
    ran = failed = 0
    tried: set[int] = set()
    while (batch := next_waiting()) is not None:
        batch_id, key = batch.id, batch.key
        if batch_id in tried:  # it failed before it could be marked: leave it for the next look
            break
        tried.add(batch_id)
        try:
            done = run_batch(batch_id)
        except Exception as error:  # run_batch has recorded it on the batch; keep serving
            db.session.rollback()
            failed += 1
            log.exception("batch %s (%s) failed", batch_id, key)
            echo(f"batch {batch_id} {key}: mislukt: {type(error).__name__}: {error}")
        else:
            ran += 1
            echo(f"batch {batch_id} {key}: {done.status}, {done.done}/{done.total} "
                   f"({done.excluded} uitgesloten)")
        finally:
            db.session.expire_all()  # read the next batch, and its offers, fresh
    return ran, failed
