"""The off-switches of the speed-ups, for measuring them (bench/load.py); all on by default:

- PAGE_MEMO: the pages and API lists kept under the records' stamp (portal.web.memo);
- RENDER_GETTEXT: gettext in templates from the render's one lookup (portal.web.language);
- COMMIT_READS: a request that only read commits, which keeps PostgreSQL's statements prepared
  (portal.web.transactions).

Each stays because the bench shows it pays (the figures are beside each); measure again with
`python bench/load.py --variant all= --variant no-memo=PAGE_MEMO=0 ... --rounds 3`.
Read once, when the app is made: the app's config, else the environment (so a bench can start
gunicorn with one off), else on. "0", "false", "no" and "off" switch a speed-up off."""
from __future__ import annotations

import os

OFF = ("0", "false", "no", "off")


def switched_on(app, name: str) -> bool:
    value = app.config.get(name, os.environ.get(name, "1"))
    return str(value).strip().lower() not in OFF
