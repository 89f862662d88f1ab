"""The code's own standards, checked: no contract year written into the code, the layering of
import-linter's contracts (pyproject.toml) and ruff's style."""
import io
import shutil
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: The code that must ask contracts.campaign which year is in force, never name one. The policy
#: files are the data that names the years; the demo register is built relative to its start date.
CODE = ("contracts", "portal", "scheduler", "demo")
DATA = ROOT / "contracts" / "policies"
#: The Word templates' builder (a developer's tool beside the templates it writes) dates its output
#: at a fixed moment for reproducible builds: a build time, not a contract year.
BUILDER = ROOT / "contracts" / "documents" / "templates" / "build_templates.py"
#: What reads as a contract year: the seeds' years and a decade around them (a note of 2,000
#: characters or a postcode range 2011-2037 is not one).
FIRST_YEAR, LAST_YEAR = 2015, 2035


def year_literals(path: Path) -> list[tuple[int, str]]:
    """The number tokens that read as a contract year in a Python file (a year written into the code; strings,
    docstrings and comments are words, not code)."""
    tokens = tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline)
    return [(t.start[0], t.string) for t in tokens
            if t.type == tokenize.NUMBER and t.string.isdigit() and FIRST_YEAR <= int(t.string) <= LAST_YEAR]


def test_year_literals_are_found(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text('POLICY_YEAR = 2024\n"2024 in a string"  # 2023 in a comment\nday = date(2023, 5, 1)\nMAX_NOTE = 2000\n',
                      encoding="utf-8")
    assert year_literals(sample) == [(1, "2024"), (3, "2023")]


def test_no_contract_year_is_written_into_the_code():
    found = {str(path.relative_to(ROOT)): hits
             for package in CODE if (ROOT / package).is_dir()
             for path in sorted((ROOT / package).rglob("*.py"))
             if DATA not in path.parents and path != BUILDER
             if (hits := year_literals(path))}
    assert found == {}


def _tool(name: str) -> str:
    path = Path(sys.executable).with_name(name)
    if not path.exists():
        found = shutil.which(name)
        if found is None:
            pytest.fail(f"{name} is not installed: pip install -e '.[test]'")
        return found
    return str(path)


def test_the_layering_contracts_are_kept():
    run = subprocess.run([_tool("lint-imports"), "--no-cache"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def test_ruff_finds_nothing():
    run = subprocess.run([_tool("ruff"), "check", "--no-cache", "."], cwd=ROOT, capture_output=True,
                         text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-2000:]
