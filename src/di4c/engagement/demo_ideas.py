"""The demo's ideas for Botoșani and the ratings of its services
(data/demo_botosani_participation.yaml), written through the engagement services by the demo
citizens (posting, commenting, supporting, reporting, rating) and by the city editor
(answering, moderating), then dated back to when each thing happened."""

import datetime as dt
import random

from django.utils import timezone

from di4c.engagement import services
from di4c.engagement.demo_consultations import day_at
from di4c.engagement.models import (
    Comment,
    Flag,
    Idea,
    IdeaStatusChange,
    ServiceRating,
    Support,
)
from di4c.engagement.services.feedback import service_accepts_feedback


def load_idea(row: dict, *, people, editor, organisation, plan, supporters) -> Idea | None:
    """Create one idea with its comments, supports and answers; None if the city has it."""
    if Idea.objects.filter(organisation=organisation, title=row["title"]).exists():
        return None
    author = people[row["author"]]
    posted_at = day_at(row["posted_days_ago"], 18, 30)
    data = {"title": row["title"], "body": row["body"].strip()}
    if "service" in row:
        data["service"] = organisation.public_services.get(reference__code=row["service"])
    elif "hidden" not in row:
        data["plan"] = plan
    idea = services.idea_post(actor=author, organisation=organisation, data=data)
    last = posted_at

    for comment_row in row.get("comments", []):
        comment = services.comment_post(
            actor=people[comment_row["by"]], idea=idea, body=" ".join(comment_row["body"].split())
        )
        when = day_at(comment_row["days_ago"], 12 + comment.pk % 9, comment.pk % 60)
        Comment.objects.filter(pk=comment.pk).update(created_at=when)
        last = max(last, when)
        if "flag" in comment_row:
            flag_row = comment_row["flag"]
            flag = services.flag_create(
                actor=people[flag_row["by"]],
                idea=idea,
                comment=comment,
                reason=flag_row["reason"],
                note=flag_row.get("note", ""),
            )
            Flag.objects.filter(pk=flag.pk).update(created_at=when + dt.timedelta(hours=5))

    rng = random.Random(f"demo-idea-{row['title']}")
    chosen = rng.sample([person for person in supporters if person != author], row["supports"])
    for person in chosen:
        services.idea_support(actor=person, idea=idea)
    window = max((timezone.now() - posted_at).total_seconds(), 3600)
    for support in Support.objects.filter(idea=idea):
        share = min(rng.expovariate(4.0), 1.0)
        support.created_at = posted_at + dt.timedelta(seconds=60 + share * min(window, 40 * 86400))
    Support.objects.bulk_update(list(Support.objects.filter(idea=idea)), ["created_at"])

    for answer_row in row.get("answers", []):
        action = None
        if answer_row.get("action"):
            action = plan.actions.get(code=answer_row["action"])
        services.idea_answer(
            actor=editor,
            idea=idea,
            status=answer_row["status"],
            answer=" ".join(answer_row["answer"].split()),
            action=action,
        )
        when = day_at(answer_row["days_ago"], 11)
        change = IdeaStatusChange.objects.filter(idea=idea).order_by("-pk").first()
        IdeaStatusChange.objects.filter(pk=change.pk).update(changed_at=when)
        last = max(last, when)

    if "hidden" in row:
        hidden = row["hidden"]
        flag = services.flag_create(
            actor=people[hidden["reported_by"]], idea=idea, reason=hidden["report_reason"]
        )
        when = day_at(hidden["days_ago"], 9, 15)
        services.content_hide(actor=editor, idea=idea, reason=" ".join(hidden["reason"].split()))
        Flag.objects.filter(pk=flag.pk).update(
            created_at=when - dt.timedelta(hours=14), resolved_at=when
        )
        Idea.objects.filter(pk=idea.pk).update(hidden_at=when)
        last = max(last, when)

    Idea.objects.filter(pk=idea.pk).update(created_at=posted_at, updated_at=last)
    return idea


def load_ratings(row: dict, *, citizens, editor, organisation) -> int:
    """Rate one service by demo citizens, in order; the city publishes some comments."""
    service = organisation.public_services.filter(reference__code=row["service"]).first()
    if service is None or not service_accepts_feedback(service):
        return 0
    raters = citizens[row["first_citizen"] - 1 :]
    if ServiceRating.objects.filter(service=service, user__in=raters).exists():
        return 0
    first, last = row["days_ago"]
    entries = row["ratings"]
    created = 0
    for index, (entry, person) in enumerate(zip(entries, raters, strict=False)):
        entry = entry if isinstance(entry, dict) else {"rating": entry}
        rating = services.service_rate(
            actor=person, service=service, rating=entry["rating"], comment=entry.get("comment", "")
        )
        if entry.get("published"):
            services.rating_comment_publish(actor=editor, rating=rating, publish=True)
        days_ago = first - (first - last) * index / max(len(entries) - 1, 1)
        when = day_at(round(days_ago), 8 + (index * 5) % 14, (index * 17) % 60)
        ServiceRating.objects.filter(pk=rating.pk).update(created_at=when, updated_at=when)
        created += 1
    return created
