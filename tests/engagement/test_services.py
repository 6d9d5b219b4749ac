"""The engagement services and selectors: the stakeholder map kept by a city's editors, contact
details only with a recorded consent (in the model and in the database), erasure that keeps the
anonymous facts and leaves nothing personal anywhere, who may do what, the export, the matrix
and the ecosystem."""

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from di4c.engagement import selectors, services
from di4c.engagement.models import Sector, Stakeholder

pytestmark = pytest.mark.django_db

ALLOWED = ("botosani-editor", "botosani-coordinator", "admin")
DENIED = ("local-group", "coordinator", "messina-editor", "citizen")
# Values found nowhere else in the demo: after erasure, none may be left in the database.
PERSONAL = {
    "contact_name": "Zamfira Qwertescu",
    "email": "zamfira.qwertescu@example.org",
    "phone": "+40 231 987 654 321",
    "description": "Zamfira's private notes: prefers calls after 6 pm",
    "consent_given_on": dt.date(2020, 1, 24),
    "consent_purpose": "Invitations to the Qwertescu local group meetings",
    "consent_method": "written",
}
CONSENT = {name: PERSONAL[name] for name in PERSONAL if name.startswith("consent_")}
CONSENT_FIELDS = {"consent_given_on", "consent_purpose", "consent_method"}


def fields(**overrides) -> dict:
    return {
        "kind": "organisation",
        "name": "Camera de Comerț și Industrie Botoșani",
        "sector": "business",
        "influence": 4,
        "interest": 3,
        "local_group_role": "core",
        **overrides,
    }


@pytest.fixture
def editor(demo_user):
    return demo_user("botosani-editor")


@pytest.fixture
def create(botosani, editor):
    def make(actor=None, organisation=None, **overrides) -> Stakeholder:
        return services.stakeholder_create(
            actor=actor or editor, organisation=organisation or botosani, data=fields(**overrides)
        )

    return make


@pytest.fixture
def person(create):
    """A citizen of the local group with contact details and their consent."""
    return create(kind="person", name="Zamfira Qwertescu", sector="citizen", **PERSONAL)


def error_fields(excinfo) -> set[str]:
    return set(excinfo.value.message_dict)


# --- create and update, with and without consent ------------------------------------------------


def test_a_stakeholder_without_contact_details_needs_no_consent(create, botosani, editor):
    stakeholder = create()
    assert stakeholder.pk and stakeholder.organisation == botosani
    assert stakeholder.updated_by == editor and not stakeholder.has_contact
    assert stakeholder.consent_given_on is None and stakeholder.erased_at is None


def test_contact_details_are_kept_with_their_consent(person):
    person.refresh_from_db()
    for name, value in PERSONAL.items():
        assert getattr(person, name) == value
    assert person.has_contact


@pytest.mark.parametrize(
    "contact",
    [
        {"email": "someone@example.org"},
        {"phone": "+40 231 000 000"},
        {"contact_name": "Someone Fictional"},
    ],
)
def test_contact_details_without_consent_are_refused(create, contact):
    with pytest.raises(ValidationError) as excinfo:
        create(**contact)
    assert error_fields(excinfo) >= CONSENT_FIELDS
    assert not Stakeholder.objects.exists()


@pytest.mark.parametrize("missing", sorted(CONSENT_FIELDS))
def test_every_part_of_the_consent_is_needed(create, missing):
    consent = {**CONSENT, missing: None if missing == "consent_given_on" else ""}
    with pytest.raises(ValidationError) as excinfo:
        create(email="someone@example.org", **consent)
    assert error_fields(excinfo) == {missing}


def test_the_database_refuses_contact_details_without_consent(botosani):
    # Even a write that skips the model's checks cannot store them.
    for contact in ({"email": "a@example.org"}, {"phone": "1"}, {"contact_name": "A"}):
        with pytest.raises(IntegrityError), transaction.atomic():
            Stakeholder.objects.create(organisation=botosani, **fields(**contact))
    with pytest.raises(IntegrityError), transaction.atomic():
        Stakeholder.objects.create(
            organisation=botosani,
            **fields(email="a@example.org", consent_given_on=dt.date(2020, 1, 1)),
        )
    assert not Stakeholder.objects.exists()


@pytest.mark.parametrize("field", ["influence", "interest"])
def test_the_database_refuses_scores_out_of_range(botosani, field):
    for value in (0, 6):
        with pytest.raises(IntegrityError), transaction.atomic():
            Stakeholder.objects.create(organisation=botosani, **fields(**{field: value}))


def test_a_consent_cannot_be_given_in_the_future(create):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as excinfo:
        create(email="someone@example.org", **{**CONSENT, "consent_given_on": tomorrow})
    assert error_fields(excinfo) == {"consent_given_on"}
    # Today is fine.
    create(email="someone@example.org", **{**CONSENT, "consent_given_on": timezone.localdate()})


@pytest.mark.parametrize("field", ["influence", "interest"])
@pytest.mark.parametrize("value", [0, 6, -1, 2**40])
def test_scores_are_from_one_to_five(create, field, value):
    with pytest.raises(ValidationError) as excinfo:
        create(**{field: value})
    assert error_fields(excinfo) == {field}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"sector": "press"}, "sector"),
        ({"kind": "robot"}, "kind"),
        ({"local_group_role": "boss"}, "local_group_role"),
        ({"name": ""}, "name"),
        ({"name": "Two\nlines"}, "name"),
        ({"name": "x" * 201}, "name"),
        ({"email": "not an address", **CONSENT}, "email"),
        ({"email": "a@example.org", **CONSENT, "consent_method": "telepathy"}, "consent_method"),
        ({"name": "nul\x00"}, "name"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_bad_input_is_a_field_error(create, overrides, field):
    with pytest.raises(ValidationError) as excinfo:
        create(**overrides)
    assert field in error_fields(excinfo)


def test_update_changes_the_fields_given(create, demo_user):
    stakeholder = create()
    coordinator = demo_user("botosani-coordinator")
    changed = services.stakeholder_update(
        actor=coordinator, stakeholder=stakeholder, data={"influence": 5, "interest": 3}
    )
    assert changed == ["influence"]
    stakeholder.refresh_from_db()
    assert stakeholder.influence == 5 and stakeholder.updated_by == coordinator
    assert services.stakeholder_update(actor=coordinator, stakeholder=stakeholder, data={}) == []


def test_update_adds_contact_details_only_with_consent(create, editor):
    stakeholder = create()
    with pytest.raises(ValidationError) as excinfo:
        services.stakeholder_update(
            actor=editor, stakeholder=stakeholder, data={"email": "a@example.org"}
        )
    assert error_fields(excinfo) >= CONSENT_FIELDS
    services.stakeholder_update(
        actor=editor, stakeholder=stakeholder, data={"email": "a@example.org", **CONSENT}
    )
    stakeholder.refresh_from_db()
    assert stakeholder.email == "a@example.org" and stakeholder.consent_method == "written"


def test_the_consent_cannot_go_while_the_contact_details_stay(person, editor):
    with pytest.raises(ValidationError) as excinfo:
        services.stakeholder_update(
            actor=editor, stakeholder=person, data={"consent_given_on": None}
        )
    assert error_fields(excinfo) == {"consent_given_on"}
    # Withdrawn consent: the contact details go with it.
    services.stakeholder_update(
        actor=editor,
        stakeholder=person,
        data={
            "contact_name": "",
            "email": "",
            "phone": "",
            "consent_given_on": None,
            "consent_purpose": "",
            "consent_method": "",
        },
    )
    person.refresh_from_db()
    assert not person.has_contact and person.consent_given_on is None


def test_update_refuses_null_and_unknown_fields(create, editor):
    stakeholder = create()
    for data, field in (({"name": None}, "name"), ({"organisation": 1}, "organisation")):
        with pytest.raises(ValidationError) as excinfo:
            services.stakeholder_update(actor=editor, stakeholder=stakeholder, data=data)
        assert error_fields(excinfo) == {field}


# --- erasure ----------------------------------------------------------------------------------


def _personal_values_in_database() -> list[tuple[str, str]]:
    """Every (table, value) of the whole database that holds one of the personal values."""
    needles = [str(value) for name, value in PERSONAL.items() if name != "consent_method"]
    needles.append(PERSONAL["consent_given_on"].isoformat())
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, memoryview | bytes):
                        value = bytes(value).decode("utf-8", "replace")
                    text = value.isoformat() if isinstance(value, dt.date) else str(value)
                    found.extend((table, needle) for needle in needles if needle in text)
    return found


def test_erasure_clears_the_personal_data_and_keeps_the_anonymous_facts(
    person, botosani, demo_user
):
    create_more = {"sector": "business"}
    services.stakeholder_create(
        actor=demo_user("admin"), organisation=botosani, data=fields(**create_more)
    )
    counts = selectors.sector_counts(botosani)
    assert counts == {"citizen": 1, "business": 1}
    assert _personal_values_in_database()  # the scan finds them while they are there
    coordinator = demo_user("botosani-coordinator")

    erased = services.stakeholder_erase(actor=coordinator, stakeholder=person)

    erased.refresh_from_db()
    assert erased.is_erased and erased.erased_at <= timezone.now()
    assert erased.name == f"Erased stakeholder no. {person.pk}"
    assert erased.updated_by == coordinator
    for name in services.PERSONAL_FIELDS:
        assert getattr(erased, name) in ("", None), name
    assert erased.consent_given_on is None and not erased.has_contact
    # The anonymous facts stay, and the city's reports count the same.
    assert (erased.kind, erased.sector, erased.influence, erased.interest) == (
        "person",
        "citizen",
        4,
        3,
    )
    assert erased.local_group_role == "core" and erased.organisation == botosani
    assert selectors.sector_counts(botosani) == counts
    # Nothing personal is left anywhere: neither in the row nor in any other table.
    row = Stakeholder.objects.filter(pk=person.pk).values().get()
    assert not any(
        str(value) in {str(v) for v in PERSONAL.values()} for value in row.values() if value
    )
    assert _personal_values_in_database() == []


def test_no_change_history_is_kept_of_stakeholders():
    history_models = [
        model
        for model in apps.get_models()
        if getattr(model, "instance_type", None) is Stakeholder
        or model._meta.model_name == "historicalstakeholder"
    ]
    assert history_models == []
    assert not hasattr(Stakeholder, "history")
    tables = connection.introspection.table_names()
    assert [table for table in tables if "stakeholder" in table] == ["engagement_stakeholder"]


def test_an_erased_record_can_no_longer_be_changed_nor_erased_again(person, editor):
    services.stakeholder_erase(actor=editor, stakeholder=person)
    with pytest.raises(ValidationError, match="erased"):
        services.stakeholder_update(actor=editor, stakeholder=person, data={"influence": 1})
    with pytest.raises(ValidationError, match="already erased"):
        services.stakeholder_erase(actor=editor, stakeholder=person)
    person.refresh_from_db()
    assert person.influence == 4


# --- who may do what --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ALLOWED)
def test_the_citys_editors_coordinators_and_the_admin_keep_the_map(who, create, demo_user):
    actor = demo_user(who)
    stakeholder = create(actor=actor)
    assert services.stakeholder_update(
        actor=actor, stakeholder=stakeholder, data={"interest": 5}
    ) == ["interest"]
    assert services.stakeholder_erase(actor=actor, stakeholder=stakeholder).is_erased


@pytest.mark.parametrize("who", DENIED)
def test_others_cannot_keep_the_map(who, create, botosani, demo_user):
    actor = demo_user(who)
    with pytest.raises(PermissionDenied):
        create(actor=actor)
    stakeholder = create()
    with pytest.raises(PermissionDenied):
        services.stakeholder_update(actor=actor, stakeholder=stakeholder, data={"interest": 5})
    with pytest.raises(PermissionDenied):
        services.stakeholder_erase(actor=actor, stakeholder=stakeholder)
    stakeholder.refresh_from_db()
    assert stakeholder.interest == 3 and not stakeholder.is_erased
    assert Stakeholder.objects.count() == 1


def test_an_anonymous_actor_cannot_write(create, botosani):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(PermissionDenied):
        services.stakeholder_create(actor=AnonymousUser(), organisation=botosani, data=fields())
    with pytest.raises(PermissionDenied):
        services.stakeholder_create(actor=None, organisation=botosani, data=fields())


def test_messinas_editor_keeps_messinas_map_only(create, messina, demo_user):
    marco = demo_user("messina-editor")
    assert create(actor=marco, organisation=messina).organisation == messina
    with pytest.raises(PermissionDenied):
        create(actor=marco)


@pytest.mark.parametrize(
    ("who", "view", "contacts"),
    [
        ("admin", True, True),
        ("botosani-coordinator", True, True),
        ("botosani-editor", True, True),
        ("local-group", True, False),
        ("coordinator", True, False),
        ("lead-expert", True, False),
        ("adhoc-expert", True, False),
        ("messina-editor", False, False),
        ("citizen", False, False),
    ],
)
def test_who_reads_the_map_and_its_contact_details(who, view, contacts, botosani, demo_user):
    user = demo_user(who)
    assert user.has_perm("engagement.view_stakeholders", botosani) is view
    for perm in ("view_contact_data", "export_personal_data", "erase_personal_data"):
        assert user.has_perm(f"engagement.{perm}", botosani) is contacts, perm


# --- the export -------------------------------------------------------------------------------


def test_the_export_holds_every_field(person, botosani):
    person.refresh_from_db()
    export = selectors.personal_data_export(person)
    assert export["controller"] == botosani.display_name
    assert dt.datetime.fromisoformat(export["exported_at"]) <= timezone.now()
    record = export["record"]
    model_fields = {
        field.name
        for field in Stakeholder._meta.concrete_fields
        if field.name not in ("organisation", "updated_by")
    }
    flat = {name for name in record if name != "consent"} | {
        f"consent_{name}" for name in record["consent"]
    }
    assert model_fields == flat
    assert record["id"] == person.pk and record["name"] == "Zamfira Qwertescu"
    for name in ("contact_name", "email", "phone", "description"):
        assert record[name] == PERSONAL[name]
    assert record["consent"] == {
        "given_on": "2020-01-24",
        "purpose": PERSONAL["consent_purpose"],
        "method": "written",
    }
    assert (record["sector"], record["influence"], record["interest"]) == ("citizen", 4, 3)
    assert record["erased_at"] is None
    assert record["created_at"] == person.created_at.isoformat()


def test_the_export_of_an_erased_record_holds_nothing_personal(person, editor):
    services.stakeholder_erase(actor=editor, stakeholder=person)
    person.refresh_from_db()
    record = selectors.personal_data_export(person)["record"]
    assert record["email"] == record["phone"] == record["contact_name"] == ""
    assert record["consent"] == {"given_on": None, "purpose": "", "method": ""}
    assert record["erased_at"] == person.erased_at.isoformat()


# --- the matrix and the ecosystem -------------------------------------------------------------

# name, sector, influence, interest, role
MAP = [
    ("A Direcția de Informatică", "public", 5, 5, "coordinator"),
    ("B Consiliul Județean", "public", 5, 1, "observer"),
    ("C Camera de Comerț", "business", 3, 3, "core"),
    ("D Furnizor de internet", "ict", 3, 2, ""),
    ("E Firmă de software", "ict", 2, 3, "member"),
    ("F Start-up", "entrepreneur", 1, 5, "member"),
    ("G Asociație", "civil_society", 2, 2, ""),
    ("H Vasile Turcu", "citizen", 1, 1, ""),
    ("I Second start-up", "entrepreneur", 1, 5, ""),
]


@pytest.fixture
def the_map(create):
    return {
        name: create(
            name=name,
            sector=sector,
            influence=influence,
            interest=interest,
            local_group_role=role,
        )
        for name, sector, influence, interest, role in MAP
    }


def test_the_power_interest_matrix(the_map, botosani, messina, create, demo_user):
    create(actor=demo_user("messina-editor"), organisation=messina, influence=5, interest=5)
    matrix = selectors.power_interest_matrix(botosani)
    assert [influence for influence, _cells in matrix.rows] == [5, 4, 3, 2, 1]
    grid = {
        (influence, interest): sorted(s.name[0] for s in cell)
        for influence, cells in matrix.rows
        for interest, cell in zip(selectors.SCALE, cells, strict=True)
    }
    assert grid[(5, 5)] == ["A"] and grid[(5, 1)] == ["B"] and grid[(3, 3)] == ["C"]
    assert grid[(1, 5)] == ["F", "I"] and grid[(1, 1)] == ["H"]
    assert sum(len(names) for names in grid.values()) == len(MAP)
    # High is 3 or more: A, C manage; B, D satisfy; E, F, I inform; G, H monitor.
    assert matrix.quadrants == {"manage": 2, "satisfy": 2, "inform": 3, "monitor": 2}


def test_the_ecosystem_groups_every_sector(the_map, botosani, editor):
    services.stakeholder_erase(actor=editor, stakeholder=the_map["H Vasile Turcu"])
    groups = selectors.ecosystem(botosani)
    assert [group.sector for group in groups] == list(Sector.values)
    by_sector = {group.sector: group for group in groups}
    assert [s.name[0] for s in by_sector["public"].stakeholders] == ["A", "B"]
    assert [s.name[0] for s in by_sector["ict"].stakeholders] == ["D", "E"]
    assert [s.name[0] for s in by_sector["entrepreneur"].stakeholders] == ["F", "I"]
    assert by_sector["academia"].stakeholders == []  # a gap
    assert {group.sector: group.in_local_group for group in groups} == {
        "public": 2,
        "business": 1,
        "entrepreneur": 1,
        "civil_society": 0,
        "academia": 0,
        "ict": 1,
        "citizen": 0,
    }
    assert len(by_sector["citizen"].stakeholders) == 1  # erased, still counted
    assert selectors.sector_counts(botosani) == {
        "public": 2,
        "business": 1,
        "ict": 2,
        "entrepreneur": 2,
        "civil_society": 1,
        "citizen": 1,
    }


def test_the_list_filters_by_sector_and_name(the_map, botosani):
    assert [s.name[0] for s in selectors.stakeholders_of(botosani, sector="ict")] == ["D", "E"]
    assert [s.name[0] for s in selectors.stakeholders_of(botosani, text="start-up")] == ["F", "I"]
    assert list(selectors.stakeholders_of(botosani, sector="academia")) == []
