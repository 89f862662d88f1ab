"""The scheduler: APScheduler jobs that enforce the procurement calendar (arrives with its issue).

It imports `contracts` and `portal`; the portal never imports it.
"""
