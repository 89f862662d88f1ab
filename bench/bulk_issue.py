"""Benchmark: bulk issue of offers with their documents, through the portal's operations.

Loads the demo register into a fresh SQLite file (or the database given), plans the
15 September milestone and issues N of its offers one by one as the worker does, each with its
rendered, stored and hashed document. Prints figures; asserts nothing about time.

    python bench/bulk_issue.py [--offers 300] [--database sqlite:////tmp/bulk.sqlite]
"""
from __future__ import annotations

import keys  # noqa: F401  (a random SECRET_KEY for this run)
import argparse
import os
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=300)
    parser.add_argument("--database", help="a database URL (default: a new SQLite file)")
    parser.add_argument("--milestone", default="fz_aflopend_aanbod")
    args = parser.parse_args()
    url = args.database or f"sqlite:///{tempfile.mkdtemp()}/bulk.sqlite"

    from flask_migrate import upgrade

    from contracts.campaign import latest_policy
    from demo import load_demo
    from portal import create_app
    from portal.extensions import db
    from portal.operations.audit import SYSTEM
    from portal.operations.batches import plan
    from portal.operations.offers import issue_offer
    from portal.operations.providers import profile_history

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        load_demo(reset=True)
        year = latest_policy().year
        start = time.perf_counter()
        todo = plan(args.milestone, year)
        history = profile_history(year)
        planned = time.perf_counter() - start
        first, *rest = todo.offers[: args.offers + 1]
        issue_offer(first[0], first[1], year, SYSTEM, history=history)  # prepares the template
        start = time.perf_counter()
        for provider, contract, _decision in rest:
            issue_offer(provider, contract, year, SYSTEM, history=history)
        db.session.commit()
        seconds = time.perf_counter() - start
    print(f"bulk issue bench: {len(rest)} of {len(todo.offers)} planned offers "
          f"({len(todo.excluded)} excluded) on {app.config['SQLALCHEMY_DATABASE_URI'].split(':')[0]}, "
          f"{os.cpu_count()} cores")
    print(f"  plan (2,500 providers)   {planned:8.2f} s")
    print(f"  issue with documents     {seconds:8.2f} s   {seconds / len(rest) * 1000:6.1f} ms/offer")


if __name__ == "__main__":
    main()
