"""contracts/documents/templates/build_templates.py checks what it builds with statements, not `assert`: under
`python -O` (which drops every assert) it builds the same templates, and a broken check stops the
build with a message that says what is wrong."""
from __future__ import annotations

import subprocess
import sys

import pytest

from .test_templates import BUILD_SCRIPT, NAMES, TEMPLATES, _load_build_script, fingerprint


def test_the_build_under_python_O_reproduces_the_committed_templates(tmp_path):
    subprocess.run([sys.executable, "-O", str(BUILD_SCRIPT), "--out", str(tmp_path)], check=True,
                   capture_output=True)
    for name in NAMES:
        assert fingerprint(tmp_path / f"{name}.docx") == fingerprint(TEMPLATES / f"{name}.docx"), name


def test_a_quoted_passage_under_another_number_stops_the_build():
    build = _load_build_script()
    build.numbered_as(5, 5, "article 'Tarieven en vergoeding'")  # as the seed numbers it: fine
    with pytest.raises(build.NumberingError, match="number 4 in the template; the seed's text "
                                                   "numbers it 5"):
        build.numbered_as(4, 5, "article 'Tarieven en vergoeding'")


def test_a_misused_builder_says_what_is_wrong():
    build = _load_build_script()
    with pytest.raises(ValueError, match="overeenkomst or addendum"):
        build.Builder(short_title="X", kind_word="contract")
    builder = build.Builder(short_title="X", kind_word="addendum")
    with pytest.raises(ValueError, match="paragraph tag"):
        builder.tag("{% if x %}")
    with pytest.raises(ValueError, match="one of each per column"):
        builder.loop_table(["Code", "Tarief"], "{%tr for t in tariffs %}", ["{{ t.code }}"], [25, 25])
