"""The checks' pages (/zorgaanbieder/controles)."""
from flask import Blueprint

bp = Blueprint("checks", __name__, url_prefix="/zorgaanbieder/controles", template_folder="templates")
