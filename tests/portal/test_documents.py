"""Stored document versions: numbered, hashed, verifiable, exportable; bad facts store nothing."""
import hashlib
import io
import zipfile

import pytest
from sqlalchemy import func, select, update

from contracts.errors import CaseError
from portal.models import DocumentVersion
from portal.operations import documents as ops
from tests.support.docx_factory import document_text

FACTS = {"policy_year": 2024, "provider": {
    "name": "Apotheek Zoë & Co <Oost>", "agb": "12345678", "city": "’s-Hertogenbosch",
    "provider_type": "openbare_apotheek"}}


def count(session):
    return session.scalar(select(func.count()).select_from(DocumentVersion))


def test_each_issue_stores_the_next_version_with_its_hash_and_context(session):
    first = ops.issue_document("farmaceutische_zorg", FACTS, author="manager@vgz")
    second = ops.issue_document("farmaceutische_zorg", FACTS, author="manager@vgz")
    assert (first.version, second.version) == (1, 2)
    assert first.sha256 == hashlib.sha256(first.content).hexdigest() and first.size == len(first.content)
    assert first.context["provider"]["name"] == FACTS["provider"]["name"]
    assert first.author == "manager@vgz" and first.created_at is not None
    footer = " ".join(document_text(second.content)["footer"])
    assert second.reference in footer and "versie 2" in footer


def test_another_provider_or_contract_starts_at_version_one(session):
    ops.issue_document("farmaceutische_zorg", FACTS, author="a")
    other = {**FACTS, "provider": {**FACTS["provider"], "agb": "87654321"}}
    assert ops.issue_document("farmaceutische_zorg", other, author="a").version == 1
    assert ops.issue_document("dieetpreparaten", FACTS, author="a").version == 1


def test_a_version_taken_by_another_worker_is_not_overwritten(session, monkeypatch):
    ops.issue_document("farmaceutische_zorg", FACTS, author="a")
    real, calls = ops.next_version, []

    def stale(key):  # the first answer is what a concurrent worker saw a moment ago
        calls.append(key)
        return 1 if len(calls) == 1 else real(key)

    monkeypatch.setattr(ops, "next_version", stale)
    row = ops.issue_document("farmaceutische_zorg", FACTS, author="b")
    assert row.version == 2 and len(calls) == 2
    assert count(session) == 2


@pytest.mark.parametrize("facts, field", [
    ({**FACTS, "provider": {k: v for k, v in FACTS["provider"].items() if k != "agb"}}, "provider.agb"),
    ({**FACTS, "provider": {**FACTS["provider"], "agb": "1234"}}, "provider.agb"),
    ({**FACTS, "provider": {**FACTS["provider"], "provider_type": "drogist"}}, "provider.provider_type"),
    ({**FACTS, "policy_year": 2031}, "policy_year"),
    ({**FACTS, "profile_group": "vijf_sterren"}, "profile_group"),
    ({**FACTS, "colour": "blue"}, "colour"),
])
def test_bad_facts_name_the_field_and_store_nothing(session, facts, field):
    with pytest.raises(CaseError) as error:
        ops.issue_document("farmaceutische_zorg", facts, author="a")
    assert error.value.field == field
    assert count(session) == 0


def test_no_document_where_the_policy_makes_no_offer(session):
    facts = {**FACTS, "provider": {**FACTS["provider"], "provider_type": "facilitair_bedrijf"}}
    with pytest.raises(CaseError) as error:
        ops.issue_document("spoedzorg", facts, author="a")
    assert error.value.field == "contract" and count(session) == 0


def test_verify_catches_one_changed_byte(session):
    row = ops.issue_document("farmaceutische_zorg", FACTS, author="a")
    ops.issue_document("stoppen_met_roken", FACTS, author="a")
    assert ops.verify_documents() == []
    changed = bytearray(row.content)
    changed[len(changed) // 2] ^= 0x01
    session.execute(update(DocumentVersion).where(DocumentVersion.id == row.id)
                    .values(content=bytes(changed)))
    session.expire_all()
    assert [r.id for r in ops.verify_documents()] == [row.id]


def test_export_has_a_manifest_that_matches_its_files(session):
    rows = [ops.issue_document(c, FACTS, author="a") for c in ("farmaceutische_zorg", "dieetpreparaten")]
    out = io.BytesIO()
    assert ops.export_batch(rows, out) == 2
    from contracts.export import read_manifest, verify_zip
    with zipfile.ZipFile(io.BytesIO(out.getvalue())) as package:
        manifest = read_manifest(package)
        assert verify_zip(package) == []
        for row, line in zip(rows, manifest, strict=False):
            assert package.read(row.filename) == row.content
            assert line["sha256"] == row.sha256 and line["agb"] == "12345678"
