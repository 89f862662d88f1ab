"""The `portal` command line: one group, thin commands over the domain in `contracts`.

Bad input gets one line on stderr naming the field and the allowed values, exit status 2, and
nothing on stdout.
"""
from __future__ import annotations

import sys

import click

from contracts.errors import CaseError

from .calendar import calendar_command
from .policy import policy


class PortalGroup(click.Group):
    """A click group whose errors are one line and exit status 2."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        name = prog_name or "portal"
        try:
            result = super().main(args=args, prog_name=prog_name, complete_var=complete_var,
                                  standalone_mode=False, **extra)
        except (CaseError, click.UsageError) as error:
            message = str(error) if isinstance(error, CaseError) else error.format_message()
            click.echo(f"{name}: {' '.join(message.split())}", err=True)
            sys.exit(2)
        except click.ClickException as error:
            click.echo(f"{name}: {' '.join(error.format_message().split())}", err=True)
            sys.exit(error.exit_code)
        except click.Abort:
            click.echo(f"{name}: aborted", err=True)
            sys.exit(1)
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)


@click.group(cls=PortalGroup)
def cli():
    """Zorginkoop portal: procurement policy, calendar and (soon) the portal itself."""


cli.add_command(policy)
cli.add_command(calendar_command)
