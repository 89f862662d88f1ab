"""The statutory personal contribution and the compulsory excess of one dispensing, against seed
003: every row cites the sentence it checks; the amounts are worked out by hand from it."""
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from contracts.contribution import age_on, check_contribution, cost_parts, plans
from contracts.errors import CaseError

D = Decimal
#: An adult, the whole of 2025 insured, nothing paid yet.
ADULT = {"dispensing_date": "2025-07-01", "age": 40}


def case(**changes) -> dict:
    return {**ADULT, **changes}


# -- the contribution: (case, due, charged, sentence) --------------------------------------------
CONTRIBUTION = [
    (case(interchangeable_group=True, purchase_price=30, reimbursement_limit=D("22.50")),
     D("7.50"), D("7.50"),
     "Yes, if the medicine is classified into a group of interchangeable medicines and the "
     "purchase price is higher than the reimbursement limit."),
    (case(interchangeable_group=True, purchase_price=D("22.50"), reimbursement_limit=D("22.50")),
     D(0), D(0), "... the purchase price is higher than the reimbursement limit. (equal: not higher)"),
    (case(interchangeable_group=True, purchase_price=20, reimbursement_limit=30),
     D(0), D(0), "... the purchase price is higher than the reimbursement limit. (lower: none)"),
    (case(purchase_price=30), D(0), D(0),
     "Yes, if the medicine is classified into a group of interchangeable medicines ... (not in one)"),
    (case(prepared_from={"contribution": D("4.10")}, costs={"geneesmiddel": 25}),
     D("4.10"), D("4.10"),
     "A statutory personal contribution is also due when a medicine is prepared from a medicine "
     "for which a statutory personal contribution is due."),
    (case(prepared_from={"purchase_price": 12, "reimbursement_limit": 9},
          costs={"geneesmiddel": 25}), D(3), D(3),
     "A statutory personal contribution is also due when a medicine is prepared from a medicine "
     "for which a statutory personal contribution is due. (from its price and limit)"),
    (case(prepared_from={"purchase_price": 9, "reimbursement_limit": 12},
          costs={"geneesmiddel": 25}), D(0), D(0),
     "... prepared from a medicine for which a statutory personal contribution is due. (none is)"),
    (case(interchangeable_group=True, purchase_price=60, reimbursement_limit=20,
          contribution_paid=230), D(40), D(20),
     "In the year 2025, the extent of your statutory personal contribution will be a maximum of "
     "€250 per calendar year. (230 paid: 20 left)"),
    (case(interchangeable_group=True, purchase_price=60, reimbursement_limit=20,
          contribution_paid=250), D(40), D(0),
     "... a maximum of €250 per calendar year. (the maximum reached: nothing more)"),
    (case(interchangeable_group=True, purchase_price=200, reimbursement_limit=20,
          insured_from="2025-06-15", contribution_paid=100), D(180), D(37),
     "Example: your public healthcare insurance comes into force on 15 June. ... This amount is "
     "rounded to € 137. (137 - 100 paid = 37)"),
]


@pytest.mark.parametrize("data, due, charged, sentence", CONTRIBUTION)
def test_the_contribution_of_one_dispensing(data, due, charged, sentence):
    answer = check_contribution(data)
    assert (answer.contribution_due, answer.contribution_charged) == (due, charged), sentence
    assert answer.waived_by_cap == due - charged, sentence


# -- the supplementary plan: (plan, share paid by the plan, sentence) -----------------------------
PLANS = [
    ("geen", D(0), "Basic healthcare plan 100% reimbursement* for contracted care, minus any "
                   "statutory personal contribution"),
    ("compact", D(1), "Compact 100% of the statutory personal contribution"),
    ("start", D(0), "Start none"),
    ("extra", D(0), "Extra none"),
    ("plus", D(0), "Plus none"),
    ("top", D(0), "Top none"),
    ("no_risk_1", D(0), "No Risk I none"),
    ("no_risk_2", D(1), "No Risk II 100% of the statutory personal contribution"),
]


@pytest.mark.parametrize("plan, share, sentence", PLANS)
def test_the_plan_pays_its_share_of_the_contribution_charged(plan, share, sentence):
    # 40 due, 20 left under the maximum: the plan's share is of the 20 charged.
    answer = check_contribution(case(interchangeable_group=True, purchase_price=60,
                                     reimbursement_limit=20, contribution_paid=230,
                                     supplementary_plan=plan))
    assert answer.plan_pays == D(20) * share, sentence
    assert answer.insured_pays_contribution == D(20) * (1 - share), sentence


def test_every_plan_of_the_table_is_in_the_rows():
    assert set(plans()) == {row[0] for row in PLANS}


# -- the compulsory excess: (case, {part: subject to the excess}, sentence) -----------------------
ALL_PARTS = {"geneesmiddel": 20, "aflevering": D("7.50"), "begeleidingsgesprek": 12,
             "inhalatie_instructie": 9, "medicatiebeoordeling": 30}
EXCESS = [
    (case(costs=ALL_PARTS),
     {"geneesmiddel": 20, "aflevering": D("7.50"), "begeleidingsgesprek": 12,
      "inhalatie_instructie": 9, "medicatiebeoordeling": 0},
     "Are the costs deducted from the compulsory excess? Yes, from 18 years and older. / Nor "
     "does compulsory excess exist for a medication assessment"),
    (case(age=17, costs=ALL_PARTS), {},
     "Are the costs deducted from the compulsory excess? Yes, from 18 years and older. (17)"),
    (case(age=None, birth_date="2007-07-01", costs=ALL_PARTS),
     {"geneesmiddel": 20, "aflevering": D("7.50"), "begeleidingsgesprek": 12,
      "inhalatie_instructie": 9},
     "Yes, from 18 years and older. (18 on the day of dispensing)"),
    (case(age=None, birth_date="2007-07-02", costs=ALL_PARTS), {},
     "Yes, from 18 years and older. (18 the day after dispensing)"),
    (case(kind="anticonceptie_bijlage_2", costs={"geneesmiddel": 20, "aflevering": D("7.50")}),
     {}, "No compulsory excess applies to contraceptives and the dispensing thereof as referred "
         "to in appendix 2 of the Health Insurance Regulations."),
    (case(kind="voorkeursmiddel", costs=ALL_PARTS),
     {"aflevering": D("7.50"), "begeleidingsgesprek": 12, "inhalatie_instructie": 9},
     "No compulsory excess applies to preferred medicines allocated by us ... The delivery costs, "
     "the counselling consultation for a preference medicine and inhaler instructions do fall "
     "under the compulsory excess."),
    (case(costs={"medicatiebeoordeling": 30}), {},
     "Nor does compulsory excess exist for a medication assessment, as included in and under the "
     "conditions of the overview 'Designated care not subject to excess'."),
    (case(interchangeable_group=True, purchase_price=30, reimbursement_limit=D("22.50"),
          costs={"aflevering": D("7.50")}),
     {"geneesmiddel": D("22.50"), "aflevering": D("7.50")},
     "100% reimbursement* for contracted care, minus any statutory personal contribution "
     "(reading: the contribution is not deducted from the excess; the medicine defaults to its "
     "purchase price)"),
    (case(interchangeable_group=True, purchase_price=60, reimbursement_limit=20,
          contribution_paid=230),
     {"geneesmiddel": D(40)},
     "a maximum of €250 per calendar year (reading: the 20 waived by the cap is reimbursed, so "
     "under the excess)"),
]


@pytest.mark.parametrize("data, subject, sentence", EXCESS)
def test_which_costs_fall_under_the_excess(data, subject, sentence):
    answer = check_contribution(data)
    found = {p.part: p.subject for p in answer.parts if p.subject}
    assert found == {k: D(v) for k, v in subject.items() if v}, sentence
    for part in answer.parts:
        if part.amount:
            assert part.under_excess is bool(subject.get(part.part)), sentence
    assert answer.charged_to_excess is None  # no remaining excess given


@pytest.mark.parametrize("remaining, charged", [
    (D(100), {"geneesmiddel": D(20), "aflevering": D("7.50")}),  # room for all
    (D(25), {"geneesmiddel": D(20), "aflevering": D(5)}),         # used up, in the parts' order
    (D(0), {}),                                                   # nothing left
])
def test_what_is_charged_to_the_remaining_excess(remaining, charged):
    # "Are the costs deducted from the compulsory excess? Yes, from 18 years and older."
    # (reading: the seed gives no amount, so what remains this year is an input)
    answer = check_contribution(case(costs={"geneesmiddel": 20, "aflevering": D("7.50")},
                                     excess_remaining=remaining))
    found = {p.part: p.charged for p in answer.parts if p.charged}
    assert found == charged
    assert answer.charged_to_excess == sum(charged.values(), D(0))
    assert answer.insured_pays == answer.charged_to_excess  # no contribution here


def test_the_insured_pays_the_contribution_and_the_excess():
    answer = check_contribution(case(interchangeable_group=True, purchase_price=30,
                                     reimbursement_limit=D("22.50"), excess_remaining=10,
                                     costs={"aflevering": D("7.50")}))
    assert (answer.contribution_charged, answer.charged_to_excess, answer.insured_pays) == (
        D("7.50"), D(10), D("17.50"))
    body = answer.as_json()
    assert body["insured_pays"] == 17.5 and body["contribution"]["charged"] == 7.5
    assert all("“" in reason for reason in body["reasons"])


def test_every_cost_part_is_answered_in_order():
    answer = check_contribution(case())
    assert [p.part for p in answer.parts] == list(cost_parts())


@pytest.mark.parametrize("data, field", [
    ({"age": 40}, "dispensing_date"),
    (case(dispensing_date="01-07-2025"), "dispensing_date"),
    (case(dispensing_date="2024-07-01"), "dispensing_date"),      # the seed gives 2025 only
    (case(insured_to="2025-06-30"), "dispensing_date"),            # not insured that day
    (case(insured_from="2024-12-01"), "insured_from"),
    ({"dispensing_date": "2025-07-01"}, "age"),
    (case(birth_date="1985-01-01"), "age"),                         # both given
    (case(age=None, birth_date="2025-07-02"), "birth_date"),
    (case(age=-1), "age"),
    (case(age=151), "age"),
    (case(interchangeable_group=True, purchase_price=30), "reimbursement_limit"),
    (case(reimbursement_limit=30), "reimbursement_limit"),
    (case(interchangeable_group=True, purchase_price=30, reimbursement_limit=20,
          prepared_from={"contribution": 1}), "prepared_from"),
    (case(prepared_from={"contribution": 1, "purchase_price": 3}), "prepared_from.purchase_price"),
    (case(prepared_from={"purchase_price": 3}), "prepared_from.reimbursement_limit"),
    (case(prepared_from={"contribution": 1, "x": 1}), "prepared_from.x"),
    (case(prepared_from={"contribution": 4}), "costs.geneesmiddel"),  # contribution > cost 0
    (case(costs={"aflevering": D("7.555")}), "costs.aflevering"),
    (case(costs={"bezorging": 1}), "costs.bezorging"),
    (case(kind="pil"), "kind"),
    (case(supplementary_plan="goud"), "supplementary_plan"),
    (case(contribution_paid=-1), "contribution_paid"),
    (case(excess_remaining="veel"), "excess_remaining"),
    (case(colour="red"), "colour"),
])
def test_bad_input_names_the_field(data, field):
    with pytest.raises(CaseError) as error:
        check_contribution(data)
    assert error.value.field == field


@given(st.decimals(0, 500, places=2), st.decimals(0, 500, places=2), st.decimals(0, 300, places=2))
def test_the_year_never_exceeds_its_maximum(price, limit, paid):
    # "a maximum of €250 per calendar year": what was paid plus this dispensing's charge.
    answer = check_contribution(case(interchangeable_group=True, purchase_price=price,
                                     reimbursement_limit=limit, contribution_paid=paid))
    assert answer.contribution_charged <= answer.contribution_due
    assert paid + answer.contribution_charged <= max(paid, D(250))
    assert answer.plan_pays + answer.insured_pays_contribution == answer.contribution_charged


def test_age_on_a_leap_day_birthday():
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18
