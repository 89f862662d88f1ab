"""`portal documents render | check | verify` as a user runs them."""
import json
import os
import sqlite3
import subprocess
import sys

import pytest

from tests.support.docx_factory import document_text

FACTS = {"policy_year": 2024, "provider": {"name": "Apotheek De Linde", "agb": "12345678",
                                           "city": "Utrecht", "provider_type": "openbare_apotheek"}}


@pytest.fixture
def env(tmp_path):
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite'}"}
    environment.pop("FLASK_APP", None)
    return environment


def portal(env, *args):
    return subprocess.run([sys.executable, "-m", "portal", *args], capture_output=True, text=True,
                          env=env, timeout=120)


def facts_file(tmp_path, facts=FACTS):
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts), encoding="utf-8")
    return str(path)


def test_check_validates_all_six_templates(env):
    run = portal(env, "documents", "check")
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.stdout.count(": ok") == 6


def test_render_without_store(env, tmp_path):
    out = tmp_path / "fz.docx"
    run = portal(env, "documents", "render", "--contract", "farmaceutische_zorg",
                 "--context", facts_file(tmp_path), "--out", str(out), "--no-store")
    assert run.returncode == 0, run.stderr
    assert "Apotheek De Linde" in " ".join(document_text(out.read_bytes())["body"])


def test_render_stores_and_verify_finds_a_changed_byte(env, tmp_path):
    assert portal(env, "db", "upgrade").returncode == 0
    out = tmp_path / "fz.docx"
    run = portal(env, "documents", "render", "--contract", "farmaceutische_zorg",
                 "--context", facts_file(tmp_path), "--out", str(out))
    assert run.returncode == 0 and "version 1" in run.stdout, run.stderr
    ok = portal(env, "documents", "verify")
    assert ok.returncode == 0 and "1 versions checked, 0 mismatches" in ok.stdout
    zipped = tmp_path / "batch.zip"
    exported = portal(env, "documents", "export", "--out", str(zipped))
    assert exported.returncode == 0 and "1 documents" in exported.stdout, exported.stderr
    from contracts.export import read_manifest, verify_zip
    assert verify_zip(str(zipped)) == [] and read_manifest(str(zipped))[0]["agb"] == "12345678"
    with sqlite3.connect(tmp_path / "portal.sqlite") as connection:
        [(content,)] = connection.execute("SELECT content FROM document_versions").fetchall()
        changed = bytearray(content)
        changed[100] ^= 0x01
        connection.execute("UPDATE document_versions SET content = ?", (bytes(changed),))
    bad = portal(env, "documents", "verify")
    assert bad.returncode == 1 and "MISMATCH" in bad.stdout
    refused = portal(env, "documents", "export", "--out", str(tmp_path / "again.zip"))
    assert refused.returncode == 1 and len(refused.stderr.splitlines()) == 1
    assert not (tmp_path / "again.zip").exists()


@pytest.mark.parametrize("args, field", [
    (("--contract", "apotheek"), "contract"),
    (("--contract", "farmaceutische_zorg", "--context", "/nonexistent.json"), "--context"),
])
def test_bad_input_one_line_exit_2(env, tmp_path, args, field):
    if "--context" not in args:
        args = args + ("--context", facts_file(tmp_path))
    run = portal(env, "documents", "render", *args, "--out", str(tmp_path / "x.docx"), "--no-store")
    assert (run.returncode, run.stdout) == (2, "")
    assert len(run.stderr.splitlines()) == 1 and f"portal: {field}:" in run.stderr
    assert not (tmp_path / "x.docx").exists()


def test_malformed_facts_one_line_exit_2(env, tmp_path):
    path = tmp_path / "bad.json"
    path.write_text("{not json", encoding="utf-8")
    run = portal(env, "documents", "render", "--contract", "spoedzorg", "--context", str(path),
                 "--out", str(tmp_path / "x.docx"), "--no-store")
    assert run.returncode == 2 and run.stderr.startswith("portal: --context: malformed JSON")


def test_pdf_without_libreoffice_says_why_and_keeps_the_docx(env, tmp_path):
    env = {**env, "ZORGINKOOP_SOFFICE": str(tmp_path / "no-soffice-here")}
    out = tmp_path / "fz.docx"
    run = portal(env, "documents", "render", "--contract", "farmaceutische_zorg",
                 "--context", facts_file(tmp_path), "--out", str(out), "--no-store", "--pdf")
    assert run.returncode == 1 and "LibreOffice" in run.stderr and out.exists()
    assert not (tmp_path / "fz.pdf").exists()
