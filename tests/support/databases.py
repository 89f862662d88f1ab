"""A database of a test module's own, for tests whose separate processes must see committed data."""
import pytest


@pytest.fixture(scope="module")
def own_database(database_url, tmp_path_factory):
    """A database of this module's own, migrated, for tests whose processes must see committed
    data: a SQLite file, or on PostgreSQL a database `test_scheduler` next to the test one."""
    from sqlalchemy import create_engine, text

    from portal.config import normalise_database_url

    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path_factory.mktemp('scheduler') / 'portal.sqlite'}"
    else:
        base, _, _name = database_url.rpartition("/")
        url = f"{base}/test_scheduler"
        admin = create_engine(normalise_database_url(database_url), isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text("DROP DATABASE IF EXISTS test_scheduler WITH (FORCE)"))
            connection.execute(text("CREATE DATABASE test_scheduler"))
        admin.dispose()
    migrate(url)
    return url


def migrate(url: str) -> None:
    from flask_migrate import upgrade

    from portal import create_app
    from portal.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        db.engine.dispose()
