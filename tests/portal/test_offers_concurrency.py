"""Many people answering one offer at the same moment: exactly one outcome, one audit entry."""
import random
import threading
from datetime import date

from sqlalchemy import delete, select

from contracts.offers import TransitionRefused
from portal.extensions import db
from portal.models import AuditEntry, ContractHeld, DocumentVersion, Notification, Offer, Provider
from portal.operations.audit import Actor
from portal.operations.offers import issue_offer, transition

THREADS = 12


def test_concurrent_accept_and_decline_give_one_outcome(app):
    with app.app_context():
        provider = Provider(agb="55500001", name="Apotheek Gelijktijdig", provider_type="openbare_apotheek",
                            city="Arnhem")
        db.session.add(provider)
        db.session.flush()
        db.session.add(ContractHeld(provider_id=provider.id, contract="farmaceutische_zorg",
                                    start=date(2022, 1, 1), end=date(2023, 12, 31)))
        db.session.flush()
        db.session.refresh(provider)
        offer_id = issue_offer(provider, "farmaceutische_zorg", 2024,
                               Actor("manager@vgz.nl", "contract_manager")).id
        provider_id = provider.id
        db.session.commit()
    start, outcomes, lock = threading.Barrier(THREADS), [], threading.Lock()

    def answer(n):
        action = random.Random(n).choice(["accept", "decline"])
        with app.app_context():
            start.wait()
            try:
                transition(offer_id, action, Actor(f"signatory{n}@x", "provider_signatory", provider_id),
                           reason="gelijktijdig")
                db.session.commit()
                result = action
            except TransitionRefused:
                db.session.rollback()
                result = "refused"
            finally:
                db.session.remove()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=answer, args=(n,)) for n in range(THREADS)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        done = [o for o in outcomes if o != "refused"]
        assert len(outcomes) == THREADS and len(done) == 1
        with app.app_context():
            offer = db.session.get(Offer, offer_id)
            assert offer.status == {"accept": "geaccepteerd", "decline": "afgewezen"}[done[0]]
            answers = db.session.scalars(select(AuditEntry.action).where(
                AuditEntry.entity == "offer", AuditEntry.entity_id == offer_id,
                AuditEntry.action.in_(["accept", "decline"]))).all()
            assert answers == done
    finally:
        with app.app_context():
            document_id = db.session.scalar(select(Offer.document_id).where(Offer.id == offer_id))
            db.session.execute(delete(AuditEntry).where(AuditEntry.entity == "offer",
                                                        AuditEntry.entity_id == offer_id))
            db.session.execute(delete(Notification).where(Notification.key.like(f"offer:{offer_id}:%")))
            db.session.execute(delete(Offer).where(Offer.id == offer_id))
            db.session.execute(delete(DocumentVersion).where(DocumentVersion.id == document_id))
            db.session.execute(delete(ContractHeld).where(ContractHeld.provider_id == provider_id))
            db.session.execute(delete(Provider).where(Provider.id == provider_id))
            db.session.commit()
