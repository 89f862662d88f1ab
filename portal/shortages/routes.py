"""The shortages' pages: the managers' register, the pharmacies' file, the public information point."""
from flask import Blueprint

bp = Blueprint("shortages", __name__, template_folder="templates")
