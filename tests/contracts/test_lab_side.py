"""The lab's totals per policy (contracts.lab.side) from a replay result written by hand: an
`aanvraag` cell (apply on the website) is no offer, it is counted apart."""
from decimal import Decimal

from contracts.lab import compare, side, tables

YEAR = 2024


def census_row(agb, contract, route, *, exclusion=None, negotiable=None, provider_type="apotheek"):
    return {"agb": agb, "name": f"Apotheek {agb}", "provider_type": provider_type,
            "contract": contract, "route": route, "exclusion": exclusion, "rule": f"r_{route}",
            "negotiable": negotiable, "deadline": None, "reasons": [f"r_{route}: regel"]}


def offer(agb, contract, status, *, answered=None, rounds=0):
    return {"agb": agb, "provider_type": "apotheek", "contract": contract, "policy_year": YEAR,
            "rule": "r_aanbod", "negotiable": False, "status": status, "issued": "2023-09-15",
            "answered": answered, "deadline": "2023-10-13", "rounds": rounds}


def result(census, offers=()):
    return {
        "label": "base", "seed": 1, "start": "2023-09-15", "end": "2023-10-20",
        "policy": {"year": YEAR, "calendar_year": YEAR - 1, "title": "Inkoopbeleid", "variant": None,
                   "tariffs": {"A": "1.10", "B": "1.00"},
                   "group_labels": {"A": "groep A", "B": "groep B"}},
        "census": list(census), "offers": list(offers),
        "work": {"offers_issued": {"2023-09-15": len(offers)}, "reminders": {}, "escalations": {},
                 "negotiation_rounds": {}},
        "groups": {"01000001": "A", "01000002": "B"}, "contracted": ["01000001", "01000002"],
    }


BASE = [
    census_row("01000001", "farmaceutische_zorg", "aanbod", negotiable=True),
    census_row("01000002", "farmaceutische_zorg", "aanbod", negotiable=False),
    census_row("01000003", "farmaceutische_zorg", "aanvraag"),
    census_row("01000004", "farmaceutische_zorg", "geen"),
    census_row("01000005", "farmaceutische_zorg", "aanbod", exclusion="uitsluitingsgrond"),
]
OFFERS = [offer("01000001", "farmaceutische_zorg", "geaccepteerd", answered="2023-09-20"),
          offer("01000002", "farmaceutische_zorg", "aangeboden")]


def test_an_application_cell_is_no_offer():
    totals = side(result(BASE, OFFERS), {"2023-09-18": 3})
    offers = totals["offers"]
    assert (offers["total"], offers["negotiable"], offers["on_application"], offers["issued"]) == (2, 1, 1, 2)
    assert {cell["route"] for cell in offers["by_cell"]} == {"aanbod"}
    assert sum(cell["count"] for cell in offers["by_cell"]) == 2
    assert (totals["refusals"]["total"], totals["exclusions"]["total"]) == (1, 1)
    assert (totals["answers"]["accepted"], totals["answers"]["open"]) == (1, 1)
    assert totals["spend_eur"]["total"] != "0.00"


def test_an_excluded_application_cell_is_not_counted_as_one():
    census = [census_row("01000006", "farmaceutische_zorg", "aanvraag", exclusion="minimumeis")]
    offers = side(result(census), {})["offers"]
    assert (offers["total"], offers["on_application"]) == (0, 0)


def test_the_comparison_counts_offers_and_applications_apart():
    # the variant offers the aanvraag cell instead
    variant = [dict(row, route="aanbod", rule="r_aanbod") if row["route"] == "aanvraag" else row
               for row in BASE]
    compared = compare(result(BASE, OFFERS), result(variant, OFFERS), differences=[], applications={})
    assert (compared["delta"]["offers"], compared["delta"]["on_application"]) == (1, -1)
    assert compared["delta"]["spend_eur"] == f"{Decimal(0):.2f}"
    overview = {row[0]: row[1:] for row in dict((t[0], t[2]) for t in tables(compared))["Overzicht"]}
    assert overview["aanbiedingen volgens het beleid"] == [2, 3, 1]
    assert overview["aanvraag via de website"] == [1, 0, -1]
