"""The contract manager's side: dashboard, register, offers, applications, negotiations."""
from flask import Blueprint, render_template

from ..web import MANAGERS, roles_required

bp = Blueprint("manager", __name__, url_prefix="/beheer", template_folder="templates")


@bp.route("/")
@roles_required(*MANAGERS)
def dashboard():
    return render_template("manager/dashboard.html")
