"""A step the domain refused, said to the user in the page's language: one table for every page.

The domain and the operations refuse with a CaseError in English, for the API and the log: its
`field` names what stood in the way, and an application's refusal also a `reason`. The pages
look the refusal up here by what it is about (an offer the manager handles, the provider's
answer to an offer, ...) and by its reason or field; what the table does not know is said in
the words of the subject's fallback.
"""
from __future__ import annotations

from flask_babel import lazy_gettext as _l

from contracts.errors import CaseError

#: What was refused: a manager's step on an offer, the provider's answer to an offer, the
#: offers of a granted application, a consent request, a new provider's application, a value
#: of one of the pharmacy's checks (portal.checks), a shortage or preference file.
OFFER, ANSWER, GRANT, CONSENT, APPLICATION, CHECK, SHORTAGE = (
    "offer", "answer", "grant", "consent", "application", "check", "shortage")

_OFFER = {
    "version": _l("De aanbieding is intussen door iemand anders gewijzigd. Laad de pagina "
                  "opnieuw en probeer het nog eens."),
    "reason": _l("Deze actie vraagt om een bericht of reden."),
    "status": _l("Deze actie is in de huidige status van de aanbieding niet mogelijk."),
    "negotiable": _l("Deze actie past niet bij een aanbieding die (niet) onderhandelbaar is."),
    "role": _l("U mag deze actie niet uitvoeren."),
    "action": _l("Onbekende actie."),
    "contract": _l("Het beleid doet hier geen aanbod: %(detail)s"),
    "size_rank": _l("De grootte-rang van de zorgaanbieder ontbreekt in het register; het beleid "
                    "onderscheidt hier naar grootte."),
}

MESSAGES = {
    OFFER: _OFFER,
    ANSWER: {
        "role": _l("U bent niet bevoegd om dit te doen: alleen een tekenbevoegde mag een aanbod "
                   "aanvaarden of afwijzen."),
        "status": _l("Dat kan niet meer in de huidige status van het aanbod."),
        "negotiable": _l("Over dit aanbod kan niet worden onderhandeld."),
        "reason": _l("Geef een toelichting."),
        "version": _l("Het aanbod is intussen gewijzigd. Bekijk het opnieuw en geef dan uw "
                      "antwoord."),
    },
    GRANT: {
        **_OFFER,
        "status": _l("Alleen bij een toegekende aanvraag hoort een aanbod."),
        "offer": _l("Het aanbod is al uitgebracht."),
    },
    CONSENT: {
        "version": _l("Deze aanvraag is intussen door iemand anders gewijzigd (bijvoorbeeld al "
                      "beslist door een andere adviseur). Uw wijziging is niet opgeslagen; "
                      "hieronder staat de actuele stand."),
        "status": _l("Deze aanvraag is niet meer open: er is al een besluit genomen of ze is "
                     "ingetrokken."),
        "role": _l("U mag dit niet doen."),
        "reason": _l("Geef een reden."),
        "valid_until": _l("Alleen een verleende aanvraag heeft een geldigheid, en die ligt niet "
                          "vóór de dag van het besluit."),
        "prevalence_one_in": _l("Een aanvraag kan alleen bij een aandoening die in Nederland niet "
                                "vaker voorkomt dan bij 1 op 150.000 inwoners."),
        "patient_reference": _l("Dit lijkt een BSN. Vul uw eigen referentie in, geen BSN."),
        "substantiation": _l("De onderbouwing lijkt een BSN te bevatten. Laat het BSN weg."),
        "insured_initials": _l("Vul alleen de voorletters in, bijvoorbeeld J.P."),
        "insured_birth_date": _l("Dit is geen mogelijke geboortedatum."),
        "zindex_number": _l("Controleer het Z-indexnummer (8 cijfers, alleen bij toestemming)."),
        "gstandaard_status": _l("Toestemming vraagt u bij status F met voorwaarde of N."),
        "prescription": _l("Voeg het recept toe als PDF, PNG of JPEG."),
    },
    APPLICATION: {  # by the refusal's reason (operations.applications.Refusal, DateRefused)
        "agb_registered": _l(
            "Deze AGB-code is al bekend bij VGZ; met dit formulier kunt u er geen aanvraag voor "
            "doen. De tekenbevoegde van de apotheek logt in op het portaal. Heeft de apotheek "
            "nog geen account, of neemt u deze apotheek over? Neem dan contact op met VGZ."),
        "application_open": _l(
            "Voor deze AGB-code is al een aanvraag voor deze overeenkomst in behandeling. Wacht "
            "eerst ons antwoord daarop af: u hoort uiterlijk een maand na ontvangst van ons."),
        "attachments_too_large": _l("De bijlagen zijn samen groter dan %(size)s. Stuur minder of "
                                    "kleinere bestanden mee."),
        "attachments_too_many": _l("Stuur hoogstens %(count)s bijlagen mee."),
        "closed": _l("Aanvragen voor een overeenkomst in %(year)s zijn niet meer mogelijk."),
        "agb_after_year": _l("Uw AGB-code gaat pas na %(year)s in; u kunt nog geen overeenkomst "
                             "voor %(year)s aanvragen."),
        "before_agb": _l("De overeenkomst kan niet ingaan voordat uw AGB-code ingaat. Kies een "
                         "datum van %(first)s tot en met %(last)s."),
        "outside": _l("Kies een ingangsdatum van %(first)s tot en met %(last)s: u vraagt een "
                      "overeenkomst voor %(year)s aan, en een overeenkomst gaat niet in het "
                      "verleden in."),
    },
    CHECK: {
        "prevalence_one_in": _l("Vul in hoe zeldzaam de aandoening is: daarvan hangt af of u "
                                "toestemming of een machtiging kunt aanvragen."),
        "prescription.medicine": _l("Vul bij medische noodzaak een middel in dat in de groep "
                                    "hierboven staat."),
        "prescription.pharmacist_choice": _l("Kies een leverbaar middel uit de groep, niet het "
                                             "voorkeursmiddel."),
        "insured_from": _l("Deze datum ligt niet in het gekozen kalenderjaar."),
        "insured_to": _l("Deze datum ligt niet in het gekozen jaar, of voor de begindatum."),
        "name": _l("Deze naam staat twee keer in de groep."),  # group.<n>.name
        # the contribution of one dispensing (contracts.contribution), by the error's reason
        "no_maximum_for_year": _l("Voor dit jaar geeft de regeling geen maximum; kies een datum "
                                  "in %(allowed)s."),
        "outside_insured_period": _l("De afleverdatum ligt niet in de verzekerde periode."),
        "age_or_birth_date": _l("Vul de leeftijd of de geboortedatum in."),
        "age_and_birth_date": _l("Vul de leeftijd of de geboortedatum in, niet allebei."),
        "born_after_dispensing": _l("De geboortedatum ligt na de afleverdatum."),
        "required_in_group": _l("Vul dit in voor een middel in een groep."),
        "limit_outside_group": _l("Alleen een middel in een groep onderling vervangbare middelen "
                                  "heeft een vergoedingslimiet."),
        "prepared_both": _l("Vul de eigen bijdrage van het middel in, of de inkoopprijs en "
                            "limiet, niet allebei."),
        "prepared_missing": _l("Vul ook dit bedrag in."),
        # Appendix 2 (contracts.appendix2): a fact that contradicts another
        "needs_doctors_note": _l("Dit kan alleen als er een artsenverklaring voor het middel "
                                 "bestaat."),
        "not_for_preparation": _l("Dit geldt niet voor een apotheekbereiding (geen middel uit "
                                  "Bijlage 2)."),
        "preparation_only": _l("Dit geldt alleen voor een apotheekbereiding."),
        "very_rare_only": _l("Dit geldt alleen bij een zeer zeldzame aandoening."),
        "group_and_prepared": _l("Een middel in een groep is hier niet ook uit een ander middel "
                                 "bereid: vul één van beide in."),
        "costs.geneesmiddel": _l("De kosten van het geneesmiddel zijn lager dan de eigen bijdrage "
                                 "die ervoor in rekening wordt gebracht."),
    },
    SHORTAGE: {  # by the refusal's code (contracts.shortages), else its field
        "required": _l("Vul dit veld in."),
        "date": _l("Schrijf de datum als dd-mm-jjjj, bijvoorbeeld 15-09-2023."),
        "too_long": _l("Deze tekst is te lang (hoogstens 2000 tekens)."),
        "unknown_product": _l("Dit product staat niet in het register."),
        "not_preferred": _l("Dit product is vandaag geen voorkeursmiddel. Meld hier tekorten van "
                            "preferente producten."),
        "open_shortage": _l("Voor dit product loopt al een tekort. Wijzig dat tekort."),
        "state": _l("Deze status kan hier niet. Beëindig een tekort met de knop Beëindigen."),
        "declarer": _l("Deze partij mag deze status niet vaststellen; kies een partij die dat "
                       "volgens de definitie wel mag."),
        "future": _l("Deze datum mag niet na vandaag liggen."),
        "before_start": _l("Deze datum mag niet voor het begin van het tekort liggen."),
        "same_product": _l("Kies een ander product dan het product met het tekort."),
        "other_group": _l("Kies een product uit dezelfde groep onderling vervangbare middelen."),
        "needs_drop_out": _l("Een tijdelijk preferent product kan alleen als het product uit het "
                             "preferentiebeleid vervalt."),
        "duplicate": _l("Een alternatief staat er twee keer in."),
        "past": _l("Deze datum mag niet voor vandaag liggen."),
        "no_switch": _l("Een uitverkooptermijn hoort bij een wisseling van het preferente "
                        "product: het product vervalt, er komt een tijdelijk preferent product, "
                        "of het tekort eindigt."),
        "unchanged": _l("Er is niets gewijzigd ten opzichte van de huidige versie."),
        "ended": _l("Dit tekort is al beëindigd."),
        "version": _l("Het tekort is intussen door iemand anders gewijzigd. Laad de pagina "
                      "opnieuw."),
        "role": _l("U mag dit niet doen."),
    },
}

#: What is said of a refusal the table does not know.
FALLBACK = {
    OFFER: _l("Niet gelukt: %(detail)s"),
    ANSWER: _l("Dit kan niet met dit aanbod."),
    GRANT: _l("Niet gelukt: %(detail)s"),
    CONSENT: _l("Niet gelukt: %(detail)s"),
    APPLICATION: _l("Dit kunnen wij niet verwerken; controleer uw invoer."),
    CHECK: _l("Deze waarde kan niet worden gecontroleerd; pas haar aan."),
    SHORTAGE: _l("Deze waarde is niet mogelijk."),
}


def refusal(error: CaseError, about: str, **values) -> str:
    """Why `error` refused a step `about` something, in the page's language.

    Looked up by the error's reason or code (where it has one), else by its field, else by the
    field's last part (a row's field: group.3.name). `values` fill the message's placeholders
    (`detail` is the error's own, English, message)."""
    table = MESSAGES[about]
    keys = (getattr(error, "reason", None), getattr(error, "code", None), error.field,
            error.field.rpartition(".")[2])
    message = next((table[key] for key in keys if key in table), FALLBACK[about])
    allowed = ", ".join(str(a) for a in error.allowed or ())
    return str(message) % {"detail": error.message, "allowed": allowed, **values}
