"""The policy lab: a campaign replayed under a base policy and under a variant, each on a copy of
the register, and the two outcomes compared (contracts.lab, contracts.variants).

The portal never imports this package: `portal lab ...` joins its command line through the
`flask.commands` entry point, as the scheduler does, and the lab runs the scheduler's days.
"""
