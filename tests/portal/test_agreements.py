"""An accepted offer is an agreement for the term its policy names, written once; the next
campaign reads the agreements that began before its contract year."""
from datetime import date

from sqlalchemy import select

from contracts.vocabulary import Relation
from portal.models import ContractHeld, Offer
from portal.operations.agreements import extend_agreements, record_agreements
from portal.operations.providers import relation_to


def offer(session, provider, contract="farmaceutische_zorg", policy_year=2023,
          status="geaccepteerd"):
    made = Offer(provider_id=provider.id, contract=contract, policy_year=policy_year,
                 relation="aflopend", rule="r", negotiable=False, channel="vecozo",
                 final_channel="vecozo", status=status)
    session.add(made)
    session.flush()
    return made


def held(session, provider):
    return sorted((c.contract, c.start, c.end) for c in session.scalars(
        select(ContractHeld).where(ContractHeld.provider_id == provider.id)))


def test_an_accepted_2023_pharmaceutical_agreement_runs_2023_2024(session, make_provider):
    # "Reeds gecontracteerde zorgaanbieders met een Zorgovereenkomst Farmaceutische zorg
    # 2023-2024 ...": concluded in the 2023 campaign, it runs two contract years.
    provider = make_provider(contracts=())
    assert record_agreements([offer(session, provider)]) == 1
    assert held(session, provider) == [("farmaceutische_zorg", date(2023, 1, 1), date(2024, 12, 31))]


def test_terms_the_seed_does_not_give_are_one_contract_year(session, make_provider):
    # The seed names no term for Dieetpreparaten nor for the module addendum: one year.
    provider = make_provider(contracts=())
    written = record_agreements([offer(session, provider, "dieetpreparaten", 2023),
                                 offer(session, provider, "module_zorgprestaties", 2024)])
    assert written == 2
    assert held(session, provider) == [
        ("dieetpreparaten", date(2023, 1, 1), date(2023, 12, 31)),
        ("module_zorgprestaties", date(2024, 1, 1), date(2024, 12, 31))]


def test_only_accepted_offers_become_agreements(session, make_provider):
    provider = make_provider(contracts=())
    offers = [offer(session, provider, "farmaceutische_zorg", status="afgewezen"),
              offer(session, provider, "dieetpreparaten", status="aangeboden"),
              offer(session, provider, "stoppen_met_roken", status="verlopen")]
    assert record_agreements(offers) == 0
    assert held(session, provider) == []


def test_recording_twice_writes_nothing_twice_and_leaves_an_existing_row(session, make_provider):
    # The provider already holds an agreement from 1-1-2023 (e.g. entered by hand, to another
    # end): the unique key provider + contract + start leaves it as it is.
    provider = make_provider(contracts=(("farmaceutische_zorg", date(2023, 1, 1), date(2023, 6, 30)),))
    other = make_provider(contracts=())
    offers = [offer(session, provider), offer(session, other)]
    assert record_agreements(offers) == 1
    assert record_agreements(offers) == 0
    assert held(session, provider) == [("farmaceutische_zorg", date(2023, 1, 1), date(2023, 6, 30))]
    assert held(session, other) == [("farmaceutische_zorg", date(2023, 1, 1), date(2024, 12, 31))]


def test_a_provider_in_the_session_sees_its_new_agreement(session, make_provider):
    provider = make_provider(contracts=())
    assert provider.contracts == []
    record_agreements([offer(session, provider, policy_year=2024)])
    assert [(c.start, c.end) for c in provider.contracts] == [(date(2024, 1, 1), date(2025, 12, 31))]


def test_an_agreement_accepted_in_the_campaign_does_not_change_that_years_relation(
        session, make_provider):
    # "Voor 2024 bieden we reeds gecontracteerde zorgaanbieders met een aflopende overeenkomst
    # een nieuwe overeenkomst Farmaceutische zorg aan": the provider whose agreement ends on
    # 31-12-2023 accepts the new one (from 1-1-2024); for 2024 it stays aflopend, it does not
    # become doorlopend (and so gets no module addendum besides its new agreement).
    provider = make_provider(contracts=(("farmaceutische_zorg", date(2022, 1, 1), date(2023, 12, 31)),))
    assert relation_to(provider, "farmaceutische_zorg", 2024)[0] is Relation.AFLOPEND
    record_agreements([offer(session, provider, policy_year=2024)])
    assert relation_to(provider, "farmaceutische_zorg", 2024)[0] is Relation.AFLOPEND
    assert relation_to(provider, "module_zorgprestaties", 2024)[0] is Relation.AFLOPEND


def test_a_provider_with_only_an_agreement_from_this_contract_year_is_new_for_it(
        session, make_provider):
    # An agreement that begins with the contract year was concluded in its own campaign: before
    # it the provider had none ("Zorgaanbieders met wie we nog geen overeenkomst hebben
    # afgesloten").
    provider = make_provider(contracts=(("farmaceutische_zorg", date(2024, 1, 1), date(2025, 12, 31)),))
    assert relation_to(provider, "farmaceutische_zorg", 2024)[0] is Relation.NIEUW


def test_an_agreement_concluded_in_2023_is_running_in_2024(session, make_provider):
    # "Voor 2024 bieden we reeds gecontracteerde zorgaanbieders met een doorlopende overeenkomst
    # in 2024 een Addendum Module farmaceutische zorgprestaties aan."
    provider = make_provider(contracts=())
    record_agreements([offer(session, provider, policy_year=2023)])
    assert relation_to(provider, "farmaceutische_zorg", 2023)[0] is Relation.NIEUW
    assert relation_to(provider, "module_zorgprestaties", 2024)[0] is Relation.DOORLOPEND


# -- agreements extended without an offer ---------------------------------------------------------

ENDING_2022 = (("farmaceutische_zorg", date(2021, 1, 1), date(2022, 12, 31)),)


def test_the_2023_policy_extends_the_preferred_internet_pharmacies_agreement(session, make_provider):
    # "Bij internetapotheken (voorkeursaanbieders) verlengen we de overeenkomst." (Bijlage 1,
    # 2023): no offer, and the agreement runs on from 1-1-2023 for the term of 2023 ("2023-2024")
    preferred = make_provider(provider_type="internetapotheek_voorkeur", contracts=ENDING_2022)
    excluded = make_provider(provider_type="internetapotheek_voorkeur", contracts=ENDING_2022,
                             riz_contra_indication=True)
    pharmacy = make_provider(contracts=ENDING_2022)  # gets an offer instead (not extended)
    assert extend_agreements(2023) == 1
    assert held(session, preferred)[-1] == ("farmaceutische_zorg", date(2023, 1, 1), date(2024, 12, 31))
    assert held(session, excluded) == held(session, pharmacy) == list(ENDING_2022)
    assert extend_agreements(2023) == 0  # done once
    assert relation_to(preferred, "farmaceutische_zorg", 2024)[0] is Relation.DOORLOPEND


def test_the_2023_policy_extends_the_facility_companies_dietary_agreement(session, make_provider):
    # "Alle overeenkomsten worden automatisch verlengd." (Overeenkomst Dieetpreparaten voor
    # facilitaire bedrijven, 2023); the seed gives no term: one contract year
    company = make_provider(provider_type="facilitair_bedrijf", contracts=(
        ("dieetpreparaten", date(2022, 1, 1), date(2022, 12, 31)),))
    assert extend_agreements(2023) == 1
    assert held(session, company)[-1] == ("dieetpreparaten", date(2023, 1, 1), date(2023, 12, 31))


def test_the_2024_policy_extends_nothing(session, make_provider):
    # "De twee reeds gecontracteerde voorkeursaanbieders ontvangen per e-mail van ons een
    # contractaanbod voor 2024": an offer, no extension
    make_provider(provider_type="internetapotheek_voorkeur", contracts=(
        ("farmaceutische_zorg", date(2022, 1, 1), date(2023, 12, 31)),))
    assert extend_agreements(2024) == 0
