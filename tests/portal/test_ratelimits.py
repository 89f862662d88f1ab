"""The limiter's counts in the portal's database (the default storage): two instances of the
portal on one database share one login limit, concurrent hits lose no count, and a window ends."""
import threading
import uuid

import pytest

from portal import create_app
from portal.extensions import db, limiter
from portal.web.ratelimits import DatabaseStorage
from tests.support.databases import own_database  # noqa: F401  (fixture)

pytestmark = pytest.mark.db


REDIS = "redis://127.0.0.1:6379/15"


def redis_answers() -> bool:
    import redis
    try:
        return redis.Redis.from_url(REDIS, socket_timeout=1).ping()
    except redis.RedisError:
        return False


@pytest.fixture(params=["portal+database://", REDIS])
def instances(request, own_database):  # noqa: F811
    """Two portals on one database, as two web instances would be (the same client address),
    counting in the database (the default) or in Redis."""
    if request.param == REDIS and not redis_answers():
        pytest.skip("no Redis on 127.0.0.1:6379")
    config = {"SQLALCHEMY_DATABASE_URI": own_database, "LOGIN_RATE_LIMIT": "3 per minute",
              "ANONYMOUS_RATE_LIMIT": "1000 per hour", "ANONYMOUS_GLOBAL_RATE_LIMIT": "1000 per hour"}
    if request.param == REDIS:
        config["RATELIMIT_STORAGE_URI"] = REDIS
    apps = [create_app(config), create_app(config)]
    assert apps[0].config["RATELIMIT_STORAGE_URI"] == request.param  # the database: the default
    with apps[0].app_context():
        limiter.reset()
    yield apps
    with apps[0].app_context():
        limiter.reset()
    for app in apps:  # their connections closed now, not by the garbage collector in a later test
        with app.app_context():
            db.engine.dispose()


def test_two_instances_share_one_login_limit(instances):
    clients = [app.test_client() for app in instances]
    # an address of this run's own: the account's own throttle (in the database) counts apart
    email = f"niemand-{uuid.uuid4().hex[:8]}@vgz.example"
    statuses = [clients[n % 2].post("/api/v1/tokens", json={"email": email,
                                                             "password": "fout"}).status_code
                for n in range(5)]
    # three attempts in all, wherever they land; each instance alone saw at most three
    assert statuses == [401, 401, 401, 429, 429]


@pytest.fixture
def database_instances(instances):
    if instances[0].config["RATELIMIT_STORAGE_URI"] != "portal+database://":
        pytest.skip("the database storage's own behaviour")
    return instances


def test_concurrent_hits_lose_no_count(database_instances):
    instances = database_instances
    storage = DatabaseStorage("portal+database://")

    def hit():
        with instances[0].app_context():
            for _ in range(10):
                storage.incr("test/concurrent", 60)

    threads = [threading.Thread(target=hit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with instances[1].app_context():
        assert storage.get("test/concurrent") == 40


def test_a_window_ends(database_instances, monkeypatch):
    instances = database_instances
    import portal.web.ratelimits as ratelimits

    storage, now = DatabaseStorage("portal+database://"), [1_000_000.0]
    monkeypatch.setattr(ratelimits.time, "time", lambda: now[0])
    with instances[0].app_context():
        assert [storage.incr("test/window", 60) for _ in range(3)] == [1, 2, 3]
        assert storage.get_expiry("test/window") == 1_000_060.0
        now[0] += 61  # the window has ended: the next hit starts a new one
        assert storage.get("test/window") == 0
        assert storage.incr("test/window", 60) == 1
        assert storage.get_expiry("test/window") == 1_000_121.0
        storage.clear("test/window")
        assert storage.get("test/window") == 0 and storage.check()
