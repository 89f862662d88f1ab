"""The managers' offers list (/beheer/aanbiedingen) in its default order, by deadline and then by
the offer's number, read per contract year and merged (portal/manager/offers.py): every offer
once over the pages, in the one order the export has too; and its total, from the offers'
tallies where they count by every filter set, counted otherwise."""
from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest
from sqlalchemy import insert, select

from portal.models import Offer, Provider
from tests.support.statements import statements

#: (contract year, deadline) of the offers, in turns: three years, most offers on one deadline
#: (as a campaign's are), some without one.
DEADLINES = [(2024, date(2023, 10, 27)), (2023, date(2022, 10, 28)), (2024, date(2023, 9, 15)),
             (2025, date(2024, 10, 25)), (2024, None), (2024, date(2023, 10, 27)),
             (2023, date(2023, 10, 27)), (2024, date(2023, 10, 27))]
N = 130  # three pages of 50


@pytest.fixture
def manager(session, auth, make_user):
    user = make_user("contract_manager")
    session.commit()
    auth.login(user)
    return user


@pytest.fixture
def offers(session, manager) -> list[tuple]:
    """N providers with an offer each, over three contract years; (id, year, deadline, name,
    status)."""
    # names against the numbers' order, so an order by name would show
    session.execute(insert(Provider), [
        {"agb": f"3{i:07d}", "name": f"Apotheek {N - i:04d}", "provider_type": "openbare_apotheek",
         "city": "Zwolle", "kvk": "12345678"} for i in range(N)])
    providers = session.execute(select(Provider.id, Provider.name).where(Provider.agb.like("3%"))
                                .order_by(Provider.id)).all()
    session.execute(insert(Offer), [
        {"provider_id": pid, "contract": "farmaceutische_zorg", "policy_year": year,
         "relation": "aflopend", "rule": "test", "negotiable": False, "channel": "vecozo",
         "final_channel": "vecozo", "status": "aangeboden" if i % 3 else "geaccepteerd",
         "deadline": deadline, "version": 1}
        for i, (pid, _name) in enumerate(providers)
        for year, deadline in [DEADLINES[i % len(DEADLINES)]]])
    names = dict(providers)
    return [(offer_id, year, deadline, names[pid], status)
            for offer_id, year, deadline, pid, status
            in session.execute(select(Offer.id, Offer.policy_year, Offer.deadline,
                                      Offer.provider_id, Offer.status)
                               .where(Offer.provider_id.in_(names)))]


def listed(html: str) -> list[int]:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return [int(n) for n in re.findall(r'href="/beheer/aanbiedingen/(\d+)"', body)]


def page(client, query: str) -> str:
    response = client.get(f"/beheer/aanbiedingen{query}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def by_deadline(rows) -> list[int]:
    """The offers' ids by deadline (empty last), then by number."""
    return [row[0] for row in sorted(rows, key=lambda r: (r[2] is None, r[2] or date.min, r[0]))]


@pytest.mark.parametrize("query", ["?", "?sort=deadline&order=asc&"])
def test_every_offer_once_over_the_pages_by_deadline_then_number(client, offers, query):
    seen = [listed(page(client, f"{query}page={n}")) for n in (1, 2, 3)]
    assert [len(s) for s in seen] == [50, 50, 30]
    assert [i for s in seen for i in s] == by_deadline(offers)


def test_a_year_and_a_status_keep_the_order(client, offers):
    wanted = [row for row in offers if row[1] == 2024]
    shown = [listed(page(client, f"?year=2024&page={n}")) for n in (1, 2)]
    assert [i for s in shown for i in s] == by_deadline(wanted)
    shown = [listed(page(client, f"?status=open&page={n}")) for n in (1, 2)]
    assert [i for s in shown for i in s] == by_deadline(row for row in offers
                                                        if row[4] == "aangeboden")


def test_the_deadline_sort_descending_reverses_it_with_empty_dates_last(client, offers):
    shown = [i for n in (1, 2, 3) for i in listed(page(client, f"?sort=deadline&order=desc&page={n}"))]
    # the ascending order turned round, its empty dates (last there) kept last
    reversed_ = by_deadline(offers)[::-1]
    undated = {row[0] for row in offers if row[2] is None}
    assert shown == [i for i in reversed_ if i not in undated] + [i for i in reversed_ if i in undated]


def test_the_export_has_the_pages_order(client, offers):
    names = {row[0]: row[3] for row in offers}
    shown = [names[i] for n in (1, 2, 3) for i in listed(page(client, f"?page={n}"))]
    export = client.get("/beheer/aanbiedingen/export.csv")
    assert export.status_code == 200
    exported = [row[1] for row in csv.reader(io.StringIO(export.get_data(as_text=True).lstrip("\ufeff")),
                                             delimiter=";")][1:]
    assert exported == shown


@pytest.mark.parametrize("query, how", [
    ("", "tallied"), ("?status=open", "tallied"), ("?year=2024&type=openbare_apotheek", "tallied"),
    ("?contract=farmaceutische_zorg&status=aangeboden", "tallied"),
    ("?q=apotheek", "counted"), ("?relation=aflopend", "counted"),
    ("?deadline_from=01-01-2023", "counted"),
    ("?status=geaccepteerd", "on one page")])  # the last page tells its total
def test_the_total_is_the_offers_it_selects_tallied_or_counted(client, offers, query, how,
                                                               pages_made_anew):
    page(client, query)  # both counted requests follow one
    with statements() as run:
        html = page(client, query)
    total = int(re.search(r"([\d.]+) aanbiedingen", html).group(1).replace(".", ""))
    everything = [i for n in range(1, -(-total // 50) + 1)
                  for i in listed(page(client, f"{query}{'&' if query else '?'}page={n}"))]
    assert len(everything) == len(set(everything)) == total
    counted = [s for s in run if "count(" in s.lower() and "FROM offers" in s]
    summed = [s for s in run if "FROM offer_tallies" in s and "GROUP BY" not in s]  # not the years
    assert (len(summed), len(counted)) == {"tallied": (1, 0), "counted": (0, 1),
                                           "on one page": (0, 0)}[how]
