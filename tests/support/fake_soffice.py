#!/usr/bin/env python3
"""A stand-in for `soffice --convert-to pdf` whose behaviour is the first line of the input document.

    hang PIDFILE       start a child, write "own-pid child-pid cwd" to PIDFILE, sleep for ever
    fail MESSAGE       print noise and then MESSAGE to stderr, exit 1
    nofile             exit 0 without writing a PDF (as soffice does when it cannot load the input)
    notpdf             write an output file that is not a PDF
    record JSONFILE [SECONDS]
                       write argv, environment, session and timings to JSONFILE (after sleeping
                       SECONDS), then a PDF
    anything else      a PDF: "%PDF-1.4", then the input document
"""
import json
import os
import subprocess
import sys
import time
from pathlib import Path


def main(argv: list[str]) -> int:
    source = Path(argv[-1])
    outdir = Path(argv[argv.index("--outdir") + 1])
    document = source.read_bytes()
    command, _, rest = document.partition(b"\n")[0].decode("utf-8", "replace").partition(" ")
    target = outdir / (source.stem + ".pdf")
    if command == "hang":
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)"])
        pidfile = Path(rest)
        pidfile.with_suffix(".tmp").write_text(f"{os.getpid()} {child.pid} {os.getcwd()}")
        pidfile.with_suffix(".tmp").replace(pidfile)  # whole or absent, never half written
        while True:
            time.sleep(3600)
    if command == "fail":
        print("javaldx: Could not find a Java Runtime Environment!", file=sys.stderr)
        print(rest, file=sys.stderr)
        return 1
    if command == "nofile":
        print("Error: source file could not be loaded", file=sys.stderr)
        return 0
    if command == "notpdf":
        target.write_bytes(b"<html>not a pdf</html>")
        return 0
    if command == "record":
        path, _, seconds = rest.partition(" ")
        started = time.time()
        time.sleep(float(seconds or 0))
        Path(path).write_text(json.dumps({
            "argv": argv, "cwd": os.getcwd(), "home": os.environ.get("HOME"),
            "tmpdir": os.environ.get("TMPDIR"), "pid": os.getpid(), "pgid": os.getpgid(0),
            "sid": os.getsid(0), "started": started, "ended": time.time()}))
    target.write_bytes(b"%PDF-1.4\n" + document)
    print(f"convert {source} -> {target} using filter : writer_pdf_Export")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
