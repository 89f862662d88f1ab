"""Counter-proposals pick lines from the offer's own tariff list: the page lists the lines with
their amounts, a code not in the list or a negative or absurd amount is refused with a message
that says so (on the page, in the API and in the operation), the thread shows offered and
proposed side by side, a manager answers with lines too, and the agreed lines reach the final
document. Staff without signing authority are told who may answer."""
from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from portal.models import DocumentVersion, NegotiationRound, Offer
from portal.operations.audit import Actor
from portal.operations.offers import TariffLineRefused, issue_offer, transition
from portal.provider.forms import dutch_decimal, typed_amount
from tests.support.docx_factory import document_text
from tests.support.tokens import bearer

MANAGER = Actor("manager@vgz.nl", "contract_manager")
API = "/api/v1"


def euro(amount: str) -> str:
    """An amount as the pages write it, built here from the figure (7.4 -> € 7,40)."""
    whole, cents = f"{Decimal(amount):,.2f}".split(".")
    return f"€ {whole.replace(',', '.')},{cents}"


def document_tariffs(session, document_id: int) -> dict[str, str]:
    """The tariff table a stored document was rendered with: {code: "€ 7,40"}."""
    context = session.get(DocumentVersion, document_id).context
    return {t["code"]: t["amount"] for t in context["tariffs"]}


def page(client, path: str) -> str:
    """The page's text, its amounts with an ordinary space after the euro sign (the pages keep
    "€ 7,40" together with a non-breaking one, the documents do not)."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True).replace("€\xa0", "€ ")


def counter(client, auth, offer, message="Ons voorstel", **lines):
    """POST the counter-proposal form as the page renders it; lines: {row: (code, amount, note)}."""
    path = f"/zorgaanbieder/aanbiedingen/{offer.id}"
    data = {"counter-csrf_token": auth.csrf(path), "counter-version": offer.version,
            "counter-message": message}
    for row, (code, amount, note) in lines.items():
        data.update({f"counter-lines-{row}-code": code, f"counter-lines-{row}-amount": amount,
                     f"counter-lines-{row}-note": note})
    return client.post(f"{path}/tegenvoorstel", data=data)


def manager_action(client, auth, offer, action, reason, **lines):
    """POST a manager's action form; lines: {row: (code, amount, note)}."""
    path = f"/beheer/aanbiedingen/{offer.id}"
    data = {f"{action}-csrf_token": auth.csrf(path), f"{action}-version": str(offer.version),
            f"{action}-reason": reason}
    for row, (code, amount, note) in lines.items():
        data.update({f"{action}-lines-{row}-code": code, f"{action}-lines-{row}-amount": amount,
                     f"{action}-lines-{row}-note": note})
    return client.post(f"{path}/acties/{action}", data=data)


def rounds(session, offer) -> int:
    return session.scalar(select(func.count(NegotiationRound.id))
                          .where(NegotiationRound.offer_id == offer.id))


@pytest.fixture
def provider(make_provider):
    # "De twee reeds gecontracteerde voorkeursaanbieders ontvangen ... een contractaanbod ...
    # onderhandelbaar": a negotiable offer
    return make_provider(provider_type="internetapotheek_voorkeur", name="Webapotheek Zon")


@pytest.fixture
def offer(provider, session):
    offer = issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER)
    assert offer.negotiable
    return offer


@pytest.fixture
def tariffs(session, offer) -> dict[str, str]:
    """What the offer's document states, the truth the page must show."""
    tariffs = document_tariffs(session, offer.document_id)
    assert "VGZ-T01" in tariffs and len(tariffs) >= 2
    return tariffs


@pytest.fixture
def staff(make_user, provider):
    return make_user("provider_user", provider)


# -- the operation -----------------------------------------------------------------------------

@pytest.mark.parametrize("changes, field, problem", [
    ([{"code": "XYZ", "amount": "7.50"}], "changes.0.code", "unknown"),
    ([{"code": "VGZ-T01", "amount": "7.50"}, {"code": "VGZ-T01", "amount": "7.60"}],
     "changes.1.code", "twice"),
    ([{"code": "VGZ-T01", "amount": "-1"}], "changes.0.amount", "negative"),
    ([{"code": "VGZ-T01", "amount": "7.505"}], "changes.0.amount", "cents"),
    ([{"code": "VGZ-T01", "amount": "740"}], "changes.0.amount", "too_high"),
    ([{"code": "VGZ-T01", "amount": "NaN"}], "changes.0.amount", "not_amount"),
    ([{"code": "VGZ-T01", "amount": "zeven"}], "changes.0.amount", "not_amount"),
    ([{"code": "VGZ-T01", "amount": None}], "changes.0.amount", "not_amount"),
    ([{"code": "VGZ-T01", "amount": "1E+400"}], "changes.0.amount", "too_high"),
    ([{"code": ["VGZ-T01"], "amount": "7.50"}], "changes.0.code", "unknown"),
])
def test_the_operation_refuses_a_line_the_offer_does_not_have_or_a_bad_amount(
        session, provider, offer, changes, field, problem):
    user = Actor("medewerker", "provider_user", provider.id)
    with pytest.raises(TariffLineRefused) as refused:
        transition(offer.id, "counter", user, reason="x", changes=changes)
    assert (refused.value.field, refused.value.problem) == (field, problem)
    session.expire_all()
    assert session.get(Offer, offer.id).status == "aangeboden" and rounds(session, offer) == 0


def test_the_operation_stores_amounts_exactly_with_cents(session, provider, offer):
    user = Actor("medewerker", "provider_user", provider.id)
    transition(offer.id, "counter", user, reason="x",
               changes=[{"code": "VGZ-T01", "amount": "7,6", "note": "index"}])
    (stored,) = session.scalars(select(NegotiationRound.changes)).all()
    assert stored == [{"code": "VGZ-T01", "amount": "7.60", "note": "index"}]


def test_amounts_are_read_as_dutch_readers_write_them():
    assert dutch_decimal("1.234,5") == Decimal("1234.5") and dutch_decimal("7,50") == Decimal("7.5")
    assert dutch_decimal("7.5.0") is None
    assert typed_amount("€ 7,50") == Decimal("7.5") and typed_amount("-1,00") == Decimal("-1")
    assert typed_amount("--1") is None and typed_amount("") is None


# -- the page ----------------------------------------------------------------------------------

def test_the_offer_page_lists_the_offers_tariff_lines_with_their_amounts(client, auth, offer,
                                                                        tariffs, staff):
    auth.login(staff)
    html = page(client, f"/zorgaanbieder/aanbiedingen/{offer.id}")
    for code, amount in tariffs.items():
        assert code in html and amount in html
        assert f'value="{code}"' in html  # one row of the form per line of the list
    assert "Terhandstelling" in html  # with what each line is


def test_a_code_not_in_the_list_is_refused_on_its_row_and_nothing_is_stored(
        client, auth, session, offer, tariffs, staff):
    auth.login(staff)
    response = counter(client, auth, offer, message="Een regel erbij",
                       **{"0": ("VGZ-T01", "7,50", ""), "1": ("XYZ", "3,00", "nieuw")})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Deze code staat niet in de tarieven van dit aanbod." in html
    assert 'value="XYZ"' in html and "Een regel erbij" in html  # what was typed stays
    assert rounds(session, offer) == 0


def test_a_negative_amount_is_called_negative(client, auth, session, offer, tariffs, staff):
    auth.login(staff)
    response = counter(client, auth, offer, **{"0": ("VGZ-T01", "-7,50", "")})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Het bedrag kan niet negatief zijn." in html
    assert "Schrijf het bedrag als" not in html
    assert rounds(session, offer) == 0


def test_an_absurd_amount_is_refused_with_the_reason(client, auth, session, offer, tariffs, staff):
    auth.login(staff)
    offered = Decimal(tariffs["VGZ-T01"].replace("€", "").strip().replace(",", "."))
    absurd = str(offered * 100).replace(".", ",")  # 740,00 typed for 7,40
    response = counter(client, auth, offer, **{"0": ("VGZ-T01", absurd, "")})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "meer dan 10 keer het aangeboden tarief" in html
    assert rounds(session, offer) == 0


def test_a_note_without_an_amount_is_not_lost(client, auth, session, offer, tariffs, staff):
    auth.login(staff)
    response = counter(client, auth, offer, **{"0": ("VGZ-T01", "", "graag hoger")})
    assert response.status_code == 422
    assert "Vul ook het voorgestelde bedrag in" in response.get_data(as_text=True)
    assert rounds(session, offer) == 0


def test_the_thread_shows_offered_and_proposed_side_by_side(client, auth, session, offer,
                                                            tariffs, staff):
    auth.login(staff)
    response = counter(client, auth, offer, message="Hoger tarief per regel",
                       **{"0": ("VGZ-T01", "7,65", "loonkosten")})
    assert response.status_code == 302
    html = page(client, f"/zorgaanbieder/aanbiedingen/{offer.id}")
    thread = html[html.index("Hoger tarief per regel"):]
    row = thread[thread.index("VGZ-T01"):thread.index("</tr>", thread.index("VGZ-T01"))]
    assert tariffs["VGZ-T01"] in row and euro("7.65") in row and "loonkosten" in row
    assert row.index(tariffs["VGZ-T01"]) < row.index(euro("7.65"))  # offered, then proposed


# -- the manager's answer ----------------------------------------------------------------------

def test_a_manager_answers_with_tariff_lines_and_the_agreed_lines_reach_the_final_document(
        client, auth, session, make_user, provider, offer, tariffs, staff):
    auth.login(staff)
    assert counter(client, auth, offer, message="Wij vragen 7,90",
                   **{"0": ("VGZ-T01", "7,90", "")}).status_code == 302
    auth.logout()
    auth.login(make_user("contract_manager"))
    session.refresh(offer)
    html = page(client, f"/beheer/aanbiedingen/{offer.id}")
    assert euro("7.90") in html and 'name="respond-lines-0-amount"' in html

    bad = manager_action(client, auth, offer, "respond", "Wij bieden", **{"0": ("XYZ", "7,70", "")})
    assert "Deze code staat niet in de tarieven van dit aanbod." in bad.get_data(as_text=True)
    assert rounds(session, offer) == 1

    answered = manager_action(client, auth, offer, "respond", "Wij bieden 7,70",
                              **{"0": ("VGZ-T01", "7,70", "nieuw bod")})
    assert answered.status_code == 302
    session.refresh(offer)
    insurer = offer.rounds[-1]
    assert (insurer.party, insurer.changes) == (
        "vgz", [{"code": "VGZ-T01", "amount": "7.70", "note": "nieuw bod"}])
    # the insurer's counter-offer states its own amount, not the provider's proposal
    assert document_tariffs(session, insurer.document_id)["VGZ-T01"] == euro("7.70")

    # the provider sees the insurer's amount as the current one, the offered one beside it
    auth.logout()
    auth.login(staff)
    html = page(client, f"/zorgaanbieder/aanbiedingen/{offer.id}")
    form = html[html.index("Tegenvoorstel doen"):]
    assert euro("7.70") in form and tariffs["VGZ-T01"] in form
    assert counter(client, auth, offer, message="Akkoord, maar weekleveringen 6,00",
                   **{"1": (list(tariffs)[1], "6,00", "")}).status_code == 302

    # agreeing without lines takes the proposal it answers, on the insurer's amounts
    auth.logout()
    auth.login(make_user("contract_manager"))
    session.refresh(offer)
    assert manager_action(client, auth, offer, "agree", "Overeenstemming").status_code == 302
    session.refresh(offer)
    assert offer.document_id == offer.rounds[-1].document_id and not offer.negotiable
    final = document_tariffs(session, offer.document_id)
    assert final["VGZ-T01"] == euro("7.70") and final[list(tariffs)[1]] == euro("6.00")
    others = [code for code in tariffs if code not in ("VGZ-T01", list(tariffs)[1])]
    assert all(final[code] == tariffs[code] for code in others)  # the rest as offered
    text = " ".join(document_text(session.get(DocumentVersion, offer.document_id).content)["body"])
    assert euro("7.70") in text


# -- the API -----------------------------------------------------------------------------------

def test_the_api_lists_the_tariff_lines_and_refuses_an_unknown_code_on_its_field(
        client, session, make_user, offer, tariffs, staff):
    session.commit()
    url = f"{API}/offers/{offer.id}"
    detail = client.get(url, headers=bearer(staff)).get_json()
    assert {t["code"]: euro(t["current"]) for t in detail["tariffs"]} == tariffs
    refused = client.post(f"{url}/transitions", headers=bearer(staff), json={
        "action": "counter", "reason": "x", "changes": [{"code": "XYZ", "amount": "7.50"}]})
    assert refused.status_code == 422
    assert "code" in refused.get_json()["errors"]["json"]["changes"]["0"]
    too_high = client.post(f"{url}/transitions", headers=bearer(staff), json={
        "action": "counter", "reason": "x", "changes": [{"code": "VGZ-T01", "amount": "9999"}]})
    assert too_high.status_code == 422
    assert "amount" in too_high.get_json()["errors"]["json"]["changes"]["0"]
    assert rounds(session, offer) == 0
    accepted = client.post(f"{url}/transitions", headers=bearer(staff), json={
        "action": "counter", "reason": "x", "changes": [{"code": "VGZ-T01", "amount": "7.55"}]})
    assert accepted.status_code == 200
    line = next(t for t in accepted.get_json()["tariffs"] if t["code"] == "VGZ-T01")
    assert line["proposed"] == "7.55" and euro(line["offered"]) == tariffs["VGZ-T01"]


# -- who may answer ----------------------------------------------------------------------------

def test_staff_are_told_that_only_the_signatory_accepts_and_see_no_such_buttons(
        client, auth, make_provider, make_user, session):
    provider = make_provider(name="Apotheek De Linde")  # a non-negotiable offer
    offer = issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER)
    auth.login(make_user("provider_user", provider))
    html = page(client, f"/zorgaanbieder/aanbiedingen/{offer.id}")
    assert "Alleen de tekenbevoegde van Apotheek De Linde kan dit aanbod aanvaarden of afwijzen." in html
    assert "Aanbod aanvaarden" not in html and "Aanbod afwijzen" not in html
    auth.logout()
    auth.login(make_user("provider_signatory", provider))
    html = page(client, f"/zorgaanbieder/aanbiedingen/{offer.id}")
    assert "Alleen de tekenbevoegde" not in html and "Aanbod aanvaarden" in html


def test_staff_may_counter_a_negotiable_offer_and_are_told_what_they_may_not(
        client, auth, offer, staff):
    auth.login(staff)
    html = page(client, f"/zorgaanbieder/aanbiedingen/{offer.id}")
    assert "Alleen de tekenbevoegde van Webapotheek Zon kan dit aanbod aanvaarden of afwijzen." in html
    assert "Tegenvoorstel versturen" in html and "Aanbod aanvaarden" not in html
