"""How a request's transaction begins and ends: a write waits for SQLite's lock up front, a
request that only read commits."""
from __future__ import annotations

from flask import request
from sqlalchemy import event
from sqlalchemy.orm import Session as OrmSession

from ..extensions import db
from .switches import switched_on

#: Requests that only read.
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


def writes_take_the_lock_first(app) -> None:
    """On SQLite, a request that may write (any POST, PUT, PATCH, DELETE) begins its transaction
    IMMEDIATE, so it waits for the scheduler's write instead of failing after it."""
    @app.before_request
    def _immediate():
        if request.method in SAFE_METHODS:
            return
        if db.engine.dialect.name == "sqlite" and not db.session().in_transaction():
            db.session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})


def _mark_written(session, *_args) -> None:
    session.info["wrote"] = True


def _mark_orm_write(state) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        state.session.info["wrote"] = True


def reads_end_in_commit(app) -> None:
    """A request that only read ends its transaction with COMMIT instead of the session's closing
    ROLLBACK. On PostgreSQL this keeps the pages' statements prepared: psycopg forgets its
    prepared statements at every ROLLBACK, so every query of every page was parsed and planned
    anew (the offers page's three statements cost PostgreSQL 1.5 ms of CPU that way, 0.6 ms
    prepared). Only a safe method that answered below 400 and flushed nothing commits; anything
    else is rolled back as before, so nothing is half-saved. What it pays (bench/load.py, three
    interleaved rounds, medians; PostgreSQL's own CPU comes on top, unmeasured): the offers page
    448 against 321 req/s, 2.0 against 2.6 ms of gunicorn CPU per request, p99 177 against
    428 ms; the logged-in floor 566 against 421 req/s, p99 161 against 345 ms.
    Off with COMMIT_READS=0."""
    if not switched_on(app, "COMMIT_READS"):
        return
    for name, listener in (("after_flush", _mark_written), ("do_orm_execute", _mark_orm_write)):
        if not event.contains(OrmSession, name, listener):  # once, however many apps are made
            event.listen(OrmSession, name, listener)

    @app.before_request
    def _nothing_written_yet():  # a session that outlives a request (tests) starts it clean
        if db.session.registry.has():
            db.session().info.pop("wrote", None)

    @app.after_request
    def _commit_reads(response):
        if (request.method in SAFE_METHODS and response.status_code < 400
                and db.session.registry.has()):  # a request that used no session made none
            session = db.session()
            if (session.in_transaction() and not session.info.get("wrote")
                    and not (session.new or session.dirty or session.deleted)):
                session.commit()
        return response
