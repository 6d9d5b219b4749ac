"""The skills framework file: what di4c ships, and how a bad file is reported."""

import pytest

from di4c.capacity.frameworks import builtin_files, check_text, load_text
from di4c.capacity.models import AreaKind, Competence, SkillsFramework
from di4c.maturity.frameworks import FrameworkFileError

pytestmark = pytest.mark.django_db


def test_the_shipped_framework_has_digcomp_and_public_administration_areas(framework):
    assert (framework.code, framework.version) == ("di4c-skills", 1)
    areas = list(framework.areas.all())
    digcomp = [a for a in areas if a.kind == AreaKind.DIGCOMP]
    public = [a for a in areas if a.kind == AreaKind.PUBLIC_ADMINISTRATION]
    assert [a.code for a in digcomp] == ["1", "2", "3", "4", "5"]
    assert len(public) == 3
    counts = {a.code: a.competences.count() for a in digcomp}
    # DigComp 2.2: 3 + 6 + 4 + 4 + 4 = 21 competences.
    assert counts == {"1": 3, "2": 6, "3": 4, "4": 4, "5": 4}
    assert framework.competences.count() == 30


def test_every_competence_has_eight_levels_in_english_romanian_and_italian(framework):
    for competence in Competence.objects.filter(framework=framework):
        assert len(competence.level_descriptors) == 8, competence.code
        for language in ("ro", "it"):
            texts = competence.level_descriptors_i18n[language]
            assert len(texts) == 8 and all(t.strip() for t in texts), (competence.code, language)
            assert competence.name_i18n[language] and competence.summary_i18n[language]
        # Levels are distinct descriptions, not one text repeated.
        assert len(set(competence.level_descriptors)) == 8


def test_descriptors_follow_the_reader_language(framework):
    from django.utils import translation

    competence = framework.competences.get(code="6.2")
    with translation.override("ro"):
        romanian = competence.descriptor(1)
    assert romanian == competence.level_descriptors_i18n["ro"][0]
    assert competence.descriptor(1) == competence.level_descriptors[0]
    assert [level for level, _band, _text in competence.level_options()] == list(range(1, 9))
    assert competence.level_options()[7][1] == "Highly specialised"


def test_suggested_roles_have_a_target_for_every_competence(framework):
    roles = {role["code"]: role for role in framework.suggested_roles}
    assert set(roles) == {"front_office", "back_office", "department_head", "it_staff"}
    codes = set(framework.competences.values_list("code", flat=True))
    for role in roles.values():
        assert set(role["targets"]) == codes
        assert all(1 <= level <= 8 for level in role["targets"].values())
    assert roles["it_staff"]["targets"]["3.4"] == 6
    assert roles["front_office"]["targets"]["6.2"] == 5


def test_loading_the_same_file_again_changes_nothing(framework):
    text = builtin_files()[0].read_text(encoding="utf-8")
    again, created = load_text(text)
    assert not created and again.pk == framework.pk
    with pytest.raises(FrameworkFileError, match="raise the version number"):
        load_text(text.replace("Netiquette", "Net etiquette", 1))
    assert SkillsFramework.objects.count() == 1


SMALL = """
code: tiny
version: 1
name: Tiny
roles:
  - code: clerk
    name: Clerk
    default: 9
    targets: {"1.1": 0, "7.7": 3}
areas:
  - code: "1"
    kind: digcomp
    name: One
    competences:
      - code: "1.1"
        name: First
        levels: [a, b, c, d, e, f, g]
      - code: "1.1"
        name: Again
        levels: [a, b, c, d, e, f, g, h]
  - code: "2"
    kind: other
    name: Two
    competences: []
"""


def test_a_bad_file_reports_every_problem_with_its_place():
    with pytest.raises(FrameworkFileError) as caught:
        check_text(SMALL)
    messages = [str(problem) for problem in caught.value.problems]
    text = "\n".join(messages)
    assert "'levels' must list 8 texts" in text
    assert "duplicate competence code" in text
    assert "kind must be one of" in text
    assert "at least one competence is needed" in text
    assert "unknown competence '7.7'" in text
    assert "level 9 must be a whole number from 1 to 8" in text
    assert "level 0 must be a whole number from 1 to 8" in text
    assert all(message.startswith("line ") for message in messages if "levels" in message)


def test_the_command_checks_files_and_lists_every_problem(tmp_path, capsys):
    from django.core.management import CommandError, call_command

    call_command("skills_frameworks", "check")
    assert "di4c-skills v1, 8 areas, 30 competences, 4 roles" in capsys.readouterr().out
    bad = tmp_path / "bad.yaml"
    bad.write_text(SMALL, encoding="utf-8")
    with pytest.raises(CommandError, match="nothing was installed"):
        call_command("skills_frameworks", "load", str(bad))
    assert "duplicate competence code" in capsys.readouterr().err
    assert not SkillsFramework.objects.filter(code="tiny").exists()
