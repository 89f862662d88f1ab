"""What makes a password acceptable, after NIST SP 800-63B 5.1.1.2: length, not composition.

At least MIN_PASSWORD characters and at most MAX_PASSWORD (any characters, spaces included);
refused when it is one of the most common passwords (a list shipped in portal/data), such a
password with digits or signs added at its end, one character or a short pattern repeated, a
run of the keyboard or the alphabet, or the account's own address or name ("context-specific
words"). No rules about upper case, digits or symbols, and no forced changes.
"""
from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources

from flask_babel import lazy_gettext as _l

from contracts.errors import CaseError

MIN_PASSWORD = 12
#: NIST: "at least 64 characters"; more only costs hashing time.
MAX_PASSWORD = 128
#: Runs a person types without thinking: a password made of one of these (or its reverse) is out.
RUNS = ("abcdefghijklmnopqrstuvwxyz", "0123456789012345678901234567890", "qwertyuiopasdfghjklzxcvbnm",
        "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p", "azertyuiopqsdfghjklmwxcvbn")


@cache
def common_passwords() -> frozenset[str]:
    text = resources.files("portal").joinpath("data/common_passwords.txt").read_text("utf-8")
    return frozenset(line for line in text.splitlines() if line and not line.startswith("#"))


def _normalised(password: str) -> str:
    return unicodedata.normalize("NFKC", password).casefold()


def _repeats(text: str) -> bool:
    """One short unit (up to 4 characters) repeated: 'aaaaaaaaaaaa', 'abcabcabcabc'."""
    return any(len(text) % size == 0 and text == text[:size] * (len(text) // size)
               for size in range(1, 5))


def _run(text: str) -> bool:
    return any(text in run or text[::-1] in run for run in RUNS)


def password_problem(password: str, *, email: str = "", name: str = "") -> str | None:
    """Why `password` is refused (a sentence in the user's language), or None when it is
    acceptable."""
    if len(password) < MIN_PASSWORD:
        return str(_l("Kies een wachtwoord van ten minste %(n)d tekens.", n=MIN_PASSWORD))
    if len(password) > MAX_PASSWORD:
        return str(_l("Kies een wachtwoord van hoogstens %(n)d tekens.", n=MAX_PASSWORD))
    text = _normalised(password)
    stem = re.sub(r"[\d\W_]+$", "", text)  # 'wachtwoord2024!' -> 'wachtwoord'
    common = common_passwords()
    if text in common or (len(stem) >= 4 and stem in common) or text.replace(" ", "") in common:
        return str(_l("Dit wachtwoord staat op een lijst van veelgebruikte wachtwoorden; kies "
                      "een ander."))
    if _repeats(text) or _run(text):
        return str(_l("Dit wachtwoord is een herhaling of een reeks; kies een ander."))
    words = {_normalised(email), _normalised(email.partition("@")[0]), _normalised(name),
             "zorginkoop", "zorginkoopportaal", "vgz"}
    if any(word and len(word) >= 3 and (word == text or word == stem) for word in words):
        return str(_l("Kies een wachtwoord dat niet uw naam, uw e-mailadres of de naam van het "
                      "portaal is."))
    return None


def check_password_rules(password: str, *, email: str = "", name: str = "") -> None:
    """CaseError on the field `password` when the password is not acceptable."""
    problem = password_problem(password, email=email, name=name)
    if problem:
        raise CaseError("password", problem)
