"""`python -m portal`: the same command line as the `portal` console script."""
from portal.cli import cli

cli(prog_name="portal")
