"""A realistic synthetic provider register for demonstrations: `portal demo load`.

`load_demo(seed, providers, start=...)` fills the database of the current app with the register
as it stood on `start` (default: the day the latest campaign in the policy data opens), the same
for the same seed, size and start. Everything is relative to the campaign in force on the start
date (`contracts.campaign.policy_in_force`), with C its calendar year (2023 for the 2024
campaign):

- providers of every type in realistic proportions (about 80 % openbare apotheken, exactly two
  preferred internet pharmacies), with Dutch names, real cities and their provinces, addresses,
  postcodes, unique 8-digit AGB codes ("06..." for pharmacies), KvK numbers, AGB start dates,
  collectives, size ranks by (simulated) claims, RIZ contra-indications and the state of their
  improvement agreements;
- raw profile scores of the profile years C-2 to C, and on to the calendar year of the last
  campaign in the data (a register that starts a campaign early carries the scores the later
  campaigns read; each campaign reads only the years up to its calendar year,
  `portal.operations.providers.profile_history`): each pharmacy its own level, each part its
  own drift, plus a handful of pharmacies that sink: every year in the lowest group, a
  declining part and improvement agreements not kept or refused, so that the exclusion ground
  of Bijlage 2 really excludes someone;
- the agreements they hold (`demo.terms`: an Overeenkomst Farmaceutische zorg ending 31-12-C or
  running to 31-12-(C+1), Dieetpreparaten, Stoppen met roken, the spoedzorg addendum of
  dienstapotheken);
- the insurer's staff and the demo organisations' users (`demo.accounts`);
- the simulation clock at the start date.

Everything is one transaction (all or nothing), written with bulk inserts. The names, scores
and contracts are invented; contact addresses use the reserved `.example` domain so that no
demo e-mail can reach a real mailbox.
"""
from __future__ import annotations

import math
import random
import re
import time
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Callable

from sqlalchemy import MetaData, func, insert, select

from contracts.campaign import latest_policy, opening_day, policy_in_force
from contracts.exclusion import ground_applies
from contracts.policy import Policy
from contracts.profile import load_profile_model
from contracts.vocabulary import Contract, ImprovementAgreements, ProviderType

from portal.extensions import db
from portal.models import ContractHeld, ProfileScore, Provider, SimulationClock
from portal.operations.shortages import load_demo_products

from .accounts import DEMO_ORGANISATIONS, DemoAccount, write_accounts
from .places import (CITIES, COLLECTIVES, DISTRICTS, FACILITY_COMPANIES, GP_COLLECTIVE,
                     INTERNET_FIRST, INTERNET_LAST, NATIONAL_COLLECTIVE, NATURE, POSTCODE_LETTERS,
                     STREETS, SURNAMES, UNIQUE_SUPPLIERS, VILLAGES)
from .applicants import pending_applications
from .terms import ENDING, ENDING_ONE, RUNNING, term

DEFAULT_SEED = 20230501
DEFAULT_PROVIDERS = 2500
MIN_PROVIDERS = 50
#: Units of work reported to `progress`: the bar of the CLI runs from 0 to this.
PROGRESS_TOTAL = 100

T = ProviderType
#: Types of which about 2 % have no agreement yet (new providers).
REGULAR_TYPES = (T.OPENBARE_APOTHEEK, T.APOTHEEKHOUDENDE_HUISARTS, T.POLIKLINISCHE_APOTHEEK,
                 T.INTERNETAPOTHEEK, T.HYBRIDE_DIENSTAPOTHEEK, T.ZUIVERE_DIENSTAPOTHEEK)
#: Tables `--reset` never touches: the migration state and the scheduler's job store.
KEPT_TABLES = ("alembic_version", "data_stamps")
#: Tables the database's triggers write as other tables change (the offer tallies take a row for
#: every offer deleted): emptied after the rest.
DERIVED_TABLES = ("offer_tallies",)
KEPT_PREFIXES = ("apscheduler",)
#: The oldest AGB start dates drawn (most codes are years old).
OLDEST_AGB_START = date(1975, 1, 1)
#: How long before the calendar year the demo organisations' AGB codes started.
DEMO_AGB_YEARS = 19


def default_start() -> date:
    """Where the demo starts unless told: the day the latest campaign in the data opens."""
    return opening_day(latest_policy())


def profile_years(policy: Policy) -> tuple[int, ...]:
    """The profile years the register holds for the campaign of `policy`: its calendar year and
    the two before, and on to the calendar year of the last campaign in the data."""
    last = max(policy.calendar_year, latest_policy().calendar_year)
    return tuple(range(policy.calendar_year - 2, last + 1))


@dataclass(frozen=True)
class DemoSummary:
    """What `load_demo` wrote."""

    seed: int
    providers: int
    by_type: dict[str, int]
    profile_scores: int
    contracts: int
    accounts: tuple[DemoAccount, ...]
    #: AGB codes the exclusion ground of Bijlage 2 applies to in the start's campaign, computed
    #: through the profile model.
    excluded: tuple[str, ...]
    today: date
    seconds: float = 0.0
    deleted: dict[str, int] = field(default_factory=dict)  # rows removed by reset, per table
    applications: int = 0  # pending applications of new providers


class DemoDataExists(Exception):
    """The database already holds a register; load again only with reset."""

    def __init__(self, providers: int):
        self.providers = providers
        super().__init__(f"the database already holds {providers} providers; "
                         f"use --reset to delete all data and load the demo again")


#: Per type: shift of the mean raw score per part (kwaliteit, klantbeleving, kosten) and the
#: scale of the simulated claims of the calendar year (the size rank follows from it).
TYPE_PROFILE = {
    T.OPENBARE_APOTHEEK: ((0, 0, 0), 1.0),
    T.APOTHEEKHOUDENDE_HUISARTS: ((-3, 6, -2), 0.3),
    T.POLIKLINISCHE_APOTHEEK: ((2, -2, -4), 0.6),
    T.INTERNETAPOTHEEK: ((-4, -6, 8), 2.0),
    T.INTERNETAPOTHEEK_VOORKEUR: ((0, -2, 10), 12.0),
    T.HYBRIDE_DIENSTAPOTHEEK: ((1, -1, -1), 1.3),
    T.ZUIVERE_DIENSTAPOTHEEK: ((0, 0, 0), 0.2),
    T.UNIEKE_LEVERANCIER: ((0, 0, 0), 0.5),
    T.FACILITAIR_BEDRIJF: ((0, 0, 0), 1.0),
}
PART_MEANS = {"kwaliteit": 68.0, "klantbeleving": 72.0, "kosten": 62.0}


# -- the plan: how many of what -------------------------------------------------------------

def type_counts(providers: int) -> dict[ProviderType, int]:
    """How many providers of each type a register of `providers` holds (the demo
    organisations included): about 80 % openbare apotheken, exactly two preferred internet
    pharmacies, a few unique suppliers and facility companies."""
    if providers < MIN_PROVIDERS:
        raise ValueError(f"providers: at least {MIN_PROVIDERS}, not {providers}")
    scale = providers / DEFAULT_PROVIDERS
    counts = {
        T.APOTHEEKHOUDENDE_HUISARTS: max(1, round(0.08 * providers)),
        T.POLIKLINISCHE_APOTHEEK: max(1, round(0.03 * providers)),
        T.INTERNETAPOTHEEK: max(1, round(0.01 * providers)),
        T.INTERNETAPOTHEEK_VOORKEUR: 2,
        T.ZUIVERE_DIENSTAPOTHEEK: max(1, round(0.015 * providers)),
        T.HYBRIDE_DIENSTAPOTHEEK: max(1, round(0.02 * providers)),
        T.UNIEKE_LEVERANCIER: max(1, min(len(UNIQUE_SUPPLIERS), round(8 * scale))),
        T.FACILITAIR_BEDRIJF: max(4, min(len(FACILITY_COMPANIES), round(12 * scale))),
    }
    counts[T.OPENBARE_APOTHEEK] = providers - sum(counts.values())
    return {t: counts[t] for t in ProviderType}


# -- generation -----------------------------------------------------------------------------

def slugify(text: str) -> str:
    """ASCII, lower case, words joined by hyphens: "Coöperatie 't Hofje" -> "cooperatie-t-hofje"."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


class _Register:
    """The generated register, before it is written: provider rows, and per AGB code the
    agreements held and the simulated claims."""

    def __init__(self, rng: random.Random, providers: int, policy: Policy):
        self.rng = rng
        self.policy = policy
        self.counts = type_counts(providers)
        self.rows: list[dict] = []
        self.contracts: dict[str, list[tuple[str, date, date]]] = {}
        self.claims: dict[str, float] = {}
        self.sinking: list[str] = []  # the pharmacies that sink into the exclusion ground
        self._agbs: set[str] = {o.agb for o in DEMO_ORGANISATIONS}
        self._kvks: set[str] = set()
        self._names: set[str] = {o.name for o in DEMO_ORGANISATIONS}
        self._city_weights = [c[2] for c in CITIES]

    # unique identifiers

    def agb(self, provider_type: ProviderType) -> str:
        while True:
            if provider_type is T.APOTHEEKHOUDENDE_HUISARTS:
                code = f"01{self.rng.randrange(10**6):06d}"  # the GP's practice code
            elif provider_type is T.FACILITAIR_BEDRIJF:
                code = f"{self.rng.randrange(20_000_000, 100_000_000)}"
            else:
                code = f"06{self.rng.randrange(10**6):06d}"
            if code not in self._agbs:
                self._agbs.add(code)
                return code

    def kvk(self) -> str:
        while True:
            number = f"{self.rng.randrange(10_000_000, 100_000_000)}"
            if number not in self._kvks:
                self._kvks.add(number)
                return number

    def unique_name(self, name: str, city: str, street: str) -> str:
        """The name, or where another provider has it already the name with the city, then
        with the street: "Apotheek De Linde Zwolle", "Apotheek Zwolle-Zuid, Kerkstraat"."""
        with_city = name if city in name else f"{name} {city}"
        candidates = [name, with_city] + ([f"{with_city}, {street}"] if street else [])
        n = 2
        while True:
            for candidate in candidates:
                if candidate not in self._names:
                    self._names.add(candidate)
                    return candidate
            candidates, n = [f"{with_city} {n}"], n + 1

    # places

    def city(self) -> tuple[str, str, str]:
        """A city by population, with a postcode of that city: (city, province, postcode)."""
        city, province, _size, first, last = self.rng.choices(CITIES, self._city_weights)[0]
        return city, province, self.postcode(self.rng.randint(first, last))

    def village(self) -> tuple[str, str, str]:
        village, province, number = self.rng.choice(VILLAGES)
        return village, province, self.postcode(number + self.rng.randint(0, 3))

    def postcode(self, number: int) -> str:
        while True:
            letters = "".join(self.rng.choice(POSTCODE_LETTERS) for _ in range(2))
            if letters not in ("SA", "SD", "SS"):
                return f"{number:04d} {letters}"

    def street(self) -> tuple[str, str]:
        street = self.rng.choice(STREETS)
        number = str(self.rng.randint(1, 240))
        if self.rng.random() < 0.08:
            number += self.rng.choice("abc")
        return street, f"{street} {number}"

    def agb_start(self) -> date:
        """Most AGB codes are years old."""
        latest = date(self.policy.calendar_year - 2, 12, 31)
        return OLDEST_AGB_START + timedelta(days=self.rng.randrange((latest - OLDEST_AGB_START).days))

    # names

    def pharmacy_name(self, city: str, street: str) -> str:
        r, rng = self.rng.random(), self.rng
        nature = rng.choice(NATURE)
        if r < 0.22:
            name = f"Apotheek {nature}"
        elif r < 0.34:
            name = f"Apotheek {city}-{rng.choice(DISTRICTS)}"
        elif r < 0.46:
            name = f"Service Apotheek {rng.choice((street, nature))}"
        elif r < 0.56:
            name = f"BENU Apotheek {rng.choice((nature, street))}"
        elif r < 0.64:
            name = f"Alphega Apotheek {nature}"
        elif r < 0.71:
            name = f"Kring-apotheek {nature}"
        elif r < 0.76:
            name = f"Mediq Apotheek {city}-{rng.choice(DISTRICTS)}"
        elif r < 0.83:
            name = f"Apotheek {street}"
        elif r < 0.90:
            name = f"Gezondheidscentrum {nature} Apotheek"
        elif r < 0.98:
            name = f"Apotheek {rng.choice(SURNAMES)}"
        else:
            name = f"Stadsapotheek {city}"
        return self.unique_name(name, city, street)

    # the providers

    def add(self, provider_type: ProviderType, *, agb: str | None = None,
            name: str | None = None, place: tuple[str, str, str] | None = None,
            address: str | None = None, fz: tuple[date, date] | None | str = "draw",
            extra: tuple[str, ...] = (), agb_start: date | None = None) -> dict:
        rng = self.rng
        city, province, postcode = place or (self.village() if provider_type is
                                             T.APOTHEEKHOUDENDE_HUISARTS else self.city())
        street, street_address = self.street()
        name = name or self.name_for(provider_type, city, street)
        agb = agb or self.agb(provider_type)
        row = {
            "agb": agb, "name": name, "provider_type": provider_type.value,
            "address": address or street_address, "postcode": postcode, "city": city,
            "region": province, "kvk": self.kvk(),
            "agb_start": agb_start or self.agb_start(),
            "contact_email": f"info@{slugify(name)}.example",
            "collective": self.collective(provider_type, province),
            "size_rank": None, "riz_contra_indication": False,
            "improvement_agreements": ImprovementAgreements.GEEN.value,
        }
        self.rows.append(row)
        scale = TYPE_PROFILE[provider_type][1]
        self.claims[agb] = scale * math.exp(rng.gauss(0, 0.45)) * 55_000
        self.contracts[agb] = self.contracts_for(provider_type, fz, extra)
        return row

    def name_for(self, provider_type: ProviderType, city: str, street: str) -> str:
        rng = self.rng
        if provider_type is T.OPENBARE_APOTHEEK:
            return self.pharmacy_name(city, street)
        if provider_type is T.APOTHEEKHOUDENDE_HUISARTS:
            name = rng.choice((f"Apotheekhoudende praktijk Dr. {rng.choice(SURNAMES)}",
                               f"Huisartsenpraktijk {city} (apotheekhoudend)",
                               f"Apotheekhoudende huisartsen {rng.choice(SURNAMES)} & "
                               f"{rng.choice(SURNAMES)}"))
        elif provider_type is T.POLIKLINISCHE_APOTHEEK:
            name = rng.choice((f"Poliklinische Apotheek Ziekenhuis {city}",
                               f"Poliklinische Apotheek Medisch Centrum {city}",
                               f"Poliklinische Apotheek {city}-{rng.choice(DISTRICTS)}"))
        elif provider_type in (T.INTERNETAPOTHEEK, T.INTERNETAPOTHEEK_VOORKEUR):
            name = (f"{rng.choice(INTERNET_FIRST)}{rng.choice(INTERNET_LAST)} "
                    f"{rng.choice(('Internetapotheek', 'Online Apotheek', 'Apotheek'))}")
        elif provider_type is T.ZUIVERE_DIENSTAPOTHEEK:
            name = rng.choice((f"Dienstapotheek Regio {city}", f"Dienstapotheek {city} e.o.",
                               f"Avond- en weekendapotheek {city}"))
        elif provider_type is T.HYBRIDE_DIENSTAPOTHEEK:
            name = rng.choice((f"Stadsapotheek {city} (ook dienstapotheek)",
                               f"Apotheek {rng.choice(NATURE)} & Dienstapotheek {city}",
                               f"Apotheek {city}-{rng.choice(DISTRICTS)} met avond- en weekenddienst"))
        else:
            raise AssertionError(provider_type)  # unique suppliers and facilities are named apart
        return self.unique_name(name, city, street)

    def collective(self, provider_type: ProviderType, province: str) -> str | None:
        r = self.rng.random()
        if provider_type is T.APOTHEEKHOUDENDE_HUISARTS:
            return GP_COLLECTIVE if r < 0.35 else None
        if provider_type in (T.OPENBARE_APOTHEEK, T.POLIKLINISCHE_APOTHEEK,
                             T.HYBRIDE_DIENSTAPOTHEEK):
            if r < 0.24:
                return COLLECTIVES[province]
            if r < 0.30:
                return NATIONAL_COLLECTIVE
        return None

    def contracts_for(self, provider_type: ProviderType, fz, extra) -> list[tuple[str, date, date]]:
        """The agreements a provider holds; `fz` "draw" draws them, None means no contract."""
        rng = self.rng
        if fz == "draw":
            if provider_type is T.FACILITAIR_BEDRIJF:
                term = self.term()
                return [(Contract.DIEETPREPARATEN.value, *term)]
            if provider_type in REGULAR_TYPES and rng.random() < 0.02:
                return []  # a new provider: no agreement yet
            fz = self.term()
            extra = []
            if provider_type in (T.ZUIVERE_DIENSTAPOTHEEK, T.HYBRIDE_DIENSTAPOTHEEK):
                extra.append(Contract.SPOEDZORG.value)
            if provider_type not in (T.ZUIVERE_DIENSTAPOTHEEK, T.UNIEKE_LEVERANCIER) \
                    and rng.random() < 0.55:
                extra.append(("dieet", Contract.DIEETPREPARATEN.value))
            if rng.random() < 0.40:
                extra.append(("smr", Contract.STOPPEN_MET_ROKEN.value))
        if fz is None:
            return []
        held = []
        if provider_type is not T.FACILITAIR_BEDRIJF:
            held.append((Contract.FARMACEUTISCHE_ZORG.value, *fz))
        for item in extra:
            if isinstance(item, tuple):  # a side agreement with a term of its own
                held.append((item[1], *self.term()))
            else:  # an addendum or an agreement on the same term
                held.append((str(item), *fz))
        return held

    def term(self) -> tuple[date, date]:
        """About 55 % end in the calendar year (started in it or the year before), the rest run
        on to the end of the contract year (demo.terms)."""
        r = self.rng.random()
        if r < 0.40:
            return term(ENDING, self.policy)
        if r < 0.55:
            return term(ENDING_ONE, self.policy)
        return term(RUNNING, self.policy)


def _generate(seed: int, providers: int, policy: Policy) -> _Register:
    reg = _Register(random.Random(seed), providers, policy)
    counts = dict(reg.counts)
    cities = {c[0]: c for c in CITIES}
    for o in DEMO_ORGANISATIONS:
        _name, province, *_ = cities[o.city]
        reg.add(o.provider_type, agb=o.agb, name=o.name, place=(o.city, province, o.postcode),
                address=o.address, fz=term(o.fz, policy), extra=o.extra,
                agb_start=date(policy.calendar_year - DEMO_AGB_YEARS, 3, 1))
        counts[o.provider_type] -= 1
    for provider_type in (T.OPENBARE_APOTHEEK, T.APOTHEEKHOUDENDE_HUISARTS,
                          T.POLIKLINISCHE_APOTHEEK, T.INTERNETAPOTHEEK,
                          T.INTERNETAPOTHEEK_VOORKEUR, T.ZUIVERE_DIENSTAPOTHEEK,
                          T.HYBRIDE_DIENSTAPOTHEEK):
        for _ in range(counts[provider_type]):
            fz = "draw"
            if provider_type is T.INTERNETAPOTHEEK_VOORKEUR:
                fz = reg.term()  # both preferred internet pharmacies are contracted
            reg.add(provider_type, fz=fz,
                    extra=(Contract.STOPPEN_MET_ROKEN,) if fz != "draw" else ())
    for name in UNIQUE_SUPPLIERS[:counts[T.UNIEKE_LEVERANCIER]]:
        reg.add(T.UNIEKE_LEVERANCIER, name=reg.unique_name(name, "", ""), fz=reg.term())
    taken = {o.name for o in DEMO_ORGANISATIONS}
    facilities = [n for n in FACILITY_COMPANIES if n not in taken][:counts[T.FACILITAIR_BEDRIJF]]
    for i, name in enumerate(facilities):
        if i < 2:  # new, starting companies: AGB code from the contract year, no agreement
            reg.add(T.FACILITAIR_BEDRIJF, name=reg.unique_name(name, "", ""), fz=None,
                    agb_start=date(policy.year, 1, 1) + timedelta(days=31 * i))
        else:
            reg.add(T.FACILITAIR_BEDRIJF, name=reg.unique_name(name, "", ""))
    _rank(reg)
    _riz(reg)
    return reg


def _rank(reg: _Register) -> None:
    """Size ranks by (simulated) claims of the calendar year, 1 = largest: among facility
    companies, and among all the others (the stop-smoking rule ranks across pharmacies).
    Companies that start in the contract year have no claims and come last."""
    first_day = date(reg.policy.year, 1, 1)
    facility = [r for r in reg.rows if r["provider_type"] == T.FACILITAIR_BEDRIJF]
    others = [r for r in reg.rows if r["provider_type"] != T.FACILITAIR_BEDRIJF]
    for group in (facility, others):
        def claims(row):
            return 0.0 if row["agb_start"] >= first_day else reg.claims[row["agb"]]
        for rank, row in enumerate(sorted(group, key=lambda r: (-claims(r), r["agb"])), 1):
            row["size_rank"] = rank


def _riz(reg: _Register) -> None:
    """About 0.2 % of the pharmacies get a contra-indication from the RIZ check (never a demo
    organisation)."""
    demo = {o.agb for o in DEMO_ORGANISATIONS}
    pool = [r for r in reg.rows if r["provider_type"] == T.OPENBARE_APOTHEEK and r["agb"] not in demo]
    for row in reg.rng.sample(pool, max(1, round(0.002 * len(reg.rows)))):
        row["riz_contra_indication"] = True


# -- profile scores -------------------------------------------------------------------------

def _scores(reg: _Register, model) -> dict[int, dict[str, dict[str, float]]]:
    """Raw scores per year per AGB code for every provider with a profile.

    Each pharmacy has its own level (shared by its parts), a deviation and a drift per part, and
    noise per year. A handful of contracted pharmacies (about one in 400) sink: at the bottom of
    every part, and one part that was in the second-lowest band falls to the lowest band in the
    last two years, so that they are every year in the lowest group with a part declining over
    the last three years of each campaign. Their scores are placed by the percentiles of the
    others' scores, so the bands hold whatever the seed.
    """
    years = profile_years(reg.policy)
    rng = reg.rng
    parts = model.component_ids()
    profiled = [r for r in reg.rows if model.applies_to(ProviderType(r["provider_type"]))]
    demo = {o.agb for o in DEMO_ORGANISATIONS}
    candidates = [r for r in profiled
                  if r["provider_type"] in (T.OPENBARE_APOTHEEK, T.APOTHEEKHOUDENDE_HUISARTS)
                  and r["agb"] not in demo and not r["riz_contra_indication"]
                  and reg.contracts[r["agb"]]]
    sinking = rng.sample(candidates, max(1, round(len(profiled) / 400)))
    reg.sinking = [r["agb"] for r in sinking]
    sinking_agbs = set(reg.sinking)
    raw: dict[int, dict[str, dict[str, float]]] = {year: {} for year in years}
    for row in profiled:
        agb = row["agb"]
        if agb in sinking_agbs:
            continue
        shift = dict(zip(parts, TYPE_PROFILE[ProviderType(row["provider_type"])][0],
                         strict=False))  # a part the profile adds has no shift
        mean = {p: PART_MEANS.get(p, 65.0) + shift.get(p, 0) for p in parts}
        level = rng.gauss(0, 1)
        deviation = {p: rng.gauss(0, 1) for p in parts}
        drift = {p: rng.gauss(0, 2.5) for p in parts}
        for year in years:
            t = year - (years[0] + 1)  # the drift is centred on the second year
            raw[year][agb] = {p: _clip(mean[p] + 8 * level + 5 * deviation[p] + drift[p] * t
                                       + rng.gauss(0, 3)) for p in parts}

    ordered = {(year, p): sorted(s[p] for s in raw[year].values())
               for year in years for p in parts}

    def percentile(year: int, part: str, share: float) -> float:
        values = ordered[(year, part)]
        return values[int(share * len(values))]

    # The falling part: a light part (fewest points per band), so that the first year's total
    # stays among the lowest.
    light = sorted(parts, key=lambda p: model.component(p).max_points)
    light = [p for p in light if model.component(p).max_points == model.component(light[0]).max_points]
    falling_share = {year: 0.15 for year in years} | {years[-2]: 0.05, years[-1]: 0.02}
    for row in sinking:
        agb = row["agb"]
        falling = rng.choice(light)
        # their agreement ends this year: the exclusion ground decides on a new one
        ending = term(ENDING, reg.policy)
        reg.contracts[agb] = [(c, *(ending if c == Contract.FARMACEUTISCHE_ZORG else (s, e)))
                              for c, s, e in reg.contracts[agb]]
        for year in years:
            raw[year][agb] = {
                p: _clip(percentile(year, p, falling_share[year]) if p == falling
                         else percentile(year, p, 0.03) - rng.uniform(0.5, 4.0))
                for p in parts}
    return raw


def _clip(score: float) -> float:
    return round(min(99.0, max(1.0, score)), 1)


def _agreements(reg: _Register, history) -> None:
    """The state of the improvement agreements, which follow the profile (`history`, up to the
    calendar year): agreements are made with pharmacies in the lowest group; most keep them,
    some do not or refuse. The sinking pharmacies did not keep them or refused."""
    rng = reg.rng
    recent = {reg.policy.calendar_year, reg.policy.calendar_year - 1}
    sinking = set(reg.sinking)
    for row in reg.rows:
        agb = row["agb"]
        if not history.of(agb):  # no profile
            continue
        lowest = history.lowest_group_years(agb)
        if agb in sinking:
            state = rng.choice(("niet_nagekomen", "niet_nagekomen", "geweigerd"))
        elif recent & set(lowest):
            state = rng.choices(("nagekomen", "niet_nagekomen", "geweigerd", "geen"),
                                (0.70, 0.15, 0.05, 0.10))[0]
        elif lowest:
            state = "nagekomen" if rng.random() < 0.8 else "geen"
        else:
            state = "nagekomen" if rng.random() < 0.015 else "geen"
        row["improvement_agreements"] = state


def excluded_by_bijlage2(history, rows, policy: Policy) -> tuple[str, ...]:
    """The AGB codes the exclusion ground of Bijlage 2 of `policy` applies to, through the
    profile model (`history`: the profile years up to its calendar year)."""
    policy_year = policy.year
    ground = next(g for g in policy.exclusion_grounds.values()
                  if g.contract == Contract.FARMACEUTISCHE_ZORG)
    excluded = []
    for row in rows:
        agb = row["agb"]
        if row["provider_type"] not in ground.provider_types or not history.of(agb):
            continue
        if len(history.lowest_group_years(agb)) < ground.consecutive_lowest_years:
            continue
        facts = history.facts(agb, ImprovementAgreements(row["improvement_agreements"]))
        if ground_applies(ground, facts, policy_year)[0]:
            excluded.append(agb)
    return tuple(excluded)


# -- writing --------------------------------------------------------------------------------

def delete_all_data() -> dict[str, int]:
    """Delete the rows of every table of the database (children first, the tables triggers write
    last), but the migration state, the data stamps (their triggers mark the deletes) and the
    scheduler's job store. Tables are read from the database itself, so tables that other parts
    of the portal add are emptied too."""
    metadata = MetaData()
    metadata.reflect(bind=db.session.connection())
    deleted = {}
    tables = [table for table in reversed(metadata.sorted_tables)
              if table.name not in KEPT_TABLES and not table.name.startswith(KEPT_PREFIXES)]
    for table in sorted(tables, key=lambda table: table.name in DERIVED_TABLES):
        deleted[table.name] = db.session.execute(table.delete()).rowcount
    return deleted


def _bulk(model):
    """An ORM bulk insert that keeps None values, so all rows go in one executemany (without
    `render_nulls` every pattern of None columns would be a batch of its own)."""
    return insert(model).execution_options(render_nulls=True)


def provider_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Provider))


def load_demo(seed: int = DEFAULT_SEED, providers: int = DEFAULT_PROVIDERS,
              progress: Callable[[int], None] | None = None, *, reset: bool = False,
              applications: bool = True, start: date | None = None) -> DemoSummary:
    """Load the demo register as it stood on `start` (default: `default_start()`) into the
    current app's database, with the simulated date at `start`, and commit, all or nothing.

    Raises DemoDataExists if there are providers already, unless `reset` (which first deletes
    the rows of every table). `progress(n)` is called with units of work done, PROGRESS_TOTAL in
    all. ValueError if `providers` is below MIN_PROVIDERS. `applications`: a few applications
    received in the weeks before the load date (`make demo` leaves them to `stage_story`, which
    has them come in shortly before the date the demo is shown at).
    """
    started = time.perf_counter()
    step = progress or (lambda n: None)
    type_counts(providers)  # checks the size before anything is touched
    start = start or default_start()
    policy = policy_in_force(start)
    try:
        deleted = {}
        if reset:
            deleted = delete_all_data()
        else:
            existing = provider_count()
            if existing:
                raise DemoDataExists(existing)
        step(5)

        reg = _generate(seed, providers, policy)
        step(15)
        model = load_profile_model(policy.year)
        raw = _scores(reg, model)
        history = model.score_years({year: scores for year, scores in raw.items()
                                     if year <= policy.calendar_year})
        _agreements(reg, history)
        excluded = excluded_by_bijlage2(history, reg.rows, policy)
        step(20)

        db.session.execute(_bulk(Provider), reg.rows)
        ids = {agb: id_ for agb, id_ in db.session.execute(select(Provider.agb, Provider.id))}
        step(20)

        score_rows = [{"provider_id": ids[agb], "year": year, **parts}
                      for year, scores in raw.items() for agb, parts in scores.items()]
        db.session.execute(_bulk(ProfileScore), score_rows)
        step(15)

        contract_rows = [{"provider_id": ids[agb], "contract": contract, "start": start, "end": end}
                         for agb, held in reg.contracts.items() for contract, start, end in held]
        db.session.execute(_bulk(ContractHeld), contract_rows)
        step(10)

        accounts = write_accounts(ids, {r["agb"]: r["name"] for r in reg.rows})
        step(10)
        db.session.execute(_bulk(SimulationClock), [{"id": 1, "today": start}])  # the one row
        applications = pending_applications(seed, start) if applications else 0
        load_demo_products()  # the medicines of the shortages register and the preference file
        db.session.commit()
        step(5)
    except BaseException:
        db.session.rollback()
        raise
    by_type = {t.value: 0 for t in ProviderType}
    for row in reg.rows:
        by_type[row["provider_type"]] += 1
    return DemoSummary(seed=seed, providers=len(reg.rows), by_type=by_type,
                       profile_scores=len(score_rows), contracts=len(contract_rows),
                       accounts=accounts, excluded=excluded, today=start,
                       seconds=time.perf_counter() - started, deleted=deleted,
                       applications=applications)

