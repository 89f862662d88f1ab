"""Signed links and tokens (itsdangerous) with the portal's key and its fallbacks.

Every signature is made with SECRET_KEY and checked against it and SECRET_KEY_FALLBACKS, as
Flask does for the session cookie: a key can be rotated (the old one moved to the fallbacks)
without breaking the links, feeds and sessions signed before.
"""
from __future__ import annotations

from flask import current_app
from itsdangerous import URLSafeSerializer, URLSafeTimedSerializer


def signing_keys() -> list[str]:
    """The keys that check a signature, oldest first; the last (SECRET_KEY) signs."""
    config = current_app.config
    return [*config.get("SECRET_KEY_FALLBACKS", ()), config["SECRET_KEY"]]


def serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(signing_keys(), salt=salt)


def timed_serializer(salt: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(signing_keys(), salt=salt)
