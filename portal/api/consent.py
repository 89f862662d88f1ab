"""API: consent and authorisation requests for import medicines."""
from .common import Blueprint

blp = Blueprint("api_consent", __name__, description="Toestemming en machtiging: aanvragen en besluiten")
