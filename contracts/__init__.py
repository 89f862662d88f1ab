"""The procurement domain of the zorginkoop portal: vocabulary, policy data, decisions.

Plain Python: nothing here knows Flask or the database. The portal, its API, the CLI and
the scheduler call these functions so that each rule lives in one place.
"""
