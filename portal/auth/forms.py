from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Email, EqualTo, Length

from ..operations.accounts import MIN_PASSWORD


class LoginForm(FlaskForm):
    email = EmailField(_l("E-mailadres"), validators=[DataRequired(_l("Vul uw e-mailadres in.")),
                                                      Email(_l("Dit is geen geldig e-mailadres.")),
                                                      Length(max=200)])
    password = PasswordField(_l("Wachtwoord"), validators=[DataRequired(_l("Vul uw wachtwoord in."))])


class SetPasswordForm(FlaskForm):
    password = PasswordField(_l("Nieuw wachtwoord"), validators=[
        DataRequired(_l("Kies een wachtwoord.")),
        Length(min=MIN_PASSWORD, max=200,
               message=_l("Kies een wachtwoord van ten minste 12 tekens."))],
        description=_l("Ten minste 12 tekens; een zin van een paar woorden werkt goed."))
    repeat = PasswordField(_l("Herhaal het wachtwoord"), validators=[
        DataRequired(_l("Herhaal het wachtwoord.")),
        EqualTo("password", message=_l("De twee wachtwoorden zijn niet gelijk."))])
