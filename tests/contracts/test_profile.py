"""Tests of the pharmacy profile model: hand-worked examples, the tie rules and properties."""
import copy
import math
from decimal import ROUND_HALF_UP, Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts.errors import CaseError, PolicyError
from contracts.exclusion import ProfileFacts
from contracts.profile import NextGroup, ProfileModel, load_profile_model
from contracts.vocabulary import ImprovementAgreements, ProviderType


DATA = {
    "simulated": True,
    "seed": ["..."],
    "provider_types": ["openbare_apotheek", "internetapotheek"],
    "components": {
        "kwaliteit": {"label": "Kwaliteit", "max_points": 40},
        "klantbeleving": {"label": "Klantbeleving", "max_points": 30},
        "kosten": {"label": "Kosten", "max_points": 30},
    },
    "bands": 10,
    "groups": [
        {"id": "drie_sterren", "label": "3 sterren", "stars": 3, "share": 0.70,
         "tariff_per_line_eur": "7.40"},
        {"id": "twee_sterren", "label": "2 sterren", "stars": 2, "share": 0.25,
         "tariff_per_line_eur": "7.05"},
        {"id": "een_ster", "label": "1 ster", "stars": 1, "share": 0.05,
         "tariff_per_line_eur": "6.70"},
    ],
    "trend": {"window_years": 3, "declining_below_points_per_year": -0.5},
}
COMPONENTS = ("kwaliteit", "klantbeleving", "kosten")
MODEL = ProfileModel.from_data(DATA)


def model(**changes) -> ProfileModel:
    """The test model with some top-level keys replaced."""
    return ProfileModel.from_data({**copy.deepcopy(DATA), **changes})


def same(score: float) -> dict[str, float]:
    """The same raw score on every component."""
    return {c: score for c in COMPONENTS}


# One component worth 10 points in 10 bands: a pharmacy's points equal its band.
SINGLE = model(components={"a": {"label": "A", "max_points": 10}})


def single_year(target_band: int) -> dict[str, dict[str, float]]:
    """Ten pharmacies on SINGLE; pharmacy T lands in `target_band` (the others fill the rest)."""
    target = 10 * (target_band - 1)
    others = [10 * k for k in range(10) if 10 * k != target]
    return {"T": {"a": target}, **{f"X{j}": {"a": v} for j, v in enumerate(others)}}


def single_history(bands_by_year: dict[int, int]):
    return SINGLE.score_years({y: single_year(b) for y, b in bands_by_year.items()})


# -- loading ------------------------------------------------------------------------------------

def test_the_2024_policy_loads_as_specified():
    m = load_profile_model(2024)
    assert [(c.id, c.max_points) for c in m.components] == [
        ("kwaliteit", 40), ("klantbeleving", 30), ("kosten", 30)]
    assert m.bands == 10
    assert [(g.id, g.stars, g.share, g.tariff_per_line) for g in m.groups] == [
        ("drie_sterren", 3, Decimal("0.70"), Decimal("7.40")),
        ("twee_sterren", 2, Decimal("0.25"), Decimal("7.05")),
        ("een_ster", 1, Decimal("0.05"), Decimal("6.70"))]
    assert m.lowest_group.id == "een_ster"
    assert (m.window_years, m.declining_below) == (3, -0.5)
    assert m.simulated
    assert m.applies_to(ProviderType.INTERNETAPOTHEEK)
    assert not m.applies_to(ProviderType.FACILITAIR_BEDRIJF)


def test_a_year_with_a_base_inherits_its_profile():
    # The 2023 policy is silent on the profile, so it equals 2024 (its base year).
    assert load_profile_model(2023) == load_profile_model(2024)
    with pytest.raises(CaseError):
        load_profile_model(2031)


@pytest.mark.parametrize("changes", [
    {"groups": [{**DATA["groups"][0], "share": 0.70}, {**DATA["groups"][1], "share": 0.24},
                {**DATA["groups"][2], "share": 0.05}]},  # adds up to 0.99
    {"groups": [{**DATA["groups"][0], "share": 0.80}, {**DATA["groups"][1]},
                {**DATA["groups"][2]}]},  # adds up to 1.10
    {"groups": [{**DATA["groups"][0], "share": 1.2}, {**DATA["groups"][1], "share": -0.2}]},
    {"groups": []},
    {"groups": [{**DATA["groups"][0], "share": 0.75}, {**DATA["groups"][0], "share": 0.25}]},
    {"groups": [{**DATA["groups"][0], "tariff_per_line_eur": 7.40, "share": 1}]},
    {"groups": [{**DATA["groups"][0], "share": 1, "colour": "gold"}]},
    {"bands": 0},
    {"bands": 2.5},
    {"bands": True},
    {"components": {}},
    {"components": {"kwaliteit": {"label": "Kwaliteit", "max_points": 0}}},
    {"components": {"kwaliteit": {"label": "Kwaliteit"}}},
    {"trend": {"window_years": 1, "declining_below_points_per_year": -0.5}},
    {"trend": {"window_years": 3}},
    {"trend": {"window_years": 3, "declining_below_points_per_year": "steep"}},
    {"provider_types": ["drogist"]},
    {"weights": [1, 2]},
])
def test_bad_policy_data_is_refused(changes):
    with pytest.raises(PolicyError):
        model(**changes)


@pytest.mark.parametrize("key", ["components", "bands", "groups", "trend", "provider_types"])
def test_a_missing_key_is_refused(key):
    data = copy.deepcopy(DATA)
    del data[key]
    with pytest.raises(PolicyError, match=key):
        ProfileModel.from_data(data)


def test_shares_within_the_tolerance_are_accepted():
    groups = [{**DATA["groups"][0], "share": 0.7 + 1e-12}, DATA["groups"][1], DATA["groups"][2]]
    assert model(groups=groups).groups[0].share > Decimal("0.7")


# -- scoring: hand-worked examples --------------------------------------------------------------

def test_ten_pharmacies_each_get_their_own_band():
    # Pharmacy i: kwaliteit 10i (band i+1: 4(i+1) points), klantbeleving 90-10i (band 10-i:
    # 3(10-i)), kosten 10i+5 (band i+1: 3(i+1)). Total 4i+37: from 37 (i=0) to 73 (i=9).
    # Groups of 10: 0.70*10 = 7 best; 0.95*10 = 9.5 rounds half up to 10, so 3 in the middle
    # group and none in the lowest.
    raw = {f"{i:08d}": {"kwaliteit": 10 * i, "klantbeleving": 90 - 10 * i, "kosten": 10 * i + 5}
           for i in range(10)}
    year = MODEL.score_year(2023, raw)
    for i in range(10):
        p = year[f"{i:08d}"]
        assert p.points == {"kwaliteit": 4 * (i + 1), "klantbeleving": 3 * (10 - i),
                            "kosten": 3 * (i + 1)}
        assert p.band == {"kwaliteit": i + 1, "klantbeleving": 10 - i, "kosten": i + 1}
        assert p.total == 4 * i + 37
        assert p.rank == 10 - i
        assert p.raw == raw[f"{i:08d}"]
        assert p.year == 2023 and p.agb == f"{i:08d}"
    assert [year[f"{i:08d}"].group for i in range(10)] == ["twee_sterren"] * 3 + ["drie_sterren"] * 7
    assert year["00000009"].stars == 3 and year["00000009"].tariff_per_line == Decimal("7.40")
    assert year["00000000"].stars == 2 and year["00000000"].tariff_per_line == Decimal("7.05")


def test_twenty_pharmacies_split_14_5_1():
    # 20 bands, so every pharmacy has its own band and total: pharmacy i is in band i+1 on
    # every part, 2(i+1) + 1.5(i+1) + 1.5(i+1) = 5(i+1) points.
    history = model(bands=20).score_years({2023: {f"P{i:02d}": same(i) for i in range(20)}})
    year = history.by_year[2023]
    assert [year[f"P{i:02d}"].total for i in range(20)] == [5 * (i + 1) for i in range(20)]
    groups = [year[f"P{i:02d}"].group for i in range(20)]
    assert groups == ["een_ster"] + ["twee_sterren"] * 5 + ["drie_sterren"] * 14
    assert history.totals(2023) == [5 * (i + 1) for i in reversed(range(20))]


def test_three_pharmacies_spread_over_the_bands():
    # Places 0, 1, 2 of 3 fall in bands 10 - floor(10p/3) = 10, 7, 4. Groups: 0.70*3 = 2.1 -> 2,
    # 0.95*3 = 2.85 -> 3.
    year = MODEL.score_year(2023, {"A": same(90), "B": same(50), "C": same(10)})
    assert [year[a].band["kwaliteit"] for a in "ABC"] == [10, 7, 4]
    assert [year[a].points["kwaliteit"] for a in "ABC"] == [40, 28, 16]
    assert [year[a].total for a in "ABC"] == [100, 70, 40]
    assert [year[a].group for a in "ABC"] == ["drie_sterren", "drie_sterren", "twee_sterren"]


def test_points_round_half_up_to_two_decimals():
    # 1 point in 8 bands: band 1 = 0.125 -> 0.13, band 3 = 0.375 -> 0.38, band 5 = 0.625 -> 0.63.
    m = model(bands=8, components={"a": {"label": "A", "max_points": 1}})
    year = m.score_year(2023, {f"P{i}": {"a": i} for i in range(8)})
    assert [year[f"P{i}"].points["a"] for i in range(8)] == [
        0.13, 0.25, 0.38, 0.5, 0.63, 0.75, 0.88, 1.0]
    # 10 points in 3 bands: 3.33, 6.67, 10; the total is the sum of the points shown.
    m = model(bands=3, components={"a": {"label": "A", "max_points": 10},
                                   "b": {"label": "B", "max_points": 10}})
    year = m.score_year(2023, {f"P{i}": {"a": i, "b": i} for i in range(3)})
    assert [year[f"P{i}"].points["a"] for i in range(3)] == [3.33, 6.67, 10.0]
    assert [year[f"P{i}"].total for i in range(3)] == [6.66, 13.34, 20.0]


def test_an_empty_year_has_no_profiles():
    history = MODEL.score_years({2023: {}})
    assert history.years() == [2023]
    assert history.totals(2023) == []
    assert history.band_counts(2023, "kosten") == [0] * 10


# -- ties ---------------------------------------------------------------------------------------

def test_equal_raw_scores_share_the_better_band():
    # Ten pharmacies; B and C tie at places 1 and 2, so both take place 1 (band 9); D is at
    # place 3 (band 7); band 8 stays empty.
    scores = [95, 80, 80, 70, 60, 50, 40, 30, 20, 10]
    raw = {name: same(s) for name, s in zip("ABCDEFGHIJ", scores, strict=False)}
    year = MODEL.score_year(2023, raw)
    assert [year[a].band["kosten"] for a in "ABCD"] == [10, 9, 9, 7]
    assert [year[a].rank for a in "ABCD"] == [1, 2, 2, 4]
    history = MODEL.score_years({2023: raw})
    assert history.band_counts(2023, "kosten") == [1, 1, 1, 1, 1, 1, 1, 0, 2, 1]


def test_equal_totals_share_the_better_group():
    # 20 bands, 20 pharmacies; the ones at places 13 and 14 tie. The cut-off of the top group is
    # 14 places, but both tied pharmacies take place 13 and so the top group: 15 / 4 / 1.
    scores = [100, 95, 90, 85, 80, 75, 70, 65, 60, 55, 50, 45, 40, 35, 35, 25, 20, 15, 10, 5]
    year = model(bands=20).score_year(2023, {f"P{i:02d}": same(s) for i, s in enumerate(scores)})
    groups = [year[f"P{i:02d}"].group for i in range(20)]
    assert groups == ["drie_sterren"] * 15 + ["twee_sterren"] * 4 + ["een_ster"]
    assert year["P13"].total == year["P14"].total and year["P13"].rank == year["P14"].rank == 14


# -- trend --------------------------------------------------------------------------------------

@pytest.mark.parametrize("bands_by_year, slope, declining", [
    ({2021: 2, 2022: 4, 2023: 6}, 2.0, False),      # up
    ({2021: 6, 2022: 4, 2023: 2}, -2.0, True),      # down
    ({2021: 5, 2022: 5, 2023: 5}, 0.0, False),      # flat
    ({2021: 6, 2022: 5, 2023: 5}, -0.5, False),     # exactly the threshold is not below it
    ({2021: 7, 2022: 5, 2023: 5}, -1.0, True),
    # only the last 3 years count: 9, 5, 5 (all four would give +0.8)
    ({2020: 1, 2021: 9, 2022: 5, 2023: 5}, -2.0, True),
    ({2019: 9, 2023: 1}, -2.0, True),               # slope per calendar year, gaps included
])
def test_trend_is_the_least_squares_slope_over_the_window(bands_by_year, slope, declining):
    # "Een dalende trend vertonen op een van de onderdelen van het apotheekprofiel"
    history = single_history(bands_by_year)
    assert history.trend("T", "a") == pytest.approx(slope, abs=1e-12)
    assert history.declining_components("T") == (("a",) if declining else ())
    assert history.facts("T").declining_component is declining


def test_trend_needs_two_years():
    history = single_history({2023: 3})
    assert history.trend("T", "a") is None
    assert history.declining_components("T") == ()
    assert history.facts("T").declining_component is None
    assert history.trend("unknown", "a") is None
    with pytest.raises(CaseError):
        history.trend("T", "b")


def test_a_decline_on_one_component_is_enough():
    # Pharmacy T falls from first to last on kosten and holds first place on the others.
    raw = {year: {"T": {"kwaliteit": 100, "klantbeleving": 100, "kosten": kosten},
                  "U": same(50), "V": same(40)}
           for year, kosten in ((2021, 100), (2022, 45), (2023, 0))}
    history = MODEL.score_years(raw)
    assert history.trend("T", "kwaliteit") == 0.0
    assert history.trend("T", "kosten") < -0.5
    assert history.declining_components("T") == ("kosten",)
    facts = history.facts("T", ImprovementAgreements.NIET_NAGEKOMEN)
    assert facts == ProfileFacts(lowest_group_years=(), declining_component=True,
                                 improvement_agreements=ImprovementAgreements.NIET_NAGEKOMEN)
    assert facts.declining_components == ("kosten",)


# -- lowest group and facts ---------------------------------------------------------------------

def test_lowest_group_years():
    # "3 achtereenvolgende jaren behoren tot de groep met het laagst scorende apotheekprofiel"
    # 20 pharmacies, 20 bands: the worst one (score 0) is the only one in the lowest group.
    def year(worst: str) -> dict:
        names = ["L", "M"] + [f"P{i:02d}" for i in range(18)]
        names.remove(worst)
        return {worst: same(0), **{name: same(i + 1) for i, name in enumerate(names)}}

    history = model(bands=20).score_years(
        {2020: year("M"), 2021: year("L"), 2022: year("L"), 2023: year("L")})
    assert history.years() == [2020, 2021, 2022, 2023]
    assert history.lowest_group_years("L") == (2021, 2022, 2023)
    assert history.lowest_group_years("M") == (2020,)
    assert history.lowest_group_years("P05") == ()
    facts = history.facts("L")
    assert facts.lowest_group_years == (2021, 2022, 2023)
    assert facts.improvement_agreements is ImprovementAgreements.GEEN
    assert history.facts("unknown") == ProfileFacts()


def test_of_gives_the_profiles_by_year():
    history = single_history({2023: 2, 2021: 4})
    assert list(history.of("T")) == [2021, 2023]
    assert history.of("T")[2021].points == {"a": 4}
    assert history.of("nobody") == {}


# -- next group ---------------------------------------------------------------------------------

def test_next_group():
    # As in test_twenty_pharmacies_split_14_5_1: P00 (5 points) is the lowest group, P01..P05
    # (10..30) the middle, P06..P19 (35..100) the top.
    history = model(bands=20).score_years({2023: {f"P{i:02d}": same(i) for i in range(20)}})
    assert history.next_group("P00", 2023) == NextGroup(
        agb="P00", year=2023, current_group="een_ster", group="twee_sterren", label="2 sterren",
        stars=2, tariff_per_line=Decimal("7.05"), lowest_total=10.0, points_needed=5.0,
        room={"kwaliteit": 38.0, "klantbeleving": 28.5, "kosten": 28.5})
    up = history.next_group("P03", 2023)
    assert (up.group, up.lowest_total, up.points_needed) == ("drie_sterren", 35.0, 15.0)
    assert up.room == {"kwaliteit": 32.0, "klantbeleving": 24.0, "kosten": 24.0}
    assert history.next_group("P06", 2023) is None
    assert history.next_group("P19", 2023) is None
    with pytest.raises(CaseError):
        history.next_group("P00", 2022)
    with pytest.raises(CaseError):
        history.next_group("nobody", 2023)


def test_next_group_skips_an_empty_group():
    # Two pharmacies with the 2024 shares: cut-offs round(1.4) = 1 and round(1.9) = 2, so B is
    # in the middle group and the lowest stays empty.
    year = {"A": same(90), "B": same(10)}
    history = MODEL.score_years({2023: year})
    assert history.by_year[2023]["B"].group == "twee_sterren"
    assert history.next_group("B", 2023).group == "drie_sterren"
    m = model(groups=[{**DATA["groups"][0], "share": 0.5}, {**DATA["groups"][1], "share": 0.0},
                      {**DATA["groups"][2], "share": 0.5}])
    # Shares 0.5 / 0 / 0.5: the middle group is empty, so B (band 10 - floor(10/2) = 5 on every
    # part: 50 points) looks past it to the top group (A: 100 points).
    history = m.score_years({2023: year})
    assert history.by_year[2023]["B"].group == "een_ster"
    up = history.next_group("B", 2023)
    assert (up.group, up.lowest_total, up.points_needed) == ("drie_sterren", 100.0, 50.0)


# -- distribution -------------------------------------------------------------------------------

def test_band_counts_and_totals():
    history = MODEL.score_years({2023: {f"P{i:02d}": same(i) for i in range(20)}})
    assert history.band_counts(2023, "kwaliteit") == [2] * 10
    assert history.totals(2023) == [100, 100, 90, 90, 80, 80, 70, 70, 60, 60,
                                    50, 50, 40, 40, 30, 30, 20, 20, 10, 10]
    with pytest.raises(CaseError):
        history.band_counts(2023, "snelheid")
    with pytest.raises(CaseError):
        history.band_counts(2020, "kosten")
    with pytest.raises(CaseError):
        history.totals(2020)


# -- bad input ----------------------------------------------------------------------------------

@pytest.mark.parametrize("scores, field", [
    ({"kwaliteit": 50, "klantbeleving": 50}, "raw[A]"),
    ({**same(50), "snelheid": 50}, "raw[A]"),
    ({**same(50), "kosten": 101}, "raw[A].kosten"),
    ({**same(50), "kosten": -0.5}, "raw[A].kosten"),
    ({**same(50), "kosten": "50"}, "raw[A].kosten"),
    ({**same(50), "kosten": None}, "raw[A].kosten"),
    ({**same(50), "kosten": True}, "raw[A].kosten"),
    ({**same(50), "kosten": math.nan}, "raw[A].kosten"),
    ({**same(50), "kosten": math.inf}, "raw[A].kosten"),
    ([50, 50, 50], "raw[A]"),
])
def test_bad_scores_raise_case_error(scores, field):
    with pytest.raises(CaseError) as caught:
        MODEL.score_year(2023, {"B": same(40), "A": scores})
    assert caught.value.field == field


def test_a_missing_component_names_the_allowed_ones():
    with pytest.raises(CaseError) as caught:
        MODEL.score_year(2023, {"A": {"kwaliteit": 1}})
    assert caught.value.allowed == list(COMPONENTS)


def test_bad_keys_raise_case_error():
    with pytest.raises(CaseError):
        MODEL.score_year(2023, {12345678: same(50)})
    with pytest.raises(CaseError):
        MODEL.score_year("2023", {"A": same(50)})
    with pytest.raises(CaseError):
        MODEL.score_year(2023, [("A", same(50))])


# -- properties ---------------------------------------------------------------------------------

scores = st.one_of(st.integers(0, 100), st.floats(0, 100), st.sampled_from([0, 50, 100]))
pharmacies = st.dictionaries(st.text("0123456789", min_size=8, max_size=8),
                             st.tuples(scores, scores, scores), min_size=1, max_size=60)


def cutoff(share: str, n: int) -> int:
    """round_half_up(share * n), written independently of the module."""
    return int((Decimal(share) * n).quantize(Decimal(1), rounding=ROUND_HALF_UP))


@settings(deadline=None)
@given(pharmacies)
def test_properties_of_any_year(data):
    raw = {agb: dict(zip(COMPONENTS, values, strict=False)) for agb, values in data.items()}
    history = MODEL.score_years({2023: raw})
    year = history.by_year[2023]
    n = len(raw)

    # every pharmacy gets exactly one group, and totals are within 0..100
    assert set(year) == set(raw)
    assert all(p.group in {"drie_sterren", "twee_sterren", "een_ster"} for p in year.values())
    assert all(0 <= p.total <= 100 for p in year.values())
    assert all(math.isclose(p.total, sum(p.points.values()), abs_tol=1e-9) for p in year.values())

    # group sizes follow the shares: the first k groups hold the first round_half_up(n * cum)
    # places, plus whoever ties with the last of them
    ranked = sorted((p.total for p in year.values()), reverse=True)
    assert history.totals(2023) == ranked
    in_groups = 0
    for group, cumulative in (("drie_sterren", "0.70"), ("twee_sterren", "0.95"), ("een_ster", "1")):
        in_groups += sum(p.group == group for p in year.values())
        cut = cutoff(cumulative, n)
        expected = sum(t >= ranked[cut - 1] for t in ranked) if cut else 0
        assert in_groups == expected
        if len(set(ranked)) == n:
            assert in_groups == cut

    # ranks: 1 + the number of strictly better totals
    for p in year.values():
        assert p.rank == 1 + sum(t > p.total for t in ranked)

    # bands: every pharmacy counted once; without ties the sizes differ by at most one
    for c in COMPONENTS:
        counts = history.band_counts(2023, c)
        assert sum(counts) == n
        if len({s[c] for s in raw.values()}) == n:
            assert max(counts) - min(counts) <= 1

    # strictly better on every part never means fewer points
    for agb_a, a in raw.items():
        for agb_b, b in raw.items():
            if all(a[c] > b[c] for c in COMPONENTS):
                assert year[agb_a].total >= year[agb_b].total


@settings(deadline=None)
@given(st.lists(st.integers(1, 10), min_size=1, max_size=6))
def test_trend_properties(bands):
    history = single_history({2018 + i: b for i, b in enumerate(bands)})
    slope = history.trend("T", "a")
    window = bands[-3:]
    if len(window) < 2:
        assert slope is None
    elif len(set(window)) == 1:
        assert slope == 0
    elif window == sorted(window):
        assert slope > 0
    elif window == sorted(window, reverse=True):
        assert slope < 0
