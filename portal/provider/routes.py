"""The provider's side: offers and contracts, profile, messages."""
from flask import Blueprint, render_template

from ..web import PROVIDER_STAFF, roles_required

bp = Blueprint("provider", __name__, url_prefix="/zorgaanbieder", template_folder="templates")


@bp.route("/aanbiedingen")
@roles_required(*PROVIDER_STAFF)
def offers():
    return render_template("provider/offers.html")
