"""The simulation date: the day the whole portal believes it is."""
from __future__ import annotations

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _

from ..extensions import db
from ..formatting import format_day
from ..operations.clock import set_today
from ..web import current_actor, simulation_today
from .forms import SimulationDateForm


def clock():
    form = SimulationDateForm()
    if form.validate_on_submit():
        day = set_today(form.day.data, current_actor(), (form.reason.data or "").strip())
        db.session.commit()
        g.pop("simulation_today", None)  # read once per request: this request read the old one
        flash(_("De simulatiedatum is nu %(day)s.", day=format_day(day)), "success")
        return redirect(url_for("manager.dashboard"))
    if not form.is_submitted():
        form.day.data = simulation_today()
    return render_template("manager/clock.html", form=form)
