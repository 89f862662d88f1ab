"""What every template gets: the filters, gettext from the render's one lookup, and the shared
context (the simulated date, the roles, the language)."""
from __future__ import annotations

from flask_babel import get_translations

from contracts.campaign import year_in_force

from .access import MANAGERS, PROVIDER_STAFF
from .filters import FILTERS
from .language import install_render_gettext, select_locale
from .session import forget_simulation_today, simulation_today
from .switches import switched_on


def register_template_helpers(app) -> None:
    app.jinja_env.add_extension("jinja2.ext.do")
    render_gettext = switched_on(app, "RENDER_GETTEXT")
    if render_gettext:
        install_render_gettext(app)
    # The simulated date is read once per request: forget it when the next request starts
    # (an app context, and so `g`, can outlive a request).
    app.before_request(forget_simulation_today)
    app.jinja_env.filters.update(FILTERS)

    @app.context_processor
    def shared():
        context = {"simulation_today": simulation_today, "MANAGERS": MANAGERS,
                   "contract_year": lambda: year_in_force(simulation_today()),
                   "PROVIDER_STAFF": PROVIDER_STAFF, "lang": select_locale()}
        if render_gettext:
            context["babel_translations"] = get_translations()
        return context
