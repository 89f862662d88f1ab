"""Offer operations: issued with their document, moved through the life cycle by the right
people only, audited, and never issued twice."""
from datetime import date

import pytest
from sqlalchemy import select

from contracts.errors import CaseError
from contracts.offers import TransitionRefused
from portal.models import AuditEntry, DocumentVersion, NegotiationRound, Notification, Offer
from portal.operations.audit import Actor
from portal.operations.offers import NotFound, issue_offer, transition
from tests.support.docx_factory import document_text

MANAGER = Actor("manager@vgz.nl", "contract_manager")


def staff(provider, role="provider_signatory"):
    return Actor(f"{role}@{provider.agb}", role, provider.id)


def trail(session, offer):
    return [(e.action, e.from_state, e.to_state) for e in session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "offer", AuditEntry.entity_id == offer.id)
        .order_by(AuditEntry.id))]


def test_issue_follows_the_policy_and_carries_its_document(session, make_provider):
    provider = make_provider()
    offer = issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER, batch="2023-09-15")
    # "Zorgaanbieders ontvangen van ons een niet-onderhandelbaar aanbod in VECOZO."
    assert (offer.status, offer.negotiable, offer.channel, offer.relation, offer.rule) == (
        "aangeboden", False, "vecozo", "aflopend", "fz_aflopend_apotheken")
    document = session.get(DocumentVersion, offer.document_id)
    assert document.provider_agb == provider.agb and document.contract == "farmaceutische_zorg"
    assert trail(session, offer) == [("create", None, "concept"), ("issue", "concept", "aangeboden")]


def test_issuing_twice_issues_nothing_twice(session, make_provider):
    provider = make_provider()
    first = issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER)
    again = issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER)
    assert again.id == first.id
    assert len(session.scalars(select(Offer)).all()) == 1
    assert len(session.scalars(select(DocumentVersion)).all()) == 1


def test_no_offer_where_the_policy_makes_none(session, make_provider):
    running = make_provider(contracts=(("farmaceutische_zorg", date(2023, 1, 1), date(2024, 12, 31)),))
    with pytest.raises(CaseError):  # a running agreement gets the module addendum, not a new one
        issue_offer(running, "farmaceutische_zorg", 2024, MANAGER)
    assert issue_offer(running, "module_zorgprestaties", 2024, MANAGER).status == "aangeboden"


def test_an_exclusion_needs_a_recorded_override(session, make_provider):
    provider = make_provider(riz_contra_indication=True)
    with pytest.raises(CaseError):
        issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER)
    assert session.scalars(select(Offer)).all() == []
    offer = issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER,
                        override_reason="RIZ-melding onderzocht en weerlegd")
    assert offer.status == "aangeboden"
    assert "RIZ-melding" in session.scalars(select(AuditEntry.reason)
                                            .where(AuditEntry.action == "create")).one()


def test_the_signatory_accepts_and_the_audit_log_says_so(session, make_provider):
    provider = make_provider()
    offer = issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER)
    with pytest.raises(TransitionRefused):
        transition(offer.id, "accept", staff(provider, "provider_user"))
    accepted = transition(offer.id, "accept", staff(provider))
    assert accepted.status == "geaccepteerd" and accepted.answered_by == f"provider_signatory@{provider.agb}"
    assert trail(session, offer)[-1] == ("accept", "aangeboden", "geaccepteerd")
    with pytest.raises(TransitionRefused):
        transition(offer.id, "decline", staff(provider), reason="toch niet")


def test_another_organisation_sees_nothing(session, make_provider):
    mine, theirs = make_provider(), make_provider()
    offer = issue_offer(mine, "farmaceutische_zorg", 2024, MANAGER)
    with pytest.raises(NotFound):
        transition(offer.id, "accept", staff(theirs))
    assert session.get(Offer, offer.id).status == "aangeboden"


def test_a_negotiation_runs_to_an_agreed_final_offer(session, make_provider):
    # "De twee reeds gecontracteerde voorkeursaanbieders ontvangen per e-mail van ons een
    # contractaanbod voor 2024. ... onderhandelbaar. De definitieve overeenkomst wordt in VECOZO afgesloten."
    provider = make_provider(provider_type="internetapotheek_voorkeur")
    offer = issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER)
    assert offer.negotiable and offer.channel == "email"
    user = staff(provider, "provider_user")
    with pytest.raises(TransitionRefused) as error:  # only tariffs the document has
        transition(offer.id, "counter", user, reason="x", changes=[{"code": "BESTAAT-NIET", "amount": "1"}])
    assert error.value.field == "changes.0.code"  # the line and the part of it refused
    transition(offer.id, "counter", user, reason="Tarief per regel 7,60",
               changes=[{"code": "VGZ-T01", "amount": "7.60"}])
    transition(offer.id, "respond", MANAGER, reason="Wij bieden 7,50",
               changes=[{"code": "VGZ-T01", "amount": "7,50"}])
    transition(offer.id, "counter", user, reason="Akkoord met 7,50")
    final = transition(offer.id, "agree", MANAGER, reason="Overeenstemming: 7,50")
    assert (final.status, final.negotiable) == ("aangeboden", False)
    with pytest.raises(TransitionRefused):  # the agreed offer is final
        transition(offer.id, "counter", user, reason="nog iets")
    assert transition(offer.id, "accept", staff(provider)).status == "geaccepteerd"
    rounds = session.scalars(select(NegotiationRound).where(NegotiationRound.offer_id == offer.id)
                             .order_by(NegotiationRound.number)).all()
    assert [(r.number, r.party) for r in rounds] == [
        (1, "zorgaanbieder"), (2, "vgz"), (3, "zorgaanbieder"), (4, "vgz")]
    assert rounds[0].changes == [{"code": "VGZ-T01", "amount": "7.60"}]
    # the insurer's counter-offer and the agreed offer are new document versions with the lines
    assert rounds[0].document_id is None and rounds[1].document_id and rounds[3].document_id
    agreed = session.get(DocumentVersion, rounds[3].document_id)
    assert final.document_id == agreed.id and agreed.version == 3
    text = " ".join(document_text(agreed.content)["body"])
    assert "€ 7,50" in text and "niet-onderhandelbaar" in text.lower()
    inbox = session.scalars(select(Notification.subject).where(Notification.provider_id == provider.id)
                            .order_by(Notification.id)).all()
    assert inbox[0].startswith("Nieuw aanbod") and inbox[-2].startswith("Definitief aanbod")
    assert inbox[-1].startswith("Ontvangstbewijs")  # of the acceptance


def test_a_stale_version_is_refused(session, make_provider):
    provider = make_provider()
    offer = issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER)
    seen = offer.version
    transition(offer.id, "withdraw", MANAGER, reason="fout in tarief", expected_version=seen)
    with pytest.raises(TransitionRefused) as error:
        transition(offer.id, "issue", MANAGER, expected_version=seen)
    assert error.value.field in ("version", "status")
