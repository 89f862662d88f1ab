"""`portal demo load`: the synthetic register, its profiles, contracts and accounts."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from werkzeug.security import check_password_hash

from contracts.engine import decide
from contracts.exclusion import ground_applies
from contracts.policy import load_policy
from contracts.profile import load_profile_model
from contracts.vocabulary import Exclusion, ImprovementAgreements, ProviderType, Relation
from demo import (CITIES, COLLECTIVES, DEMO_ACCOUNTS, DEMO_PASSWORD, GP_COLLECTIVE,
                  NATIONAL_COLLECTIVE, PROGRESS_TOTAL, VILLAGES, DemoDataExists, load_demo,
                  type_counts)
from portal.models import (AuditEntry, ContractHeld, Notification, Offer, ProfileScore, Provider,
                           SimulationClock, User)

SIZE = 300  # small enough to load in a fraction of a second, large enough for the exclusion
T = ProviderType
PHARMACY_TYPES = {T.OPENBARE_APOTHEEK, T.POLIKLINISCHE_APOTHEEK, T.INTERNETAPOTHEEK,
                  T.INTERNETAPOTHEEK_VOORKEUR, T.ZUIVERE_DIENSTAPOTHEEK, T.HYBRIDE_DIENSTAPOTHEEK,
                  T.UNIEKE_LEVERANCIER}


def register(session) -> list[tuple]:
    """Everything that identifies the loaded register, in a stable order."""
    providers = session.execute(select(Provider.agb, Provider.name, Provider.provider_type,
                                       Provider.city, Provider.postcode, Provider.size_rank,
                                       Provider.improvement_agreements)
                                .order_by(Provider.agb)).all()
    scores = session.execute(select(Provider.agb, ProfileScore.year, ProfileScore.kwaliteit,
                                    ProfileScore.klantbeleving, ProfileScore.kosten)
                             .join(Provider).order_by(Provider.agb, ProfileScore.year)).all()
    contracts = session.execute(select(Provider.agb, ContractHeld.contract, ContractHeld.start,
                                       ContractHeld.end).join(Provider)
                                .order_by(Provider.agb, ContractHeld.contract)).all()
    return [tuple(r) for r in providers + scores + contracts]


def providers_by_agb(session) -> dict[str, Provider]:
    return {p.agb: p for p in session.scalars(select(Provider))}


def test_the_same_seed_gives_the_same_register_and_another_seed_another(session):
    load_demo(seed=11, providers=SIZE)
    first = register(session)
    load_demo(seed=11, providers=SIZE, reset=True)
    assert register(session) == first
    load_demo(seed=12, providers=SIZE, reset=True)
    other = register(session)
    assert len(other) > SIZE and other != first
    generated = {r[0] for r in first if len(r) == 7} - {a for _e, _r, a in DEMO_ACCOUNTS}
    assert generated - {r[0] for r in other if len(r) == 7}, "another seed, other AGB codes"


def test_types_in_realistic_proportions_with_exactly_two_preferred_internet_pharmacies(session):
    summary = load_demo(providers=SIZE)
    providers = list(providers_by_agb(session).values())
    counts = Counter(p.provider_type for p in providers)
    assert len(providers) == summary.providers == SIZE
    assert counts == Counter({k: v for k, v in summary.by_type.items() if v})
    assert counts[T.INTERNETAPOTHEEK_VOORKEUR] == 2
    assert 0.75 <= counts[T.OPENBARE_APOTHEEK] / SIZE <= 0.87
    assert 0.06 <= counts[T.APOTHEEKHOUDENDE_HUISARTS] / SIZE <= 0.10
    assert set(counts) == {t.value for t in ProviderType}, "every type is present"
    assert 4 <= counts[T.FACILITAIR_BEDRIJF] <= 12 and 1 <= counts[T.UNIEKE_LEVERANCIER] <= 8

    big = type_counts(2500)  # the default size, planned as load_demo plans it
    assert sum(big.values()) == 2500 and big[T.INTERNETAPOTHEEK_VOORKEUR] == 2
    assert big[T.UNIEKE_LEVERANCIER] == 8 and big[T.FACILITAIR_BEDRIJF] == 12
    assert big[T.ZUIVERE_DIENSTAPOTHEEK] == 38 and big[T.HYBRIDE_DIENSTAPOTHEEK] == 50
    assert 0.80 <= big[T.OPENBARE_APOTHEEK] / 2500 <= 0.86


def test_identifiers_addresses_and_register_fields_are_well_formed(session):
    load_demo(providers=SIZE)
    providers = list(providers_by_agb(session).values())
    agbs = [p.agb for p in providers]
    assert len(set(agbs)) == len(agbs) and all(re.fullmatch(r"\d{8}", a) for a in agbs)
    assert all(p.agb.startswith("06") for p in providers if p.provider_type in PHARMACY_TYPES)
    kvks = [p.kvk for p in providers]
    assert len(set(kvks)) == len(kvks) and all(re.fullmatch(r"\d{8}", k) for k in kvks)
    assert len({p.name for p in providers}) == len(providers), "names are told apart"
    provinces = {c[0]: c[1] for c in CITIES} | {v[0]: v[1] for v in VILLAGES}
    for p in providers:
        assert provinces[p.city] == p.region, p
        assert re.fullmatch(r"[1-9]\d{3} [A-Z]{2}", p.postcode) and p.postcode[-2:] not in ("SA", "SD", "SS")
        assert re.fullmatch(r".+ \d+[a-c]?", p.address), p.address
        assert re.fullmatch(r"info@[a-z0-9-]+\.example", p.contact_email), p.contact_email
    gps = [p for p in providers if p.provider_type == T.APOTHEEKHOUDENDE_HUISARTS]
    assert all(p.city in {v[0] for v in VILLAGES} for p in gps), "dispensing GPs practise in villages"
    assert any(n.startswith("Apotheekhoudende praktijk Dr. ") for n in (p.name for p in gps))

    in_collective = [p for p in providers if p.collective and p.provider_type in PHARMACY_TYPES]
    pharmacies = [p for p in providers if p.provider_type in PHARMACY_TYPES]
    assert 0.18 <= len(in_collective) / len(pharmacies) <= 0.40
    regional = {p.collective for p in in_collective} - {NATIONAL_COLLECTIVE, GP_COLLECTIVE}
    assert regional and regional <= set(COLLECTIVES.values())
    assert all(COLLECTIVES[p.region] == p.collective for p in in_collective
               if p.collective in regional), "regional collectives by province"
    riz = [p for p in providers if p.riz_contra_indication]
    assert 1 <= len(riz) <= 3
    agreements = Counter(p.improvement_agreements for p in providers)
    assert set(agreements) <= {a.value for a in ImprovementAgreements}
    assert agreements["geen"] > 0.85 * SIZE and agreements["niet_nagekomen"] + agreements["geweigerd"] >= 1
    assert sum(p.agb_start < date(2022, 1, 1) for p in providers) > 0.95 * SIZE, "most AGB codes are old"


def test_size_ranks_facility_companies_apart_and_all_others_together(session):
    load_demo(providers=SIZE)
    providers = list(providers_by_agb(session).values())
    facility = [p for p in providers if p.provider_type == T.FACILITAIR_BEDRIJF]
    others = [p for p in providers if p.provider_type != T.FACILITAIR_BEDRIJF]
    assert sorted(p.size_rank for p in facility) == list(range(1, len(facility) + 1))
    assert sorted(p.size_rank for p in others) == list(range(1, len(others) + 1))
    starters = [p for p in facility if p.agb_start >= date(2024, 1, 1)]
    assert len(starters) == 2 and not any(p.contracts for p in starters)
    assert {p.size_rank for p in starters} == {len(facility) - 1, len(facility)}, "no claims yet"


def test_every_provider_with_a_profile_has_three_years_of_scores(session):
    summary = load_demo(providers=SIZE)
    model = load_profile_model(2024)
    years: dict[int, list[int]] = {}
    for provider_id, year in session.execute(select(ProfileScore.provider_id, ProfileScore.year)):
        years.setdefault(provider_id, []).append(year)
    profiled = 0
    for p in providers_by_agb(session).values():
        if model.applies_to(ProviderType(p.provider_type)):
            profiled += 1
            assert sorted(years[p.id]) == [2021, 2022, 2023], p.agb
        else:
            assert p.id not in years, p.agb
    assert summary.profile_scores == 3 * profiled > 0
    lowest, highest = session.execute(select(func.min(ProfileScore.kwaliteit),
                                             func.max(ProfileScore.kwaliteit))).one()
    assert 0 <= lowest < 50 < highest <= 100


def _excluded_through_the_profile_model(session) -> set[str]:
    model = load_profile_model(2024)
    ground = load_policy(2024).exclusion_grounds["bijlage2_fz"]
    raw: dict[int, dict[str, dict]] = {}
    for score, agb in session.execute(select(ProfileScore, Provider.agb).join(Provider)):
        raw.setdefault(score.year, {})[agb] = score.raw()
    history = model.score_years(raw)
    excluded = set()
    for p in providers_by_agb(session).values():
        if p.provider_type in ground.provider_types:
            facts = history.facts(p.agb, ImprovementAgreements(p.improvement_agreements))
            if ground_applies(ground, facts, 2024)[0]:
                excluded.add(p.agb)
    return excluded


@pytest.mark.parametrize("seed", [20230501, 3])
def test_bijlage2_excludes_a_handful_through_the_profile_model(session, seed):
    summary = load_demo(seed=seed, providers=SIZE)
    excluded = _excluded_through_the_profile_model(session)
    assert excluded == set(summary.excluded)
    assert 1 <= len(excluded) <= 0.02 * SIZE
    providers = providers_by_agb(session)
    for agb in excluded:
        p = providers[agb]
        assert p.improvement_agreements in ("niet_nagekomen", "geweigerd")
        assert sorted(s.year for s in p.scores) == [2021, 2022, 2023]

    # and the portal's own path (register -> profile facts -> engine) reaches the same verdict
    from portal.operations.providers import case_for, profile_facts, relation_to
    ending = [providers[a] for a in excluded
              if relation_to(providers[a], "farmaceutische_zorg", 2024)[0] is Relation.AFLOPEND]
    assert ending, "the sinking pharmacies' agreement ends this year"
    for p in ending:
        decision = decide(case_for(p, "farmaceutische_zorg", 2024, profile_facts(p, 2024)))
        assert decision.exclusion is Exclusion.UITSLUITINGSGROND, decision.reasons
    kept = next(p for p in providers.values() if p.agb not in excluded
                and p.provider_type == T.OPENBARE_APOTHEEK and not p.riz_contra_indication
                and relation_to(p, "farmaceutische_zorg", 2024)[0] is Relation.AFLOPEND)
    assert decide(case_for(kept, "farmaceutische_zorg", 2024, profile_facts(kept, 2024))).route == "aanbod"


def test_contracts_held_follow_the_types(session):
    load_demo(providers=SIZE)
    from portal.operations.providers import relation_to
    providers = list(providers_by_agb(session).values())
    fz_ends = Counter()
    for p in providers:
        held = {c.contract: c for c in p.contracts}
        fz = held.get("farmaceutische_zorg")
        if fz:
            assert (fz.start, fz.end) in {(date(2022, 1, 1), date(2023, 12, 31)),
                                          (date(2023, 1, 1), date(2023, 12, 31)),
                                          (date(2023, 1, 1), date(2024, 12, 31))}
            fz_ends[fz.end.year] += 1
        if p.provider_type == T.FACILITAIR_BEDRIJF:
            assert set(held) <= {"dieetpreparaten"}
            assert bool(held) == (p.agb_start < date(2024, 1, 1))
        elif p.provider_type in (T.INTERNETAPOTHEEK_VOORKEUR, T.UNIEKE_LEVERANCIER):
            assert fz, p.name
        if p.provider_type in (T.ZUIVERE_DIENSTAPOTHEEK, T.HYBRIDE_DIENSTAPOTHEEK) and fz:
            assert "spoedzorg" in held
    assert 0.45 <= fz_ends[2023] / sum(fz_ends.values()) <= 0.68, fz_ends
    regular = [p for p in providers if p.provider_type in
               (T.OPENBARE_APOTHEEK, T.APOTHEEKHOUDENDE_HUISARTS, T.POLIKLINISCHE_APOTHEEK)]
    new = [p for p in regular if not p.contracts]
    assert 1 <= len(new) <= 0.06 * len(regular)
    assert all(relation_to(p, "farmaceutische_zorg", 2024)[0] is Relation.NIEUW for p in new)
    side = Counter(c.contract for p in regular for c in p.contracts)
    assert 0.3 * len(regular) <= side["dieetpreparaten"] <= 0.8 * len(regular)
    assert 0.2 * len(regular) <= side["stoppen_met_roken"] <= 0.6 * len(regular)
    assert session.scalars(select(SimulationClock.today)).all() == [date(2023, 5, 1)]


def test_demo_accounts_log_in_with_their_role_and_organisation(session):
    summary = load_demo(providers=SIZE)
    users = {u.email: u for u in session.scalars(select(User))}
    assert set(users) == {email for email, _role, _agb in DEMO_ACCOUNTS} and len(users) == 13
    for email, role, agb in DEMO_ACCOUNTS:
        user = users[email]
        assert user.role == role and user.active and user.name
        assert (user.provider.agb if user.provider else None) == agb
    # one password, hashed once (a strong hash is slow): every stored hash accepts it
    hashes = {u.password_hash for u in users.values()}
    assert all(check_password_hash(h, DEMO_PASSWORD) for h in hashes)
    assert users["signatory@apotheek-de-linde.example"].check_password(DEMO_PASSWORD)
    assert not users["admin@vgz.example"].check_password("wachtwoord")
    assert users["manager@vgz.example"].role == "contract_manager"
    assert users["admin@vgz.example"].role == "admin"
    assert users["adviseur@vgz.example"].role == "adviseur" and users["adviseur@vgz.example"].provider is None

    from portal.operations.providers import relation_to
    organisations = {u.provider.agb: u.provider for u in users.values() if u.provider}
    kinds = Counter()
    for p in organisations.values():
        relation = relation_to(p, "dieetpreparaten" if p.provider_type == T.FACILITAIR_BEDRIJF
                               else "farmaceutische_zorg", 2024)[0]
        kinds[(p.provider_type, relation.value)] += 1
        roles = {u.role for u in users.values() if u.provider_id == p.id}
        assert roles == {"provider_signatory", "provider_user"}
        domains = {u.email.split("@")[1] for u in users.values() if u.provider_id == p.id}
        assert len(domains) == 1 and next(iter(domains)).endswith(".example")
    assert kinds == Counter({("openbare_apotheek", "aflopend"): 1, ("openbare_apotheek", "doorlopend"): 1,
                             ("internetapotheek_voorkeur", "aflopend"): 1,
                             ("zuivere_dienstapotheek", "aflopend"): 1,
                             ("facilitair_bedrijf", "aflopend"): 1})
    listed = {(a.email, a.role, a.provider_name) for a in summary.accounts}
    assert ("signatory@apotheek-de-linde.example", "provider_signatory", "Apotheek De Linde") in listed
    assert ("manager@vgz.example", "contract_manager", None) in listed


def test_a_second_load_refuses_and_reset_replaces_everything(session):
    load_demo(providers=SIZE)
    before = register(session)
    with pytest.raises(DemoDataExists, match="300 providers"):
        load_demo(providers=SIZE)
    assert register(session) == before and session.scalar(select(func.count(User.id))) == 13

    some = session.scalar(select(Provider).where(Provider.agb == "06100001"))
    offer = Offer(provider_id=some.id, contract="farmaceutische_zorg", policy_year=2024,
                  relation="aflopend", rule="fz_aflopend_apotheken", negotiable=False,
                  channel="vecozo", final_channel="vecozo")
    session.add_all([offer, Notification(provider_id=some.id, key="demo-test", subject="s", body="b")])
    session.flush()
    session.add(AuditEntry(actor="test", role="admin", entity="offer", entity_id=offer.id, action="create"))
    session.commit()

    summary = load_demo(providers=SIZE, reset=True)
    assert summary.deleted["providers"] == SIZE and summary.deleted["offers"] == 1
    assert register(session) == before, "the same seed loads the same register again"
    assert session.scalar(select(func.count()).select_from(Offer)) == 0
    # what is left is the demo's own: the receipts of its pending applications
    assert session.scalar(select(func.count()).select_from(Notification)) == summary.applications
    assert set(session.scalars(select(AuditEntry.entity))) == {"application"}
    assert session.scalar(select(func.count(SimulationClock.id))) == 1
    assert session.scalar(select(func.count(User.id))) == 13


def test_a_failed_load_leaves_nothing_behind(session, monkeypatch):
    import demo.register

    def broken(*args):
        raise RuntimeError("disk full")

    monkeypatch.setattr(demo.register, "write_accounts", broken)
    with pytest.raises(RuntimeError):
        load_demo(providers=SIZE)
    for model in (Provider, ProfileScore, ContractHeld, User, SimulationClock):
        assert session.scalar(select(func.count()).select_from(model)) == 0


def test_progress_is_reported_to_the_end_and_size_is_checked(session):
    steps = []
    load_demo(providers=SIZE, progress=steps.append)
    assert sum(steps) == PROGRESS_TOTAL and len(steps) > 3
    with pytest.raises(ValueError, match="providers"):
        load_demo(providers=10, reset=True)
    assert session.scalar(select(func.count(Provider.id))) == SIZE, "a bad size touches nothing"


def test_cli_loads_lists_accounts_and_refuses_a_second_time(app, session):
    from portal.cli.demo import demo
    runner = app.test_cli_runner()
    run = runner.invoke(demo, ["load", "--providers", "60", "--seed", "5"])
    assert run.exit_code == 0, run.output
    assert "60 providers" in run.stdout and "demo-wachtwoord" in run.stdout
    for email, role, _agb in DEMO_ACCOUNTS:
        assert re.search(rf"{re.escape(email)}\s+{role}\s", run.stdout)
    assert "Demo laden" in run.stderr and "Demo laden" not in run.stdout

    again = runner.invoke(demo, ["load", "--providers", "60"])
    assert again.exit_code == 1 and again.stdout == ""
    assert len(again.stderr.strip().splitlines()) == 1 and "--reset" in again.stderr
    assert session.scalar(select(func.count(Provider.id))) == 60

    reset = runner.invoke(demo, ["load", "--providers", "70", "--reset"])
    assert reset.exit_code == 0, reset.output
    assert session.scalar(select(func.count(Provider.id))) == 70


def test_some_applications_wait_for_an_answer(session):
    from portal.models import Application
    summary = load_demo(seed=7, providers=SIZE)
    pending = session.scalars(select(Application).order_by(Application.received_on)).all()
    assert summary.applications == len(pending) >= 3
    assert all(a.status == "ontvangen" and a.received_on.month == 4 and a.answer_due.month == 5
               for a in pending)


# -- the story on the demo's date (make demo) ----------------------------------------------------

ROOT = __import__("pathlib").Path(__file__).resolve().parents[2]


def demo_date() -> date:
    """DEMO_DATE as `make demo` sets it."""
    found = re.search(r"^DEMO_DATE \?= (\d{4})-(\d{2})-(\d{2})$", (ROOT / "Makefile").read_text(),
                      re.MULTILINE)
    return date(*map(int, found.groups()))


def audited_on(session, entity: str, entity_id: int, action: str) -> date:
    from portal.web import AMSTERDAM
    at = session.scalar(select(AuditEntry.at).where(
        AuditEntry.entity == entity, AuditEntry.entity_id == entity_id, AuditEntry.action == action))
    if at.tzinfo is None:  # SQLite hands back naive UTC
        at = at.replace(tzinfo=__import__("datetime").timezone.utc)
    return at.astimezone(AMSTERDAM).date()


@pytest.fixture
def at_the_demo_date(session):
    """The register as `make demo` has it on DEMO_DATE, for what the story needs: the 15
    September offers of the preferred internet pharmacies out (the negotiable ones), waiting."""
    from portal.operations import clock
    from portal.operations.audit import Actor
    from portal.operations.offers import issue_offer

    load_demo(providers=SIZE, applications=False)
    day = demo_date()
    clock.set_today(day, Actor("test", "system"), record=False)
    preferred = session.scalars(select(Provider).where(
        Provider.provider_type == T.INTERNETAPOTHEEK_VOORKEUR).order_by(Provider.agb)).all()
    offers = [issue_offer(p, "farmaceutische_zorg", 2024, Actor("test", "contract_manager"))
              for p in preferred]
    session.commit()
    assert len(offers) == 2 and all(o.negotiable and o.status == "aangeboden" for o in offers)
    return day, offers


def test_at_the_demo_date_negotiations_are_running_one_answered_by_the_insurer(
        session, at_the_demo_date):
    from demo import stage_story
    from portal.models import NegotiationRound
    from portal.operations import clock

    day, offers = at_the_demo_date
    story = stage_story()
    assert sorted(story.countered) == sorted(o.id for o in offers)
    statuses = {o.provider.agb: session.get(Offer, o.id).status for o in offers}
    # the demo organisation's (it has a signatory who can read the reply) was answered
    assert statuses.pop("06100003") == "in_onderhandeling"
    assert list(statuses.values()) == ["tegenvoorstel"]  # the other waits for the manager
    answered = next(o for o in offers if o.provider.agb == "06100003")
    assert story.answered == answered.id

    rounds = session.scalars(select(NegotiationRound).where(NegotiationRound.offer_id == answered.id)
                             .order_by(NegotiationRound.number)).all()
    assert [r.party for r in rounds] == ["zorgaanbieder", "vgz"]
    assert rounds[0].author == "signatory@receptenpost-internetapotheek.example"
    asked, given = (Decimal(r.changes[0]["amount"]) for r in rounds)
    assert rounds[0].changes[0]["code"] == rounds[1].changes[0]["code"]
    assert given < asked and rounds[0].message and rounds[1].message
    # dated on the simulated clock some days back, and the clock put back
    assert audited_on(session, "offer", answered.id, "counter") < audited_on(
        session, "offer", answered.id, "respond") < day
    assert clock.today() == day

    again = stage_story()
    assert again.countered == () and again.answered is None and again.applications == 0
    assert session.scalar(select(func.count(NegotiationRound.id))) == 3


def test_at_the_demo_date_the_applications_are_fresh(session, at_the_demo_date):
    from demo import stage_story
    from portal.models import Application

    day, _offers = at_the_demo_date
    assert stage_story().applications >= 3
    pending = session.scalars(select(Application)).all()
    assert len(pending) >= 3 and all(a.status == "ontvangen" for a in pending)
    for application in pending:
        assert day - application.received_on <= __import__("datetime").timedelta(days=28)
        assert application.received_on < day <= application.answer_due, "within the term"
        assert audited_on(session, "application", application.id, "submit") == application.received_on


def test_make_demo_loads_replays_and_then_tells_the_story():
    """The demo target loads without applications, replays to DEMO_DATE, then sets the story,
    and keeps the scheduler's per-tick lines out of its console."""
    target = (ROOT / "Makefile").read_text().split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    steps = [line.strip() for line in target.splitlines() if "/portal " in line]
    load, simulate, story = (next(i for i, s in enumerate(steps) if word in s)
                             for word in ("demo load", "simulate --to $(DEMO_DATE)", "demo story"))
    assert load < simulate < story and "--no-applications" in steps[load]


def test_cli_story_and_reset(app, session, at_the_demo_date):
    from portal.cli.demo import demo
    runner = app.test_cli_runner()
    told = runner.invoke(demo, ["story"])
    assert told.exit_code == 0, told.output
    assert "2 counter-proposals (1 answered by the insurer)" in told.stdout

    refused = runner.invoke(demo, ["reset"], input="n\n")
    assert refused.exit_code == 1 and session.scalar(select(func.count(Offer.id))) == 2
    reset = runner.invoke(demo, ["reset", "--yes", "--providers", "60"])
    assert reset.exit_code == 0, reset.output
    assert session.scalar(select(func.count(Offer.id))) == 0
    assert session.scalar(select(func.count(Provider.id))) == 60
    assert session.scalar(select(SimulationClock.today)) == date(2023, 5, 1)


@pytest.mark.parametrize("verbose, level", [(False, "WARNING"), (True, "INFO")])
def test_the_schedulers_ticks_stay_out_of_the_demos_console(verbose, level, monkeypatch):
    """`portal scheduler run` (make demo starts it) logs what it did, but APScheduler's lines of
    every tick only with --verbose; its warnings always."""
    import logging

    from scheduler.cli import configure_logging
    quiet = logging.getLogger("apscheduler")
    monkeypatch.setattr(quiet, "level", quiet.level)  # put back after the test
    configure_logging(verbose)
    assert logging.getLevelName(logging.getLogger("apscheduler.executors.default")
                                .getEffectiveLevel()) == level
    assert logging.getLogger("apscheduler.scheduler").isEnabledFor(logging.WARNING)


# -- a register that starts a campaign earlier (two campaigns in sequence) ------------------------

def test_a_register_from_2022_stands_as_it_stood_for_the_2023_campaign(session):
    # On 01-05-2022 the campaign in force is the 2023 one (calendar 2022). Its providers read
    # their agreements by their end: ending 31-12-2022 is aflopend for 2023, running into 2023
    # doorlopend (the reading of demo.terms, one year earlier than the default register).
    from portal.operations.providers import profile_history, relation_to

    summary = load_demo(providers=SIZE, start=date(2022, 5, 1))
    assert summary.today == date(2022, 5, 1)
    assert session.scalars(select(SimulationClock.today)).all() == [date(2022, 5, 1)]
    providers = providers_by_agb(session)
    terms = Counter()
    for p in providers.values():
        fz = next((c for c in p.contracts if c.contract == "farmaceutische_zorg"), None)
        if fz:
            terms[(fz.start, fz.end)] += 1
            relation = relation_to(p, "farmaceutische_zorg", 2023)[0]
            assert relation is (Relation.AFLOPEND if fz.end.year == 2022 else Relation.DOORLOPEND)
    assert set(terms) == {(date(2021, 1, 1), date(2022, 12, 31)), (date(2022, 1, 1), date(2022, 12, 31)),
                          (date(2022, 1, 1), date(2023, 12, 31))}
    linde, kerkstraat = providers["06100001"], providers["06100002"]
    assert relation_to(linde, "farmaceutische_zorg", 2023)[0] is Relation.AFLOPEND
    assert relation_to(kerkstraat, "farmaceutische_zorg", 2023)[0] is Relation.DOORLOPEND

    # the scores of 2020-2022 for the 2023 campaign, and those of 2023 that the 2024 campaign
    # reads a year later (the simulation measures no profiles); each reads up to its calendar year
    assert sorted(session.scalars(select(ProfileScore.year).distinct())) == [2020, 2021, 2022, 2023]
    assert profile_history(2023).years() == [2020, 2021, 2022]
    assert profile_history(2024).years() == [2020, 2021, 2022, 2023]


@pytest.mark.parametrize("seed", [20230501, 3])
def test_a_2022_register_has_pharmacies_the_exclusion_ground_reaches_in_both_campaigns(session, seed):
    # "3 achtereenvolgende jaren behoren tot de groep met het laagst scorende apotheekprofiel
    # én Een dalende trend vertonen op een van de onderdelen van het apotheekprofiel én
    # Verbeterafspraken onvoldoende zijn nagekomen of deze niet willen maken." Each campaign
    # weighs the profile years up to its calendar year.
    from portal.operations.providers import case_for, profile_facts

    summary = load_demo(seed=seed, providers=SIZE, start=date(2022, 5, 1))
    pharmacies = [p for p in providers_by_agb(session).values() if p.scores]
    for year in (2023, 2024):
        excluded = set()
        for p in pharmacies:
            case = case_for(p, "farmaceutische_zorg", year, profile_facts(p, year))
            if decide(replace(case, relation=Relation.AFLOPEND)).exclusion is Exclusion.UITSLUITINGSGROND:
                excluded.add(p.agb)
                assert p.improvement_agreements in ("niet_nagekomen", "geweigerd")
        assert 1 <= len(excluded) <= 0.02 * SIZE, year
        if year == 2023:
            assert excluded == set(summary.excluded)


def test_the_cli_loads_from_a_date(app, session):
    from portal.cli.demo import demo
    run = app.test_cli_runner().invoke(demo, ["load", "--providers", "60", "--from", "2022-05-01"])
    assert run.exit_code == 0, run.output
    assert "simulated date 01-05-2022" in run.stdout
    assert session.scalar(select(SimulationClock.today)) == date(2022, 5, 1)


def test_the_portal_does_not_load_the_demo(tmp_path):
    """The demo is no module of the portal: creating the app and building its CLI load neither
    the `demo` package nor its modules (the demo commands import it when they run)."""
    import os
    import subprocess
    import sys
    probe = ("import sys; from portal import create_app; import portal.cli; create_app(); "
             "print(sorted(m for m in sys.modules if m == 'demo' or m.startswith('demo.')))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                         env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"},
                         cwd=ROOT).stdout.strip()
    assert out == "[]"
