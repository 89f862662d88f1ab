"""The portal installed as a wheel, not run from its checkout: built from the source tree,
installed into a fresh virtual environment (its dependencies borrowed from the test environment),
and used from another folder: the database migrated, the demo loaded, a contract document
rendered and the templates checked, and the portal served by `portal serve`.

Everything the code reads at run time must be package data for this to pass (templates,
migrations, policies, translations, static files)."""
import json
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LEFT_OUT = shutil.ignore_patterns(".git", ".venv", ".cache", "instance", "build", "dist", "*.egg-info",
                                  "__pycache__", ".pytest_cache", "node_modules")

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")),
    reason="the wheel is the same on every database: built and run once, on the SQLite pass")


def run(*args, cwd: Path, env: dict, timeout: int = 180) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout)
    assert result.returncode == 0, f"{args}:\n{result.stdout[-2000:]}\n{result.stderr[-3000:]}"
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(the installed `portal` command, the folder it runs in, its environment)."""
    base = tmp_path_factory.mktemp("wheel")
    source, dist, venv, work = base / "source", base / "dist", base / "venv", base / "work"
    shutil.copytree(ROOT, source, ignore=LEFT_OUT)  # the checkout stays as it is
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet",
        "-w", dist, source, cwd=base, env=env)
    wheel = next(dist.glob("zorginkoop_portal-*.whl"))
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=base, env=env)
    python = venv / "bin" / "python"
    purelib = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                       cwd=base, env=env).stdout.strip())
    # the dependencies, not the project: a path line adds the folder, not its .pth files (so not
    # the editable install of this checkout)
    (purelib / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index",
        "--quiet", wheel, cwd=base, env=env)
    work.mkdir()
    env.update(DATABASE_URL=f"sqlite:///{work / 'portal.sqlite'}", SECRET_KEY="wheel-test-" + "x" * 32,
               SESSION_COOKIE_SECURE="0", MAIL_BACKEND="outbox", METRICS_TOKEN="wheel-metrics")
    return venv / "bin" / "portal", work, env


def test_the_code_comes_from_the_wheel_not_the_checkout(installed):
    portal, work, env = installed
    found = run(portal.parent / "python", "-c",
                "import contracts, portal, scheduler, demo; "
                "print('\\n'.join(m.__file__ for m in (contracts, portal, scheduler, demo)))",
                cwd=work, env=env).stdout.split()
    assert len(found) == 4 and all("site-packages" in f and str(ROOT) not in f for f in found), found


def test_migrate_load_render_and_serve_from_any_folder(installed):
    portal, work, env = installed
    run(portal, "db", "upgrade", cwd=work, env=env)
    loaded = run(portal, "demo", "load", "--providers", "60", "--no-applications", cwd=work, env=env)
    assert "60" in loaded.stdout + loaded.stderr
    run(portal, "documents", "check", cwd=work, env=env)
    facts = work / "facts.json"
    facts.write_text(json.dumps({"policy_year": 2024, "provider": {
        "name": "Apotheek De Linde", "agb": "12345678", "city": "Utrecht",
        "provider_type": "openbare_apotheek"}}), encoding="utf-8")
    run(portal, "documents", "render", "--contract", "farmaceutische_zorg", "--context", facts,
        "--out", work / "fz.docx", "--no-store", cwd=work, env=env)
    assert (work / "fz.docx").read_bytes()[:2] == b"PK"  # a Word document (a zip)

    port, log = free_port(), work / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen([str(portal), "serve", "--port", str(port), "--workers", "1",
                                   "--threads", "2", "--access-log"], cwd=work,
                                  env={**env, "LOG_FORMAT": "json"}, start_new_session=True,
                                  stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline, answers = time.monotonic() + 60, {}
        while time.monotonic() < deadline and server.poll() is None:
            try:
                for path in ("/ready", "/inloggen", "/static/favicon.svg"):
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as r:
                        answers[path] = (r.status, r.read())
                break
            except OSError:
                time.sleep(0.3)
        assert server.poll() is None, log.read_text()[-3000:]
        assert answers["/ready"][0] == 200 and json.loads(answers["/ready"][1])["migrations"] == "head"
        assert answers["/inloggen"][0] == 200 and "Inloggen".encode() in answers["/inloggen"][1]
        assert answers["/static/favicon.svg"][0] == 200
        # the production server, not Werkzeug's; with LOG_FORMAT=json every line is one JSON object
        text = [line for line in log.read_text().splitlines() if line.strip()]
        assert [line for line in text if not line.startswith("{")] == [
            f"Zorginkoop portaal: http://127.0.0.1:{port} (1 workers x 2 threads)"]  # the banner
        lines = [json.loads(line) for line in text if line.startswith("{")]
        assert any(line["logger"] == "gunicorn.error" and "Starting gunicorn" in line["message"]
                   for line in lines)
        assert any(line["logger"] == "gunicorn.access" and line["request"] == "GET /ready HTTP/1.1"
                   and line["status"] == "200" for line in lines)
        # the workers' request counts, added up across processes (prometheus_client's multi-process mode)
        scrape = urllib.request.Request(f"http://127.0.0.1:{port}/metrics",
                                        headers={"Authorization": "Bearer wheel-metrics"})
        with urllib.request.urlopen(scrape, timeout=10) as r:
            metrics = r.read().decode()
        assert 'portal_requests_total{endpoint="auth.login",method="GET",status="200"} 1.0' in metrics
        assert 'portal_open_deadlines{of="offer"}' in metrics
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=30)
