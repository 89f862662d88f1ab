"""The six templates as the product uses them: every one renders for every provider type it
applies to, identically on the fast path and through docxtpl, and is checked when replaced."""
import io
import shutil
import zipfile

import pytest
from lxml import etree

from contracts.documents.bulk import render_many
from contracts.documents.context import build_context
from contracts.documents.library import TemplateLibrary
from contracts.documents.render import render_docxtpl
from contracts.documents.validate import TemplateRefused
from contracts.errors import CaseError
from contracts.policy import load_policy
from contracts.vocabulary import Contract, ProviderType, Relation, Route
from tests.support.docx_factory import document_text, make_docx

LIBRARY = TemplateLibrary()
NAMES = ["Apotheek De Linde", "Zorg & Co <Noord> “BV”", "Apotheek\nmet\tregels", "Farmacie 東京 Ελλάδα"]


def offered():
    """(contract, provider type, relation) where the 2024 policy offers or takes an application."""
    policy = load_policy(2024)
    found = []
    for contract in Contract:
        for provider_type in ProviderType:
            for relation in Relation:
                rules = policy.rules_for(provider_type, contract, relation)
                if any(r.route is not Route.GEEN for r in rules):
                    found.append((contract.value, provider_type.value, relation.value))
    return found


def facts(provider_type, relation, name="Apotheek De Linde", **extra):
    return {"policy_year": 2024, "relation": relation, **extra, "provider": {
        "name": name, "agb": "01234567", "city": "Utrecht", "provider_type": provider_type}}


def no_tags_left(content: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        for part in package.namelist():
            if part.endswith(".xml"):
                data = package.read(part)
                etree.fromstring(data)
                if b"{{" in data or b"{%" in data:
                    return False
    return True


@pytest.mark.parametrize("contract, provider_type, relation", offered())
def test_every_template_renders_for_every_provider_type_it_applies_to(contract, provider_type, relation):
    context = build_context(contract, facts(provider_type, relation))
    _sha, prepared = LIBRARY.get(contract)
    content = prepared.render(context)
    assert no_tags_left(content)
    text = " ".join(document_text(content)["body"])
    assert "Apotheek De Linde" in text and "01234567" in text


@pytest.mark.parametrize("contract", [c.value for c in Contract])
@pytest.mark.parametrize("name", NAMES)
def test_fast_path_equals_docxtpl_for_every_template(contract, name):
    provider_type, relation = next((t, r) for c, t, r in offered() if c == contract)
    for negotiable_variant in ({}, {"size_rank": 1}):
        try:
            context = build_context(contract, facts(provider_type, relation, name, **negotiable_variant))
        except CaseError:
            continue
        _sha, prepared = LIBRARY.get(contract)
        fast = document_text(prepared.render(context))
        reference = document_text(render_docxtpl(LIBRARY.source(contract), context))
        for key in ("body", "header", "footer"):
            assert fast[key] == reference[key], (contract, key)


def test_wording_follows_the_decision():
    _sha, prepared = LIBRARY.get("stoppen_met_roken")
    largest = " ".join(document_text(prepared.render(build_context(
        "stoppen_met_roken", facts("openbare_apotheek", "aflopend", size_rank=1))))["body"])
    others = " ".join(document_text(prepared.render(build_context(
        "stoppen_met_roken", facts("openbare_apotheek", "aflopend", size_rank=9))))["body"])
    # "Dit contractaanbod is onderhandelbaar." vs "Dit contractaanbod is niet onderhandelbaar."
    assert "niet-onderhandelbaar" in others.lower() or "niet onderhandelbaar" in others.lower()
    assert "e-mail" in largest and "01-07-2023" in largest
    assert "15-10-2023" in others


def test_tariff_annex_follows_the_profile_group():
    _sha, prepared = LIBRARY.get("farmaceutische_zorg")
    top = document_text(prepared.render(build_context(
        "farmaceutische_zorg", facts("openbare_apotheek", "aflopend", profile_group="drie_sterren"))))
    low = document_text(prepared.render(build_context(
        "farmaceutische_zorg", facts("openbare_apotheek", "aflopend", profile_group="een_ster"))))
    assert any("7,40" in line for line in top["body"]) and not any("7,40" in line for line in low["body"])
    assert any("6,70" in line for line in low["body"])


def test_bulk_on_two_workers_gives_the_same_bytes_as_one():
    items = [(c, build_context(c, facts(t, r))) for c, t, r in offered()[:12]]
    one = render_many(items, workers=1)
    two = render_many(items, workers=2, chunk=3)
    assert [r.sha256 for r in one] == [r.sha256 for r in two]


def test_a_replaced_template_is_checked_first(tmp_path):
    for path in LIBRARY.directory.glob("*.docx"):
        shutil.copy(path, tmp_path / path.name)
    library = TemplateLibrary(tmp_path)
    before = (tmp_path / "spoedzorg.docx").read_bytes()
    with pytest.raises(TemplateRefused):
        library.replace("spoedzorg", make_docx(["{{ provider.__class__.__mro__ }}"]))
    assert (tmp_path / "spoedzorg.docx").read_bytes() == before  # nothing changed
    library.replace("spoedzorg", make_docx(["Nieuw: {{ provider.name }}"]))
    _sha, prepared = library.get("spoedzorg")
    context = build_context("spoedzorg", facts("zuivere_dienstapotheek", "aflopend"))
    assert document_text(prepared.render(context))["body"][0] == "Nieuw: Apotheek De Linde"
