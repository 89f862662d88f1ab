"""The import-medicine pre-check against seed 000, branch by branch (expected values are read from
the memo's sentences, quoted in the table, not from the rule data)."""
import re
from decimal import Decimal
from pathlib import Path

import pytest

from contracts.errors import CaseError
from contracts.importmedicine import check_import, is_local_code
from contracts.seedrules import load_rules, quotes_in

SEED_000 = Path(__file__).parents[1] / "data" / "seed_000.txt"


def normalised(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.mark.parametrize("rules, at_least", [("importgeneesmiddel", 15), ("consent", 7)])
def test_every_quote_stands_in_seed_000(rules, at_least):
    seed = normalised(SEED_000.read_text(encoding="utf-8"))
    quotes = list(quotes_in(load_rules(rules)))
    assert len(quotes) >= at_least
    missing = [(where, q) for where, qs in quotes for q in qs if normalised(q) not in seed]
    assert missing == []


def test_a_request_is_held_to_the_import_checks_prevalence_threshold():
    # one rule, one place: "niet vaker voorkomt dan 1:150.000 inwoners"
    from contracts.consent import load_consent_policy
    assert load_consent_policy().prevalence_one_in == 150_000


RARE = {"rational_pharmacotherapy": True, "prevalence_one_in": 200_000}
COMMON = {"rational_pharmacotherapy": True, "prevalence_one_in": 10_000}

# (facts, expected route, situation, prior consent needed, awaiting, the memo's sentence)
TABLE = [
    ({"in_g_standaard": True, "status": "F"}, "declareren_z_index", "1a", False, False,
     "a. Het geneesmiddel staat op F zonder voorwaarde: u declareert het geneesmiddel bij cVGZ als "
     "aanspraak farmaceutische zorg met het Z-indexnummer. Toestemming vooraf is niet nodig."),
    ({"in_g_standaard": True, "status": "F_voorwaarde", "meets_condition": True},
     "declareren_z_index", "1b", False, False,
     "b. Het geneesmiddel staat op F met voorwaarde en u oordeelt dat de verzekerde aan de gestelde "
     "voorwaarde voldoet: u declareert bij cVGZ met het Z-indexnummer. Toestemming vooraf is niet nodig."),
    ({"in_g_standaard": True, "status": "F_voorwaarde", **RARE}, "toestemming_aanvragen", "1c",
     True, False,
     "c. ... de verzekerde voldoet niet aan de voorwaarde, maar u komt tot de beoordeling dat er "
     "voor een individuele verzekerde aanspraak is: u kunt hiervoor bij cVGZ met onderbouwing "
     "toestemming aanvragen."),
    ({"in_g_standaard": True, "status": "F_voorwaarde", **RARE, "authorisation": "verleend"},
     "declareren_z_index", "1c", True, False,
     "Na toestemming van cVGZ declareert u met Z-indexnummer."),
    ({"in_g_standaard": True, "status": "F_voorwaarde", **RARE, "authorisation": "aangevraagd"},
     "toestemming_aanvragen", "1c", True, True,
     "Na toestemming van cVGZ declareert u met Z-indexnummer. (not before)"),
    ({"in_g_standaard": True, "status": "F_voorwaarde", **RARE, "authorisation": "geweigerd"},
     "niet_afleveren", "1c", True, False,
     "... of heeft cVGZ de aanvraag afgewezen, dan levert u niet af of u levert in overleg met de "
     "verzekerde het geneesmiddel wel af waarbij de kosten voor eigen rekening van verzekerde komen."),
    ({"in_g_standaard": True, "status": "F_voorwaarde", "rational_pharmacotherapy": False},
     "niet_afleveren", "1c", True, False,
     "Oordeelt u dat er geen aanspraak is omdat verzekerde niet aan de voorwaarde voldoet ... dan "
     "levert u niet af"),
    ({"in_g_standaard": True, "status": "N"}, "niet_afleveren", "1d", True, False,
     "d. Het geneesmiddel staat op N: er is geen aanspraak farmaceutische zorg. U levert het "
     "geneesmiddel niet af of ... voor eigen rekening van verzekerde"),
    ({"in_g_standaard": True, "status": "N", **COMMON}, "niet_afleveren", "1d", True, False,
     "... bij een aandoening die in Nederland niet vaker voorkomt dan 1:150.000 inwoners (1 in "
     "10,000 is more often)"),
    ({"in_g_standaard": True, "status": "N", **RARE}, "toestemming_aanvragen", "1d", True, False,
     "Komt u tot de beoordeling dat er ... wel aanspraak is ... omdat er sprake is van rationele "
     "farmacotherapie bij een aandoening die in Nederland niet vaker voorkomt dan 1:150.000 "
     "inwoners, dan kunt u hiervoor bij cVGZ met onderbouwing toestemming aanvragen."),
    ({"in_g_standaard": True, "status": "N", **RARE, "authorisation": "verleend"},
     "declareren_z_index", "1d", True, False,
     "Na toestemming van cVGZ declareert u met Z-indexnummer."),
    ({"in_g_standaard": True, "status": "N", "authorisation": "geweigerd"}, "niet_afleveren",
     "1d", True, False, "(reading) a refused request under 1d: as 1c, niet afleveren"),
    ({"in_g_standaard": False, "authorisation": "verleend"}, "declareren_lokale_code", "2a", True,
     False, "a. cVGZ heeft een machtiging afgegeven: u declareert het geneesmiddel bij cVGZ door "
     "gebruik te maken van de lokale code 97095005 of een code uit de range 97095551 tot en met 97095600"),
    ({"in_g_standaard": False, "authorisation": "geweigerd"}, "niet_afleveren", "2b", True, False,
     "b. cVGZ heeft de machtigingsaanvraag afgewezen: u levert het geneesmiddel niet af of u levert "
     "in overleg met de verzekerde het geneesmiddel wel af ..."),
    ({"in_g_standaard": False, **RARE}, "machtiging_aanvragen", "2", True, False,
     "Heeft verzekerde geen machtiging, dan kan een aanvraag ingediend worden indien er sprake is "
     "van rationele farmacotherapie bij een aandoening die ... niet vaker voorkomt dan 1:150.000"),
    ({"in_g_standaard": False, **RARE, "authorisation": "aangevraagd"}, "machtiging_aanvragen",
     "2", True, True,
     "Wij vergoeden het importgeneesmiddel zonder Z-indexnummer enkel als we vooraf toestemming "
     "hebben gegeven."),
    ({"in_g_standaard": False, **COMMON}, "niet_afleveren", "2", True, False,
     "Wij vergoeden ... enkel als we vooraf toestemming hebben gegeven (and no ground to ask)"),
]


@pytest.mark.parametrize("facts, route, situation, consent, awaiting, sentence", TABLE,
                         ids=[f"{row[2]}-{row[1]}-{i}" for i, row in enumerate(TABLE)])
def test_each_branch_of_the_memo(facts, route, situation, consent, awaiting, sentence):
    advice = check_import(facts)
    assert (advice.route, advice.situation, advice.prior_consent_needed,
            advice.awaiting_decision) == (route, situation, consent, awaiting), sentence
    assert advice.reasons[0].startswith(f"{situation[0] if situation[0] == '2' else situation}:")
    assert all("“" in reason for reason in advice.reasons), "every reason cites the memo"


def test_the_consent_kind_follows_the_branch():
    assert check_import({"in_g_standaard": True, "status": "N", **RARE}).consent_kind == "toestemming"
    assert check_import({"in_g_standaard": False, **RARE}).consent_kind == "machtiging"
    assert check_import({"in_g_standaard": True, "status": "F"}).consent_kind is None


@pytest.mark.parametrize("one_in, route", [(150_000, "machtiging_aanvragen"),
                                           (149_999, "niet_afleveren"),
                                           (150_001, "machtiging_aanvragen")])
def test_one_in_150000_exactly_is_rare_enough(one_in, route):
    # "niet vaker voorkomt dan bij 1 op de 150.000 inwoners": exactly 1 in 150,000 is not more often.
    advice = check_import({"in_g_standaard": False, "rational_pharmacotherapy": True,
                           "prevalence_one_in": one_in})
    assert advice.route == route


def test_without_rational_pharmacotherapy_a_rare_disease_is_not_enough():
    advice = check_import({"in_g_standaard": False, "rational_pharmacotherapy": False,
                           "prevalence_one_in": 1_000_000})
    assert advice.route == "niet_afleveren"


def test_the_prevalence_is_asked_for_only_where_it_decides():
    with pytest.raises(CaseError) as error:
        check_import({"in_g_standaard": False, "rational_pharmacotherapy": True})
    assert error.value.field == "prevalence_one_in"
    # once the insurer has answered, how rare the disease is no longer matters
    assert check_import({"in_g_standaard": False, "rational_pharmacotherapy": True,
                         "authorisation": "verleend"}).route == "declareren_lokale_code"


# -- the claim line ----------------------------------------------------------------------------

COMMENT = {"substance": "tiopronine", "brand": "Thiola", "importer": "Pharma Import B.V.",
           "cost_incl_transport": 850.00}


def claim(**fields):
    return {"code": "97095551", "material_cost": 812.40, "purchase_price": 812.40,
            "comment": dict(COMMENT), **fields}


def local(claim_line):
    return check_import({"in_g_standaard": False, "authorisation": "verleend", "claim": claim_line})


def fields_of(advice):
    return [e.field for e in advice.claim_errors]


def test_a_complete_claim_line_passes():
    assert local(claim()).claim_errors == ()


@pytest.mark.parametrize("code, passes", [
    ("97095005", True), ("97095551", True), ("97095575", True), ("97095600", True),
    ("97095601", False), ("97095550", False), ("97095006", False), ("12345678", False), ("", False),
])
def test_local_codes_97095005_and_97095551_up_to_and_including_97095600(code, passes):
    # "de lokale code 97095005 of een code uit de range 97095551 tot en met 97095600"
    assert is_local_code(code) is passes
    assert ("claim.code" not in fields_of(local(claim(code=code)))) is passes


@pytest.mark.parametrize("missing", ["substance", "brand", "importer"])
def test_the_comment_record_must_be_complete(missing):
    # "In het commentaarrecord zet u de stof- en merknaam van het geneesmiddel, de naam van de
    # importeur en de kosten van het geneesmiddel inclusief de transport/verzendkosten."
    advice = local(claim(comment={**COMMENT, missing: "  "}))
    assert fields_of(advice) == [f"claim.comment.{missing}"]


def test_the_comment_record_needs_the_costs_including_transport():
    advice = local(claim(comment={k: v for k, v in COMMENT.items() if k != "cost_incl_transport"}))
    assert fields_of(advice) == ["claim.comment.cost_incl_transport"]
    below = local(claim(comment={**COMMENT, "cost_incl_transport": 800.00}))
    assert fields_of(below) == ["claim.comment.cost_incl_transport"]


def test_material_costs_at_most_the_purchase_price():
    # "bedraagt de vergoeding van de materiaalkosten in geen geval meer dan de inkooprijs"
    assert local(claim(material_cost=812.40, purchase_price=812.40)).claim_errors == ()
    assert local(claim(material_cost=800.00)).claim_errors == ()
    over = local(claim(material_cost=Decimal("812.41")))
    assert fields_of(over) == ["claim.material_cost"]


def test_transport_costs_are_not_charged_on_top():
    # "mag u de transport- en/of verzendkosten niet in rekening brengen bij de verzekerde of bij
    # cVGZ" (reading: article 5.3's transport costs are paid through the dispensing fee)
    advice = local(claim(material_cost=850.00))
    assert fields_of(advice) == ["claim.material_cost"]
    assert "transport" in advice.claim_errors[0].message


def test_a_z_index_claim_uses_the_z_index_number():
    z_index = {"in_g_standaard": True, "status": "F"}
    assert check_import({**z_index, "claim": claim(code="14290960", comment=None)}).claim_errors == ()
    advice = check_import({**z_index, "claim": claim(code="97095551")})
    assert fields_of(advice) == ["claim.code"]


def test_no_claim_line_while_consent_is_missing():
    advice = check_import({"in_g_standaard": False, **RARE, "claim": claim()})
    assert advice.route == "machtiging_aanvragen" and fields_of(advice) == ["claim"]


def test_the_claim_json_names_each_error_field():
    out = local(claim(code="97095601", comment={**COMMENT, "importer": ""})).as_json()
    assert [e.split(":")[0] for e in out["claim_errors"]] == ["claim.code", "claim.comment.importer"]
    assert set(out) >= {"route", "prior_consent_needed", "claim_errors", "reasons"}


# -- bad input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("data, field", [
    ({}, "in_g_standaard"),
    ({"in_g_standaard": "ja"}, "in_g_standaard"),
    ({"in_g_standaard": True}, "status"),
    ({"in_g_standaard": True, "status": "G"}, "status"),
    ({"in_g_standaard": False, "status": "F"}, "status"),
    ({"in_g_standaard": True, "status": "F", "authorisation": "ja"}, "authorisation"),
    ({"in_g_standaard": False, "prevalence_one_in": 0}, "prevalence_one_in"),
    ({"in_g_standaard": False, "prevalence_one_in": "150000"}, "prevalence_one_in"),
    ({"in_g_standaard": False, "prevalance_one_in": 1}, "prevalance_one_in"),
    ({"in_g_standaard": False, "claim": {"code": "97095551", "purchase_price": 1}}, "claim.material_cost"),
    ({"in_g_standaard": False, "claim": claim(material_cost=-1)}, "claim.material_cost"),
    ({"in_g_standaard": False, "claim": claim(material_cost=1.234)}, "claim.material_cost"),
    ({"in_g_standaard": False, "claim": claim(purchase_price=float("nan"))}, "claim.purchase_price"),
    ({"in_g_standaard": False, "claim": claim(code=97095551)}, "claim.code"),
    ({"in_g_standaard": False, "claim": claim(comment={"stof": "x"})}, "claim.comment.stof"),
    ([], "case"),
])
def test_bad_input_names_the_field(data, field):
    with pytest.raises(CaseError) as error:
        check_import(data)
    assert error.value.field == field


# -- the IGJ's consent, the exclusion, and an import because of a shortage (issue: seed 000) ----

def test_seed_003_quotes_stand_in_seed_003():
    from tests.conftest import normalised as norm
    seed = norm((SEED_000.parent / "seed_003.txt").read_text(encoding="utf-8"))
    quoted = load_rules("importgeneesmiddel")["equivalent_exclusion"]["seed_003_quote"]
    assert quoted and all(norm(q) in seed for q in quoted)


# "De verzekerde heeft aanspraak op een geïmporteerd geneesmiddel mits ...: o Het rationele
# farmacotherapie betreft EN o ... 1 op de 150.000 inwoners EN o De IGJ toestemming heeft gegeven
# voor de import op individueel patiëntniveau." (facts, route, the IGJ sentence cited)
IGJ_TABLE = [
    ({"in_g_standaard": False, **RARE, "igj_consent": "niet_verleend"}, "niet_afleveren",
     "EN ... De IGJ toestemming heeft gegeven: without it, no entitlement"),
    ({"in_g_standaard": True, "status": "N", **RARE, "igj_consent": "niet_verleend"},
     "niet_afleveren", "1d: the same three conditions (Komt u tot de beoordeling ...)"),
    ({"in_g_standaard": True, "status": "F_voorwaarde", **RARE, "igj_consent": "niet_verleend"},
     "niet_afleveren", "1c: the ground of 1d and 2 (reading)"),
    ({"in_g_standaard": False, **RARE, "igj_consent": "verleend"}, "machtiging_aanvragen",
     "all three conditions hold: a request can be made"),
    ({"in_g_standaard": False, **RARE}, "machtiging_aanvragen",
     "not known yet: the other two hold; the IGJ's consent still decides (reading)"),
]


@pytest.mark.parametrize("facts, route, sentence", IGJ_TABLE)
def test_the_igj_consent_is_the_third_condition(facts, route, sentence):
    advice = check_import(facts)
    assert advice.route == route, sentence
    assert any("individueel patiëntniveau" in r for r in advice.reasons), sentence


def test_without_the_igj_consent_the_prevalence_is_not_asked():
    # no entitlement whatever the prevalence: the memo's conditions are joined by EN
    advice = check_import({"in_g_standaard": False, "rational_pharmacotherapy": True,
                           "igj_consent": "niet_verleend"})
    assert advice.route == "niet_afleveren"


def test_once_cvgz_has_answered_the_igj_consent_is_not_asked_again():
    # "a. cVGZ heeft een machtiging afgegeven: u declareert ..." (the insurer's answer decides)
    advice = check_import({"in_g_standaard": False, "authorisation": "verleend",
                           "igj_consent": "niet_verleend"})
    assert advice.route == "declareren_lokale_code"


EQUIVALENT = {"equivalent_to_registered": True}


@pytest.mark.parametrize("facts", [
    {"in_g_standaard": True, "status": "F"},
    {"in_g_standaard": True, "status": "F_voorwaarde", "meets_condition": True},
    {"in_g_standaard": False, **RARE},
    {"in_g_standaard": False, "authorisation": "verleend"},
])
def test_an_import_equivalent_to_a_registered_medicine_outside_the_gvs_is_excluded(facts):
    # "De verzekerde heeft geen aanspraak op een geïmporteerd geneesmiddel dat gelijkwaardig of
    # nagenoeg gelijkwaardig is aan een geregistreerd geneesmiddel dat niet is opgenomen in het
    # geneesmiddelvergoedingssysteem (GVS), tenzij bij ministeriële regeling anders is bepaald."
    advice = check_import({**facts, **EQUIVALENT, "claim": claim()})
    assert advice.route == "niet_afleveren"
    assert any("GVS" in r for r in advice.reasons)
    assert fields_of(advice) == ["claim"]  # nothing to declare


def test_a_ministerial_regulation_lifts_the_exclusion():
    # "... tenzij bij ministeriële regeling anders is bepaald."
    advice = check_import({"in_g_standaard": True, "status": "F", **EQUIVALENT,
                           "ministerial_exception": True})
    assert advice.route == "declareren_z_index"


@pytest.mark.parametrize("facts", [
    {"in_g_standaard": False, "rational_pharmacotherapy": True},  # no prevalence given
    {"in_g_standaard": True, "status": "N"},
    {"in_g_standaard": False, "authorisation": "verleend", "claim": claim()},
])
def test_an_import_because_of_a_shortage_goes_to_the_shortage_route(facts):
    # "Heeft u vragen over de import van een geneesmiddel bij leveringsproblemen, leest u dan de
    # memo 'uitwijken naar importgeneesmiddel bij leveringsproblemen'": not this memo; the
    # prevalence is not asked and the local codes ("... bij zeldzame indicatie") are not for it.
    advice = check_import({**facts, "shortage": True})
    assert advice.route == "tekortroute" and advice.situation == "tekort"
    assert "leveringsproblemen" in advice.reasons[0]
    if "claim" in facts:
        assert fields_of(advice) == ["claim"]


@pytest.mark.parametrize("data, field", [
    ({"in_g_standaard": False, "igj_consent": "ja"}, "igj_consent"),
    ({"in_g_standaard": False, "equivalent_to_registered": "ja"}, "equivalent_to_registered"),
    ({"in_g_standaard": False, "ministerial_exception": 1}, "ministerial_exception"),
    ({"in_g_standaard": False, "shortage": "true"}, "shortage"),
])
def test_the_new_inputs_refuse_bad_values(data, field):
    with pytest.raises(CaseError) as error:
        check_import(data)
    assert error.value.field == field
