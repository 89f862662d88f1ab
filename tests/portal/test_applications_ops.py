"""Applications: the policy's word beforehand, a receipt with its answer date, an assessment that
is complete before it counts, and a grant that registers the provider."""
import threading
from datetime import date

import pytest
from sqlalchemy import delete, func, select

from contracts.errors import CaseError
from portal.extensions import db
from portal.models import Application, AuditEntry, Notification, Provider
from portal.operations.applications import assess_application, preview, submit_application
from portal.operations.audit import Actor

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
MANAGER = Actor("manager@vgz.nl", "contract_manager")
#: The contract year these applications are for (the campaign that runs in 2023).
YEAR = 2024
DATA = {"organisation": "Apotheek Nieuw Begin", "agb": "06123456", "kvk": "12345678",
        "provider_type": "openbare_apotheek", "city": "Zwolle", "contact_email": "info@nieuw.example",
        "contracts": ["farmaceutische_zorg"], "motivations": {"bereikbaarheid": "Geen apotheek binnen 10 km"}}


def test_the_preview_tells_a_facility_company_it_is_not_eligible():
    # "Het facilitair bedrijf een nieuwe, startende zorgaanbieder is met een AGB- code waarvan de
    # startdatum niet ouder is dan 1 januari 2024."
    [line] = preview("facilitair_bedrijf", ["dieetpreparaten"], date(2019, 4, 1), YEAR)
    assert not line.eligible and "agb_start_dieet" in line.decision.reasons[-1]
    [line] = preview("facilitair_bedrijf", ["dieetpreparaten"], date(2024, 1, 1), YEAR)
    assert line.eligible


def test_an_application_is_due_an_answer_one_month_after_receipt(session):
    application = submit_application(DATA, [("vergunning.pdf", PDF)],
                                     received_on=date(2023, 1, 31), policy_year=YEAR)
    # "Uiterlijk 1 maand na ontvangen aanvraag Reactie op aanvraag VGZ E-mail"
    assert application.answer_due == date(2023, 2, 28) and application.status == "ontvangen"
    assert [a.filename for a in application.attachments] == ["vergunning.pdf"]


@pytest.mark.parametrize("change, field", [
    ({"agb": "1234567"}, "agb"), ({"kvk": "abc"}, "kvk"), ({"provider_type": "drogist"}, "provider_type"),
    ({"contracts": []}, "contracts"), ({"organisation": " "}, "organisation"),
    ({"provider_type": "facilitair_bedrijf", "contracts": ["dieetpreparaten"],
      "agb_start": date(2020, 1, 1)}, "contracts"),
])
def test_bad_applications_name_the_field_and_store_nothing(session, change, field):
    with pytest.raises(CaseError) as error:
        submit_application({**DATA, **change}, [], received_on=date(2023, 6, 1), policy_year=YEAR)
    assert error.value.field == field
    assert session.scalar(select(func.count()).select_from(Application)) == 0


@pytest.mark.parametrize("name, content", [("brief.pdf", b"GIF89a not a pdf"),
                                           ("groot.pdf", PDF + b"0" * (6 * 1024 * 1024))])
def test_attachments_are_checked_by_content_and_size(session, name, content):
    with pytest.raises(CaseError) as error:
        submit_application(DATA, [(name, content)], received_on=date(2023, 6, 1), policy_year=YEAR)
    assert error.value.field == "attachments"
    assert session.scalar(select(func.count()).select_from(Application)) == 0


def test_the_attachments_together_are_at_most_application_max_bytes(session, app):
    # Three of 4 MB: each under the 5 MB of one attachment, together over the 10 MB of one application.
    part = PDF[:-6] + b"0" * (4 * 1024 * 1024) + b"%%EOF\n"
    with pytest.raises(CaseError) as error:
        submit_application(DATA, [(f"deel{n}.pdf", part) for n in range(3)],
                           received_on=date(2023, 6, 1), policy_year=YEAR)
    assert (error.value.field, error.value.reason) == ("attachments", "attachments_too_large")
    assert app.config["APPLICATION_MAX_BYTES"] == 10 * 1024 * 1024
    assert session.scalar(select(func.count()).select_from(Application)) == 0
    assert len(submit_application(DATA, [(f"deel{n}.pdf", part) for n in range(2)],
                                  received_on=date(2023, 6, 1), policy_year=YEAR).attachments) == 2


def test_an_application_brings_at_most_ten_attachments(session):
    with pytest.raises(CaseError) as error:
        submit_application(DATA, [("plan.pdf", PDF)] * 11, received_on=date(2023, 6, 1), policy_year=YEAR)
    assert (error.value.field, error.value.reason) == ("attachments", "attachments_too_many")


def test_an_agb_code_of_a_registered_provider_is_refused_not_linked(session, make_provider):
    provider = make_provider()
    with pytest.raises(CaseError) as error:
        submit_application({**DATA, "agb": provider.agb}, [], received_on=date(2023, 6, 1), policy_year=YEAR)
    assert (error.value.field, error.value.reason) == ("agb", "agb_registered")
    assert "signatory logs in" in error.value.message and "contact VGZ" in error.value.message
    assert session.scalar(select(func.count()).select_from(Application)) == 0


def test_one_open_application_per_agb_code_and_contract(session):
    first = submit_application(DATA, [], received_on=date(2023, 6, 1), policy_year=YEAR)
    with pytest.raises(CaseError) as error:
        submit_application({**DATA, "contracts": ["dieetpreparaten", "farmaceutische_zorg"]}, [],
                           received_on=date(2023, 6, 2), policy_year=YEAR)
    assert (error.value.field, error.value.reason) == ("contracts", "application_open")
    assert "farmaceutische_zorg" in error.value.message
    other = submit_application({**DATA, "contracts": ["dieetpreparaten"]}, [],
                               received_on=date(2023, 6, 2), policy_year=YEAR)
    assess_application(first.id, MANAGER, granted=False, motivation="Geen criterium voldaan",
                       findings=findings(), answered_on=date(2023, 6, 20), policy_year=YEAR)
    again = submit_application(DATA, [],
                               received_on=date(2023, 6, 21), policy_year=YEAR)  # the first was answered
    assert first.id < other.id < again.id


def test_two_submissions_at_once_make_one_application(app):
    """Finding no open application and adding one are one step per AGB code: of two
    submissions at the same moment, one is stored and the other refused."""
    start, outcomes = threading.Barrier(2), []

    def send():
        with app.app_context():
            start.wait()
            if db.engine.dialect.name == "sqlite":  # as every POST begins (portal.web)
                db.session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
            try:
                submit_application({**DATA, "agb": "06999999"}, [],
                                   received_on=date(2023, 6, 1), policy_year=YEAR)
                db.session.commit()
                outcomes.append("stored")
            except CaseError as error:
                db.session.rollback()
                outcomes.append(error.reason)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=send) for _ in range(2)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(outcomes) == ["application_open", "stored"]
    finally:
        with app.app_context():
            ids = db.session.scalars(select(Application.id).where(Application.agb == "06999999")).all()
            db.session.execute(delete(AuditEntry).where(AuditEntry.entity == "application",
                                                        AuditEntry.entity_id.in_(ids)))
            db.session.execute(delete(Notification).where(Notification.key.in_(
                [f"application:{i}:received" for i in ids])))
            db.session.execute(delete(Application).where(Application.id.in_(ids)))
            db.session.commit()


def test_a_grant_for_an_agb_code_registered_meanwhile_is_refused(session, make_provider):
    application = submit_application(DATA, [], received_on=date(2023, 6, 1), policy_year=YEAR)
    make_provider(agb=DATA["agb"])  # e.g. by the register's import
    with pytest.raises(CaseError) as error:
        assess_application(application.id, MANAGER, granted=True, motivation="Bereikbaarheid",
                           findings=findings("bereikbaarheid"),
                           answered_on=date(2023, 6, 20), policy_year=YEAR)
    assert error.value.field == "agb" and application.status == "ontvangen"
    assert application.provider_id is None


def findings(met_criterion=None):
    return {c: {"met": c == met_criterion, "motivation": "Beoordeeld"}
            for c in ("effectievere_zorg", "onderscheidend", "meer_keuze", "bereikbaarheid")}


def test_a_grant_registers_the_provider_and_is_audited(session):
    application = submit_application(DATA, [], received_on=date(2023, 6, 1), policy_year=YEAR)
    assess_application(application.id, MANAGER, granted=True,
                       motivation="Lost een bereikbaarheidsprobleem op",
                       findings=findings("bereikbaarheid"), answered_on=date(2023, 6, 20), policy_year=YEAR)
    provider = session.scalar(select(Provider).where(Provider.agb == "06123456"))
    assert provider is not None and application.provider_id == provider.id
    assert application.status == "toegekend" and application.answered_on == date(2023, 6, 20)
    assert session.scalar(select(AuditEntry.to_state).where(AuditEntry.entity == "application",
                                                            AuditEntry.action == "answer")) == "toegekend"
    from portal.models import Notification
    answer = session.scalar(select(Notification).where(Notification.provider_id == provider.id,
                                                       Notification.key.endswith(":answer")))
    assert answer.subject == "Uw aanvraag is toegekend" and "bereikbaarheidsprobleem" in answer.body


def test_an_incomplete_assessment_changes_nothing(session):
    application = submit_application(DATA, [], received_on=date(2023, 6, 1), policy_year=YEAR)
    incomplete = findings("bereikbaarheid")
    del incomplete["onderscheidend"]
    with pytest.raises(CaseError):
        assess_application(application.id, MANAGER, granted=True, motivation="ok", findings=incomplete,
                           answered_on=date(2023, 6, 20), policy_year=YEAR)
    assert application.status == "ontvangen" and application.assessment is None
    assert session.scalar(select(func.count()).select_from(Provider)) == 0


def test_an_answered_application_cannot_be_answered_again(session):
    application = submit_application(DATA, [], received_on=date(2023, 6, 1), policy_year=YEAR)
    assess_application(application.id, MANAGER, granted=False, motivation="Geen criterium voldaan",
                       findings=findings(), answered_on=date(2023, 6, 20), policy_year=YEAR)
    with pytest.raises(CaseError) as error:
        assess_application(application.id, MANAGER, granted=True, motivation="toch",
                           findings=findings("bereikbaarheid"),
                           answered_on=date(2023, 6, 21), policy_year=YEAR)
    assert error.value.field == "status"


def test_a_granted_application_leads_to_the_offer_its_rule_names(session):
    from portal.operations.offers import issue_offer
    application = submit_application(DATA, [], received_on=date(2023, 6, 1), policy_year=YEAR)
    provider_less = session.scalar(select(func.count()).select_from(Provider))
    assert provider_less == 0
    assess_application(application.id, MANAGER, granted=True, motivation="Bereikbaarheid",
                       findings=findings("bereikbaarheid"), answered_on=date(2023, 6, 20), policy_year=YEAR)
    provider = session.get(Provider, application.provider_id)
    offer = issue_offer(provider, "farmaceutische_zorg", 2024, MANAGER)
    # fz_nieuw_aanvraag: the offer after a grant is not negotiable and concluded in VECOZO
    assert (offer.status, offer.rule, offer.negotiable, offer.channel, offer.final_channel) == (
        "aangeboden", "fz_nieuw_aanvraag", False, "vecozo", "vecozo")


def test_without_a_grant_a_new_provider_gets_no_offer(session, make_provider):
    from portal.operations.offers import issue_offer
    newcomer = make_provider(contracts=())
    with pytest.raises(CaseError):
        issue_offer(newcomer, "farmaceutische_zorg", 2024, MANAGER)
