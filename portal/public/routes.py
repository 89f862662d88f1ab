"""Public pages: home, the zorgzoeker, the language switch. The application form lives here too
(a new provider has no account yet)."""
from urllib.parse import urlsplit

from flask import Blueprint, redirect, render_template, request, session, url_for

bp = Blueprint("public", __name__, template_folder="templates")


@bp.route("/")
def home():
    return render_template("public/home.html")


@bp.route("/taal", methods=["POST"])
def language():
    if request.form.get("lang") in ("nl", "en"):
        session["lang"] = request.form["lang"]
    target = request.form.get("next") or url_for("public.home")
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/"):  # no open redirect
        target = url_for("public.home")
    return redirect(target)


@bp.route("/zorgzoeker")
def zorgzoeker():
    return render_template("public/zorgzoeker.html")


@bp.route("/aanvragen")
def apply():
    return render_template("public/apply.html")
