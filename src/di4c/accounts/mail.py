"""E-mails about a person's own account: the link that confirms a new account, and the notice
that an account already uses an address. Sent after the commit, in the language chosen on the
form; a mail server that is down is logged, never turned into an error page."""

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

logger = logging.getLogger(__name__)


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send(*, to: str, language: str, template: str, context: dict) -> int:
    try:
        with translation.override(language or settings.LANGUAGE_CODE):
            subject = render_to_string(f"accounts/{template}_subject.txt", context).strip()
            body = render_to_string(f"accounts/{template}_email.txt", context)
        # A header must be one line, whatever a name holds.
        return send_mail(" ".join(subject.split()), body, None, [to])
    except Exception:
        logger.exception("Account e-mail %r not sent", template)
        return 0


def send_registration_confirmation(*, email: str, full_name: str, language: str, link: str):
    context = {
        "full_name": full_name,
        "link": link,
        "hours": settings.PASSWORD_RESET_TIMEOUT // 3600,
    }
    return _send(to=email, language=language, template="registration_confirm", context=context)


def send_registration_exists(*, email: str, language: str):
    context = {
        "login_url": absolute_url(reverse("accounts:login")),
        "reset_url": absolute_url(reverse("accounts:password_reset")),
    }
    return _send(to=email, language=language, template="registration_exists", context=context)
