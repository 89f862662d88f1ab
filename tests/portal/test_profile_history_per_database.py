"""The kept profile histories (portal/operations/providers.py) are kept per database: a process
that reads two registers in turn (bench/scale.py's two sizes, a replay on a copy of the register)
shows each one's own groups, and keeps each one's history while its scores stand.

Two SQLite files whatever the test database: the history is keyed by the database's URL, which
is the same thing on either dialect."""
from __future__ import annotations

import pytest
from sqlalchemy import update

from portal.models import DataStamp, ProfileScore, Provider
from portal.models.stamps import PROFILE_SCORES
from portal.operations.providers import profile_history
from tests.support.databases import migrate

YEAR = 2024  # the campaign run in 2023: it reads the scores up to 2023
AGBS = ("91000001", "91000002", "91000003")
#: With three pharmacies the shares 0.70/0.25/0.05 put the best two in drie_sterren and the third
#: in twee_sterren: in database "a" the first pharmacy scores best, in "b" the same AGB code worst.
SCORES = {"a": (90, 60, 30), "b": (30, 60, 90)}
GROUPS = {"a": ("drie_sterren", "drie_sterren", "twee_sterren"),
          "b": ("twee_sterren", "drie_sterren", "drie_sterren")}


def scored_register(url: str, scores: tuple[int, ...]):
    """A migrated database at `url` holding the three pharmacies with `scores` for 2022 and
    2023, and the portal on it."""
    from portal import create_app
    from portal.extensions import db

    migrate(url)
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        for n, (agb, score) in enumerate(zip(AGBS, scores, strict=True), start=1):
            provider = Provider(agb=agb, name=f"Apotheek Register {n}", city="Utrecht",
                                provider_type="openbare_apotheek", kvk=f"71{n:06d}")
            db.session.add(provider)
            db.session.flush()
            for year in (2022, 2023):
                db.session.add(ProfileScore(provider_id=provider.id, year=year, kwaliteit=score,
                                            klantbeleving=score, kosten=score))
        db.session.commit()
    return app


@pytest.fixture
def registers(tmp_path):
    """Two registers, "a" and "b", with the same pharmacies and opposite scores."""
    from portal.extensions import db

    apps = {name: scored_register(f"sqlite:///{tmp_path / f'{name}.sqlite'}", scores)
            for name, scores in SCORES.items()}
    yield apps
    for app in apps.values():
        with app.app_context():
            db.engine.dispose()


def groups(app) -> tuple[str, ...]:
    with app.app_context():
        history = profile_history(YEAR)
        return tuple(history.of(agb)[2023].group for agb in AGBS)


def kept(app):
    with app.app_context():
        return profile_history(YEAR)


def test_each_database_shows_its_own_groups_and_keeps_its_history_read_in_turn(registers):
    first = {name: kept(app) for name, app in registers.items()}
    assert first["a"] is not first["b"]
    for _turn in range(2):
        for name, app in registers.items():
            assert groups(app) == GROUPS[name]
            # kept while its scores stand, however often the other database was read meanwhile
            assert kept(app) is first[name]


def test_the_same_stamp_in_two_databases_does_not_share_a_history(registers):
    """The stamp tells one database's states apart, not two databases: a copy of the register
    carries its original's stamp (here set alike by hand; only triggers write it otherwise)."""
    from portal.extensions import db

    for app in registers.values():
        with app.app_context():
            db.session.execute(update(DataStamp).where(DataStamp.name == PROFILE_SCORES)
                               .values(stamp="alike"))
            db.session.commit()
    assert groups(registers["a"]) == GROUPS["a"]
    assert groups(registers["b"]) == GROUPS["b"]
    assert groups(registers["a"]) == GROUPS["a"]
