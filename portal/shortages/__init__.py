"""Medicine shortages (seed 004): notices by the insurer, the weekly preference file, and the
public information point."""
