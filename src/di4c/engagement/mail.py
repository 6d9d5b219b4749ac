"""E-mails to the people who take part: the city's answer to an idea, a hidden idea or comment,
and single-use invitation links. Each in the recipient's language, sent after the commit;
a mail server that is down is logged, never turned into an error page."""

import functools
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation

logger = logging.getLogger(__name__)


def never_fails(send):
    @functools.wraps(send)
    def wrapper(*args, **kwargs):
        try:
            return send(*args, **kwargs)
        except Exception:
            logger.exception("Engagement e-mail not sent")
            return 0

    return wrapper


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _send(*, to: str, language: str, template: str, context: dict) -> int:
    with translation.override(language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"engagement/mail/{template}_subject.txt", context).strip()
        body = render_to_string(f"engagement/mail/{template}.txt", context)
    return send_mail(" ".join(subject.split()), body, None, [to])


@never_fails
def send_idea_answered(*, idea) -> int:
    author = idea.author
    if author is None or not author.email or not author.is_active:
        return 0
    context = {"idea": idea, "url": _absolute(idea.get_absolute_url()), "user": author}
    return _send(
        to=author.email, language=author.language, template="idea_answered", context=context
    )


@never_fails
def send_content_hidden(*, idea, comment=None) -> int:
    author = comment.author if comment is not None else idea.author
    if author is None or not author.email or not author.is_active:
        return 0
    context = {
        "idea": idea,
        "comment": comment,
        "reason": (comment or idea).hidden_reason,
        "url": _absolute(idea.get_absolute_url()),
        "user": author,
    }
    return _send(to=author.email, language=author.language, template="hidden", context=context)


@never_fails
def send_consultation_invitations(
    *, consultation, links: list[tuple[str, str]], language: str
) -> int:
    """`links`: (e-mail address, absolute single-use link) pairs."""
    sent = 0
    for email, link in links:
        context = {"consultation": consultation, "url": link}
        sent += _send(to=email, language=language, template="invitation", context=context)
    return sent
