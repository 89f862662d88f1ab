"""Who may see a page: the roles, and the decorator that keeps the others out."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

MANAGERS = ("contract_manager", "admin")
#: The insurer's advisors, who decide consent and authorisation requests (admins may too).
ADVISORS = ("adviseur", "admin")
PROVIDER_STAFF = ("provider_user", "provider_signatory")


def roles_required(*roles: str):
    """Logged in, with one of `roles`; otherwise the login page or 403."""
    def decorate(view):
        @wraps(view)
        @login_required
        def wrapper(*args, **kwargs):
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapper
    return decorate
