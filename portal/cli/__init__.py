"""The `portal` command line: Flask's group with the portal's commands, thin over `contracts`.

Bad input gets one line on stderr naming the field and the allowed values, exit status 2, and
nothing on stdout: a bad case, JSON the portal does not read (portal.inputs), an argument that is
not UTF-8, a file that cannot be read or written. Other failures (a missing tool, a database not
yet created) get one line and exit status 1. Never a traceback for either.
"""
from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup
from werkzeug.serving import WSGIRequestHandler
from sqlalchemy.exc import OperationalError, ProgrammingError

from contracts.documents.validate import TemplateRefused
from contracts.errors import CaseError
from portal.inputs import bad_text

from .api import api
from .calendar import calendar_command
from .check import check
from .demo import demo
from .documents import documents
from .policy import policy
from .serve import serve
from .shortages import shortages
from .users import users
from .worker import worker


# `portal run` (make demo) serves with Werkzeug's development server, which names its own and
# Python's version in every answer's Server header; it names the portal instead. (gunicorn names
# no version.)
WSGIRequestHandler.version_string = lambda self: "zorginkoop-portal"


def _create_app():
    from portal import create_app
    return create_app()


class PortalGroup(FlaskGroup):
    """Flask's command group whose errors are one line: exit 2 for bad input, 1 otherwise."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        name = prog_name or "portal"
        args = sys.argv[1:] if args is None else list(args)
        for arg in args:  # bytes that are not UTF-8 arrive as lone surrogates (surrogateescape)
            if bad_text(arg):
                self._fail(name, f"argument {arg!r} is not UTF-8", 2)
        try:
            result = super().main(args=args, prog_name=prog_name, complete_var=complete_var,
                                  standalone_mode=False, **extra)
        except (CaseError, TemplateRefused, click.UsageError) as error:
            message = error.format_message() if isinstance(error, click.UsageError) else str(error)
            self._fail(name, message, 2)
        except OSError as error:
            if error.filename is None:  # not a path of the command line (a broken pipe, ...)
                raise
            self._fail(name, f"{error.filename}: {error.strerror}", 2)
        except UnicodeError as error:  # text read or printed that is not UTF-8
            self._fail(name, f"not UTF-8: {error}", 2)
        except click.ClickException as error:
            self._fail(name, error.format_message(), error.exit_code)
        except (OperationalError, ProgrammingError) as error:
            self._fail(name, f"database error ({type(error.orig).__name__}); has it been "
                             f"created? run `portal db upgrade`: {error.orig}", 1)
        except click.Abort:
            self._fail(name, "aborted", 1)
        if not standalone_mode:
            return result
        sys.exit(result if isinstance(result, int) else 0)

    @staticmethod
    def _fail(name: str, message: str, status: int):
        click.echo(f"{name}: {' '.join(str(message).split())}", err=True)
        sys.exit(status)


cli = PortalGroup(create_app=_create_app, name="portal",
                  help="Zorginkoop portal: procurement policy, calendar, contract documents.")
cli.add_command(policy)
cli.add_command(calendar_command)
cli.add_command(documents)
cli.add_command(demo)
cli.add_command(api)
cli.add_command(worker)
cli.add_command(check)
cli.add_command(shortages)
cli.add_command(users)
cli.add_command(serve)
