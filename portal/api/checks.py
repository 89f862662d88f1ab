"""API: the import-medicine and entitlement checks (the same rules as the CLI and the pages)."""
from .common import Blueprint

blp = Blueprint("api_checks", __name__, description="Controles: importgeneesmiddelen en aanspraak")
