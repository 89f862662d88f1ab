"""API: medicine shortages and the preference status of products."""
from .common import Blueprint

blp = Blueprint("api_shortages", __name__, description="Geneesmiddelentekorten en voorkeursbeleid")
