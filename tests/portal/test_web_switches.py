"""The speed-ups' off-switches (portal.web.switches), for measuring them with bench/load.py: each
on by default, each off by its setting in the config or the environment."""
from __future__ import annotations

import pytest
from flask import Flask, render_template_string

from portal import create_app
from portal.web.switches import switched_on

SWITCHES = ("PAGE_MEMO", "RENDER_GETTEXT", "COMMIT_READS")


def portal(monkeypatch, **config):
    for name in SWITCHES:
        monkeypatch.delenv(name, raising=False)
    return create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": "sqlite://", **config})


def commits_reads(app) -> bool:
    return any(getattr(f, "__name__", "") == "_commit_reads"
               for f in app.after_request_funcs.get(None, []))


class Marked:
    """Translations that mark what they translate."""

    def ugettext(self, text):
        return f"[{text}]"


def renders_gettext(app) -> bool:
    """A template's gettext takes the translations the render looked up (`babel_translations`),
    not Flask-Babel's own lookup."""
    with app.test_request_context():
        page = render_template_string("{{ _('Geen toegang') }}", babel_translations=Marked())
    return page == "[Geen toegang]"


@pytest.mark.parametrize("value, on", [(None, True), ("1", True), ("on", True), (True, True),
                                       ("0", False), ("off", False), ("False", False),
                                       (False, False), ("no", False)])
def test_a_switch_reads_the_config(value, on, monkeypatch):
    monkeypatch.delenv("PAGE_MEMO", raising=False)
    app = Flask(__name__)
    if value is not None:
        app.config["PAGE_MEMO"] = value
    assert switched_on(app, "PAGE_MEMO") is on


def test_the_environment_switches_when_the_config_is_silent(monkeypatch):
    app = Flask(__name__)
    monkeypatch.setenv("COMMIT_READS", "0")
    assert switched_on(app, "COMMIT_READS") is False
    app.config["COMMIT_READS"] = True  # the config has the last word
    assert switched_on(app, "COMMIT_READS") is True


def test_the_portal_has_every_speed_up_by_default(monkeypatch):
    app = portal(monkeypatch)
    assert app.extensions["page_memo"] is True
    assert renders_gettext(app) and commits_reads(app)


def test_each_switch_takes_out_its_speed_up_only(monkeypatch):
    app = portal(monkeypatch, PAGE_MEMO="0")
    assert (app.extensions["page_memo"], renders_gettext(app), commits_reads(app)) == (False, True, True)
    app = portal(monkeypatch, RENDER_GETTEXT="0")
    assert (app.extensions["page_memo"], renders_gettext(app), commits_reads(app)) == (True, False, True)
    app = portal(monkeypatch, COMMIT_READS="0")
    assert (app.extensions["page_memo"], renders_gettext(app), commits_reads(app)) == (True, True, False)
