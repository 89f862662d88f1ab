"""Two campaigns in sequence: the 2023 campaign (run in 2022) and then the 2024 one, which reads
the agreements the first concluded. The expected outcomes come from seed 002's sentences."""
import json
from datetime import date

import pytest
from sqlalchemy import select

from contracts.vocabulary import Relation
from portal.extensions import db
from portal.models import ContractHeld, Offer, Provider
from portal.operations import clock
from portal.operations.audit import Actor
from portal.operations.offers import transition
from portal.operations.providers import relation_to

pytestmark = pytest.mark.db

FZ = "farmaceutische_zorg"
#: Every simulated provider accepts its offers (within 30 days, before the 6-week deadline).
ALL_ACCEPT = ["--accept", "1", "--decline", "0", "--negotiate", "0", "--json"]


def offers_of(provider_id: int) -> dict[tuple[int, str], tuple[str, str]]:
    """(policy year, contract) -> (relation, status) of the provider's offers."""
    return {(o.policy_year, o.contract): (o.relation, o.status) for o in db.session.scalars(
        select(Offer).where(Offer.provider_id == provider_id))}


def agreements_of(provider_id: int) -> list[tuple[str, date, date]]:
    return sorted((c.contract, c.start, c.end) for c in db.session.scalars(
        select(ContractHeld).where(ContractHeld.provider_id == provider_id)))


def relation(provider_id: int, contract: str, policy_year: int) -> Relation:
    return relation_to(db.session.get(Provider, provider_id), contract, policy_year)[0]


def test_three_providers_through_the_2023_and_the_2024_campaign(app, session, make_provider,
                                                                 make_user):
    from scheduler.cli import simulate

    # On 01-05-2022 three pharmacies hold an Overeenkomst Farmaceutische zorg that ends on
    # 31-12-2022 (aflopend for 2023); one of them will refuse the new one, one fails the RIZ
    # check; a fourth's runs to 31-12-2023 (doorlopend for 2023, aflopend for 2024).
    ending_2022 = (FZ, date(2021, 1, 1), date(2022, 12, 31))
    renewing = make_provider(contracts=(ending_2022,)).id
    refusing = make_provider(contracts=(ending_2022,))
    signatory = make_user("provider_signatory", refusing).email  # a person: not simulated
    refusing = refusing.id
    excluded = make_provider(contracts=(ending_2022,), riz_contra_indication=True).id
    ending_2023 = make_provider(contracts=((FZ, date(2022, 1, 1), date(2023, 12, 31)),)).id
    clock.set_today(date(2022, 5, 1), Actor("test", "system"), record=False)
    db.session.commit()
    runner = app.test_cli_runner()

    # -- the 2023 campaign, run in 2022
    first = runner.invoke(simulate, ["--to", "2022-09-20", *ALL_ACCEPT])
    assert first.exit_code == 0, first.output
    offer = offers_of(refusing)[(2023, FZ)]
    assert offer == ("aflopend", "aangeboden")
    refused = db.session.scalar(select(Offer.id).where(Offer.provider_id == refusing))
    transition(refused, "decline", Actor(signatory, "provider_signatory", refusing),
               reason="Wij sluiten voor 2023 geen overeenkomst.")
    db.session.commit()
    second = runner.invoke(simulate, ["--to", "2024-01-01", *ALL_ACCEPT])
    assert second.exit_code == 0, second.output
    per_year = {}
    for run in (first, second):
        for year, count in json.loads(run.stdout.strip().splitlines()[-1])["offers_per_year"].items():
            per_year[year] = per_year.get(year, 0) + count
    assert set(per_year) == {"2023", "2024"} and all(per_year.values())

    # "Voor 2024 bieden we reeds gecontracteerde zorgaanbieders met een aflopende overeenkomst
    # een nieuwe overeenkomst Farmaceutische zorg aan" (and so for 2023: Bijlage 1 names no
    # change): the pharmacy whose agreement ended on 31-12-2022 got one in 2022 and accepted
    # it; it is the "Zorgovereenkomst Farmaceutische zorg 2023-2024".
    assert offers_of(renewing)[(2023, FZ)] == ("aflopend", "geaccepteerd")
    assert (FZ, date(2023, 1, 1), date(2024, 12, 31)) in agreements_of(renewing)
    # "Voor 2024 bieden we reeds gecontracteerde zorgaanbieders met een doorlopende overeenkomst
    # in 2024 een Addendum Module farmaceutische zorgprestaties aan": doorlopend for 2024, it
    # gets the module addendum and no new Overeenkomst Farmaceutische zorg.
    assert relation(renewing, FZ, 2024) is Relation.DOORLOPEND
    assert offers_of(renewing)[(2024, "module_zorgprestaties")][0] == "doorlopend"
    assert (2024, FZ) not in offers_of(renewing)

    # A provider that refused the 2023 agreement, or that the minimum requirement excluded ("de
    # eis dat toetsing (aan onder meer het RIZ-portaal ...) geen resultaat oplevert dat een
    # contra- indicatie is"), holds no agreement after 31-12-2022: for 2024 it is new ("Zorg-
    # aanbieders met wie we nog geen overeenkomst hebben afgesloten"), and gets no offer; it
    # may apply.
    assert offers_of(refusing) == {(2023, FZ): ("aflopend", "afgewezen")}
    assert (2023, FZ) not in offers_of(excluded)
    for provider in (refusing, excluded):
        assert relation(provider, FZ, 2024) is Relation.NIEUW
        assert [key for key in offers_of(provider) if key[0] == 2024] == []
        assert agreements_of(provider) == [ending_2022]

    # The agreement running to 31-12-2023 was doorlopend in 2023 (no offer: Bijlage 1 gives the
    # module addendum only for 2024) and is aflopend for 2024: a new Overeenkomst
    # Farmaceutische zorg, accepted, from 1-1-2024.
    assert offers_of(ending_2023) == {(2024, FZ): ("aflopend", "geaccepteerd")}
    assert relation(ending_2023, FZ, 2024) is Relation.AFLOPEND
    assert agreements_of(ending_2023)[-1][:2] == (FZ, date(2024, 1, 1))


def test_a_simulation_does_not_begin_before_a_register_that_never_lived_those_days(
        app, session, make_provider):
    from portal.cli import cli

    make_provider()
    clock.set_today(date(2023, 5, 1), Actor("test", "system"), record=False)
    db.session.commit()
    run = app.test_cli_runner().invoke(cli, ["simulate", "--from", "2022-05-01", "--to", "2024-01-01"])
    assert run.exit_code == 2 and run.stdout == ""
    assert len(run.stderr.strip().splitlines()) == 1
    assert "--from 2022-05-01" in run.stderr and "01-05-2023" in run.stderr
    assert db.session.scalar(select(Offer.id)) is None
    assert clock.today() == date(2023, 5, 1)


def test_on_1_january_the_agreements_the_new_contract_year_extends_run_on(session, make_provider,
                                                                          scan_on):
    # "Bij internetapotheken (voorkeursaanbieders) verlengen we de overeenkomst." (2023): the
    # 2024 campaign, which runs in 2023, finds the extended agreement (doorlopend)
    preferred = make_provider(provider_type="internetapotheek_voorkeur",
                              contracts=((FZ, date(2021, 1, 1), date(2022, 12, 31)),)).id
    assert scan_on(date(2022, 12, 31)).extended == 0
    assert scan_on(date(2023, 1, 1)).extended == 1
    assert (FZ, date(2023, 1, 1), date(2024, 12, 31)) in agreements_of(preferred)
    assert scan_on(date(2023, 1, 2)).extended == 0
    assert relation(preferred, FZ, 2024) is Relation.DOORLOPEND
