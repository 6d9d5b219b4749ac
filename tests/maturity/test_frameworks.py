"""Framework files: the shipped ones are valid, and every kind of mistake is reported with its
place, with nothing installed."""

import textwrap

import pytest

from di4c.maturity.frameworks import (
    FrameworkFileError,
    builtin_files,
    check_text,
    load_text,
)
from di4c.maturity.models import Framework, Indicator

GOOD = textwrap.dedent(
    """\
    code: tiny
    version: 1
    name: Tiny framework
    scoring: weighted_mean
    scale: levels
    levels: [{name: L0}, {name: L1}, {name: L2}, {name: L3}, {name: L4}]
    dimensions:
      - code: AA
        name: First
        indicators:
          - code: AA1
            weight: 2
            question: Is there a plan?
            levels: [a, b, c, d, e]
            evidence: [a, b, c, d, e]
          - code: AA2
            weight: 1
            question: Is it used?
            levels: [a, b, c, d, e]
            evidence: [a, b, c, d, e]
    """
)


def problems_of(text: str) -> list[str]:
    with pytest.raises(FrameworkFileError) as error:
        check_text(text)
    return [str(problem) for problem in error.value.problems]


def test_shipped_frameworks_are_valid():
    files = {path.name: check_text(path.read_text()) for path in builtin_files()}
    city = files["di4c-city-v1.yaml"]
    assert 7 <= len(city["dimensions"]) <= 8
    assert all(4 <= len(d["indicators"]) <= 6 for d in city["dimensions"])
    codes = {d["code"] for d in city["dimensions"]}
    assert {"SG", "PS", "DI", "IC", "SK", "CE", "IE", "CS"} <= codes
    for clean in files.values():
        for dimension in clean["dimensions"]:
            for indicator in dimension["indicators"]:
                assert set(indicator["levels_i18n"]) == {"ro", "it"}, indicator["code"]
                assert set(indicator["evidence_i18n"]) == {"ro", "it"}, indicator["code"]
    website = files["city-website-v1.yaml"]
    assert website["scoring"] == "yes_share" and website["scale"] == "yes_no"


def test_duplicate_indicator_code_is_reported_with_its_line():
    text = GOOD.replace("code: AA2", "code: AA1")
    assert problems_of(text) == [
        "line 16, indicator AA1: duplicate indicator code (first on line 11)"
    ]


def test_missing_level_descriptor_is_reported():
    text = GOOD.replace(
        "levels: [a, b, c, d, e]\n        evidence: [a, b, c, d, e]\n      - code: AA2",
        "levels: [a, b, c, d]\n        evidence: [a, b, c, d, e]\n      - code: AA2",
    )
    assert problems_of(text) == ["line 11, indicator AA1: level descriptor 4 is missing"]


def test_weight_that_does_not_parse_is_reported():
    assert problems_of(GOOD.replace("weight: 2", "weight: heavy")) == [
        "line 11, indicator AA1: weight 'heavy' is not a number"
    ]
    assert problems_of(GOOD.replace("weight: 2", "weight: -1")) == [
        "line 11, indicator AA1: weight -1 must be a number from 0.01 to 9999.99"
    ]


def test_every_problem_is_listed_at_once():
    text = GOOD.replace("scoring: weighted_mean", "scoring: average").replace(
        "weight: 1", "weight: x"
    )
    problems = problems_of(text)
    assert len(problems) == 2
    assert problems[0].startswith("line 1, scoring: unknown rule 'average'")


def test_broken_yaml_says_where():
    problems = problems_of("code: x\n  bad: [\n")
    assert problems[0].startswith("line ")
    assert "not valid YAML" in problems[0]


@pytest.mark.django_db
def test_loading_installs_once_and_versions_are_immutable():
    framework, created = load_text(GOOD)
    assert created and framework.indicators.count() == 2
    assert load_text(GOOD) == (framework, False)
    with pytest.raises(FrameworkFileError):
        load_text(GOOD.replace("Is there a plan?", "Is there a strategy?"))
    second, created = load_text(
        GOOD.replace("version: 1", "version: 2").replace("Is there a plan?", "Is there a strategy?")
    )
    assert created
    assert Indicator.objects.get(framework=framework, code="AA1").question == "Is there a plan?"
    assert Framework.objects.filter(code="tiny").count() == 2


@pytest.mark.django_db
def test_a_bad_file_installs_nothing():
    with pytest.raises(FrameworkFileError):
        load_text(GOOD.replace("code: AA2", "code: AA1"))
    assert not Framework.objects.exists()


def test_level_translations_are_checked_and_used(db):
    from django.utils import translation

    translated = GOOD.replace(
        "        evidence: [a, b, c, d, e]\n      - code: AA2",
        "        evidence: [a, b, c, d, e]\n"
        "        levels_i18n: {ro: [ra, rb, rc, rd, re]}\n"
        "        evidence_i18n: {ro: [ea, eb, ec, ed, ee]}\n"
        "      - code: AA2",
    )
    assert "levels_i18n" in translated
    with pytest.raises(FrameworkFileError) as error:
        check_text(translated.replace("[ra, rb, rc, rd, re]", "[ra, rb]"))
    assert "'levels_i18n' ro must list 5 texts" in str(error.value)
    framework, _created = load_text(translated)
    indicator = framework.indicators.get(code="AA1")
    with translation.override("ro"):
        assert indicator.level_options()[1] == (1, "rb", "eb")
    with translation.override("it"):
        assert indicator.level_options()[1] == (1, "b", "b")
