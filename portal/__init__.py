"""The zorginkoop portal: the Flask application and the `portal` command line.

The application itself (create_app) arrives with the portal issue; until then the package holds
the command line over the procurement domain in `contracts`.
"""
