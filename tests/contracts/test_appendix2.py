"""Appendix 2 (who may issue the first prescription, the doctor's note, written authorisation,
what a request encloses) and chemist's preparations against seed 003: each row cites the
sentence it checks; the expected answer is read from that sentence."""
import pytest

from contracts.appendix2 import check_appendix2, medicines, prescribers
from contracts.dispensing import consent_categories
from contracts.errors import CaseError

# -- the first prescription: (medicine, prescriber, may issue it, sentence) -----------------------
DIET = ("for polymer, oligomer, monomer and modular dietary preparations, the first prescription "
        "for each indication may only be issued by a dietician, youth healthcare doctor, general "
        "practitioner or medical specialist.")
VACCINE = ("for a hepatitis vaccine, diphtheria vaccine, poliomyelitis vaccine, whooping cough "
           "vaccine or combinations ... may only be issued by a general practitioner or medical "
           "specialist.")
PNEUMO = ("for a pneumococcal vaccine, the first prescription for each indication may only be "
          "issued by a medical specialist.")
OTHER = ("for the other medicines listed in Appendix 2 ..., the first prescription for each "
         "indication may only be issued by a medical specialist with demonstrable specific "
         "expertise in the treatment of the indication")
FIRST = [
    ("dieetpreparaat", "dietist", True, DIET),
    ("dieetpreparaat", "jeugdarts", True, DIET),
    ("dieetpreparaat", "huisarts", True, DIET),
    ("dieetpreparaat", "medisch_specialist", True, DIET),
    ("dieetpreparaat", "medisch_specialist_deskundig", True, DIET + " (a specialist all the same)"),
    ("dieetpreparaat", "overig", False, DIET),
    ("vaccin_hepatitis_dktp", "huisarts", True, VACCINE),
    ("vaccin_hepatitis_dktp", "medisch_specialist", True, VACCINE),
    ("vaccin_hepatitis_dktp", "dietist", False, VACCINE),
    ("vaccin_hepatitis_dktp", "jeugdarts", False, VACCINE),
    ("pneumokokkenvaccin", "medisch_specialist", True, PNEUMO),
    ("pneumokokkenvaccin", "huisarts", False, PNEUMO),
    ("overig_bijlage_2", "medisch_specialist_deskundig", True, OTHER),
    ("overig_bijlage_2", "medisch_specialist", False, OTHER + " (expertise not demonstrable)"),
    ("overig_bijlage_2", "huisarts", False, OTHER),
    ("apotheekbereiding", "overig", True,
     "(reading) a chemist's preparation is no Appendix 2 medicine: \"You need a prescription.\""),
]


@pytest.mark.parametrize("medicine, prescriber, allowed, sentence", FIRST)
def test_who_may_issue_the_first_prescription(medicine, prescriber, allowed, sentence):
    answer = check_appendix2({"medicine": medicine, "prescriber": prescriber})
    assert answer.prescriber_allowed is allowed, sentence
    assert (answer.route == "niet_vergoed") is not allowed, sentence


def test_every_medicine_and_prescriber_is_in_the_table():
    assert set(medicines()) == {row[0] for row in FIRST}
    assert set(prescribers()) == {row[1] for row in FIRST}


NOTE = ("Is a doctor's note from Zorgverzekeraars Nederland available for the medicine? ... The "
        "first prescription per indication may then also be issued by the other care provider(s) "
        "mentioned in the doctor's note.")
RARE = ("a medicine may be prescribed by a prescriber other than the prescriber named for the "
        "medicine if you suffer from a very rare condition with a non-registered indication ... "
        "and that prescriber is specialised in the treatment of that condition. In that case, the "
        "supply of the medicine is subject to our written authorisation.")
OBJECTION = ("If you object to the procedure of doctor's note and dispensing chemist's "
             "instruction, you can also submit a request for authorisation directly to us.")
PROCEDURE = ("In that case, the dispensing chemist or dispensing general practitioner must "
             "determine the right to the medicine based on a doctor's note or dispensing "
             "chemist's instruction.")
COMPLETE = "The prescription must then be accompanied by a fully completed, dated and signed doctor's note."
PREPARED = ("The reimbursement of certain chemist's preparations, designated by us, is subject to "
            "our written authorisation before you receive the care.")
CONSENT = ("In order for you to be entitled to these medicines contained in Appendix 2 ..., you "
           "must have received our written authorisation before receiving the care.")
GP = {"medicine": "overig_bijlage_2", "prescriber": "huisarts"}
SPECIALIST = {"medicine": "overig_bijlage_2", "prescriber": "medisch_specialist_deskundig"}

# -- the outcome: (case, prescriber allowed, authorisation, pharmacist decides, route, sentence) ----
OUTCOME = [
    ({**GP, "doctors_note_exists": True, "doctors_note_prescribers": ["huisarts"],
      "doctors_note_complete": True}, True, False, True, "artsenverklaring", NOTE),
    ({**GP, "doctors_note_exists": True, "doctors_note_prescribers": ["jeugdarts"],
      "doctors_note_complete": True}, False, False, False, "niet_vergoed",
     NOTE + " (it names another)"),
    ({**GP, "doctors_note_prescribers": []}, False, False, False, "niet_vergoed",
     NOTE + " (no note: no other prescribers)"),
    ({"medicine": "pneumokokkenvaccin", "prescriber": "huisarts", "doctors_note_exists": True,
      "doctors_note_prescribers": ["huisarts"], "doctors_note_complete": True},
     False, False, False, "niet_vergoed",
     NOTE + " (reading: said of 'the other medicines' only)"),
    ({**GP, "very_rare_condition": True, "prescriber_specialised": True},
     True, True, False, "machtiging_aanvragen", RARE),
    ({**GP, "very_rare_condition": True}, False, False, False, "niet_vergoed",
     RARE + " (not specialised)"),
    ({**SPECIALIST, "very_rare_condition": True}, True, True, False, "machtiging_aanvragen",
     "medicines if you suffer from a very rare condition with a non-registered indication for the "
     "supply of those medicines;"),
    ({**SPECIALIST, "doctors_note_exists": True, "doctors_note_complete": True},
     True, False, True, "artsenverklaring", PROCEDURE),
    ({**SPECIALIST, "doctors_note_exists": True}, True, False, True,
     "artsenverklaring_onvolledig", COMPLETE),
    ({**SPECIALIST, "doctors_note_exists": True, "objects_to_procedure": True},
     True, True, False, "machtiging_aanvragen", OBJECTION),
    ({**SPECIALIST}, True, False, False, "afleveren", OTHER + " (no consent, no note)"),
    ({**SPECIALIST, "consent_category": "epoprostenol_iv"}, True, True, False,
     "machtiging_aanvragen", CONSENT + " / epoprostenol intravenous;"),
    ({**SPECIALIST, "consent_category": "nieuw_in_bijlage_2"}, True, True, False,
     "machtiging_aanvragen", "a medicine that has been added to Appendix 2 ... during the "
                             "calendar year."),
    ({**SPECIALIST, "consent_category": "nieuw_in_bijlage_2", "doctors_note_exists": True,
      "doctors_note_complete": True}, True, False, True, "artsenverklaring",
     "This does not apply if the procedure of a doctor's note and dispensing chemist's "
     "instruction exists for that medicine. In that case, that procedure can be followed."),
    ({**SPECIALIST, "consent_category": "epoprostenol_iv", "doctors_note_exists": True,
      "doctors_note_complete": True}, True, True, False, "machtiging_aanvragen",
     CONSENT + " (reading: the procedure is for the 'other medicines', not the listed ones)"),
    ({"medicine": "dieetpreparaat", "prescriber": "dietist",
      "consent_category": "zuigelingenvoeding_vanaf_2_jaar"}, True, True, False,
     "machtiging_aanvragen",
     "infant formula in the event of cow's milk allergy for children aged 2 years and older;"),
    ({"medicine": "dieetpreparaat", "prescriber": "overig", "first_prescription": False},
     True, False, False, "afleveren",
     DIET + " (reading: the first prescription only; a repeat is not restricted)"),
    ({"medicine": "apotheekbereiding", "prescriber": "huisarts", "designated_preparation": True},
     True, True, False, "machtiging_aanvragen", PREPARED),
    ({"medicine": "apotheekbereiding", "prescriber": "huisarts", "designated_preparation": True,
      "transferred_preparation": True}, True, True, False, "machtiging_aanvragen",
     "Transferred chemist's preparations are chemist's preparations that are transferred to "
     "another pharmacy. (designated: authorisation all the same)"),
    ({"medicine": "apotheekbereiding", "prescriber": "huisarts", "transferred_preparation": True},
     True, False, False, "afleveren", PREPARED + " (not designated)"),
]


@pytest.mark.parametrize("data, allowed, authorisation, determines, route, sentence", OUTCOME)
def test_the_outcome(data, allowed, authorisation, determines, route, sentence):
    answer = check_appendix2(data)
    assert (answer.prescriber_allowed, answer.authorisation_needed, answer.pharmacist_determines,
            answer.route) == (allowed, authorisation, determines, route), sentence
    assert all("“" in reason for reason in answer.reasons), sentence


# -- what goes with the request or the prescription ----------------------------------------------
@pytest.mark.parametrize("data, words, sentence", [
    ({**SPECIALIST, "consent_category": "iloprost_inhalatie"}, ["recept"],
     "You must enclose a copy of the prescription with your request."),
    ({"medicine": "apotheekbereiding", "prescriber": "huisarts", "designated_preparation": True},
     ["recept", "verslag van de behandelend arts", "diagnose", "huidige probleem",
      "behandelplan"],
     "When applying for care you will need to send us a copy of the prescription and a report "
     "from the attending physician including the medical diagnosis/diagnoses, a description of "
     "the current problem and the proposed treatment plan."),
    ({**SPECIALIST, "doctors_note_exists": True}, ["recept", "gedateerde en ondertekende "
                                                   "artsenverklaring"], COMPLETE),
    ({**SPECIALIST}, [], "(nothing to enclose where nothing is asked)"),
])
def test_what_to_enclose(data, words, sentence):
    enclose = " / ".join(check_appendix2(data).enclose).lower()
    assert all(word in enclose for word in words), sentence
    assert bool(enclose) is bool(words), sentence


def test_the_consent_list_is_the_prior_consent_data():
    # the categories are asked from contracts.dispensing, not repeated
    for category in consent_categories():
        check_appendix2({**SPECIALIST, "consent_category": category})


@pytest.mark.parametrize("data, field", [
    ({"prescriber": "huisarts"}, "medicine"),
    ({"medicine": "vaccin", "prescriber": "huisarts"}, "medicine"),
    ({"medicine": "dieetpreparaat"}, "prescriber"),
    ({**GP, "consent_category": "paracetamol"}, "consent_category"),
    ({**GP, "doctors_note_prescribers": ["huisarts"]}, "doctors_note_prescribers"),
    ({**GP, "doctors_note_exists": True, "doctors_note_prescribers": "huisarts"},
     "doctors_note_prescribers"),
    ({**GP, "doctors_note_exists": True, "doctors_note_prescribers": ["tandarts"]},
     "doctors_note_prescribers.0"),
    ({**GP, "doctors_note_complete": True}, "doctors_note_complete"),
    ({**GP, "objects_to_procedure": True}, "objects_to_procedure"),
    ({**GP, "prescriber_specialised": True}, "prescriber_specialised"),
    ({**GP, "designated_preparation": True}, "designated_preparation"),
    ({"medicine": "apotheekbereiding", "prescriber": "huisarts",
      "consent_category": "epoprostenol_iv"}, "consent_category"),
    ({"medicine": "apotheekbereiding", "prescriber": "huisarts", "very_rare_condition": True},
     "very_rare_condition"),
    ({**GP, "first_prescription": "ja"}, "first_prescription"),
    ({**GP, "colour": "red"}, "colour"),
])
def test_bad_input_names_the_field(data, field):
    with pytest.raises(CaseError) as error:
        check_appendix2(data)
    assert error.value.field == field
