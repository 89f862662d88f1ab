"""What the policy engine needs to know of a registered provider, read from the register."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from contracts.cases import Case
from contracts.exclusion import ProfileFacts
from contracts.newproviders import classify_relation
from contracts.policy import load_policy
from contracts.profile import load_profile_model
from contracts.vocabulary import Contract, ImprovementAgreements, ProviderType

from ..extensions import db
from ..models import DataStamp, ProfileScore, Provider
from ..models.stamps import PROFILE_SCORES


def relation_to(provider: Provider, contract: str, policy_year: int):
    """The provider's relation to a contract (for an addendum: to the Overeenkomst
    Farmaceutische zorg it adds to), from the agreements it holds.

    Only agreements that began before the contract year count: one accepted in this year's
    campaign (from 1 January of the contract year, `agreements.record_agreements`) is the
    outcome of the relation, not its ground, and does not make an `aflopend` provider
    `doorlopend` for the same year."""
    policy = load_policy(policy_year)
    basis = contract
    if contract in ("module_zorgprestaties", "spoedzorg", "aanvullende_afspraken"):
        basis = Contract.FARMACEUTISCHE_ZORG.value
    held = [c for c in provider.contracts if c.contract == basis
            and c.start < policy.agreement_start(basis)
            and c.end >= date(policy.calendar_year, 1, 1)]
    if not held:
        return classify_relation(policy, has_contract=False)
    return classify_relation(policy, has_contract=True, agreement_end=max(c.end for c in held))


#: The latest profile history per database and policy year, with the model and the scores' stamp
#: it was scored at: scoring every pharmacy's years takes a while, and the scheduler's batches,
#: one after the other, read the same scores. Any changed score changes the stamp and scores them
#: again. Per database: a process that reads two (bench/scale.py's sizes in turn, a replay on a
#: copy of the register) keeps each one's.
_scored: dict[tuple[str, int], tuple] = {}
#: The facts read from the latest history passed to profile_facts, by (AGB, agreements).
_facts: tuple = (None, {})


#: The profile scores' stamp, which the database changes with every change of them.
PROFILE_STAMP = select(DataStamp.stamp).where(DataStamp.name == PROFILE_SCORES)


def profile_history(policy_year: int):
    """Every pharmacy's profile over the years on record up to the campaign's calendar year
    (groups and trends need them all): the campaign for 2024, run in 2023, knows the profiles
    up to 2023, and a register loaded for an earlier campaign may hold the later years' scores
    already (the demo's does) without the earlier campaign reading them.

    Scored once and kept until the scores' stamp changes (portal/models/stamps.py): a page
    that shows one pharmacy's group reads one row, not every score."""
    model = load_profile_model(policy_year)
    stamp = db.session.scalar(PROFILE_STAMP)
    key = (str(db.session.get_bind().engine.url), policy_year)
    scored = _scored.get(key)
    if scored is not None and scored[0] is model and stamp is not None and scored[1] == stamp:
        return scored[2]
    known = load_policy(policy_year).calendar_year
    raw: dict[int, dict[str, dict]] = {}
    # plain rows, not ORM objects: this reads every pharmacy's every year at once
    for year, agb, kwaliteit, klantbeleving, kosten in db.session.execute(
            select(ProfileScore.year, Provider.agb, ProfileScore.kwaliteit,
                   ProfileScore.klantbeleving, ProfileScore.kosten).join(Provider)
            .where(ProfileScore.year <= known)):
        raw.setdefault(year, {})[agb] = {"kwaliteit": kwaliteit, "klantbeleving": klantbeleving,
                                         "kosten": kosten}
    history = model.score_years(raw)
    _scored[key] = (model, stamp, history)
    return history


def profile_facts(provider: Provider, policy_year: int, history=None) -> ProfileFacts | None:
    """The provider's profile facts for the exclusion grounds (pass `history` in bulk work: it
    holds every score on record, so the provider's own need not be read, and the facts read from
    it are kept with it)."""
    global _facts
    model = load_profile_model(policy_year)
    if not model.applies_to(ProviderType(provider.provider_type)):
        return None
    if history is None:
        if not provider.scores:
            return None
        history = profile_history(policy_year)
    if not history.of(provider.agb):  # no scores on record (up to the calendar year)
        return None
    read = _facts
    if read[0] is not history:
        read = _facts = (history, {})
    key = (provider.agb, provider.improvement_agreements)
    if key not in read[1]:
        read[1][key] = history.facts(provider.agb,
                                     ImprovementAgreements(provider.improvement_agreements))
    return read[1][key]


def case_for(provider: Provider, contract: str, policy_year: int,
             facts: ProfileFacts | None = None) -> Case:
    """The engine's case for this provider and contract."""
    relation, _reason = relation_to(provider, contract, policy_year)
    return Case(policy_year=policy_year, provider_type=ProviderType(provider.provider_type),
                contract=Contract(contract), relation=relation, size_rank=provider.size_rank,
                agb_start=provider.agb_start, riz_contra_indication=provider.riz_contra_indication,
                profile=facts, contracts_held=frozenset(Contract(c.contract) for c in provider.contracts),
                represented_by_collective=bool(provider.collective))


def profile_group(provider: Provider, policy_year: int, history=None) -> str | None:
    """The group of the pharmacy's latest profile year, as its profile page shows it (the
    group sets the tariffs its documents state); None without a profile on record."""
    if not load_profile_model(policy_year).applies_to(ProviderType(provider.provider_type)):
        return None
    if history is None:
        if not provider.scores:
            return None
        history = profile_history(policy_year)
    years = history.of(provider.agb)
    return years[max(years)].group if years else None


def facts_for_document(provider: Provider, policy_year: int, relation: str,
                       today: date | None = None, history=None) -> dict:
    """The offer facts a contract document is rendered from, created on the simulated `today`
    (read from the clock unless bulk work passes it, with the profile history)."""
    from . import clock
    return {"policy_year": policy_year, "relation": relation, "size_rank": provider.size_rank,
            "profile_group": profile_group(provider, policy_year, history),
            "created": (today or clock.today()).isoformat(),
            "provider": {"name": provider.name, "agb": provider.agb, "kvk": provider.kvk or None,
                         "address": provider.address, "postcode": provider.postcode,
                         "city": provider.city, "provider_type": provider.provider_type,
                         "contact_email": provider.contact_email,
                         "collective": provider.collective}}
