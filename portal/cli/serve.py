"""`portal serve`: the portal under gunicorn, as in production (`make demo` uses it).

gunicorn's gthread workers, each building the app with `create_app()`; by default as many workers
as gunicorn's documentation advises for the machine's cores (2 x cores + 1, at most 8) with 4
threads each. Every setting can be given here or in GUNICORN_CMD_ARGS (gunicorn's own environment
variable, read after these defaults), so a deployment tunes it without code. With
LOG_FORMAT=json gunicorn's lines are JSON like the portal's; the workers count their requests for
/metrics in PROMETHEUS_MULTIPROC_DIR (a fresh temporary folder unless given).
"""
from __future__ import annotations

import os

import click


def default_workers(cores: int | None = None) -> int:
    """2 x cores + 1 (gunicorn's advice), at most 8: more only adds memory on a small machine."""
    cores = cores or os.cpu_count() or 1
    return min(2 * cores + 1, 8)


def gunicorn_application(options: dict):
    """A gunicorn application that builds the portal in each worker (not in the arbiter: a
    database connection must not cross a fork)."""
    from gunicorn.app.base import BaseApplication

    class Portal(BaseApplication):
        def load_config(self):
            for key, value in options.items():
                if value is not None:
                    self.cfg.set(key, value)
            # GUNICORN_CMD_ARGS overrides the defaults above, as gunicorn's own command does
            env_args = self.cfg.parser().parse_args(self.cfg.get_cmd_args_from_env())
            for key, value in vars(env_args).items():
                if value is not None and key in self.cfg.settings and key != "args":
                    self.cfg.set(key.lower(), value)
            bind = self.cfg.bind[0] if self.cfg.bind else "?"
            click.echo(f"Zorginkoop portaal: http://{bind} ({self.cfg.workers} workers x "
                       f"{self.cfg.threads} threads)", err=True)

        def load(self):
            from portal import create_app
            return create_app()

    return Portal()


def metrics_directory() -> str:
    """PROMETHEUS_MULTIPROC_DIR for the workers' request metrics: the one given (emptied, as the
    client asks of every start), else a fresh temporary folder."""
    import tempfile
    from pathlib import Path

    given = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not given:
        return tempfile.mkdtemp(prefix="portal-metrics-")
    for stale in Path(given).glob("*.db"):
        stale.unlink()
    return given


def _worker_exit(server, worker) -> None:
    from prometheus_client import multiprocess
    multiprocess.mark_process_dead(worker.pid)


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--workers", type=click.IntRange(1, 64), default=None,
              help="Worker processes; default 2 x cores + 1, at most 8.")
@click.option("--threads", type=click.IntRange(1, 64), default=4, show_default=True,
              help="Threads per worker.")
@click.option("--access-log/--no-access-log", default=False, help="Log every request (stderr).")
def serve(host: str, port: int, workers: int | None, threads: int, access_log: bool):
    """Serve the portal with gunicorn (the production server) until stopped."""
    # set before any worker imports prometheus_client: each worker then counts into its own file
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = metrics_directory()
    options = {"bind": f"{host}:{port}", "workers": workers or default_workers(),
               "worker_class": "gthread", "threads": threads,
               "accesslog": "-" if access_log else None, "errorlog": "-",
               "graceful_timeout": 20, "timeout": 60, "child_exit": _worker_exit,
               "forwarded_allow_ips": os.environ.get("FORWARDED_ALLOW_IPS") or None}
    from portal.web.logs import gunicorn_logconfig, json_logging
    if json_logging():  # LOG_FORMAT=json: gunicorn's error and access lines as JSON too
        options["logconfig_dict"] = gunicorn_logconfig()
    gunicorn_application(options).run()
