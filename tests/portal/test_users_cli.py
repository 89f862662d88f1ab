"""`portal users ...`: an operator closes an account or clears a lost authenticator, and every
session of that account ends at once."""
from sqlalchemy import select

from portal.cli.users import users
from portal.models import AuditEntry


def test_deactivate_ends_every_session_and_is_audited(app, client, auth, make_user, session):
    manager = make_user("contract_manager")
    auth.login(manager)
    assert client.get("/beheer/").status_code == 200
    result = app.test_cli_runner().invoke(users, ["deactivate", "--email", manager.email.upper()])
    assert result.exit_code == 0, result.output
    assert "gedeactiveerd" in result.output
    assert client.get("/beheer/").status_code == 302
    session.refresh(manager)
    assert not manager.active
    assert session.scalar(select(AuditEntry.actor).where(
        AuditEntry.entity_id == manager.id, AuditEntry.action == "deactivated")) == "portal users"


def test_reset_two_factor_clears_it(app, make_user, session):
    import pyotp
    from datetime import datetime, timezone
    manager = make_user("contract_manager")
    manager.totp_secret, manager.totp_enabled_at = pyotp.random_base32(), datetime.now(timezone.utc)
    session.commit()
    result = app.test_cli_runner().invoke(users, ["reset-2fa", "--email", manager.email])
    assert result.exit_code == 0, result.output
    session.refresh(manager)
    assert not manager.two_factor and manager.totp_secret is None


def test_an_unknown_address_is_bad_input(app):
    result = app.test_cli_runner().invoke(users, ["deactivate", "--email", "niemand@nergens.example"])
    assert result.exit_code == 2 and "niemand@nergens.example" in result.output


def test_list_shows_two_factor_and_sessions(app, client, auth, make_user):
    manager = make_user("contract_manager")
    auth.login(manager)
    result = app.test_cli_runner().invoke(users, ["list", "--role", "contract_manager"])
    assert result.exit_code == 0
    line = next(line for line in result.output.splitlines() if manager.email in line)
    assert "2fa uit" in line and "1 sessie(s)" in line
