"""Medicine shortages (seed 004): notices by the insurer, the weekly preference file, and the
public information point."""

from . import checks  # noqa: E402,F401  the pharmacy's checks register on routes.bp
