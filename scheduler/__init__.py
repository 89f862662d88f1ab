"""The scheduler: enforces the procurement calendar of seed 002.

One process (`portal scheduler run`) runs APScheduler with one periodic job, `scheduler.jobs:tick`,
that asks "what is due now?" for the simulated date and does it: the bulk issue of a milestone,
reminders, escalations, expiry, publication, the batches managers request, and the e-mail.
`portal simulate` runs the same day by day over a period. A second process stands by.

It imports `contracts` and `portal`; the portal never imports it. Its commands join the `portal`
CLI through the `flask.commands` entry point (pyproject.toml).
"""
