"""The pharmacy profile (apotheekprofiel): a simulated, transparent scoring model.

The policy names the profile's parts (kwaliteit, klantbeleving, kosten) but not how they are
scored; this model is our own simulation, and its parameters are data (`profile:` in
`contracts/policies/<year>.yaml`). It is what a pharmacist is shown:

1. Per profile year every pharmacy (by AGB code) has a raw score from 0 to 100 per part
   (higher is better).
2. Points per part are handed out evenly by rank: the pharmacies are ranked on their raw score,
   best first, and the ranking is cut into `bands` equally large groups ("every bar of the
   distribution chart is an equally large group of pharmacies"). A pharmacy at place p
   (0 = best) of n falls in band `bands - floor(p * bands / n)`, so band sizes differ by at
   most one (with fewer pharmacies than bands some bands stay empty). Pharmacies with the same
   raw score share the place of the best of them, so they land in the same band, the better
   one. Band b (1 = worst ... bands = best) earns `max_points * b / bands` points, computed
   exactly and rounded half up to 2 decimals.
3. The total is the sum of the parts' points (at most 100, with the 2024 parts 40 + 30 + 30).
4. Groups go by rank of the total. With n pharmacies, group k reaches down to the cut-off
   `round_half_up(n * (share_1 + ... + share_k))` (cumulative, so rounding errors do not add
   up); the last group takes the rest and is "de groep met het laagst scorende
   apotheekprofiel". Equal totals share the place of the best of them and so get the same
   group, the better one. With 20 pharmacies and shares 0.70/0.25/0.05 that is 14/5/1; with 10
   it is 7/3/0 (9.5 rounds up to 10).
5. The trend of a part is the least-squares slope (points per year) of the pharmacy's points
   over its last `window_years` profile years (at least 2 needed, else unknown). A part is
   declining when the slope is below `declining_below_points_per_year`.
6. Each group carries a tariff per prescription line. SIMULATED: the amounts are ours, not
   the insurer's.
7. "What moves me up a group": the group above and the points still needed to reach that
   group's lowest total of the year (others' scores unchanged), and per part the points still
   to gain.

Points, totals and slopes are floats (points and totals rounded to 2 decimals, ranked on their
exact decimal values); money is Decimal.
"""
from __future__ import annotations

import functools
import math
import numbers
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from functools import cached_property
from typing import Mapping


from .errors import CaseError, PolicyError
from .exclusion import ProfileFacts
from .vocabulary import ImprovementAgreements, ProviderType

SCORE_MIN, SCORE_MAX = 0, 100
DOC_KEYS = {"simulated", "seed", "reading", "summary", "source"}
MODEL_KEYS = {"provider_types", "components", "bands", "groups", "trend"}
COMPONENT_KEYS = {"label", "max_points"}
GROUP_KEYS = {"id", "label", "stars", "share", "tariff_per_line_eur"}
TREND_KEYS = {"window_years", "declining_below_points_per_year"}
SHARE_TOLERANCE = Decimal("1e-9")


@dataclass(frozen=True)
class Component:
    """A part of the profile (kwaliteit, klantbeleving, kosten) and the points it is worth."""

    id: str
    label: str
    max_points: Decimal


@dataclass(frozen=True)
class Group:
    """A group of pharmacies by total points, with its share and simulated tariff."""

    id: str
    label: str
    stars: int
    share: Decimal
    tariff_per_line: Decimal  # simulated


@dataclass(frozen=True)
class YearProfile:
    """One pharmacy's profile in one year."""

    year: int
    agb: str
    raw: dict[str, float]
    points: dict[str, float]
    total: float
    rank: int  # 1 = best; equal totals share a rank
    group: str
    stars: int
    tariff_per_line: Decimal  # simulated
    band: dict[str, int]  # per component, 1 = worst ... bands = best


@dataclass(frozen=True)
class NextGroup:
    """What would move a pharmacy up one group in a year, others' scores unchanged."""

    agb: str
    year: int
    current_group: str
    group: str  # the nearest group above that has pharmacies this year
    label: str
    stars: int
    tariff_per_line: Decimal  # simulated
    lowest_total: float  # the lowest total in `group` this year
    points_needed: float  # lowest_total minus the pharmacy's total, > 0
    room: dict[str, float]  # per component: max_points minus the current points


@dataclass(frozen=True)
class ProfileModel:
    """The profile model's parameters, read from a policy year's `profile:` data."""

    components: tuple[Component, ...]
    bands: int
    groups: tuple[Group, ...]
    window_years: int
    declining_below: float  # points per year
    provider_types: tuple[ProviderType, ...]
    simulated: bool = True
    seed: tuple[str, ...] = ()

    @classmethod
    def from_data(cls, data: Mapping) -> ProfileModel:
        """The model of the parsed `profile:` mapping; PolicyError when it is inconsistent."""
        _check_keys(data, MODEL_KEYS, DOC_KEYS, "profile")
        bands = data["bands"]
        if not _is_int(bands) or bands < 1:
            raise PolicyError(f"profile.bands: a whole number of at least 1, not {bands!r}")
        trend = data["trend"]
        _check_keys(trend, TREND_KEYS, set(), "profile.trend")
        window = trend["window_years"]
        if not _is_int(window) or window < 2:
            raise PolicyError(f"profile.trend.window_years: at least 2 years, not {window!r}")
        declining_below = _decimal(trend["declining_below_points_per_year"],
                                   "profile.trend.declining_below_points_per_year")
        try:
            provider_types = tuple(ProviderType(p) for p in data["provider_types"])
        except (ValueError, TypeError):
            raise PolicyError(f"profile.provider_types: unknown in {data['provider_types']!r}") \
                from None
        return cls(components=_components(data["components"]), bands=bands,
                   groups=_groups(data["groups"]), window_years=window,
                   declining_below=float(declining_below), provider_types=provider_types,
                   simulated=bool(data.get("simulated", True)),
                   seed=tuple(data.get("seed") or ()))

    def component_ids(self) -> tuple[str, ...]:
        """The parts' ids, in the policy's order."""
        return tuple(c.id for c in self.components)

    def component(self, component_id: str) -> Component:
        """The part by id; CaseError if unknown."""
        for c in self.components:
            if c.id == component_id:
                return c
        raise CaseError("component", f"unknown component {component_id!r}", self.component_ids())

    def group(self, group_id: str) -> Group:
        """The group by id; CaseError if unknown."""
        for g in self.groups:
            if g.id == group_id:
                return g
        raise CaseError("group", f"unknown group {group_id!r}", [g.id for g in self.groups])

    @property
    def lowest_group(self) -> Group:
        """The last group: "de groep met het laagst scorende apotheekprofiel"."""
        return self.groups[-1]

    def applies_to(self, provider_type: str) -> bool:
        """Whether this kind of provider has a profile."""
        return provider_type in self.provider_types

    def group_cutoffs(self, n: int) -> tuple[int, ...]:
        """Per group, the number of places (from the best) it and the groups above cover."""
        cutoffs, cumulative = [], Decimal(0)
        for g in self.groups[:-1]:
            cumulative += g.share
            cutoffs.append(_round_half_up(Fraction(cumulative) * n))
        return (*cutoffs, n)

    def band_of(self, place: int, n: int) -> int:
        """The band (1 = worst) of 0-based place `place` (0 = best) among n pharmacies."""
        return self.bands - place * self.bands // n

    def score_year(self, year: int, raw: Mapping[str, Mapping[str, float]]
                   ) -> dict[str, YearProfile]:
        """Every pharmacy's profile in `year` from its raw scores; CaseError on bad scores."""
        if not _is_int(year):
            raise CaseError("year", f"a year, not {year!r}")
        scores = _checked(raw, self.component_ids())
        n = len(scores)
        cents: dict[str, dict[str, Decimal]] = {agb: {} for agb in scores}
        bands: dict[str, dict[str, int]] = {agb: {} for agb in scores}
        for c in self.components:
            points_of_band = [_cents(Fraction(c.max_points) * b / self.bands)
                              for b in range(self.bands + 1)]
            places = _places({agb: s[c.id] for agb, s in scores.items()})
            for agb, place in places.items():
                band = self.band_of(place, n)
                bands[agb][c.id] = band
                cents[agb][c.id] = points_of_band[band]
        totals = {agb: sum(points.values(), Decimal(0)) for agb, points in cents.items()}
        places = _places(totals)
        cutoffs = self.group_cutoffs(n)
        profiles = {}
        for agb in scores:
            group = self.groups[next(k for k, cut in enumerate(cutoffs) if places[agb] < cut)]
            profiles[agb] = YearProfile(
                year=year, agb=agb, raw=dict(scores[agb]),
                points={cid: float(p) for cid, p in cents[agb].items()},
                total=float(totals[agb]), rank=places[agb] + 1, group=group.id,
                stars=group.stars, tariff_per_line=group.tariff_per_line, band=bands[agb])
        return profiles

    def score_years(self, raw_by_year: Mapping[int, Mapping[str, Mapping[str, float]]]
                    ) -> ProfileHistory:
        """All pharmacies' profiles over several years."""
        return ProfileHistory(self, {year: self.score_year(year, raw_by_year[year])
                                     for year in sorted(raw_by_year)})


@dataclass(frozen=True)
class ProfileHistory:
    """All pharmacies' profiles over several years, and what follows from them."""

    model: ProfileModel
    by_year: Mapping[int, Mapping[str, YearProfile]]

    @cached_property
    def _by_agb(self) -> dict[str, dict[int, YearProfile]]:
        by_agb: dict[str, dict[int, YearProfile]] = {}
        for year in self.years():
            for agb, profile in self.by_year[year].items():
                by_agb.setdefault(agb, {})[year] = profile
        return by_agb

    def years(self) -> list[int]:
        """The profile years, oldest first."""
        return sorted(self.by_year)

    def of(self, agb: str) -> dict[int, YearProfile]:
        """The pharmacy's profiles by year, oldest first; empty if it has none."""
        return dict(self._by_agb.get(agb, {}))

    def trend(self, agb: str, component: str) -> float | None:
        """Least-squares slope (points per year) over the last `window_years` profile years the
        pharmacy has; None with fewer than 2."""
        return _maybe_float(self._slope(agb, component))

    def declining_components(self, agb: str) -> tuple[str, ...]:
        """The parts whose trend is below the policy's threshold, in the policy's order."""
        return self._declining(self._slopes(agb))

    def lowest_group_years(self, agb: str) -> tuple[int, ...]:
        """The years the pharmacy was in the lowest-scoring group, oldest first."""
        lowest = self.model.lowest_group.id
        return tuple(year for year, p in self.of(agb).items() if p.group == lowest)

    def facts(self, agb: str, improvement_agreements: ImprovementAgreements
              = ImprovementAgreements.GEEN) -> ProfileFacts:
        """What the exclusion grounds need of the pharmacy's profile history."""
        slopes = self._slopes(agb)
        declining = self._declining(slopes)
        known = any(slope is not None for slope in slopes.values())
        return ProfileFacts(
            lowest_group_years=self.lowest_group_years(agb),
            declining_component=bool(declining) if known else None,
            improvement_agreements=ImprovementAgreements(improvement_agreements),
            declining_components=declining)

    def next_group(self, agb: str, year: int) -> NextGroup | None:
        """What would move the pharmacy up a group in `year`; None if it is in the top group."""
        profile = self._profile(agb, year)
        ids = [g.id for g in self.model.groups]
        floors = self._group_floors[year]
        above = [g for g in self.model.groups[:ids.index(profile.group)] if g.id in floors]
        if not above:
            return None
        target = above[-1]
        own = Decimal(repr(profile.total))
        return NextGroup(
            agb=agb, year=year, current_group=profile.group, group=target.id, label=target.label,
            stars=target.stars, tariff_per_line=target.tariff_per_line,
            lowest_total=float(floors[target.id]), points_needed=float(floors[target.id] - own),
            room={c.id: float(c.max_points - Decimal(repr(profile.points[c.id])))
                  for c in self.model.components})

    def band_counts(self, year: int, component: str) -> list[int]:
        """Pharmacies per band in `year`: index 0 is band 1 (worst), the last the best band."""
        self.model.component(component)
        self._year(year)
        return list(self._band_counts[year][component])

    def totals(self, year: int) -> list[float]:
        """The year's totals, best first (to mark a pharmacy's own place)."""
        self._year(year)
        return list(self._totals[year])

    # The year-wide figures below are worked out once per history, not per call: a history is
    # kept while its scores stand (portal/operations/providers.py), and a profile page that shows
    # one pharmacy against all the others would otherwise count every pharmacy on each request.

    @cached_property
    def _band_counts(self) -> dict[int, dict[str, tuple[int, ...]]]:
        """Per year and component, the pharmacies per band (index 0 is band 1)."""
        counts: dict[int, dict[str, tuple[int, ...]]] = {}
        for year, profiles in self.by_year.items():
            year_counts = {cid: [0] * self.model.bands for cid in self.model.component_ids()}
            for p in profiles.values():
                for cid, per_band in year_counts.items():
                    per_band[p.band[cid] - 1] += 1
            counts[year] = {cid: tuple(c) for cid, c in year_counts.items()}
        return counts

    @cached_property
    def _totals(self) -> dict[int, tuple[float, ...]]:
        """Per year, the totals best first."""
        return {year: tuple(sorted((p.total for p in profiles.values()), reverse=True))
                for year, profiles in self.by_year.items()}

    @cached_property
    def _group_floors(self) -> dict[int, dict[str, Decimal]]:
        """Per year, the lowest total of each group that has pharmacies."""
        floors: dict[int, dict[str, Decimal]] = {}
        for year, profiles in self.by_year.items():
            year_floors = floors.setdefault(year, {})
            for p in profiles.values():
                total = Decimal(repr(p.total))
                year_floors[p.group] = min(year_floors.get(p.group, total), total)
        return floors

    def _slope(self, agb: str, component: str) -> Fraction | None:
        self.model.component(component)
        return self._slopes(agb)[component]

    def _slopes(self, agb: str) -> dict[str, Fraction | None]:
        """Per component, the exact slope over the window (None with fewer than 2 years)."""
        window = list(self._by_agb.get(agb, {}).items())[-self.model.window_years:]
        if len(window) < 2:
            return dict.fromkeys(self.model.component_ids())
        years = [year for year, _ in window]
        return {cid: _least_squares_slope(years, [round(p.points[cid] * 100) for _, p in window])
                / 100 for cid in self.model.component_ids()}

    def _declining(self, slopes: Mapping[str, Fraction | None]) -> tuple[str, ...]:
        threshold = Fraction(str(self.model.declining_below))
        return tuple(cid for cid, slope in slopes.items()
                     if slope is not None and slope < threshold)

    def _year(self, year: int) -> Mapping[str, YearProfile]:
        if year not in self.by_year:
            raise CaseError("year", f"no profile year {year}", self.years())
        return self.by_year[year]

    def _profile(self, agb: str, year: int) -> YearProfile:
        profiles = self._year(year)
        if agb not in profiles:
            raise CaseError("agb", f"no profile for {agb} in {year}")
        return profiles[agb]


@functools.cache
def load_profile_model(year: int) -> ProfileModel:
    """The profile model of policy year `year` (a year with a `base` inherits the base's)."""
    from .policy import load_policy  # the policy loader checks the model; import late, no cycle

    data = load_policy(year).profile
    if data is None:
        raise PolicyError(f"policy {year}: no profile")
    return ProfileModel.from_data(data)


# -- helpers -----------------------------------------------------------------------------------

def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return (isinstance(value, numbers.Real) and not isinstance(value, bool)
            and math.isfinite(value))


def _decimal(value, where: str) -> Decimal:
    """A number from policy data as an exact Decimal (floats by their shortest repr)."""
    if not _is_number(value) and not isinstance(value, str):
        raise PolicyError(f"{where}: a number, not {value!r}")
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise PolicyError(f"{where}: a number, not {value!r}") from None
    if not result.is_finite():
        raise PolicyError(f"{where}: a finite number, not {value!r}")
    return result


def _check_keys(data, required: set[str], optional: set[str], where: str) -> None:
    if not isinstance(data, Mapping):
        raise PolicyError(f"{where}: a mapping, not {type(data).__name__}")
    missing = required - set(data)
    if missing:
        raise PolicyError(f"{where}: missing {sorted(missing)}")
    unknown = set(data) - required - optional
    if unknown:
        raise PolicyError(f"{where}: unknown keys {sorted(unknown)}")


def _components(data) -> tuple[Component, ...]:
    if not isinstance(data, Mapping) or not data:
        raise PolicyError("profile.components: a non-empty mapping of components")
    components = []
    for cid, c in data.items():
        where = f"profile.components.{cid}"
        _check_keys(c, COMPONENT_KEYS, set(), where)
        max_points = _decimal(c["max_points"], f"{where}.max_points")
        if max_points <= 0:
            raise PolicyError(f"{where}.max_points: more than 0, not {max_points}")
        components.append(Component(id=str(cid), label=str(c["label"]), max_points=max_points))
    return tuple(components)


def _groups(data) -> tuple[Group, ...]:
    if not isinstance(data, list) or not data:
        raise PolicyError("profile.groups: a non-empty list of groups, best first")
    groups = []
    for i, g in enumerate(data):
        where = f"profile.groups[{i}]"
        _check_keys(g, GROUP_KEYS, set(), where)
        share = _decimal(g["share"], f"{where}.share")
        if not 0 <= share <= 1:
            raise PolicyError(f"{where}.share: between 0 and 1, not {share}")
        if not isinstance(g["tariff_per_line_eur"], str):
            raise PolicyError(f"{where}.tariff_per_line_eur: a string (exact money), "
                              f"not {g['tariff_per_line_eur']!r}")
        tariff = _decimal(g["tariff_per_line_eur"], f"{where}.tariff_per_line_eur")
        if tariff < 0 or not _is_int(g["stars"]):
            raise PolicyError(f"{where}: a tariff of at least 0 and whole stars")
        groups.append(Group(id=str(g["id"]), label=str(g["label"]), stars=g["stars"],
                            share=share, tariff_per_line=tariff))
    if len({g.id for g in groups}) != len(groups):
        raise PolicyError("profile.groups: ids are not unique")
    total = sum((g.share for g in groups), Decimal(0))
    if abs(total - 1) > SHARE_TOLERANCE:
        raise PolicyError(f"profile.groups: shares add up to {total}, not 1")
    return tuple(groups)


def _checked(raw, components: tuple[str, ...]) -> dict[str, dict[str, float]]:
    """The raw scores, checked: every pharmacy has a score from 0 to 100 for every part."""
    if not isinstance(raw, Mapping):
        raise CaseError("raw", "a mapping of AGB code to scores per component")
    scores = {}
    for agb, per_component in raw.items():
        if not isinstance(agb, str) or not agb:
            raise CaseError("agb", f"an AGB code (text), not {agb!r}")
        if not isinstance(per_component, Mapping):
            raise CaseError(f"raw[{agb}]", "a mapping of component to score", components)
        missing = [c for c in components if c not in per_component]
        unknown = [c for c in per_component if c not in components]
        if missing or unknown:
            what = f"missing {missing}" if missing else f"unknown {unknown}"
            raise CaseError(f"raw[{agb}]", f"components {what}", components)
        for cid in components:
            score = per_component[cid]
            if not _is_number(score) or not SCORE_MIN <= score <= SCORE_MAX:
                raise CaseError(f"raw[{agb}].{cid}",
                                f"a score from {SCORE_MIN} to {SCORE_MAX}, not {score!r}")
        scores[agb] = {cid: per_component[cid] for cid in components}
    return scores


def _places(values: Mapping[str, object]) -> dict[str, int]:
    """Each key's 0-based place in the ranking, highest value first; equal values share the
    place of the best of them."""
    order = sorted(values, key=values.__getitem__, reverse=True)
    places: dict[str, int] = {}
    for i, key in enumerate(order):
        tied = i > 0 and values[key] == values[order[i - 1]]
        places[key] = places[order[i - 1]] if tied else i
    return places


def _round_half_up(value: Fraction) -> int:
    return math.floor(value + Fraction(1, 2))


def _cents(value: Fraction) -> Decimal:
    """A non-negative exact value rounded half up to 2 decimals."""
    return Decimal(_round_half_up(value * 100)).scaleb(-2)


def _least_squares_slope(xs: list[int], ys: list[int]) -> Fraction:
    """The exact least-squares slope of whole numbers (distinct xs): n·Σxy − ΣxΣy over
    n·Σx² − (Σx)²."""
    n = len(xs)
    covariance = n * sum(x * y for x, y in zip(xs, ys, strict=True)) - sum(xs) * sum(ys)
    spread = n * sum(x * x for x in xs) - sum(xs) ** 2
    return Fraction(covariance, spread)


def _maybe_float(value: Fraction | None) -> float | None:
    return None if value is None else float(value)
