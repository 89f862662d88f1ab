"""The targets of `bench/load.py`: each a path and who asks for it. Read by load.py and by the
locust users (bench/load_locustfile.py), so both name the same pages.

  who  ""          nobody logged in (the bare endpoint)
       "provider"  the demo provider's signatory, logged in with the form
       "manager"   manager@vgz.example, logged in with the form
       "api"       manager@vgz.example with a bearer token (POST /api/v1/tokens)
"""
from __future__ import annotations

from typing import NamedTuple


class Target(NamedTuple):
    path: str
    who: str


TARGETS: dict[str, Target] = {
    "bare": Target("/_bare/", ""),
    "floor": Target("/_floor", "provider"),
    "offers": Target("/zorgaanbieder/aanbiedingen", "provider"),
    "profile": Target("/zorgaanbieder/profiel", "provider"),
    "dashboard": Target("/beheer/", "manager"),
    "offers-list": Target("/beheer/aanbiedingen", "manager"),
    "register": Target("/beheer/zorgaanbieders", "manager"),
    "outbox": Target("/beheer/uitgaande-post", "manager"),
    "api": Target("/api/v1/offers", "api"),
    "api-providers": Target("/api/v1/providers", "api"),
}
#: What `--targets` measures unless told: the baseline, the floor and every page above.
DEFAULT = tuple(TARGETS)
