"""Structured logs: with LOG_FORMAT=json every log line is one JSON object (time in UTC, level,
logger, message, and the exception where there is one), for a log collector to read without
parsing text. gunicorn's access lines carry the request's fields (remote address, request line,
status, bytes, milliseconds, user agent). Plain text otherwise."""
from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

#: gunicorn's access-log atoms (glogging.Logger.atoms) and the names they get here.
ACCESS_FIELDS = {"h": "remote", "r": "request", "s": "status", "b": "bytes", "M": "duration_ms",
                 "a": "user_agent"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": datetime.fromtimestamp(record.created, timezone.utc)
                 .isoformat(timespec="milliseconds"),
                 "level": record.levelname, "logger": record.name}
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            entry.update({name: record.args.get(atom) for atom, name in ACCESS_FIELDS.items()})
            entry["message"] = "request"
        else:
            entry["message"] = record.getMessage()
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def json_logging() -> bool:
    import os
    return os.environ.get("LOG_FORMAT", "").lower() == "json"


def gunicorn_logconfig() -> dict:
    """gunicorn's logging (error and access logs) in JSON, to stderr."""
    handler = {"class": "logging.StreamHandler", "formatter": "json", "stream": "ext://sys.stderr"}
    return {"version": 1, "disable_existing_loggers": False,
            "formatters": {"json": {"()": JsonFormatter}},
            "handlers": {"stderr": handler},
            "root": {"level": "INFO", "handlers": ["stderr"]},
            "loggers": {"gunicorn.error": {"level": "INFO", "handlers": ["stderr"], "propagate": False},
                        "gunicorn.access": {"level": "INFO", "handlers": ["stderr"],
                                            "propagate": False}}}


def init_logging(app) -> None:
    """The portal's own logger (and Flask's) in JSON when LOG_FORMAT=json."""
    if not json_logging():
        return
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    app.logger.handlers[:] = []
    app.logger.propagate = True
