"""The benchmarks' secret key: the portal refuses to start without one, and a bench has no
instance of its own. A random key per run (never a fixed value), inherited by the processes a
bench starts (the CLI, gunicorn)."""
import os
import secrets

os.environ.setdefault("SECRET_KEY", secrets.token_hex(32))
