"""Benchmark: the policy lab's comparison on the demo register (issue 19's target: at most 60 s
on this 2-core machine, both replays at once).

Builds the live register in a fresh SQLite file (the demo's 2,500 providers as they stood on
2023-05-01), then runs `portal lab compare --policy 2024` with a variant of two lowest years
instead of three over the whole campaign (01-05-2023 to 31-01-2024) --repeats times, and prints
the median wall time of the comparison, of the register's copy and of the two replays, with the
cores used. Prints figures; asserts nothing about time.

    python bench/lab.py [--repeats 3]
"""
from __future__ import annotations

import keys  # noqa: F401  (a random SECRET_KEY for this run)
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PORTAL = Path(sys.executable).with_name("portal")
VARIANT = {"variant": "twee-jaren", "base": 2024,
           "exclusion_grounds": {"bijlage2_fz": {"consecutive_lowest_years": 2}}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="comparisons timed")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-lab-") as folder:
        env = {**os.environ, "DATABASE_URL": f"sqlite:///{folder}/live.sqlite"}
        for command in (["db", "upgrade"], ["demo", "load", "--no-applications", "--from", "2023-05-01"]):
            subprocess.run([str(PORTAL), *command], env=env, check=True, capture_output=True)
        variant = Path(folder) / "twee-jaren.yaml"
        variant.write_text(json.dumps(VARIANT))
        walls, copies, replays = [], [], []
        for _ in range(args.repeats):
            began = time.perf_counter()
            run = subprocess.run([str(PORTAL), "lab", "compare", "--policy", "2024", "--variant",
                                  str(variant), "--json"], env=env, check=True, capture_output=True,
                                 text=True)
            walls.append(time.perf_counter() - began)
            comparison = json.loads(run.stdout)
            copies.append(comparison["timing"]["copy_s"])
            replays.append(comparison["timing"]["replays_s"])
    print(f"policy lab, demo register ({comparison['timing']['copied']['providers']} providers, "
          f"{comparison['timing']['days']} days), {os.cpu_count()} cores, {args.repeats} runs")
    print(f"  comparison (the command, wall)  median {statistics.median(walls):6.1f} s  "
          f"(min {min(walls):.1f}, max {max(walls):.1f})  target <= 60 s")
    print(f"  register copied                 median {statistics.median(copies):6.1f} s")
    print(f"  both replays at once            median {statistics.median(replays):6.1f} s")
    print(f"  outcome: exclusions {comparison['base']['exclusions']['total']} -> "
          f"{comparison['variant']['exclusions']['total']}, "
          f"{len(comparison['changed_providers'])} providers with another outcome")


if __name__ == "__main__":
    main()
