"""New providers that applied for a contract and wait for an answer: the demo's applications.

Each comes in some days before the day it is staged for, through the same operation as the
public form, for the contract year in force on its day of receipt, and is answered within a
month: on the staged day it waits for the managers.
"""
from __future__ import annotations

import random
from datetime import date, timedelta

from sqlalchemy import select

from contracts.campaign import policy_in_force

from portal.extensions import db
from portal.models import Application
from portal.operations import clock
from portal.operations.applications import submit_application
from portal.operations.audit import Actor

#: (organisation, type, city, province, contracts, days before the staged day it came in,
#: motivations per criterion; `{year}` is the contract year applied for).
APPLICANTS = (
    ("Apotheek Het Nieuwe Plein", "openbare_apotheek", "Almere", "Flevoland", ["farmaceutische_zorg"],
     27, {"bereikbaarheid": "In de nieuwe wijk Duin is geen apotheek binnen 4 km.",
          "meer_keuze": "Tweede apotheek in een groeiende kern met 12.000 inwoners."}),
    ("Apotheekhoudende praktijk De Wadden", "apotheekhoudende_huisarts", "Hollum", "Friesland",
     ["farmaceutische_zorg"], 19,
     {"bereikbaarheid": "Overname van de praktijk op Ameland; de vorige houder stopt."}),
    ("Zorgapotheek Online", "internetapotheek", "Eindhoven", "Noord-Brabant",
     ["farmaceutische_zorg", "dieetpreparaten"], 11,
     {"onderscheidend": "Bezorging binnen 24 uur en video-instructie bij inhalatoren."}),
    ("Dieetvoeding Start B.V.", "facilitair_bedrijf", "Nijmegen", "Gelderland", ["dieetpreparaten"],
     5, {"effectievere_zorg": "Startend bedrijf, AGB-code per 1 januari {year}."}),
    ("Dienstapotheek Westland", "zuivere_dienstapotheek", "Naaldwijk", "Zuid-Holland",
     ["farmaceutische_zorg"], 3,
     {"bereikbaarheid": "ANZ-dekking in het Westland ontbreekt na sluiting van de huidige post."}),
)
#: The month and day in the calendar year a (non-starting) applicant's AGB code began.
AGB_START = (3, 1)
DEMO = Actor("demo", "system")


def applicant_agb(n: int, kind: str) -> str:
    return f"{'47' if kind == 'facilitair_bedrijf' else '06'}9{n:05d}"


def pending_applications(seed: int, day: date) -> int:
    """The applicants' applications, each received some days before `day` and so still within
    the answer term on it, for the contract year in force on its day of receipt (to start on 1
    January of it; a starting facility company's AGB code starts then too), on the simulated
    clock of its day (put back to `day` after). An applicant that applied already is left as it
    is. The number submitted."""
    rng = random.Random(seed + 7)
    applied = set(db.session.scalars(select(Application.agb)))
    submitted = 0
    for n, (name, kind, city, _region, contracts, days_before, motivations) in enumerate(APPLICANTS):
        agb, kvk = applicant_agb(n, kind), f"{rng.randint(10_000_000, 99_999_999)}"
        if agb in applied:
            continue
        received = day - timedelta(days=days_before)
        policy = policy_in_force(received)
        first_day = date(policy.year, 1, 1)
        clock.set_today(received, DEMO, record=False)
        submit_application({
            "organisation": name, "agb": agb, "kvk": kvk,
            "provider_type": kind, "address": f"Marktplein {n + 1}", "postcode": f"{1300 + 97 * n} AB",
            "city": city,
            "agb_start": first_day if kind == "facilitair_bedrijf"
            else date(policy.calendar_year, *AGB_START),
            "contact_email": f"info@{agb}.example", "contracts": contracts,
            "start_date": first_day,
            "motivations": {k: text.format(year=policy.year) for k, text in motivations.items()}},
            [], received_on=received, policy_year=policy.year)
        submitted += 1
    clock.set_today(day, DEMO, record=False)
    return submitted
