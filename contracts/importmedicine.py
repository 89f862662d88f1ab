"""The import-medicine pre-check (seed 000): what a pharmacy does with an import medicine for a rare
indication (declare with the Z-index number, ask consent, apply for an authorisation, declare with
a local code, or not dispense), and whether a draft claim line would pass.

The situations, routes, codes and the sentences they come from are data in
`contracts/policies/importgeneesmiddel.yaml`; this module picks the situation and checks the claim.

The input field `authorisation` carries the insurer's answer in both branches of the memo: in
situation 1 (in the G-Standaard) its consent ("toestemming"), in situation 2 its authorisation
("machtiging"); the states are `geen`, `aangevraagd`, `verleend`, `geweigerd`.

Besides the situations: the IGJ's consent to import for this patient (`igj_consent`, the third
condition of the entitlement), the exclusion of an import (almost) equivalent to a registered
medicine outside the GVS (`equivalent_to_registered`, unless `ministerial_exception`), and an
import because of a shortage (`shortage`), which is not this memo's subject: it gets the route
`tekortroute`, to the check of contracts.shortageimport.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Mapping

from .errors import CaseError
from .seedrules import (boolean, choice, cite, integer, load_rules, money, obj, text,
                        unknown_fields)

RULES = "importgeneesmiddel"
STATUSES = ("F", "F_voorwaarde", "N")
AUTHORISATION_STATES = ("geen", "aangevraagd", "verleend", "geweigerd")
#: The IGJ's consent to import for this patient, as far as the pharmacist knows.
IGJ_STATES = ("onbekend", "verleend", "niet_verleend")
ROUTES = ("declareren_z_index", "toestemming_aanvragen", "machtiging_aanvragen",
          "declareren_lokale_code", "niet_afleveren", "tekortroute")
FIELDS = ("in_g_standaard", "status", "meets_condition", "prevalence_one_in",
          "rational_pharmacotherapy", "igj_consent", "equivalent_to_registered",
          "ministerial_exception", "shortage", "authorisation", "claim")
CLAIM_FIELDS = ("code", "material_cost", "purchase_price", "comment")
COMMENT_FIELDS = ("substance", "brand", "importer", "cost_incl_transport")


@dataclass(frozen=True)
class Claim:
    """A draft claim line: the code, the amounts (exact) and the comment record."""

    code: str
    material_cost: Decimal
    purchase_price: Decimal
    substance: str = ""
    brand: str = ""
    importer: str = ""
    cost_incl_transport: Decimal = Decimal(0)


@dataclass(frozen=True)
class ImportCase:
    """The facts of one import medicine for one insured person."""

    in_g_standaard: bool
    status: str | None = None
    meets_condition: bool = False
    prevalence_one_in: int | None = None
    rational_pharmacotherapy: bool = False
    igj_consent: str = "onbekend"
    #: (Almost) equivalent to a registered medicine that is not in the GVS.
    equivalent_to_registered: bool = False
    #: A ministerial regulation provides otherwise (the exclusion's "tenzij").
    ministerial_exception: bool = False
    #: Imported because of a shortage (supply problems), not for a rare indication.
    shortage: bool = False
    authorisation: str = "geen"
    claim: Claim | None = None


@dataclass(frozen=True)
class ClaimError:
    """Why the insurer would refuse the claim line, on the field that causes it."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


@dataclass(frozen=True)
class ImportAdvice:
    """What to do, whether prior consent is needed, and what is wrong with the claim line."""

    route: str
    situation: str
    prior_consent_needed: bool
    awaiting_decision: bool
    consent_kind: str | None  # "toestemming", "machtiging" or None (none needed)
    reasons: tuple[str, ...]
    claim_errors: tuple[ClaimError, ...] = field(default=())

    def as_json(self) -> dict:
        """The advice in the JSON form of the CLI and the API."""
        return {"route": self.route, "situation": self.situation,
                "prior_consent_needed": self.prior_consent_needed,
                "awaiting_decision": self.awaiting_decision, "consent_kind": self.consent_kind,
                "claim_errors": [str(e) for e in self.claim_errors],
                "reasons": list(self.reasons)}


# -- input -------------------------------------------------------------------------------------

def parse_claim(data: Any) -> Claim | None:
    """The `claim` member: None, or a draft claim line (the comment record may be incomplete:
    that is a claim error, not bad input)."""
    if data is None:
        return None
    data = obj(data, "claim")
    unknown_fields(data, CLAIM_FIELDS, "claim.")
    for name in ("code", "material_cost", "purchase_price"):
        if data.get(name) is None:
            raise CaseError(f"claim.{name}", "is required")
    comment = data.get("comment") or {}
    comment = obj(comment, "claim.comment")
    unknown_fields(comment, COMMENT_FIELDS, "claim.comment.")
    cost = comment.get("cost_incl_transport")
    return Claim(
        code=text(data["code"], "claim.code", max_length=20).strip(),
        material_cost=money(data["material_cost"], "claim.material_cost", places=2),
        purchase_price=money(data["purchase_price"], "claim.purchase_price", places=2),
        substance=text(comment.get("substance"), "claim.comment.substance", "").strip(),
        brand=text(comment.get("brand"), "claim.comment.brand", "").strip(),
        importer=text(comment.get("importer"), "claim.comment.importer", "").strip(),
        cost_incl_transport=Decimal(0) if cost is None else money(
            cost, "claim.comment.cost_incl_transport", places=2))


def parse_import_case(data: Any) -> ImportCase:
    """An ImportCase from decoded JSON; raises CaseError naming the first bad field."""
    data = obj(data, "case")
    unknown_fields(data, FIELDS)
    if data.get("in_g_standaard") is None:
        raise CaseError("in_g_standaard", "is required")
    in_g = boolean(data["in_g_standaard"], "in_g_standaard")
    status = data.get("status")
    if in_g and status is None:
        raise CaseError("status", "is required when the medicine is in the G-Standaard", STATUSES)
    if not in_g and status is not None:
        raise CaseError("status", "must be null when the medicine is not in the G-Standaard")
    prevalence = data.get("prevalence_one_in")
    return ImportCase(
        in_g_standaard=in_g,
        status=None if status is None else choice(status, "status", STATUSES),
        meets_condition=boolean(data.get("meets_condition"), "meets_condition", False),
        prevalence_one_in=None if prevalence is None else integer(prevalence, "prevalence_one_in", 1),
        rational_pharmacotherapy=boolean(data.get("rational_pharmacotherapy"),
                                         "rational_pharmacotherapy", False),
        igj_consent=choice(data.get("igj_consent"), "igj_consent", IGJ_STATES, "onbekend"),
        equivalent_to_registered=boolean(data.get("equivalent_to_registered"),
                                         "equivalent_to_registered", False),
        ministerial_exception=boolean(data.get("ministerial_exception"), "ministerial_exception",
                                      False),
        shortage=boolean(data.get("shortage"), "shortage", False),
        authorisation=choice(data.get("authorisation"), "authorisation", AUTHORISATION_STATES, "geen"),
        claim=parse_claim(data.get("claim")))


# -- the decision ------------------------------------------------------------------------------

def situation_of(case: ImportCase) -> str:
    """1a-1d (in the G-Standaard, by status) or 2 (not in it)."""
    if not case.in_g_standaard:
        return "2"
    if case.status == "F":
        return "1a"
    if case.status == "F_voorwaarde":
        return "1b" if case.meets_condition else "1c"
    return "1d"


def rare_indication(case: ImportCase, situation: str) -> tuple[bool, list[str]]:
    """Whether the pharmacist can find an individual entitlement (rational pharmacotherapy in a
    disease of at most 1 in 150,000, and the IGJ's consent to import for this patient), and the
    reasons saying so."""
    rules = load_rules(RULES)
    rule, igj = rules["rare_indication"], rules["igj_consent"]
    threshold = rule["prevalence_one_in_at_least"]
    if not case.rational_pharmacotherapy:
        return False, [cite("zeldzame_indicatie", "geen aanspraak: er is geen sprake van "
                            "rationele farmacotherapie", rule["quote"])]
    if case.igj_consent == "niet_verleend":
        return False, [cite("igj_toestemming", "geen aanspraak: de IGJ heeft geen toestemming "
                            "gegeven voor de import op individueel patiëntniveau", igj["quote"])]
    if case.prevalence_one_in is None:
        raise CaseError("prevalence_one_in", f"is required in situation {situation} without a "
                        "request: how rare the disease is decides whether you may ask")
    rare = case.prevalence_one_in >= threshold
    verdict = "komt niet vaker voor dan" if rare else "komt vaker voor dan"
    reasons = [cite("zeldzame_indicatie",
                    f"{'aanspraak' if rare else 'geen aanspraak'}: rationele farmacotherapie; "
                    f"de aandoening (1 op {case.prevalence_one_in:,} inwoners) {verdict} 1 op "
                    f"{threshold:,} inwoners".replace(",", "."), rule["quote"])]
    if rare:
        reasons.append(cite("igj_toestemming", "de IGJ heeft toestemming gegeven voor de import "
                            "op individueel patiëntniveau" if case.igj_consent == "verleend" else
                            "de aanspraak geldt alleen als de IGJ toestemming geeft voor de import "
                            "op individueel patiëntniveau; vermeld die toestemming bij de aanvraag",
                            igj["quote"]))
    return rare, reasons


def advise(case: ImportCase) -> ImportAdvice:
    """What the memo says to do for `case`, with its reasons, and the claim line checked."""
    rules = load_rules(RULES)
    if case.shortage:
        return shortage_advice(case)
    situation = situation_of(case)
    entry = rules["situations"][situation]
    reasons = [cite(situation, entry["summary"], entry["quote"])]
    exclusion = rules["equivalent_exclusion"]
    if case.equivalent_to_registered and not case.ministerial_exception:
        reasons += [cite("gelijkwaardig", "geen aanspraak: het importgeneesmiddel is (nagenoeg) "
                         "gelijkwaardig aan een geregistreerd geneesmiddel dat niet in het GVS is "
                         "opgenomen, en geen ministeriële regeling bepaalt anders",
                         exclusion["quote"]),
                    cite("gelijkwaardig", "niet afleveren, of in overleg met de verzekerde voor "
                         "diens eigen rekening", exclusion["quote"][1:])]
        errors = () if case.claim is None else tuple(claim_errors(case.claim, exclusion["route"]))
        return ImportAdvice(route=exclusion["route"], situation=situation,
                            prior_consent_needed=bool(entry["prior_consent_needed"]),
                            awaiting_decision=False, consent_kind=entry.get("consent"),
                            reasons=tuple(reasons), claim_errors=errors)
    if case.equivalent_to_registered:
        reasons.append(cite("gelijkwaardig", "het importgeneesmiddel is (nagenoeg) gelijkwaardig "
                            "aan een geregistreerd geneesmiddel buiten het GVS, maar een "
                            "ministeriële regeling bepaalt anders: de uitsluiting geldt niet",
                            exclusion["quote"]))
    outcomes = entry.get("outcomes")
    branch, awaiting = situation, False
    if outcomes is None:  # 1a, 1b: declare, no consent
        route = entry["route"]
        if case.authorisation != "geen":
            reasons.append(f"{situation}: toestemming vooraf is niet nodig; de opgegeven stand "
                           f"'{case.authorisation}' doet hier niet ter zake")
    else:
        state = case.authorisation
        if state == "geen":
            entitled, why = rare_indication(case, situation)
            reasons.extend(why)
            state = "aanvragen" if entitled else "geen_aanspraak"
        outcome = outcomes[state]
        route, awaiting = outcome["route"], state == "aangevraagd"
        branch = outcome.get("branch", situation)
        reasons.append(cite(branch, outcome["summary"], outcome["quote"]))
    errors: tuple[ClaimError, ...] = ()
    if case.claim is not None:
        errors = tuple(claim_errors(case.claim, route))
    if route in ("declareren_z_index", "declareren_lokale_code"):
        tariff = rules["claim"]["material_cost"]
        reasons.append(cite("tarief", "de materiaalkosten zijn hoogstens de inkoopprijs; "
                            "transport- en verzendkosten zitten in het terhandstellingstarief en "
                            "worden niet apart in rekening gebracht", tariff["quote"]))
    if route == "declareren_lokale_code":
        comment = rules["claim"]["comment_record"]
        reasons.append(cite("commentaarrecord", "vermeld stof- en merknaam, importeur en de "
                            "kosten inclusief transport", comment["quote"]))
    return ImportAdvice(route=route, situation=branch,
                        prior_consent_needed=bool(entry["prior_consent_needed"]),
                        awaiting_decision=awaiting, consent_kind=entry.get("consent"),
                        reasons=tuple(reasons), claim_errors=errors)


def shortage_advice(case: ImportCase) -> ImportAdvice:
    """An import because of a shortage: not this memo's subject (no prevalence, no local code);
    the answer points to the shortage route."""
    rule = load_rules(RULES)["shortage"]
    errors: tuple[ClaimError, ...] = ()
    if case.claim is not None:
        errors = (ClaimError("claim", "declareer een import bij leveringsproblemen niet volgens "
                             "deze memo: de lokale codes zijn voor een niet-geregistreerd "
                             "geneesmiddel uit het buitenland bij zeldzame indicatie"),)
    return ImportAdvice(route=rule["route"], situation="tekort", prior_consent_needed=False,
                        awaiting_decision=False, consent_kind=None,
                        reasons=(cite("tekort", rule["summary"], rule["quote"]),),
                        claim_errors=errors)


def is_local_code(code: str) -> bool:
    """97095005, or 97095551 up to and including 97095600."""
    codes = load_rules(RULES)["claim"]["local_codes"]
    if code in codes["single"]:
        return True
    return code.isdigit() and len(code) == 8 and any(
        low <= int(code) <= high for low, high in codes["ranges"])


def claim_errors(claim: Claim, route: str) -> list[ClaimError]:
    """Why the insurer would refuse this claim line on this route (none: it would pass)."""
    if route not in ("declareren_z_index", "declareren_lokale_code"):
        return [ClaimError("claim", "nu niet declareren: er is (nog) geen aanspraak; zie de "
                                    "route")]
    errors = []
    if route == "declareren_lokale_code":
        if not is_local_code(claim.code):
            errors.append(ClaimError("claim.code", "gebruik de lokale code 97095005 of een code "
                                     "van 97095551 tot en met 97095600"))
        for name, label in (("substance", "de stofnaam"), ("brand", "de merknaam"),
                            ("importer", "de naam van de importeur")):
            if not getattr(claim, name):
                errors.append(ClaimError(f"claim.comment.{name}",
                                         f"het commentaarrecord mist {label}"))
        if claim.cost_incl_transport <= 0:
            errors.append(ClaimError("claim.comment.cost_incl_transport", "het commentaarrecord "
                                     "mist de kosten van het geneesmiddel inclusief transport"))
        elif claim.cost_incl_transport < claim.purchase_price:
            errors.append(ClaimError("claim.comment.cost_incl_transport", "de kosten inclusief "
                                     "transport kunnen niet lager zijn dan de inkoopprijs"))
    else:
        if is_local_code(claim.code):
            errors.append(ClaimError("claim.code", "declareer met het Z-indexnummer, niet met "
                                     "een lokale code"))
        elif not (claim.code.isdigit() and len(claim.code) == 8):
            errors.append(ClaimError("claim.code", "een Z-indexnummer (ZI-nummer) bestaat uit 8 "
                                     "cijfers"))
    if claim.purchase_price <= 0:
        errors.append(ClaimError("claim.purchase_price", "vul de inkoopprijs van het "
                                                         "geneesmiddel in"))
    elif claim.material_cost > claim.purchase_price:
        transport = (route == "declareren_lokale_code"
                     and claim.material_cost <= claim.cost_incl_transport)
        errors.append(ClaimError("claim.material_cost", (
            "de materiaalkosten bevatten transport- of verzendkosten; die zijn verdisconteerd in "
            "het terhandstellingstarief en mogen niet in rekening worden gebracht" if transport else
            "de materiaalkosten zijn hoger dan de inkoopprijs van het geneesmiddel")
            + f" (hoogstens {claim.purchase_price:.2f})".replace(".", ",")))
    return errors


def check_import(data: Mapping) -> ImportAdvice:
    """Parse and advise: the one call the CLI, the API and the page make."""
    return advise(parse_import_case(data))
