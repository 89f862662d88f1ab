"""The planning's "Bekendmaken ..." lines happen on their dates: each provider the announced
offers will go to hears of it once, in its inbox and by mail (seed 002, "Planning zorginkoop")."""
from datetime import date

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Notification
from portal.models.documents import day_of

pytestmark = pytest.mark.db

SMR = (("farmaceutische_zorg", date(2022, 1, 1), date(2023, 12, 31)),
       ("stoppen_met_roken", date(2022, 1, 1), date(2023, 12, 31)))


def announced(provider) -> list[Notification]:
    return list(db.session.scalars(select(Notification).where(
        Notification.provider_id == provider.id, Notification.template == "announcement")))


def test_the_two_largest_stop_smoking_providers_hear_on_1_june_the_others_on_1_july(
        make_provider, scan_on):
    # "Uiterlijk 1 juni 2023 Bekendmaken reeds gecontracteerde, grootste zorgaanbieders VGZ E-mail"
    # "Uiterlijk 1 juli 2023 Bekendmaken reeds gecontracteerde, overige zorgaanbieders (niet
    # grootste 2) VGZ E-mail"
    largest = [make_provider(contracts=SMR, size_rank=rank) for rank in (1, 2)]
    other = make_provider(contracts=SMR, size_rank=3)
    scan_on(date(2023, 5, 31))
    first = scan_on(date(2023, 6, 1))
    assert first.announced == 2
    assert [len(announced(p)) for p in (*largest, other)] == [1, 1, 0]
    [message] = announced(largest[0])
    assert message.subject == "Bekendmaking: Overeenkomst Stoppen met roken medicatie 2024"
    # "De twee grootste gecontracteerde zorgaanbieders [...] bieden wij per e-mail een nieuwe
    # overeenkomst aan. Dit contractaanbod is onderhandelbaar."
    assert message.body == (
        "VGZ maakt bekend dat u behoort tot de reeds gecontracteerde, grootste zorgaanbieders "
        "voor de Overeenkomst Stoppen met roken medicatie 2024. Uiterlijk 01-07-2023 bieden wij u "
        "per e-mail een nieuwe overeenkomst aan. Dit contractaanbod is onderhandelbaar. Uiterlijk "
        "15-09-2023 ronden wij de onderhandeling samen af.")
    assert message.link == "/zorgaanbieder/aanbiedingen"
    assert scan_on(date(2023, 6, 1)).announced == 0  # a second scan of the day sends nothing
    later = scan_on(date(2023, 7, 1))
    assert later.announced == 1 and len(announced(other)) == 1
    # "De overige, reeds gecontracteerde zorgaanbieders [...] bieden wij in VECOZO een nieuwe
    # overeenkomst aan. Dit contractaanbod is niet onderhandelbaar."
    assert announced(other)[0].body.endswith(
        "Uiterlijk 15-10-2023 bieden wij u in VECOZO een nieuwe overeenkomst aan. Dit "
        "contractaanbod is niet onderhandelbaar.")


def test_simulate_counts_the_announcements_once(app, session):
    import json

    from sqlalchemy import func

    from demo import load_demo
    from scheduler.cli import simulate

    load_demo(providers=120)
    db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(simulate, ["--from", "2023-05-01", "--to", "2023-07-01", "--json"])
    assert first.exit_code == 0, first.output
    counts = json.loads(first.stdout.strip().splitlines()[-1])
    told = db.session.scalar(select(func.count(Notification.id)).where(
        Notification.template == "announcement"))
    assert counts["announced"] == told > 0
    # each on its date: 1 May (dietary preparations), 1 June and 1 July (stop-smoking)
    days = {day_of(m.created_at) for m in db.session.scalars(select(Notification).where(
        Notification.template == "announcement"))}
    assert days <= {date(2023, 5, 1), date(2023, 6, 1), date(2023, 7, 1)} and len(days) >= 2
