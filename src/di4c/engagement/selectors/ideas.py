"""The reads of ideas: the city's list (sorted and filtered), an idea's page with its journey,
and the moderators' queue. Hidden content is left out for everyone but its author and the
city's moderators."""

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from di4c.engagement.models import Comment, Flag, Idea, IdeaStatusChange, Support

SORTS = {"new": ("-created_at", "-pk"), "supported": ("-support_count", "-created_at", "-pk")}


def _visible(rows: QuerySet, user, *, moderator: bool) -> QuerySet:
    if moderator:
        return rows
    if user is not None and user.is_authenticated:
        return rows.filter(Q(hidden_at__isnull=True) | Q(author=user))
    return rows.filter(hidden_at__isnull=True)


def ideas_of(
    organisation, *, user=None, moderator: bool = False, status: str = "", sort: str = "new"
) -> QuerySet[Idea]:
    rows = _visible(Idea.objects.filter(organisation=organisation), user, moderator=moderator)
    if status:
        rows = rows.filter(status=status)
    rows = rows.select_related("organisation", "author", "action", "plan", "service").annotate(
        support_count=Count("supports", distinct=True),
        comment_count=Count("comments", filter=Q(comments__hidden_at__isnull=True), distinct=True),
    )
    if moderator:
        rows = rows.annotate(
            open_flags=Count("flags", filter=Q(flags__resolved_at__isnull=True), distinct=True)
        )
    return rows.order_by(*SORTS.get(sort, SORTS["new"]))


def status_counts(organisation) -> dict[str, int]:
    return dict(
        Idea.objects.filter(organisation=organisation, hidden_at__isnull=True)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )


def idea_page(pk: int, organisation, *, user=None, moderator: bool = False) -> Idea:
    """The idea with its comments (as the visitor may see them), its journey and whether the
    visitor supports it; raises Idea.DoesNotExist when the visitor may not see it."""
    comments = _visible(Comment.objects.select_related("author"), user, moderator=moderator)
    rows = (
        _visible(Idea.objects.filter(organisation=organisation), user, moderator=moderator)
        .select_related("organisation", "author", "action__plan", "plan", "service")
        .prefetch_related(
            Prefetch("comments", queryset=comments.order_by("created_at", "pk")),
            Prefetch(
                "status_changes",
                queryset=IdeaStatusChange.objects.select_related("action").order_by(
                    "changed_at", "pk"
                ),
            ),
        )
        .annotate(support_count=Count("supports", distinct=True))
    )
    if user is not None and user.is_authenticated:
        rows = rows.annotate(
            supported=Exists(Support.objects.filter(idea=OuterRef("pk"), user=user))
        )
    if moderator:
        rows = rows.prefetch_related(
            Prefetch(
                "flags",
                queryset=Flag.objects.filter(resolved_at__isnull=True)
                .select_related("comment__author")
                .order_by("created_at"),
                to_attr="open_flag_list",
            )
        )
    return rows.get(pk=pk)


@dataclass
class ModerationQueue:
    flags: list[Flag]
    new_ideas: int
    hidden_ideas: int


def moderation_queue(organisation) -> ModerationQueue:
    """Open reports, oldest first, with what they point at; and the ideas waiting for an
    answer."""
    flags = list(
        Flag.objects.filter(idea__organisation=organisation, resolved_at__isnull=True)
        .select_related("idea", "comment", "comment__author", "idea__author")
        .order_by("created_at", "pk")[:200]
    )
    counts = Idea.objects.filter(organisation=organisation).aggregate(
        new=Count("pk", filter=Q(status="new", hidden_at__isnull=True)),
        hidden=Count("pk", filter=Q(hidden_at__isnull=False)),
    )
    return ModerationQueue(flags=flags, new_ideas=counts["new"], hidden_ideas=counts["hidden"])
