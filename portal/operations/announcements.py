"""Announcements: the "Bekendmaken ..." lines of the planning, made on their dates.

Seed 002 plans, for a contract, that VGZ first makes known who is to get which offer, then makes
it ("Uiterlijk 1 juni 2023 Bekendmaken reeds gecontracteerde, grootste zorgaanbieders VGZ
E-mail", then "Uiterlijk 1 juli 2023 Aanbieden overeenkomst en start onderhandeling VGZ
E-mail"). The policy data says which offers a line announces (`announces`). On its date the
announcement reaches each provider those offers will go to, as the bulk issue will find them
(`batches.plan` of that milestone: one engine, so an announcement and its offer cannot disagree),
in its inbox and by e-mail, once: the message is keyed by year, line, provider and contract.
"""
from __future__ import annotations

from contracts.errors import CaseError
from contracts.policy import load_policy
from contracts.vocabulary import Channel

from .batches import plan
from .messages import _l, link
from .notifications import notify_many

#: How an offer is made, in the seed's words ("bieden wij per e-mail een nieuwe overeenkomst
#: aan", "bieden wij in VECOZO een nieuwe overeenkomst aan").
VIA = {Channel.EMAIL: _l("per e-mail"), Channel.VECOZO: _l("in VECOZO")}
#: Whether the offer is negotiable, in the seed's sentences.
TERMS = {True: _l("Dit contractaanbod is onderhandelbaar."),
         False: _l("Dit contractaanbod is niet onderhandelbaar.")}


def announcements(policy_year: int) -> list:
    """The milestones of a policy that announce offers, in date order."""
    return [m for m in load_policy(policy_year).calendar() if m.announces is not None]


def announce(milestone_id: str, policy_year: int) -> int:
    """Make the announcement of a milestone of `policy_year`: a message to every provider the
    offers it announces will go to; the number of messages new now (a second call sends none).
    CaseError for a milestone that is unknown or announces nothing."""
    policy = load_policy(policy_year)
    milestone = policy.milestones.get(milestone_id)
    if milestone is None or milestone.announces is None:
        raise CaseError("milestone", f"{milestone_id!r} announces nothing",
                        [m.id for m in announcements(policy_year)])
    offered = policy.milestones[milestone.announces]
    agreed = policy.milestones.get(offered.agreement_by) if offered.agreement_by else None
    rows = []
    for provider, contract, decision in plan(offered.id, policy_year).offers:
        negotiable = bool(decision.negotiable)
        rows.append(dict(
            provider_id=provider.id, kind="bericht", template="announcement",
            key=f"bekendmaking:{policy_year}:{milestone.id}:{provider.id}:{contract}",
            params={"group": milestone.group, "contract": contract, "year": policy_year,
                    "offer_by": offered.date, "via": VIA.get(offered.via, VIA[Channel.VECOZO]),
                    "terms": TERMS[negotiable],
                    "agreement_by": agreed.date if agreed is not None and negotiable else None},
            link=link("provider.offers")))
    return notify_many(rows)
