"""`portal serve`'s settings: workers from the cores, and GUNICORN_CMD_ARGS over the defaults
(the server itself runs in tests/test_wheel.py)."""
from portal.cli.serve import default_workers, gunicorn_application


def test_workers_follow_the_cores_up_to_eight():
    # gunicorn's advice: (2 x cores) + 1
    assert [default_workers(n) for n in (1, 2, 3, 4, 16)] == [3, 5, 7, 8, 8]


def test_gunicorn_cmd_args_override_the_defaults(monkeypatch, capsys):
    monkeypatch.setenv("GUNICORN_CMD_ARGS", "--workers 3 --threads 2 --timeout 90")
    server = gunicorn_application({"bind": "127.0.0.1:5999", "workers": 1, "threads": 4,
                                   "worker_class": "gthread", "timeout": 60})
    assert (server.cfg.workers, server.cfg.threads, server.cfg.timeout) == (3, 2, 90)
    assert server.cfg.bind == ["127.0.0.1:5999"]
    assert "(3 workers x 2 threads)" in capsys.readouterr().err


def test_without_it_the_options_stand(monkeypatch):
    monkeypatch.delenv("GUNICORN_CMD_ARGS", raising=False)
    server = gunicorn_application({"bind": "127.0.0.1:5999", "workers": 2, "threads": 4,
                                   "worker_class": "gthread"})
    assert (server.cfg.workers, server.cfg.threads, server.cfg.worker_class_str) == (2, 4, "gthread")
