"""Service feedback: people rate a published service 1–5, with an optional comment.

The average rating becomes the service's satisfaction figure in the catalogue, as a percentage
of the scale (1 out of 5 is 0 %, 5 out of 5 is 100 %), recomputed on every rating.
"""

from django.conf import settings
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

FEEDBACK_COMMENT_MAX = 1000


class ServiceRating(models.Model):
    service = models.ForeignKey(
        "services.PublicService", on_delete=models.CASCADE, related_name="ratings"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    rating = models.PositiveSmallIntegerField(
        _("your rating (1–5)"), validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(
        _("comment (optional)"),
        blank=True,
        max_length=FEEDBACK_COMMENT_MAX,
        validators=[MaxLengthValidator(FEEDBACK_COMMENT_MAX)],
    )
    # Comments are shown to the city at once and to the public once published by it.
    comment_published = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("service rating")
        verbose_name_plural = _("service ratings")
        ordering = ["service", "-updated_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["service", "user"],
                condition=Q(user__isnull=False),
                name="service_rated_once_per_person",
            ),
            models.CheckConstraint(
                condition=Q(rating__gte=1, rating__lte=5), name="service_rating_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}/5"
