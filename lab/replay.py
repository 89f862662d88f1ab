"""One replay of a campaign on a copy of the register, in a process of its own.

`prepare` copies the register from the live database into a new SQLite file: the providers,
their profile scores and the agreements they held on the first day of the replay (agreements
that begin later were concluded in a campaign the replay makes again). Nothing else: no offers,
messages, users or audit. Both replays then start from a copy of that file. The live database is
only read, in one read-only pass.

`replay` puts the policy in its year's place (contracts.policy.use_policy), writes down what the
policy decides for every provider and contract on the first day (the census: route, exclusion,
rule and reasons), lets the scheduler work every day up to the last as `portal simulate` does
(simulated answers drawn per provider, contract and year with the seed, so the same provider
answers alike in both replays; no mail), and reads the outcome: the offers and their answers,
the insurer's work per day and each pharmacy's profile group. Its result is plain JSON data;
contracts.lab compares two of them.
"""
from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, insert, select

from contracts.policy import Policy, use_policy
from contracts.vocabulary import Contract

#: The register a replay starts from: copied in this order (parents first).
REGISTER_TABLES = ("providers", "profile_scores", "contracts_held")
ROWS_PER_INSERT = 1000


@dataclass(frozen=True)
class Job:
    """What one replay process does."""

    label: str               # "base" or "variant"
    database: str            # the SQLite file of its copy
    policy: Policy           # the policy put in its year's place
    start: date
    end: date
    seed: int


def _app(database: str):
    from portal import create_app

    os.environ.pop("REMINDER_OFFSETS", None)  # the policy's reminders, not the operator's
    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
                       "SECRET_KEY": secrets.token_hex(32), "MAIL_BACKEND": "outbox",
                       "REMINDER_OFFSETS": None})


def prepare(source_url: str, database: str, start: date) -> dict:
    """Copy the register of `source_url` as it stood on `start` into a new, migrated SQLite
    file; the rows copied per table and the applications received per day from `start` on
    (a workload the policy does not change: both replays show it)."""
    from flask_migrate import upgrade

    from portal.database import make_engine
    from portal.extensions import db
    from portal.models import Application
    from portal.operations import clock
    from portal.operations.audit import Actor

    logging.getLogger("alembic").setLevel(logging.WARNING)
    app = _app(database)
    source = make_engine(source_url)
    copied, applications = {}, {}
    with app.app_context():
        logging.disable(logging.INFO)  # the migrations' own lines: not the lab's news
        try:
            upgrade()
        finally:
            logging.disable(logging.NOTSET)
        tables = db.metadata.tables
        with source.connect() as read, db.engine.begin() as write:
            for name in REGISTER_TABLES:
                table = tables[name]
                query = select(table).order_by(table.c.id)
                if name == "contracts_held":
                    query = query.where(table.c.start <= start)
                rows = [dict(row) for row in read.execute(query).mappings()]
                for at in range(0, len(rows), ROWS_PER_INSERT):
                    write.execute(insert(table), rows[at:at + ROWS_PER_INSERT])
                copied[name] = len(rows)
            received = read.execute(
                select(Application.received_on, func.count())
                .where(Application.received_on >= start).group_by(Application.received_on))
            applications = {day.isoformat(): count for day, count in received}
        clock.set_today(start, Actor("beleidslab", "system"), "kopie van het register")
        db.session.commit()
    source.dispose()
    return {"copied": copied, "applications": applications}


def replay(job: Job, progress=None) -> dict:
    """Replay the campaign on the job's copy under the job's policy; the outcome as JSON data.
    `progress(label, day)` is called after each day."""
    from portal.extensions import db
    from portal.operations.audit import Actor
    from scheduler.jobs import simulate_days
    from scheduler.simulation import AnswerModel

    use_policy(job.policy)
    app = _app(job.database)
    with app.app_context():
        census = _census(job.policy)
        days = [job.start + timedelta(days=n) for n in range((job.end - job.start).days + 1)]

        def counted(days):
            for day in days:
                yield day
                if progress is not None:
                    progress(job.label, day)

        model = AnswerModel(seed=job.seed, by_provider=True)
        summary = simulate_days(counted(days), model, Actor("beleidslab", "system"),
                                by="lab", mail=False)
        result = {"label": job.label, "policy": _policy_json(job.policy),
                  "start": job.start.isoformat(), "end": job.end.isoformat(), "seed": job.seed,
                  "census": census, "offers": _offers(), "work": _work(),
                  "groups": _groups(job.policy.year), "contracted": _contracted(job.policy.year),
                  "summary": summary.as_json()}
        db.session.remove()
    return result


def _policy_json(policy: Policy) -> dict:
    return {"year": policy.year, "calendar_year": policy.calendar_year, "title": policy.title,
            "variant": policy.variant,
            "tariffs": {g["id"]: g["tariff_per_line_eur"] for g in (policy.profile or {}).get("groups", ())},
            "group_labels": {g["id"]: g["label"] for g in (policy.profile or {}).get("groups", ())}}


def _census(policy: Policy) -> list[dict]:
    """What the policy decides for every provider and contract the policy speaks of, on the
    replay's first day: the cells with a rule, or an exclusion."""
    from portal.operations.batches import decisions

    rows = []
    for provider, contract, decision in decisions(policy):
        if decision.rule is None and decision.exclusion is None:
            continue
        rows.append({"agb": provider.agb, "name": provider.name,
                     "provider_type": provider.provider_type, "contract": contract,
                     "route": str(decision.route),
                     "exclusion": str(decision.exclusion) if decision.exclusion else None,
                     "rule": decision.rule, "negotiable": decision.negotiable,
                     "deadline": decision.deadline.isoformat() if decision.deadline else None,
                     "reasons": list(decision.reasons)})
    return rows


def _offers() -> list[dict]:
    from portal.extensions import db
    from portal.models import NegotiationRound, Offer, Provider
    from portal.models.documents import day_of

    rounds = dict(db.session.execute(select(NegotiationRound.offer_id, func.count())
                                     .group_by(NegotiationRound.offer_id)).all())
    rows = db.session.execute(
        select(Offer.id, Provider.agb, Provider.provider_type, Offer.contract, Offer.policy_year,
               Offer.rule, Offer.negotiable, Offer.status, Offer.issued_at, Offer.answered_at,
               Offer.deadline)
        .join(Provider, Provider.id == Offer.provider_id).order_by(Provider.agb, Offer.contract))
    return [{"agb": agb, "provider_type": provider_type, "contract": contract,
             "policy_year": year, "rule": rule, "negotiable": negotiable, "status": status,
             "issued": day_of(issued).isoformat() if issued else None,
             "answered": day_of(answered).isoformat() if answered else None,
             "deadline": deadline.isoformat() if deadline else None,
             "rounds": rounds.get(offer_id, 0)}
            for offer_id, agb, provider_type, contract, year, rule, negotiable, status, issued,
            answered, deadline in rows]


def _work() -> dict[str, dict[str, int]]:
    """The insurer's work per day: offers issued, reminders, escalations, negotiation rounds
    (counted on the simulated day they happened)."""
    from portal.extensions import db
    from portal.models import NegotiationRound, Notification, Offer
    from portal.models.documents import day_of

    work: dict[str, dict[str, int]] = {}

    def count(kind, stamps):
        for stamp in stamps:
            day = day_of(stamp).isoformat()
            work.setdefault(kind, {})[day] = work.get(kind, {}).get(day, 0) + 1

    count("offers_issued", db.session.scalars(select(Offer.issued_at)
                                              .where(Offer.issued_at.is_not(None))))
    count("reminders", db.session.scalars(select(Notification.created_at)
                                          .where(Notification.kind == "herinnering")))
    count("escalations", db.session.scalars(select(Notification.created_at)
                                            .where(Notification.kind == "escalatie")))
    count("negotiation_rounds", db.session.scalars(select(NegotiationRound.created_at)))
    return work


def _groups(year: int) -> dict[str, str]:
    """Each pharmacy's profile group in the policy year, under the replay's policy."""
    from portal.extensions import db
    from portal.models import Provider
    from portal.operations.providers import profile_group, profile_history

    history = profile_history(year)
    found = {}
    for provider in db.session.scalars(select(Provider).order_by(Provider.agb)):
        group = profile_group(provider, year, history)
        if group is not None:
            found[provider.agb] = group
    return found


def _contracted(year: int) -> list[str]:
    """The AGB codes holding an Overeenkomst Farmaceutische zorg on 1 January of the contract
    year, after the replay (an accepted offer is an agreement)."""
    from portal.extensions import db
    from portal.models import ContractHeld, Provider

    first = date(year, 1, 1)
    return sorted(db.session.scalars(
        select(Provider.agb).join(ContractHeld, ContractHeld.provider_id == Provider.id)
        .where(ContractHeld.contract == str(Contract.FARMACEUTISCHE_ZORG),
               ContractHeld.start <= first, ContractHeld.end >= first).distinct()))
