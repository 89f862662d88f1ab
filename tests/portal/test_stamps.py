"""The profile scores' stamp (portal/models/stamps.py): every change of the scores, however
written, makes `profile_history` score them again, and nothing else does; a rolled-back change
never leaves its history behind for a later state."""
from __future__ import annotations

import pytest
from sqlalchemy import delete, insert, select, update

from portal.models import Offer, OfferTally, ProfileScore, Provider
from portal.operations.providers import profile_history

YEAR = 2024  # the campaign run in 2023: it reads the scores up to 2023


@pytest.fixture
def scored(session, make_provider):
    """Three pharmacies with scores of 2022 and 2023, the highest first."""
    providers = [make_provider() for _ in range(3)]
    for n, provider in enumerate(providers):
        for year in (2022, 2023):
            session.add(ProfileScore(provider_id=provider.id, year=year, kwaliteit=90 - 20 * n,
                                     klantbeleving=90 - 20 * n, kosten=90 - 20 * n))
    session.flush()
    return providers


def rank(agb: str) -> int:
    return profile_history(YEAR).of(agb)[2023].rank


def test_the_history_is_kept_while_nothing_it_reads_changes(session, scored):
    first = profile_history(YEAR)
    session.execute(update(Provider).where(Provider.id == scored[0].id).values(city="Zwolle"))
    assert profile_history(YEAR) is first


@pytest.mark.parametrize("write", ["orm", "statement"])
def test_a_changed_score_scores_them_again(session, scored, write):
    assert rank(scored[2].agb) == 3
    if write == "orm":
        score = session.scalar(select(ProfileScore).where(
            ProfileScore.provider_id == scored[2].id, ProfileScore.year == 2023))
        score.kwaliteit = score.klantbeleving = score.kosten = 99
        session.flush()
    else:
        session.execute(update(ProfileScore).where(ProfileScore.provider_id == scored[2].id,
                                                   ProfileScore.year == 2023)
                        .values(kwaliteit=99, klantbeleving=99, kosten=99))
    assert rank(scored[2].agb) == 1


def test_an_added_and_a_deleted_score_score_them_again(session, scored, make_provider):
    newcomer = make_provider()
    profile_history(YEAR)
    session.execute(insert(ProfileScore).values(provider_id=newcomer.id, year=2023, kwaliteit=100,
                                                klantbeleving=100, kosten=100))
    assert rank(newcomer.agb) == 1
    session.execute(delete(ProfileScore).where(ProfileScore.provider_id == newcomer.id))
    assert profile_history(YEAR).of(newcomer.agb) == {}
    assert rank(scored[0].agb) == 1


def test_a_new_agb_code_scores_them_again(session, scored):
    old = scored[0].agb
    profile_history(YEAR)
    session.execute(update(Provider).where(Provider.id == scored[0].id).values(agb="39999999"))
    assert rank("39999999") == 1
    assert profile_history(YEAR).of(old) == {}


def test_a_rolled_back_change_leaves_no_history_for_a_later_one(session, scored):
    """A counter would come back to the same number after the rollback, and the history worked
    out inside it would then stand for the other change made next."""
    profile_history(YEAR)
    inside = session.begin_nested()
    session.execute(update(ProfileScore).where(ProfileScore.provider_id == scored[2].id)
                    .values(kwaliteit=99, klantbeleving=99, kosten=99))
    assert rank(scored[2].agb) == 1
    inside.rollback()
    session.execute(update(ProfileScore).where(ProfileScore.provider_id == scored[1].id)
                    .values(kwaliteit=99, klantbeleving=99, kosten=99))
    assert rank(scored[1].agb) == 1 and rank(scored[2].agb) == 3


def test_deleting_all_data_leaves_no_tallies_and_keeps_the_stamp(session, make_provider):
    from demo import delete_all_data

    provider = make_provider()
    session.execute(insert(Offer).values(
        provider_id=provider.id, contract="farmaceutische_zorg", policy_year=YEAR,
        relation="nieuw", rule="test", negotiable=False, channel="portaal",
        final_channel="vecozo", status="aangeboden", version=1))
    session.add(ProfileScore(provider_id=provider.id, year=2023, kwaliteit=50,
                             klantbeleving=50, kosten=50))
    session.flush()
    assert profile_history(YEAR).of(provider.agb)
    delete_all_data()
    # the offers' deletes wrote their -1 rows before the tallies were emptied
    assert session.scalars(select(OfferTally)).all() == []
    assert profile_history(YEAR).years() == []
