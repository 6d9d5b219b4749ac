"""The skills framework: DigComp 2.2's five areas and 21 competences plus areas specific to
public administration, each competence described at eight proficiency levels. Loaded from
versioned YAML (capacity/frameworks.py); a loaded version never changes."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from di4c.core.i18n import Localized, TranslationsField, current_language

LEVEL_MIN, LEVEL_MAX = 1, 8

# DigComp's four bands of two levels each.
BANDS = (
    ("foundation", pgettext_lazy("proficiency band", "Foundation"), (1, 2)),
    ("intermediate", pgettext_lazy("proficiency band", "Intermediate"), (3, 4)),
    ("advanced", pgettext_lazy("proficiency band", "Advanced"), (5, 6)),
    ("specialised", pgettext_lazy("proficiency band", "Highly specialised"), (7, 8)),
)


def band_of(level: int) -> str:
    """The band's translated name for a level from 1 to 8."""
    for _code, name, levels in BANDS:
        if level in levels:
            return str(name)
    return ""


class AreaKind(models.TextChoices):
    DIGCOMP = "digcomp", _("DigComp 2.2")
    PUBLIC_ADMINISTRATION = "public_administration", _("Public administration")


class SkillsFramework(models.Model):
    code = models.SlugField(_("code"), max_length=60)
    version = models.PositiveIntegerField(_("version"))
    name = models.CharField(_("name"), max_length=200)
    name_i18n = TranslationsField()
    description = models.TextField(_("description"), blank=True)
    description_i18n = TranslationsField()
    # The default target profiles the framework suggests: [{code, name, name_i18n, targets}].
    suggested_roles = models.JSONField(default=list, blank=True)
    source_sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("skills framework")
        verbose_name_plural = _("skills frameworks")
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="skills_framework_version")
        ]

    def __str__(self) -> str:
        return f"{self.display_name} (v{self.version})"

    display_name = Localized("name")
    display_description = Localized("description")


class SkillArea(models.Model):
    framework = models.ForeignKey(SkillsFramework, on_delete=models.CASCADE, related_name="areas")
    code = models.CharField(_("code"), max_length=10)
    kind = models.CharField(_("kind"), max_length=24, choices=AreaKind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_i18n = TranslationsField()
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("competence area")
        verbose_name_plural = _("competence areas")
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="skill_area_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    display_name = Localized("name")


class Competence(models.Model):
    framework = models.ForeignKey(
        SkillsFramework, on_delete=models.CASCADE, related_name="competences"
    )
    area = models.ForeignKey(SkillArea, on_delete=models.CASCADE, related_name="competences")
    code = models.CharField(_("code"), max_length=10)
    name = models.CharField(_("name"), max_length=200)
    name_i18n = TranslationsField()
    summary = models.TextField(_("summary"), blank=True)
    summary_i18n = TranslationsField()
    # Eight texts, for levels 1 to 8: what a person at that level can do.
    level_descriptors = models.JSONField(default=list)
    level_descriptors_i18n = models.JSONField(default=dict, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("competence")
        verbose_name_plural = _("competences")
        ordering = ["framework", "position"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="competence_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    display_name = Localized("name")
    display_summary = Localized("summary")

    def descriptor(self, level: int) -> str:
        """What a person at `level` (1-8) can do, in the reader's language."""
        texts = (self.level_descriptors_i18n or {}).get(current_language()) or (
            self.level_descriptors
        )
        return texts[level - 1] if LEVEL_MIN <= level <= len(texts) else ""

    def level_options(self) -> list[tuple[int, str, str]]:
        """(level, band, descriptor) for the eight levels."""
        return [(level, band_of(level), self.descriptor(level)) for level in range(1, 9)]
