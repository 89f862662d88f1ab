"""Every URL rule of the account blueprint, in one place."""
from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account", template_folder="templates")

from . import security, tokens  # noqa: E402,F401  (their views join the blueprint)
