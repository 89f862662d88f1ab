"""Benchmark: bulk rendering of contract documents, fast path vs the naive docxtpl loop.

Renders N offers (default 2,500) of mixed contract kinds with the fast path on every core, and a
sample with the naive loop (new DocxTemplate, render, save, per document) in the same run.
Prints figures; asserts nothing about time.

    python bench/documents.py [--count 2500] [--naive 40] [--workers N] [--json]
"""
from __future__ import annotations

import argparse
import io
import json
import os
import random
import resource
import statistics
import sys
import time

from docxtpl import DocxTemplate

from contracts.documents.bulk import render_many
from contracts.documents.context import build_context
from contracts.documents.library import TemplateLibrary
from contracts.documents.render import clean, make_environment
from contracts.policy import load_policy
from contracts.vocabulary import Contract, ProviderType, Relation, Route

NAMES = ["Apotheek De Linde", "Zorgapotheek Noord & Zuid", "Apotheek ‘t Hooge Land",
         "Dienstapotheek <Regio> \"Oost\"", "Apotheek Zoë Ørsted", "Farmacie 東京"]
CITIES = ["Utrecht", "Arnhem", "Den Haag", "’s-Hertogenbosch", "Groningen", "Maastricht"]


def offer_kinds() -> list[tuple[Contract, ProviderType]]:
    """Every (contract, provider type) to which the 2024 policy makes an offer."""
    policy = load_policy(2024)
    kinds = []
    for contract in Contract:
        for provider_type in ProviderType:
            if any(r.route is Route.AANBOD for rel in Relation
                   for r in policy.rules_for(provider_type, contract, rel)):
                kinds.append((contract, provider_type))
    return kinds


def make_items(count: int, seed: int) -> list[tuple[str, dict]]:
    rng = random.Random(seed)
    kinds = offer_kinds()
    items = []
    for i in range(count):
        contract, provider_type = rng.choice(kinds)
        facts = {"policy_year": 2024, "provider": {
            "name": f"{rng.choice(NAMES)} {i}", "agb": f"{rng.randint(0, 99_999_999):08d}",
            "city": rng.choice(CITIES), "provider_type": provider_type.value,
            "kvk": f"{rng.randint(0, 99_999_999):08d}", "address": f"Dorpsstraat {i}",
            "postcode": "1234 AB"}}
        items.append((contract.value, build_context(contract, facts)))
    return items


def naive(items, library: TemplateLibrary) -> list[float]:
    """The naive loop, per document: new DocxTemplate, render (sandboxed, autoescaped), save."""
    times = []
    for contract, context in items:
        start = time.perf_counter()
        template = DocxTemplate(str(library.path(contract)))
        template.render(clean(context), jinja_env=make_environment(True), autoescape=True)
        template.save(io.BytesIO())
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2500)
    parser.add_argument("--naive", type=int, default=40, help="naive-loop sample size")
    parser.add_argument("--workers", type=int, default=os.cpu_count())
    parser.add_argument("--seed", type=int, default=20230915)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    library = TemplateLibrary()

    start = time.perf_counter()
    items = make_items(args.count, args.seed)
    context_seconds = time.perf_counter() - start

    # Single-core fast path on a sample: per-document cost, comparable with the naive loop.
    sample = items[: max(args.naive, 1) * 5]
    render_many(sample[:10], workers=1)  # warm: prepare every template once in this process
    start = time.perf_counter()
    render_many(sample, workers=1)
    fast_single_ms = (time.perf_counter() - start) / len(sample) * 1000

    start = time.perf_counter()
    rendered = render_many(items, workers=args.workers)
    seconds = time.perf_counter() - start
    total_bytes = sum(len(r.content) for r in rendered)

    naive_ms = statistics.median(naive(items[: args.naive], library)) * 1000
    peak_mb = max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                  resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024
    result = {
        "count": args.count, "seconds": round(seconds, 2),
        "ms_per_doc": round(seconds / args.count * 1000, 2),
        "naive_ms_per_doc": round(naive_ms, 2),
        "speedup": round(naive_ms / fast_single_ms, 1),
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"documents bench: {args.count} offers of {len(offer_kinds())} contract x provider kinds, "
          f"{args.workers} workers on {os.cpu_count()} cores")
    print(f"  contexts built           {context_seconds:8.2f} s (not in the figures below)")
    print(f"  fast path, all workers   {seconds:8.2f} s wall  {result['ms_per_doc']:7.2f} ms/doc")
    print(f"  fast path, one core      {fast_single_ms:8.2f} ms/doc (sample of {len(sample)})")
    print(f"  naive docxtpl loop       {naive_ms:8.2f} ms/doc (median of {args.naive})")
    print(f"  speed-up per document    {result['speedup']:8.1f} x  "
          f"(wall, all workers: {naive_ms / result['ms_per_doc']:.1f} x)")
    print(f"  output                   {total_bytes / 1e6:8.1f} MB, "
          f"{total_bytes / args.count / 1024:.1f} KiB/doc; peak RSS {peak_mb:.0f} MiB")


if __name__ == "__main__":
    sys.exit(main())
