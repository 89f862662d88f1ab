"""The context the product provides to every contract template: what a template may use.

A leaf (None) is a value; a dict is an object with those attributes; a one-item list is a list
of objects of that shape. The validator refuses any name or attribute not in here.
"""

DOCUMENT = {k: None for k in ("title", "contract", "contract_name", "kind", "version",
                              "reference", "created", "author")}
TARIFF = {k: None for k in ("code", "description", "unit", "amount")}
CONTEXT_SCHEMA = {
    "document": DOCUMENT,
    "policy_year": None,
    "period": {"start": None, "end": None},
    "insurer": {k: None for k in ("name", "short", "address", "postcode", "city", "kvk",
                                  "represented_by", "function")},
    "provider": {k: None for k in ("name", "agb", "kvk", "address", "postcode", "city",
                                   "provider_type", "provider_type_label", "contact_email",
                                   "signatory", "collective")},
    # offer_by: the policy's date by which the insurer makes the offer; answer_by: the date by
    # which the provider must answer it (the offer's own deadline, as the portal shows it)
    "offer": {k: None for k in ("negotiable", "route", "channel", "channel_label",
                                "final_channel_label", "offer_by", "answer_by", "based_on_labels")},
    "profile": {k: None for k in ("present", "group", "group_label", "stars", "tariff_per_line")},
    "tariffs": [TARIFF],
    # the lines of `tariffs` whose amount was changed in the negotiation
    "agreed_tariffs": [TARIFF],
    "zorgprestaties": [{k: None for k in ("code", "name", "description", "tariff", "status")}],
    "anz_tariffs": [{k: None for k in ("code", "period", "description", "amount")}],
    "themes": [{k: None for k in ("code", "title", "description")}],
}

#: Attributes of Jinja's `loop` inside a for loop.
LOOP = {k: None for k in ("index", "index0", "revindex", "revindex0", "first", "last", "length")}

#: Filters a template may use: formatting only, nothing that reaches into Python.
FILTERS = frozenset({"default", "join", "upper", "lower", "length"})

#: Tests a template may use (`x is defined`, ...).
TESTS = frozenset({"defined", "undefined", "none", "true", "false", "number", "string"})
