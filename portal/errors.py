"""Error answers in the portal's own words: too many requests (429), for a person a page in the
portal's layout, for the API its JSON error."""
from __future__ import annotations

import math
import time

from flask import jsonify, render_template, request
from flask_babel import ngettext
from flask_limiter import RateLimitExceeded

from .extensions import limiter


def init_app(app) -> None:
    # The limiter's refusals only: a 429 an operation gives itself (a throttled login through
    # the API) keeps its own message and Retry-After.
    app.register_error_handler(RateLimitExceeded, too_many_requests)


def minutes_to_wait() -> int:
    """Whole minutes until the limit that was reached lets requests through again."""
    limit = limiter.current_limit
    seconds = limit.reset_at - time.time() if limit is not None else 60
    return max(math.ceil(seconds / 60), 1)


def too_many_requests(error):
    """A limit was reached (Flask-Limiter adds Retry-After): nothing was done; try again later.

    Under /api/ the answer keeps flask-smorest's format, which this handler, registered for
    the status, would otherwise take over from it."""
    minutes = minutes_to_wait()
    if request.path.startswith("/api/"):
        return jsonify(code=429, status="Too Many Requests",
                       message=f"too many requests ({error.description}); nothing was done: "
                               f"try again in {minutes} minute{'s' if minutes != 1 else ''}"), 429
    message = ngettext("Probeer het over %(num)s minuut opnieuw.",
                       "Probeer het over %(num)s minuten opnieuw.", minutes)
    return render_template("public/too_many_requests.html", message=message), 429
