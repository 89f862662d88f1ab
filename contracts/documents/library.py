"""The template library: the six Word templates, each checked once when loaded or replaced."""
from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

from ..errors import CaseError
from ..vocabulary import Contract
from .render import PreparedTemplate
from .validate import Problem, TemplateRefused, check_template, load_checked

#: The templates shipped with the package (contracts/documents/templates/, package data, so an
#: installed portal finds them too), unless ZORGINKOOP_TEMPLATES points elsewhere.
DEFAULT_DIR = Path(__file__).resolve().parent / "templates"


def templates_dir() -> Path:
    return Path(os.environ.get("ZORGINKOOP_TEMPLATES") or DEFAULT_DIR)


class TemplateLibrary:
    """Prepared templates by contract, reloaded when a file changes (its SHA-256 differs)."""

    def __init__(self, directory: Path | None = None):
        self.directory = Path(directory or templates_dir())
        self._lock = threading.Lock()
        self._loaded: dict[Contract, tuple[tuple, str, PreparedTemplate]] = {}

    def path(self, contract: Contract | str) -> Path:
        try:
            return self.directory / f"{Contract(contract).value}.docx"
        except ValueError:
            raise CaseError("contract", f"unknown value {contract!r}", [c.value for c in Contract]) from None

    def source(self, contract) -> bytes:
        path = self.path(contract)
        if not path.is_file():
            raise CaseError("contract", f"no template at {path}")
        return path.read_bytes()

    def get(self, contract) -> tuple[str, PreparedTemplate]:
        """(the template's SHA-256, the prepared template); TemplateRefused if it fails its check.

        A template is read, checked and prepared again only when its file changed.
        """
        contract = Contract(contract)
        path = self.path(contract)
        try:
            stat = path.stat()
        except FileNotFoundError:
            raise CaseError("contract", f"no template at {path}") from None
        stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino)
        with self._lock:
            loaded = self._loaded.get(contract)
            if loaded is None or loaded[0] != stamp:
                source = path.read_bytes()
                loaded = (stamp, hashlib.sha256(source).hexdigest(), load_checked(source, contract.value))
                self._loaded[contract] = loaded
        return loaded[1], loaded[2]

    def check_all(self) -> dict[str, list[Problem]]:
        """Every template's problems (errors and warnings), by contract."""
        found = {}
        for contract in Contract:
            try:
                found[contract.value] = check_template(self.source(contract), contract.value)
            except CaseError as error:
                found[contract.value] = [Problem(contract.value, "fout", str(error))]
        return found

    def replace(self, contract, source: bytes) -> str:
        """Put a new template in place after it passes its check; returns its SHA-256.

        The file is written next to the old one and renamed over it, so a reader never sees half
        a template; a refused template changes nothing.
        """
        contract = Contract(contract)
        problems = check_template(source, contract.value)
        if any(p.severity == "fout" for p in problems):
            raise TemplateRefused(contract.value, problems)
        path = self.path(contract)
        temporary = path.with_suffix(".docx.new")
        temporary.write_bytes(source)
        os.replace(temporary, path)
        with self._lock:
            self._loaded.pop(contract, None)
        return hashlib.sha256(source).hexdigest()
