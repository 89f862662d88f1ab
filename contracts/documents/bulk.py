"""Rendering many documents on every core: each worker prepares each template once."""
from __future__ import annotations

import hashlib
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Callable, Sequence

from .library import TemplateLibrary


@dataclass(frozen=True)
class Rendered:
    """One rendered document: its bytes, their SHA-256, and the template's SHA-256."""

    content: bytes
    sha256: str
    template_sha256: str


_library: TemplateLibrary | None = None


def _init_worker(directory: str) -> None:
    """Each process keeps one library, so each template is checked and prepared once in it."""
    global _library
    if _library is None or str(_library.directory) != directory:
        _library = TemplateLibrary(directory)


def _render_chunk(items: Sequence[tuple[str, dict]]) -> list[Rendered]:
    out = []
    for contract, context in items:
        template_sha, prepared = _library.get(contract)
        content = prepared.render(context)
        out.append(Rendered(content, hashlib.sha256(content).hexdigest(), template_sha))
    return out


def render_many(items: Sequence[tuple[str, dict]], *, directory: str | None = None,
                workers: int | None = None, chunk: int = 50,
                progress: Callable[[int, int], None] | None = None) -> list[Rendered]:
    """Render (contract, context) pairs, in order, on `workers` processes (default: all cores).

    With one worker everything runs in this process (no start-up cost for small batches).
    """
    directory = str(directory or TemplateLibrary().directory)
    workers = workers or os.cpu_count() or 1
    chunks = [items[i:i + chunk] for i in range(0, len(items), chunk)]
    results: list[Rendered] = []
    if workers == 1 or len(chunks) == 1:
        _init_worker(directory)
        for part in chunks:
            results.extend(_render_chunk(part))
            if progress:
                progress(len(results), len(items))
        return results
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(directory,)) as pool:
        for rendered in pool.map(_render_chunk, chunks):
            results.extend(rendered)
            if progress:
                progress(len(results), len(items))
    return results
