"""A comparison: the register copied once, the base and the variant replayed at once, each in a
process of its own on a copy of that copy, then compared (contracts.lab).

The copies live in a temporary folder that is removed afterwards; the live database is read
once, by `prepare`, and never written.
"""
from __future__ import annotations

import multiprocessing
import os
import queue
import shutil
import tempfile
import time
from datetime import date
from typing import Callable

from contracts.campaign import Window
from contracts.lab import compare
from contracts.policy import Policy

from .replay import Job, prepare, replay

#: progress(done, total, what): days replayed (of both replays together) of all days.
Progress = Callable[[int, int, str], None]


class LabError(RuntimeError):
    """A replay failed: the message of the process that failed."""


def _run(job: Job, messages) -> None:
    """A replay process: reports each day and then its result (or its error) on `messages`."""
    try:
        result = replay(job, progress=lambda label, day: messages.put(("day", label, day)))
        messages.put(("done", job.label, result))
    except BaseException as error:  # the parent says it, one line
        messages.put(("error", job.label, f"{type(error).__name__}: {error}"))


def _prepare(source_url: str, database: str, start: date, messages) -> None:
    try:
        messages.put(("done", "register", prepare(source_url, database, start)))
    except BaseException as error:
        messages.put(("error", "register", f"{type(error).__name__}: {error}"))


def run_comparison(source_url: str, base: Policy, variant: Policy, *, seed: int = 1,
                   window: Window | None = None, progress: Progress | None = None,
                   differences: list | None = None) -> dict:
    """Replay `base` and `variant` on copies of the register of `source_url` and compare them:
    contracts.lab.compare's JSON data, with `timing` (seconds) added."""
    window = window or Window.default(base)
    context = multiprocessing.get_context("spawn")  # a process of its own: no app, no engine shared
    messages = context.Queue()
    total = 2 * window.days
    began = time.perf_counter()
    folder = tempfile.mkdtemp(prefix="beleidslab-")
    try:
        register = os.path.join(folder, "register.sqlite")
        copied = _wait([context.Process(target=_prepare,
                                        args=(source_url, register, window.start, messages))],
                       messages, lambda *a: None)["register"]
        prepared = time.perf_counter()
        jobs = []
        for label, policy in (("base", base), ("variant", variant)):
            copy = os.path.join(folder, f"{label}.sqlite")
            shutil.copyfile(register, copy)
            jobs.append(Job(label, copy, policy, window.start, window.end, seed))
        done = [0]

        def day(label, when):
            done[0] += 1
            if progress is not None:
                progress(done[0], total, f"{label} {when.isoformat()}")

        results = _wait([context.Process(target=_run, args=(job, messages)) for job in jobs],
                        messages, day)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    comparison = compare(results["base"], results["variant"], differences=differences or [],
                         applications=copied["applications"])
    comparison["timing"] = {"copy_s": round(prepared - began, 1),
                            "replays_s": round(time.perf_counter() - prepared, 1),
                            "days": window.days, "copied": copied["copied"]}
    return comparison


def _wait(processes, messages, on_day) -> dict:
    """Start the processes and read their messages until each has reported its result; a
    failure stops the others. The results by label."""
    results = {}
    for process in processes:
        process.start()
    waiting = len(processes)
    try:
        while waiting:
            try:
                kind, label, value = messages.get(timeout=1)
            except queue.Empty:
                if not any(p.is_alive() for p in processes):
                    raise LabError("a replay stopped without a result") from None
                continue
            if kind == "day":
                on_day(label, value)
            elif kind == "error":
                raise LabError(f"{label}: {value}")
            else:
                results[label] = value
                waiting -= 1
    finally:
        for process in processes:
            if process.is_alive() and waiting:
                process.terminate()
            process.join(timeout=10)
    return results
