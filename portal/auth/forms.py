from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..operations.passwords import MAX_PASSWORD, MIN_PASSWORD


def _email():
    return EmailField(_l("E-mailadres"), validators=[DataRequired(_l("Vul uw e-mailadres in.")),
                                                     Email(_l("Dit is geen geldig e-mailadres.")),
                                                     Length(max=200)])


class LoginForm(FlaskForm):
    email = _email()
    password = PasswordField(_l("Wachtwoord"), validators=[DataRequired(_l("Vul uw wachtwoord in.")),
                                                           Length(max=MAX_PASSWORD * 4)])


class CodeForm(FlaskForm):
    code = StringField(_l("Code"), validators=[DataRequired(_l("Vul de code in.")), Length(max=40)],
                       description=_l("De zes cijfers uit uw authenticator-app, of een van uw "
                                      "herstelcodes (zoals k3m9-x2pq-7hd4)."))


class NewPasswordForm(FlaskForm):
    """A new password and its repetition; the rules themselves are checked by the operation
    (operations.passwords), so every way in refuses the same passwords."""

    password = PasswordField(_l("Nieuw wachtwoord"), validators=[
        DataRequired(_l("Kies een wachtwoord.")), Length(max=MAX_PASSWORD)],
        description=_l("Ten minste %(n)d tekens; een zin van een paar woorden werkt goed. "
                       "Veelgebruikte wachtwoorden worden geweigerd.", n=MIN_PASSWORD))
    repeat = PasswordField(_l("Herhaal het wachtwoord"), validators=[
        DataRequired(_l("Herhaal het wachtwoord.")),
        EqualTo("password", message=_l("De twee wachtwoorden zijn niet gelijk."))])


SetPasswordForm = NewPasswordForm


class ChangePasswordForm(NewPasswordForm):
    current = PasswordField(_l("Huidig wachtwoord"), validators=[
        DataRequired(_l("Vul uw huidige wachtwoord in.")), Length(max=MAX_PASSWORD * 4)])


class ForgotPasswordForm(FlaskForm):
    email = _email()
