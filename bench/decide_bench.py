"""Benchmark: how fast the engine decides cases (a bulk issue decides one per provider and contract).

Prints figures; asserts nothing about time. Usage: python bench/decide_bench.py [--cases 25000]
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import time

from contracts.cases import parse_case
from contracts.engine import decide
from contracts.errors import CaseError
from contracts.vocabulary import Contract, ImprovementAgreements, ProviderType, Relation


def random_cases(count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    cases = []
    for _ in range(count):
        case = {"policy_year": rng.choice([2023, 2024]),
                "provider_type": rng.choice(list(ProviderType)).value,
                "contract": rng.choice(list(Contract)).value,
                "relation": rng.choice(list(Relation)).value,
                "size_rank": rng.randint(1, 60),
                "application_received": "2023-05-31",
                "agb_start": rng.choice(["2012-03-01", "2024-02-01"])}
        if rng.random() < 0.5:
            case["profile"] = {"lowest_group_years": rng.sample(range(2019, 2025), 3),
                               "declining_component": rng.random() < 0.5,
                               "improvement_agreements": rng.choice(list(ImprovementAgreements)).value}
        cases.append(case)
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=25_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--seed", type=int, default=20230915)
    args = parser.parse_args()
    cases = random_cases(args.cases, args.seed)
    parse_times, decide_times = [], []
    for _ in range(args.repeats):
        start = time.perf_counter()
        parsed = [parse_case(c) for c in cases]
        parse_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        routes = {}
        for case in parsed:
            try:
                route = decide(case).route
            except CaseError:
                route = "error"
            routes[route] = routes.get(route, 0) + 1
        decide_times.append(time.perf_counter() - start)
    parse_s, decide_s = statistics.median(parse_times), statistics.median(decide_times)
    print(f"decide bench: {args.cases} random cases, median of {args.repeats}, {os.cpu_count()} cores")
    print(f"  parse_case   {parse_s * 1000:8.1f} ms  {args.cases / parse_s:10.0f} cases/s")
    print(f"  decide       {decide_s * 1000:8.1f} ms  {args.cases / decide_s:10.0f} cases/s")
    print(f"  routes: { {str(k): v for k, v in sorted(routes.items())} }")


if __name__ == "__main__":
    main()
