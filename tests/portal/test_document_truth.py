"""One truth: every date and amount in a contract document is the portal's record of it.

For every contract kind an offer is issued, negotiated where the policy makes it negotiable and
agreed, through the portal's operations; each document version is read back from its DOCX and
every date (dd-mm-yyyy) and every amount (€ 1.234,56) in it must be explained by the offer as the
portal keeps it and as the API shows it: the date by which the provider answers is the offer's
deadline, the contract year's first and last day, and the tariffs published in content.yaml with
the amounts agreed in the negotiation in their place (issue 15).
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import docx
import pytest
import yaml
from sqlalchemy import select

from portal.models import DocumentVersion, NegotiationRound, Offer, ProfileScore
from portal.operations import clock
from portal.operations.audit import Actor
from portal.operations.batches import request_batch, run_batch
from portal.operations.offers import issue_offer, transition
from tests.support.tokens import bearer
from portal.models.documents import day_of

API = "/api/v1"
MANAGER = Actor("manager@vgz.nl", "contract_manager")
CONTENT = Path(__file__).resolve().parents[2] / "contracts" / "documents" / "content.yaml"
POLICY = Path(__file__).resolve().parents[2] / "contracts" / "policies" / "2024.yaml"
DATE = re.compile(r"\b\d{2}-\d{2}-\d{4}\b")
AMOUNT = re.compile(r"€ [\d.]+,\d{2}")
ISSUED, COUNTERED, AGREED = date(2023, 7, 3), date(2023, 7, 20), date(2023, 8, 8)
ENDS_2023 = (("farmaceutische_zorg", date(2022, 1, 1), date(2023, 12, 31)),)


@dataclass(frozen=True)
class Kind:
    """A provider to whom the 2024 policy makes an offer of `contract`."""

    contract: str
    provider_type: str
    contracts: tuple = ENDS_2023
    size_rank: int | None = None
    negotiable: bool = False


KINDS = [
    Kind("farmaceutische_zorg", "openbare_apotheek"),
    Kind("farmaceutische_zorg", "internetapotheek_voorkeur", negotiable=True),
    Kind("module_zorgprestaties", "openbare_apotheek",
         contracts=(("farmaceutische_zorg", date(2023, 1, 1), date(2024, 12, 31)),)),
    Kind("spoedzorg", "zuivere_dienstapotheek"),
    Kind("aanvullende_afspraken", "openbare_apotheek", negotiable=True),
    Kind("dieetpreparaten", "facilitair_bedrijf", size_rank=5,
         contracts=(("dieetpreparaten", date(2022, 1, 1), date(2023, 12, 31)),)),
    Kind("dieetpreparaten", "facilitair_bedrijf", size_rank=1, negotiable=True,
         contracts=(("dieetpreparaten", date(2022, 1, 1), date(2023, 12, 31)),)),
    Kind("stoppen_met_roken", "openbare_apotheek", size_rank=5,
         contracts=(("stoppen_met_roken", date(2022, 1, 1), date(2023, 12, 31)),)),
    Kind("stoppen_met_roken", "openbare_apotheek", size_rank=1, negotiable=True,
         contracts=(("stoppen_met_roken", date(2022, 1, 1), date(2023, 12, 31)),)),
]


# -- what the record explains ----------------------------------------------------------------

def euro(amount) -> str:
    """ "7.4" -> "€ 7,40", as Dutch readers write money."""
    whole, cents = f"{Decimal(str(amount)):.2f}".split(".")
    return f"€ {int(whole):,}".replace(",", ".") + f",{cents}"


def published_tariffs(provider_type: str) -> dict[str, str]:
    """The tariff lines content.yaml publishes for the provider, {code: "€ 7,40"}: the profile's
    top group for a pharmacy without scores on record, the lines without a profile otherwise."""
    content = yaml.safe_load(CONTENT.read_text(encoding="utf-8"))
    profile = yaml.safe_load(POLICY.read_text(encoding="utf-8"))["profile"]
    has_profile = provider_type in profile["provider_types"]
    group = profile["groups"][0]["id"] if has_profile else "zonder_profiel"
    return {t["code"]: euro(t["amount_eur"]) for t in content["tariff_annex"][group]}


def other_published_amounts() -> set[str]:
    """The zorgprestaties and ANZ tariffs, the same in every offer."""
    content = yaml.safe_load(CONTENT.read_text(encoding="utf-8"))
    return ({euro(p["tariff_eur"]) for p in content["zorgprestaties"]}
            | {euro(a["amount_eur"]) for a in content["anz_tariffs"]})


def nl(day: date) -> str:
    return f"{day:%d-%m-%Y}"


def agreed_lines(api_offer: dict) -> dict[str, str]:
    """The tariff lines changed in the negotiation, as the API shows its rounds: each code at
    the amount of the latest round that named it."""
    return {change["code"]: euro(change["amount"])
            for round_ in api_offer["rounds"] for change in round_["changes"]}


# -- reading a document ----------------------------------------------------------------------

@dataclass
class Read:
    """What a reader finds in a document: its text and its tariff rows (code -> amount)."""

    text: str
    rows: dict[str, str]


def read(content: bytes) -> Read:
    document = docx.Document(io.BytesIO(content))
    lines = [p.text for p in document.paragraphs]
    rows = {}
    for table in document.tables:
        for row in table.rows:
            cells = [cell.text for cell in row.cells]
            lines.append(" | ".join(cells))
            if re.fullmatch(r"VGZ-T\d+", cells[0]) and AMOUNT.fullmatch(cells[-1]):
                rows[cells[0]] = cells[-1]
    for section in document.sections:
        lines += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return Read("\n".join(lines), rows)


def check_document(version: DocumentVersion, api_offer: dict, provider_type: str, *,
                   changed: dict[str, str], created: date) -> Read:
    """Every date and amount of the version is the offer's, as the portal and the API show it."""
    found = read(version.content)
    offer_deadline = date.fromisoformat(api_offer["deadline"])
    year = api_offer["policy_year"]
    dates = set(DATE.findall(found.text))
    assert f"uiterlijk op {nl(offer_deadline)}" in found.text  # the provider's answer date
    assert dates <= {nl(offer_deadline), f"01-01-{year}", f"31-12-{year}"}, dates
    tariffs = {**published_tariffs(provider_type), **changed}
    amounts = set(AMOUNT.findall(found.text))
    assert amounts <= set(tariffs.values()) | other_published_amounts(), amounts
    for code, amount in found.rows.items():  # the tariff table, line by line
        assert amount == tariffs[code], code
    for code, amount in changed.items():  # what was negotiated is in the document ...
        assert found.rows.get(code) == amount, code
        replaced = published_tariffs(provider_type)[code]
        if replaced != amount:  # ... and what it replaces is not
            assert replaced not in amounts, code
    if "per receptregel" in found.text and "terhandstelling bedraagt" in found.text:
        sentence = re.search(r"terhandstelling bedraagt (€ [\d.]+,\d{2}) per receptregel", found.text)
        assert sentence.group(1) == found.rows["VGZ-T01"]  # the text says what the table says
    # made on the simulated date (not shown in the text, kept with the version)
    assert version.context["document"]["created"] == nl(created)
    assert day_of(version.created_at) == created
    return found


# -- the journeys ----------------------------------------------------------------------------

@pytest.fixture
def api_offer(client, make_user):
    """The offer as the API shows it to a contract manager."""
    headers = bearer(make_user("contract_manager"))

    def get(offer: Offer) -> dict:
        response = client.get(f"{API}/offers/{offer.id}", headers=headers)
        assert response.status_code == 200, response.get_json()
        return response.get_json()

    return get


def move_clock(day: date) -> None:
    clock.set_today(day, MANAGER, record=False)


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: f"{k.contract}-{k.provider_type}"
                                                     f"{'-onderhandelbaar' if k.negotiable else ''}")
def test_every_document_states_the_portals_dates_and_amounts(session, client, make_provider,
                                                            make_user, api_offer, kind):
    provider = make_provider(provider_type=kind.provider_type, contracts=kind.contracts,
                             size_rank=kind.size_rank, collective="Coöperatie Apothekers Gelderland")
    signatory = make_user("provider_signatory", provider)
    staff = Actor("medewerker@apotheek.example", "provider_user", provider.id)
    move_clock(ISSUED)
    offer = issue_offer(provider, kind.contract, 2024, MANAGER)
    session.commit()
    assert offer.negotiable is kind.negotiable

    first = api_offer(offer)
    assert (first["status"], first["document"]["version"]) == ("aangeboden", 1)
    check_document(offer.document, first, kind.provider_type, changed={}, created=ISSUED)
    # the date the provider answers by is not the policy's date by which VGZ makes the offer
    assert offer.deadline > ISSUED

    if kind.negotiable:
        code = "VGZ-T01"
        move_clock(COUNTERED)
        transition(offer.id, "counter", staff, reason="Ons tarief per regel",
                   changes=[{"code": code, "amount": "7.95"}])
        transition(offer.id, "respond", MANAGER, reason="Wij bieden 7,70",
                   changes=[{"code": code, "amount": "7.70"}])
        session.commit()
        countered = api_offer(offer)
        respond_round = session.scalars(select(NegotiationRound).where(
            NegotiationRound.offer_id == offer.id, NegotiationRound.party == "vgz")).one()
        version = session.get(DocumentVersion, respond_round.document_id)
        assert "Dit document is een onderhandelbaar aanbod" in read(version.content).text
        check_document(version, countered, kind.provider_type,
                       changed={code: "€ 7,70"}, created=COUNTERED)

        move_clock(AGREED)
        transition(offer.id, "counter", staff, reason="Akkoord bij 7,95",
                   changes=[{"code": code, "amount": "7.95"}])
        transition(offer.id, "agree", MANAGER, reason="Overeenstemming")
        session.commit()
        agreed = api_offer(offer)
        assert agreed["deadline"] != first["deadline"]  # a new term from the agreement
        assert agreed_lines(agreed) == {code: "€ 7,95"}
        final = check_document(offer.document, agreed, kind.provider_type,
                               changed=agreed_lines(agreed), created=AGREED)
        assert "niet-onderhandelbaar aanbod" in final.text
        assert "€ 7,70" not in final.text

    response = client.post(f"{API}/offers/{offer.id}/transitions", headers=bearer(signatory),
                           json={"action": "accept"})
    assert response.status_code == 200, response.get_json()
    accepted = api_offer(offer)
    assert accepted["status"] == "geaccepteerd"
    download = client.get(f"{API}/offers/{offer.id}/document", headers=bearer(signatory))
    assert download.status_code == 200
    assert download.data == offer.document.content  # the document accepted is the one checked


def test_the_bulk_issue_states_each_offers_own_deadline(session, make_provider):
    """The scheduler's and the managers' bulk issue give the documents the offers' deadlines."""
    providers = [make_provider() for _ in range(3)]
    move_clock(date(2023, 10, 2))  # after the milestone: six weeks would run past 11 November
    run_batch(request_batch("fz_aflopend_aanbod", MANAGER, 2024).id)
    offers = session.scalars(select(Offer).where(
        Offer.provider_id.in_([p.id for p in providers]))).all()
    assert len(offers) == 3
    for offer in offers:
        assert offer.deadline == date(2023, 11, 11)
        text = read(offer.document.content).text
        assert "uiterlijk op 11-11-2023" in text and "15-09-2023" not in text
        assert offer.document.context["document"]["created"] == "02-10-2023"


def test_a_manager_may_set_an_offers_deadline_and_the_document_follows(session, make_provider):
    provider = make_provider()
    move_clock(ISSUED)
    offer = issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER, deadline=date(2023, 7, 31))
    assert "uiterlijk op 31-07-2023" in read(offer.document.content).text


def test_no_document_date_comes_from_the_machines_clock(session, make_provider):
    """With the simulated date far from the machine's, nothing of the machine's date appears in
    a version or the context it was made from."""
    move_clock(ISSUED)
    offer = issue_offer(make_provider(provider_type="zuivere_dienstapotheek"), "spoedzorg", 2024,
                        MANAGER)
    today = nl(datetime.now().date())
    assert today not in read(offer.document.content).text
    assert today not in repr(offer.document.context)



def test_the_document_states_the_profile_group_the_profile_page_shows(session, client, auth,
                                                                    make_provider, make_user):
    """A pharmacy low in the profile is offered its own group's tariffs, as its profile page
    (spiegelinformatie) shows them, not the top group's."""
    providers = [make_provider() for _ in range(20)]
    for n, provider in enumerate(providers):
        score = 10.0 if n == 0 else 60.0 + n
        session.add(ProfileScore(provider_id=provider.id, year=2023, kwaliteit=score,
                                 klantbeleving=score, kosten=score))
    session.flush()
    lowest = providers[0]
    session.refresh(lowest)
    auth.login(make_user("provider_signatory", lowest))
    page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get("/zorgaanbieder/profiel")
                                      .get_data(as_text=True)))
    label = re.search(r"valt uw apotheek in de groep (.+?) met", page).group(1)
    per_line = re.search(rf"2023 .*? {re.escape(label)} (€ [\d.]+,\d{{2}})", page).group(1)
    assert label != "3 sterren"  # the top group's tariffs would not do
    move_clock(date(2023, 9, 15))
    offer = issue_offer(lowest, "farmaceutische_zorg", 2024, MANAGER,
                        override_reason="Verbeterafspraken nagekomen")
    text = read(offer.document.content).text
    assert f"Uw apotheekprofiel: {label} " in text
    assert f"terhandstelling bedraagt {per_line} per receptregel" in text
    assert read(offer.document.content).rows["VGZ-T01"] == per_line
