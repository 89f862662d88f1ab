"""Times the profile model on random raw scores: scoring several years, then facts for all.

Usage: python bench/profile_bench.py [--pharmacies 2500] [--years 3] [--repeats 5]
Prints median timings; it never asserts on time.
"""
from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from contracts.profile import load_profile_model  # noqa: E402

SEED = 20240101
LAST_YEAR = 2023


def random_scores(pharmacies: int, years: int, components: tuple[str, ...]) -> dict:
    """Raw scores per year, pharmacy and component, from a fixed seed (integers, so some tie)."""
    rng = random.Random(SEED)
    agbs = [f"{agb:08d}" for agb in rng.sample(range(10**7, 10**8), pharmacies)]
    return {LAST_YEAR - years + 1 + y: {agb: {c: rng.randint(0, 100) for c in components}
                                        for agb in agbs}
            for y in range(years)}


def median_ms(action, repeats: int, setup=lambda: None) -> tuple[float, object]:
    """The median wall time in ms of `action(setup())` (setup untimed), and its last result."""
    times, result = [], None
    for _ in range(repeats):
        given = setup()
        start = time.perf_counter()
        result = action(given)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pharmacies", type=int, default=2500)
    parser.add_argument("--years", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)

    model = load_profile_model(2024)
    raw = random_scores(args.pharmacies, args.years, model.component_ids())
    agbs = list(raw[LAST_YEAR])
    n = len(agbs)

    score_ms, history = median_ms(lambda _: model.score_years(raw), args.repeats)
    # a fresh history for each repeat, so building its per-pharmacy index is part of the timing
    facts_ms, _ = median_ms(lambda h: [h.facts(agb) for agb in agbs], args.repeats,
                            setup=lambda: model.score_years(raw))
    lowest = sum(1 for agb in agbs if history.lowest_group_years(agb))
    declining = sum(1 for agb in agbs if history.declining_components(agb))

    print(f"profile bench: {n} pharmacies x {args.years} years, median of {args.repeats} "
          f"(seed {SEED})")
    print(f"  score_years        {score_ms:9.1f} ms  "
          f"{n * args.years / score_ms * 1000:10.0f} pharmacy-years/s")
    print(f"  facts (all)        {facts_ms:9.1f} ms  {n / facts_ms * 1000:10.0f} pharmacies/s")
    print(f"  ever lowest group  {lowest}; with a declining part {declining}")


if __name__ == "__main__":
    main()
