from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from di4c.core.forms import HoneypotMixin


class EmailAuthenticationForm(AuthenticationForm):
    # No autofocus: the first Tab must reach the "skip to main content" link.
    username = forms.EmailField(
        label=_("E-mail address"),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def get_invalid_login_error(self):
        # The right password of an account whose address is not confirmed yet: say so, rather
        # than "wrong password" (a wrong password reveals nothing about the account).
        from di4c.accounts import services

        if not getattr(self.request, "axes_locked_out", False) and services.awaits_confirmation(
            self.cleaned_data.get("username", ""), self.cleaned_data.get("password", "")
        ):
            return ValidationError(
                _(
                    "Confirm your e-mail address first: follow the link in the e-mail we sent "
                    "you when you registered. No e-mail? Register again with the same address "
                    "to receive a new link."
                ),
                code="inactive",
            )
        return super().get_invalid_login_error()


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role.value, role.label) for role in roles]


class InvitationAcceptForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    password = forms.CharField(
        label=_("Password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )

    def __init__(self, *args, email: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean_password(self):
        password = self.cleaned_data["password"]
        from di4c.accounts.models import User

        password_validation.validate_password(
            password, User(email=self.email, full_name=self.cleaned_data.get("full_name", ""))
        )
        return password


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Token name"),
        max_length=100,
        help_text=_("What the token is for, e.g. 'reporting script'."),
    )


class RegistrationForm(HoneypotMixin, forms.Form):
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        help_text=_("We send a link to this address to confirm it."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password_confirm = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("The same password, to be sure it is typed as you meant."),
    )
    language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        help_text=_("The language of the e-mails di4c sends you."),
    )
    accept_privacy = forms.BooleanField(
        label=_("I have read the privacy notice and accept it"),
        error_messages={"required": _("Accept the privacy notice to create an account.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = translation.get_language() or settings.LANGUAGE_CODE
        codes = {code for code, _name in settings.LANGUAGES}
        self.fields["language"].initial = current if current in codes else settings.LANGUAGE_CODE
        # The notice is a section of the registration page (Django renders help texts as HTML).
        self.fields["accept_privacy"].help_text = format_html(
            '<a href="#privacy">{}</a>', _("Read the privacy notice")
        )

    def clean_full_name(self):
        name = " ".join(self.cleaned_data["full_name"].split())
        if not name:
            raise ValidationError(_("Enter your name."))
        return name

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        cleaned = super().clean()
        password = cleaned.get("password")
        confirm = cleaned.get("password_confirm")
        if password and confirm and password != confirm:
            self.add_error("password_confirm", _("The two passwords differ: type them again."))
        elif password:
            from di4c.accounts.models import User

            probe = User(email=cleaned.get("email", ""), full_name=cleaned.get("full_name", ""))
            try:
                password_validation.validate_password(password, probe)
            except ValidationError as error:
                self.add_error("password", error)
        return cleaned


class AccountDeleteForm(forms.Form):
    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text=_("To be sure it is you."),
    )
    confirm = forms.BooleanField(
        label=_("I understand that my account is deleted for good and cannot be restored"),
        error_messages={"required": _("Tick the box to confirm the deletion.")},
    )
