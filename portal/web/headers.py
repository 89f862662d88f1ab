"""The security and caching headers of every answer."""
from __future__ import annotations

from flask import g, request

CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")


#: No page uses a camera, microphone, location, payment or the like.
PERMISSIONS_POLICY = ("camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
                      "interest-cohort=()")
#: Two years, as the HSTS preload list asks; sent only over HTTPS (RFC 6797 7.2).
HSTS = "max-age=63072000; includeSubDomains"


def security_headers(response):
    """Headers of every answer: what the browser may load and share, HTTPS from now on, and no
    caching of anything a logged-in user or an API token saw. (The Server header is the WSGI
    server's: see portal.cli for the development server's.)"""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", HSTS)
    user = g.get("_login_user")  # as the request loaded it (a static file loads nobody)
    if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
        headers["Cache-Control"] = "no-store"
        headers.pop("Expires", None)
    return response
