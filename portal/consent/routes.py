"""The requests' pages: the pharmacy's and the insurer's advisor's."""
from flask import Blueprint

bp = Blueprint("consent", __name__, template_folder="templates")
