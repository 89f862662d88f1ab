"""The managers' overview of every offer (/beheer/aanbiedingen): filters, sorting, pages, bad
filter values, the dashboard's signals that lead to it, what it costs; and the milestone pages'
long lists, words and progress."""
from __future__ import annotations

import re
from datetime import date, datetime, timezone
from html import unescape
from types import SimpleNamespace

import pytest
from flask import g
from sqlalchemy import insert, select

from contracts.policy import load_policy
from portal.extensions import db
from portal.models import IssueBatch, Offer, Provider
from portal.operations.audit import Actor
from portal.operations.batches import request_batch
from portal.operations.clock import set_today
from tests.support.statements import statements

MANAGER = Actor("manager@vgz.nl", "contract_manager")
TODAY = date(2023, 10, 2)
ENDING = (("farmaceutische_zorg", date(2022, 1, 1), date(2023, 12, 31)),)


@pytest.fixture
def manager(session, auth, make_user):
    user = make_user("contract_manager")
    session.commit()
    auth.login(user)
    return user


def set_date(day: date) -> None:
    set_today(day, MANAGER)
    db.session.commit()
    g.pop("simulation_today", None)


#: The test's own offers: (provider name, agb, type, contract, relation, year, status, deadline,
#: issued). Expected lists are computed from these, never from the view's code.
OFFERS = [
    ("Apotheek Aalten", "11000001", "openbare_apotheek", "farmaceutische_zorg", "aflopend", 2024,
     "aangeboden", date(2023, 10, 27), datetime(2023, 9, 15, 8, tzinfo=timezone.utc)),
    ("Apotheek Aalten", "11000001", "openbare_apotheek", "module_zorgprestaties", "doorlopend", 2024,
     "geaccepteerd", date(2023, 10, 27), datetime(2023, 9, 15, 8, tzinfo=timezone.utc)),
    ("Huisartsenpraktijk Borne", "11000002", "apotheekhoudende_huisarts", "farmaceutische_zorg",
     "aflopend", 2024, "verlopen", date(2023, 9, 29), datetime(2023, 9, 1, 8, tzinfo=timezone.utc)),
    ("Zorgapotheek Online", "11000003", "internetapotheek_voorkeur", "farmaceutische_zorg",
     "aflopend", 2024, "tegenvoorstel", date(2023, 9, 30), datetime(2023, 9, 2, 8, tzinfo=timezone.utc)),
    ("Dienstapotheek Ede", "11000004", "zuivere_dienstapotheek", "spoedzorg", "doorlopend", 2024,
     "in_onderhandeling", date(2023, 10, 10), datetime(2023, 9, 3, 8, tzinfo=timezone.utc)),
    ("Dieetservice Thuis", "11000005", "facilitair_bedrijf", "dieetpreparaten", "aflopend", 2024,
     "afgewezen", None, None),
    ("Apotheek Aalten", "11000001", "openbare_apotheek", "farmaceutische_zorg", "aflopend", 2023,
     "geaccepteerd", date(2022, 10, 28), datetime(2022, 9, 15, 8, tzinfo=timezone.utc)),
    ("apotheek de Zon", "11000006", "openbare_apotheek", "stoppen_met_roken", "nieuw", 2024,
     "aangeboden", date(2023, 10, 3), datetime(2023, 9, 19, 8, tzinfo=timezone.utc)),
]


def add(session, rows):
    """The rows as providers and offers; returns {offer id: row as a namespace}."""
    providers = {}
    for name, agb, kind, *_rest in rows:
        if agb not in providers:
            provider = Provider(agb=agb, name=name, provider_type=kind, city="Utrecht", kvk="12345678")
            session.add(provider)
            session.flush()
            providers[agb] = provider.id
    made = {}
    for name, agb, kind, contract, relation, year, status, deadline, issued in rows:
        offer = Offer(provider_id=providers[agb], contract=contract, policy_year=year,
                      relation=relation, rule="test", negotiable=False, channel="vecozo",
                      final_channel="vecozo", status=status, deadline=deadline, issued_at=issued)
        session.add(offer)
        session.flush()
        made[offer.id] = SimpleNamespace(id=offer.id, name=name, agb=agb, type=kind, contract=contract,
                                         relation=relation, year=year, status=status,
                                         deadline=deadline, issued=issued)
    return made


@pytest.fixture
def offers(session, manager):
    made = add(session, OFFERS)
    set_date(TODAY)
    return made


def listed(html: str) -> list[int]:
    """The offers a page lists, in its order (each row links to the offer's page)."""
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return [int(n) for n in re.findall(r'href="/beheer/aanbiedingen/(\d+)"', body)]


def page(client, query: str = "") -> str:
    response = client.get(f"/beheer/aanbiedingen{query}")
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


# -- the list and its filters --------------------------------------------------------------------

def test_every_offer_is_listed_with_words_and_a_link_to_its_page(client, offers):
    html = page(client)
    assert sorted(listed(html)) == sorted(offers)
    assert "8 aanbiedingen" in html
    table = html.split("<table", 1)[1].split("</table>", 1)[0]
    assert "Huisartsenpraktijk Borne" in table and "apotheekhoudend huisarts" in table
    assert "Addendum Farmaceutische spoedzorg" in table and "in onderhandeling" in table
    assert "27-10-2023" in table and "15-09-2023" in table
    # No slugs in the rows: only the filter form's option values and the URLs carry them.
    text = re.sub(r'<[^>]+>', " ", table)
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", text), re.findall(r"\b[a-z]+_[a-z_]+\b", text)


OPEN = {"aangeboden", "tegenvoorstel", "in_onderhandeling"}
FILTERS = [
    ("?status=verlopen", lambda o: o.status == "verlopen"),
    ("?status=open", lambda o: o.status in OPEN),
    ("?contract=farmaceutische_zorg", lambda o: o.contract == "farmaceutische_zorg"),
    ("?type=openbare_apotheek", lambda o: o.type == "openbare_apotheek"),
    ("?relation=doorlopend", lambda o: o.relation == "doorlopend"),
    ("?year=2023", lambda o: o.year == 2023),
    ("?deadline_from=30-09-2023&deadline_to=10-10-2023",
     lambda o: o.deadline is not None and date(2023, 9, 30) <= o.deadline <= date(2023, 10, 10)),
    ("?deadline_from=2023-10-27", lambda o: o.deadline is not None and o.deadline >= date(2023, 10, 27)),
    ("?q=AALTEN", lambda o: "aalten" in o.name.lower()),
    ("?q=apotheek", lambda o: "apotheek" in o.name.lower()),
    ("?q=11000002", lambda o: o.agb == "11000002"),
    ("?q=100_", lambda o: False),  # the underscore is a character, not a wildcard
    ("?status=open&type=openbare_apotheek&year=2024",
     lambda o: o.status in OPEN and o.type == "openbare_apotheek" and o.year == 2024),
]


@pytest.mark.parametrize("query, keep", FILTERS)
def test_each_filter_lists_exactly_the_offers_it_names(client, offers, query, keep):
    html = page(client, query)
    expected = {o.id for o in offers.values() if keep(o)}
    assert set(listed(html)) == expected
    n = len(expected)
    assert (f"{n} aanbieding<" if n == 1 else f"{n} aanbiedingen<") in html


def test_the_filters_stay_in_the_form_sort_and_page_links(client, offers):
    html = unescape(page(client, "?status=open&deadline_from=01-10-2023&sort=provider"))
    assert 'value="01-10-2023"' in html and '<option selected value="open">' in html
    assert "/beheer/aanbiedingen/export.csv?status=open&deadline_from=01-10-2023&sort=provider" in html
    assert "?status=open&deadline_from=01-10-2023&sort=provider&order=desc" in html


# -- sorting -------------------------------------------------------------------------------------

def by_name(o):
    return o.name.lower()


SORTS = [
    ("", lambda os: sorted(os, key=lambda o: (o.deadline is None, o.deadline or date.min, by_name(o)))),
    ("?sort=deadline&order=desc",
     lambda os: sorted(sorted(os, key=by_name), key=lambda o: o.deadline or date.min, reverse=True)
     [:-1] + [o for o in os if o.deadline is None]),
    ("?sort=provider", lambda os: sorted(os, key=by_name)),
    ("?sort=issued&order=desc",
     lambda os: sorted([o for o in os if o.issued], key=lambda o: o.issued, reverse=True)
     + [o for o in os if not o.issued]),
]


@pytest.mark.parametrize("query, order", SORTS)
def test_the_columns_sort_with_empty_dates_last(client, offers, query, order):
    rows = [offers[i] for i in listed(page(client, query))]
    expected = order(list(offers.values()))
    # Ties (same name, same date) may come in either order: compare what the sort is on.
    if "provider" in query:
        assert [by_name(o) for o in rows] == [by_name(o) for o in expected]
    elif "issued" in query:
        assert [o.issued for o in rows] == [o.issued for o in expected]
    else:
        assert [o.deadline for o in rows] == [o.deadline for o in expected]


def test_status_and_contract_sort_in_life_cycle_and_vocabulary_order(client, offers):
    statuses = [offers[i].status for i in listed(page(client, "?sort=status"))]
    assert statuses == sorted(statuses, key=["aangeboden", "tegenvoorstel", "in_onderhandeling",
                                             "geaccepteerd", "afgewezen", "verlopen"].index)
    contracts = [offers[i].contract for i in listed(page(client, "?sort=contract&order=desc"))]
    assert contracts[0] == "stoppen_met_roken" and contracts[-1] == "farmaceutische_zorg"


# -- pages ---------------------------------------------------------------------------------------

def bulk_offers(session, n: int, start: int = 0) -> None:
    """`n` providers with one open offer each, inserted in two statements."""
    session.execute(insert(Provider), [
        {"agb": f"2{i:07d}", "name": f"Apotheek {i:05d}", "provider_type": "openbare_apotheek",
         "city": "Zwolle", "kvk": "12345678"} for i in range(start, start + n)])
    ids = session.execute(select(Provider.id).where(Provider.agb.like("2%"))
                          .order_by(Provider.id)).scalars().all()[start:]
    session.execute(insert(Offer), [
        {"provider_id": pid, "contract": "farmaceutische_zorg", "policy_year": 2024,
         "relation": "aflopend", "rule": "test", "negotiable": False, "channel": "vecozo",
         "final_channel": "vecozo", "status": "aangeboden", "deadline": date(2023, 10, 27),
         "version": 1} for pid in ids])


def test_fifty_a_page_with_page_links_and_every_offer_once(client, session, manager):
    bulk_offers(session, 120)
    first = page(client, "?sort=provider")
    assert "120 aanbiedingen" in first and "Pagina 1 van 3" in first
    assert 'href="/beheer/aanbiedingen?sort=provider&amp;page=3"' in first
    seen = [listed(page(client, f"?sort=provider&page={n}")) for n in (1, 2, 3)]
    assert [len(s) for s in seen] == [50, 50, 20]
    everything = [i for s in seen for i in s]
    assert len(set(everything)) == 120
    assert everything == session.scalars(select(Offer.id).join(Provider)
                                         .order_by(Provider.name)).all()


def test_a_page_past_the_end_goes_to_the_first_with_the_filters_kept(client, session, manager):
    bulk_offers(session, 3)
    response = client.get("/beheer/aanbiedingen?status=open&page=9")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/beheer/aanbiedingen?status=open")
    assert client.get("/beheer/aanbiedingen?page=abc").status_code == 200


def test_the_page_runs_as_many_queries_for_1001_offers_as_for_51(client, session, manager):
    # 51 offers: more than one page, so both lists need their count (a last page needs none)
    bulk_offers(session, 51)
    client.get("/beheer/aanbiedingen")  # both counted requests follow one
    with statements() as few:
        small = page(client, "?status=open")
    bulk_offers(session, 950, start=51)
    with statements() as many:
        large = page(client, "?status=open")
    assert len(few) == len(many)
    assert "51 aanbiedingen" in small and "1.001 aanbiedingen" in large  # Dutch thousands
    assert len(listed(large)) == 50
    # the page reads the offers; its count and the year filter's choices read their tallies
    assert len([s for s in many if "FROM offers" in s]) == 1
    assert len([s for s in many if "FROM offer_tallies" in s]) == 2


def test_a_list_on_one_page_needs_no_count(client, session, manager):
    bulk_offers(session, 2)
    client.get("/beheer/aanbiedingen")
    with statements() as run:
        shown = page(client, "?status=open")
    assert "2 aanbiedingen" in shown and len(listed(shown)) == 2
    assert not [s for s in run if "count(" in s.lower() and "FROM offers" in s]


def test_one_offer_is_one_aanbieding(client, session, manager):
    bulk_offers(session, 1)
    assert "1 aanbieding<" in page(client)


# -- bad filter values ---------------------------------------------------------------------------

BAD = [
    ("?status=bijna", "Ongeldige keuze"),
    ("?contract=alles", "Ongeldige keuze"),
    ("?type=apotheek", "Ongeldige keuze"),
    ("?relation=oud", "Ongeldige keuze"),
    ("?year=1999", "Ongeldige keuze"),
    ("?deadline_from=31-02-2023", "Deze datum bestaat niet."),
    ("?deadline_to=morgen", "Schrijf de datum als dd-mm-jjjj"),
    ("?deadline_from=10-10-2023&deadline_to=01-10-2023", "De einddatum ligt vóór de begindatum."),
    ("?sort=prijs", "Onbekende sortering."),
    ("?sort=deadline&order=omhoog", "Onbekende volgorde."),
    ("?q=" + "x" * 101, "100"),
]


@pytest.mark.parametrize("query, message", BAD)
def test_a_bad_filter_value_gets_a_dutch_message_and_no_list(client, offers, query, message):
    response = client.get(f"/beheer/aanbiedingen{query}")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert message in html and "verbeter eerst de filters" in html
    assert listed(html) == [] and "Exporteren" not in html
    # The export of a bad filter sends the manager to the page that says what is wrong.
    export = client.get(f"/beheer/aanbiedingen/export.csv{query}")
    assert export.status_code == 302 and "/beheer/aanbiedingen?" in export.headers["Location"]


# -- access --------------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/beheer/aanbiedingen", "/beheer/aanbiedingen?status=verlopen",
                                  "/beheer/aanbiedingen/export.csv", "/beheer/aanbiedingen/export.xlsx"])
@pytest.mark.parametrize("role", ["provider_user", "provider_signatory", "adviseur"])
def test_only_managers_see_the_overview(client, auth, session, make_user, make_provider, path, role):
    add(session, OFFERS[:2])
    assert client.get(path).status_code == 302  # anonymous: to the login page
    auth.login(make_user(role, make_provider() if role.startswith("provider") else None))
    response = client.get(path)
    assert response.status_code == 403
    assert "Apotheek Aalten" not in response.get_data(as_text=True)


def test_the_manager_menu_links_the_overview(client, manager):
    assert 'href="/beheer/aanbiedingen"' in client.get("/beheer/").get_data(as_text=True)


# -- the dashboard's signals ---------------------------------------------------------------------

def signals(html: str) -> dict[str, str]:
    section = html.split('id="h-signals"', 1)[1].split("</section>", 1)[0]
    return {re.sub(r"<[^>]+>", "", text).strip(): unescape(link)
            for link, text in re.findall(r'<li><a href="([^"]+)">(.*?)</a></li>', section)}


def test_each_signal_leads_to_the_list_of_what_it_counts(client, session, offers):
    # On 02-10-2023: Borne expired; Online's counter-proposal is open and past its date (30-09);
    # Ede's negotiation is due 10-10, de Zon's offer 03-10 and Aalten's 27-10 (within 14 days
    # of the date: 02-10 to 16-10 holds Ede and de Zon).
    found = signals(client.get("/beheer/").get_data(as_text=True))
    assert set(found) == {
        "1 openstaande aanbieding is over de reactietermijn", "1 tegenvoorstel wacht op uw antwoord",
        "2 aanbiedingen moeten binnen 14 dagen beantwoord zijn", "1 aanbieding in onderhandeling",
        "1 aanbieding verlopen"}, found
    names = {o.id: o.name for o in offers.values()}
    for text, link in found.items():
        count = int(text.split()[0])
        html = page(client, link.removeprefix("/beheer/aanbiedingen"))
        assert len(listed(html)) == count, (text, link)
        if "verlopen" in text:
            assert [names[i] for i in listed(html)] == ["Huisartsenpraktijk Borne"]
        if "over de reactietermijn" in text:
            assert [names[i] for i in listed(html)] == ["Zorgapotheek Online"]


def test_the_signals_count_applications_to_assess(client, session, manager):
    from portal.operations.applications import submit_application
    submit_application({"organisation": "Apotheek Nieuw", "agb": "06123456", "kvk": "12345678",
                        "provider_type": "openbare_apotheek", "city": "Zwolle",
                        "contact_email": "info@nieuw.example", "contracts": ["farmaceutische_zorg"],
                        "motivations": {"bereikbaarheid": "Geen apotheek binnen 10 km"}}, [],
                       received_on=date(2023, 6, 1), policy_year=2024)
    found = signals(client.get("/beheer/").get_data(as_text=True))
    assert found == {"1 aanvraag te beoordelen": "/beheer/aanvragen"}


def test_without_anything_to_do_the_dashboard_says_so(client, manager):
    html = client.get("/beheer/").get_data(as_text=True)
    assert signals(html) == {} and "Geen signalen" in html


def test_the_dashboard_table_links_its_counts_to_the_list(client, offers):
    html = unescape(client.get("/beheer/").get_data(as_text=True))
    link = ("/beheer/aanbiedingen?year=2024&contract=farmaceutische_zorg&type=openbare_apotheek"
            "&status=aangeboden")
    assert f'<a href="{link}">1</a>' in html
    assert [offers[i].name for i in listed(page(client, link.removeprefix("/beheer/aanbiedingen")))] \
        == ["Apotheek Aalten"]
    # A column per status that occurs (none here is "concept" or "ingetrokken").
    head = html.split('id="h-offers"', 1)[1].split("</thead>", 1)[0]
    assert ">verlopen</th>" in head and ">concept</th>" not in head


# -- the milestone pages -------------------------------------------------------------------------

def test_the_milestone_pages_name_rules_by_their_summary_not_their_id(client, manager):
    policy = load_policy(2024)
    listing = client.get("/beheer/aanbiedingen/uitgeven").get_data(as_text=True)
    preview = client.get("/beheer/aanbiedingen/uitgeven/fz_aflopend_aanbod").get_data(as_text=True)
    for html in (listing, preview):
        text = re.sub(r"<[^>]+>", " ", html)
        assert "fz_aflopend_apotheken" not in text and "fz_aflopend_aanbod" not in text
    assert policy.rules["fz_aflopend_apotheken"].summary in preview
    assert "1 regel uit het inkoopbeleid" in listing or "regels uit het inkoopbeleid" in listing


def test_the_milestone_list_says_days_in_words(client, manager):
    set_date(date(2023, 9, 20))  # 15-09-2023 passed, 01-10-2023 ahead
    html = client.get("/beheer/aanbiedingen/uitgeven").get_data(as_text=True)
    # (the campaign feed's link holds a random token, which may hold "-5": not a day count)
    text = re.sub(r"<[^>]+>|\d{2}-\d{2}-\d{4}|\S+\.ics", "", html)
    assert "5 dagen geleden" in html and "-5" not in text


def test_the_preview_pages_its_long_lists(client, session, manager, make_provider):
    names = sorted(f"Apotheek P{n:03d}" for n in range(55))
    for name in names:
        make_provider(contracts=ENDING, name=name)
    url = "/beheer/aanbiedingen/uitgeven/fz_aflopend_aanbod"
    first = client.get(url).get_data(as_text=True)
    second = client.get(f"{url}?proposed_page=2").get_data(as_text=True)
    assert "Voorgestelde aanbiedingen (55)" in first
    assert f'href="{url}?proposed_page=2"' in first

    def shown(html):
        part = html.split('id="h-proposed"')[1].split('id="h-excluded"')[0]
        return re.findall(r">(Apotheek P\d{3})</a>", part)

    assert len(shown(first)) == 50 and len(shown(second)) == 5
    assert sorted(shown(first) + shown(second)) == names


def test_a_waiting_batch_says_it_waits_in_words(client, session, manager):
    batch = request_batch("fz_aflopend_aanbod", MANAGER, policy_year=2024)
    session.commit()
    html = client.get(f"/beheer/batches/{batch.id}").get_data(as_text=True)
    assert "Wachtrij: de uitgifte start zodra de verwerker vrij is." in html
    assert "0 van 0" not in html and "(0/0)" not in html and "worker" not in html
    assert "Overeenkomst Farmaceutische zorg 2024: Aanbieden overeenkomst" in html
    assert "2024:fz_aflopend_aanbod" not in html


def test_a_batch_with_nothing_to_issue_says_so(client, session, manager):
    from portal.cli.worker import run_waiting
    batch_id = request_batch("fz_aflopend_aanbod", MANAGER, policy_year=2024).id
    session.commit()
    assert run_waiting(lambda *a, **k: None) == (1, 0)
    assert db.session.get(IssueBatch, batch_id).total == 0
    html = client.get(f"/beheer/batches/{batch_id}").get_data(as_text=True)
    assert "Klaar: er was niets uit te geven." in html and "<progress" not in html
    assert "0 zorgaanbieders" in html


def test_batch_titles_are_words(app):
    from portal.manager.issuing import batch_title
    with app.test_request_context("/"):
        assert batch_title("2024:voorkeur_aanbod").startswith("Overeenkomst Farmaceutische zorg 2024: ")
        assert batch_title("2024:module_doorlopend_aanbod") == (
            "Addendum Module farmaceutische zorgprestaties 2024: "
            + load_policy(2024).milestones["module_doorlopend_aanbod"].action)
        for unknown in (None, "", "2024:bestaat_niet", "1999:voorkeur_aanbod", "x:y"):
            assert batch_title(unknown) == "uitgifte per mijlpaal"
