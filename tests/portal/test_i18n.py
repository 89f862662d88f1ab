"""The English translation: a complete catalogue that matches the source and its compiled .mo,
and the language switch, Accept-Language and the Dutch default on the portal's pages."""
from __future__ import annotations

import os
import re
from io import BytesIO
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "portal" / "translations"
PO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
MO = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.mo"
#: The keywords of `pybabel extract` (portal/translations/README.md).
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "_n": (1, 2)}
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def catalogue():
    with PO.open("rb") as f:
        return read_po(f, locale="en")


def messages(cat) -> list:
    return [m for m in cat if m.id]


def forms(value) -> tuple[str, ...]:
    """A message's id or string as a tuple (one element, or one per plural form)."""
    return tuple(value) if isinstance(value, (tuple, list)) else (value,)


def english(html: str) -> None:
    assert '<html lang="en">' in html


def dutch(html: str) -> None:
    assert '<html lang="nl">' in html


# -- the catalogue ------------------------------------------------------------------------------

def test_every_message_has_an_english_translation_and_none_is_fuzzy():
    cat = catalogue()
    assert not cat.fuzzy
    found = messages(cat)
    assert len(found) > 400
    untranslated = [m.id for m in found if not all(s.strip() for s in forms(m.string))]
    fuzzy = [m.id for m in found if m.fuzzy]
    obsolete = list(cat.obsolete)
    assert (untranslated, fuzzy, obsolete) == ([], [], [])


def test_plural_messages_have_both_english_forms():
    plurals = [m for m in messages(catalogue()) if m.pluralizable]
    assert plurals
    for m in plurals:
        assert len(forms(m.string)) == 2 and all(forms(m.string)), m.id


def test_placeholders_match_between_dutch_and_english():
    for m in messages(catalogue()):
        expected = {name for text in forms(m.id) for name in PLACEHOLDER.findall(text)}
        for text in forms(m.string):
            assert set(PLACEHOLDER.findall(text)) == expected, (m.id, text)
            # Jinja's new-style gettext always formats with %: a bare % would break the page.
            assert text.count("%") == len(PLACEHOLDER.findall(text)), (m.id, text)


def test_the_catalogue_holds_every_message_of_the_source():
    """What `pybabel extract` finds in the portal (Python and templates) is all in the .po."""
    with (ROOT / "babel.cfg").open() as f:
        method_map, options_map = parse_mapping_cfg(f)

    def only_the_portal(path: str) -> bool:
        relative = os.path.relpath(path, ROOT)
        name = os.path.basename(path)
        return relative == "." or (relative.split(os.sep)[0] == "portal"
                                   and not name.startswith((".", "_")))

    found = {message for _file, _line, message, _comments, _context in
             extract_from_dir(str(ROOT), method_map, options_map, keywords=KEYWORDS,
                              directory_filter=only_the_portal)}
    ids = {m.id if isinstance(m.id, str) else tuple(m.id) for m in messages(catalogue())}
    missing = sorted(str(m) for m in found if m not in ids)
    assert len(found) > 400 and missing == []
    with (TRANSLATIONS / "messages.pot").open("rb") as f:
        template = {m.id if isinstance(m.id, str) else tuple(m.id) for m in read_po(f) if m.id}
    assert template == ids


def test_the_compiled_mo_is_up_to_date_with_the_po():
    compiled = BytesIO()
    write_mo(compiled, catalogue())
    compiled.seek(0)
    with MO.open("rb") as f:
        shipped = read_mo(f)
    fresh = read_mo(compiled)

    def table(cat):
        return {(m.id if isinstance(m.id, str) else tuple(m.id)):
                (m.string if isinstance(m.string, str) else tuple(m.string))
                for m in cat if m.id}

    assert table(shipped) == table(fresh)
    assert len(table(shipped)) == len(messages(catalogue()))


def test_flask_babel_finds_the_translations_in_the_source_tree(app):
    from flask_babel import get_babel, gettext, ngettext

    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        directories = get_babel().translation_directories
        assert str(TRANSLATIONS) in [os.path.abspath(d) for d in directories]
        assert gettext("Inloggen") == "Log in"
        assert ngettext("%(total)s zorgaanbieder gevonden.", "%(total)s zorgaanbieders gevonden.", 3,
                        total=3) == "3 care providers found."
    with app.test_request_context("/"):
        assert gettext("Inloggen") == "Inloggen"


def test_slug_labels_read_as_before_in_dutch_and_translated_in_english(app):
    from portal.web import LABELS, label

    with app.test_request_context("/"):
        assert all(label(slug) == slug.replace("_", " ") for slug in LABELS)
        assert label("iets_anders") == "iets anders"
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        assert label("in_onderhandeling") == "in negotiation"
        assert label("aangeboden") == "offered" and label("mislukt") == "failed"


# -- the pages ----------------------------------------------------------------------------------

def switch(client, auth, lang: str, page: str = "/"):
    response = client.post("/taal", data={"lang": lang, "next": page,
                                          "csrf_token": auth.csrf(page)})
    assert response.status_code == 302 and response.headers["Location"].endswith(page)


def text(client, path: str, **kwargs) -> str:
    response = client.get(path, **kwargs)
    assert response.status_code == 200, (path, response.status_code)
    return response.get_data(as_text=True)


def test_dutch_is_the_default(client):
    html = text(client, "/")
    dutch(html)
    assert "Inloggen" in html and "Overeenkomst aanvragen (nieuwe zorgaanbieder)" in html
    assert "Log in" not in html
    dutch(text(client, "/", headers={"Accept-Language": "de-DE,fr;q=0.8"}))


def test_the_language_switch_shows_english_on_the_home_and_login_pages(client, auth):
    switch(client, auth, "en")
    home = text(client, "/")
    english(home)
    assert "Procurement of pharmaceutical care 2024" in home
    assert "Apply for a contract (new care provider)" in home
    assert "Care finder (Zorgzoeker): contracted care providers" in home
    assert "Skip to content" in home and "Nederlands" in home  # the switch offers Dutch back
    assert "Inloggen" not in home and "Naar de inhoud" not in home

    login = text(client, "/inloggen")
    english(login)
    assert "Email address" in login and "Password" in login and ">Log in</button>" in login
    assert "Wachtwoord" not in login

    switch(client, auth, "nl")
    dutch(text(client, "/"))


def test_a_wrong_password_is_refused_in_english(client, auth, make_user):
    user = make_user("contract_manager")
    switch(client, auth, "en", "/inloggen")
    html = auth.login(user, password="onjuist").get_data(as_text=True)
    english(html)
    assert "Unknown email address or incorrect password." in html


def test_accept_language_en_gives_english(client):
    for header in ("en", "en-GB,en;q=0.9,nl;q=0.5"):
        html = text(client, "/", headers={"Accept-Language": header})
        english(html)
        assert "Apply for a contract (new care provider)" in html
    html = text(client, "/inloggen", headers={"Accept-Language": "en-US"})
    english(html)
    assert "Password" in html


def test_the_chosen_language_beats_accept_language(client, auth):
    switch(client, auth, "nl")
    html = text(client, "/", headers={"Accept-Language": "en"})
    dutch(html)
    assert "Inloggen" in html


def test_a_provider_page_in_english(client, auth, make_provider, make_user):
    from portal.operations.audit import Actor
    from portal.operations.offers import issue_offer

    provider = make_provider()
    issue_offer(provider, "farmaceutische_zorg", 2024, Actor("m", "contract_manager"))
    user = make_user("provider_signatory", provider)
    switch(client, auth, "en")
    auth.login(user)  # the choice survives logging in
    html = text(client, "/zorgaanbieder/aanbiedingen")
    english(html)
    for phrase in ("Offers and contracts", "Mirror information", "Current and past contracts",
                   "Respond by", "Negotiable", "AGB code", ">offered</span>", "Log out"):
        assert phrase in html, phrase
    assert "Aanbiedingen en overeenkomsten" not in html and "Uitloggen" not in html

    profile = text(client, "/zorgaanbieder/profiel")
    english(profile)
    assert "Mirror information: your pharmacy profile" in profile


def test_a_manager_page_in_english(client, auth, make_provider, make_user):
    from portal.operations.audit import Actor
    from portal.operations.offers import issue_offer

    issue_offer(make_provider(), "farmaceutische_zorg", 2024, Actor("m", "contract_manager"))
    auth.login(make_user("contract_manager"))
    switch(client, auth, "en", "/beheer/")
    html = text(client, "/beheer/")
    english(html)
    for phrase in ("Procurement dashboard", "Upcoming milestones", "Offers by contract and status",
                   "Care providers", "Issue offers", "Simulation date", "in negotiation",
                   "Agreement and type of care provider"):
        assert phrase in html, phrase
    assert "Volgende mijlpalen" not in html and "in onderhandeling" not in html

    register = text(client, "/beheer/zorgaanbieders")
    english(register)
    assert "1 care provider found." in register and "Search by name, AGB code or city" in register

    clock = text(client, "/beheer/simulatiedatum")
    assert 'placeholder="dd-mm-yyyy"' in clock and "Simulation date (dd-mm-yyyy)" in clock

    switch(client, auth, "nl", "/beheer/")
    html = text(client, "/beheer/")
    dutch(html)
    assert "Dashboard zorginkoop" in html and "in onderhandeling" in html
