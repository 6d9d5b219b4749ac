import pytest
from django.utils import translation

from di4c.core.demo import load_demo
from di4c.networks.models import Network, Organisation

DEMO_PASSWORD = "demo-password-for-tests"
# DI4C's partners from phase 1 on (Limerick left before it), as the seeds name them.
DI4C_CURRENT_PARTNERS = {
    "messina",
    "roquetas-de-mar",
    "oulu",
    "saint-quentin",
    "ventspils-digital-centre",
    "portalegre",
    "botosani",
    "trikala",
}


@pytest.fixture
def demo(db):
    """The DI4C demo network, as `di4c demo` loads it, less the action plans, the meetings,
    the stakeholder map, the staff skills and the portal's content (`demo_plans`,
    `demo_meetings`, `demo_stakeholders` and `demo_portal` add them back, except the staff
    skills: tests/capacity/test_demo.py loads those)."""
    load_demo(
        DEMO_PASSWORD, plans=False, meetings=False, engagement=False, capacity=False, portal=False
    )
    return Network.objects.get(slug="di4c")


@pytest.fixture
def demo_plans(demo):
    """The demo with its action plans, exactly as `di4c demo` loads it."""
    from di4c.plans.demo import load_demo_plans

    load_demo_plans()
    return demo


@pytest.fixture
def demo_meetings(demo, settings, tmp_path):
    """The demo with its meetings (their documents and photos go to a temporary folder)."""
    from di4c.meetings.demo import load_demo_meetings

    settings.MEDIA_ROOT = tmp_path / "media"
    load_demo_meetings()
    return demo


@pytest.fixture
def demo_portal(demo_plans, demo_meetings):
    """The demo with its plans, its meetings and the portal's news, good practices and pages
    (their cover pictures go to the meetings' temporary media folder), search index rebuilt."""
    from di4c.portal.demo import load_demo_portal
    from di4c.portal.search.index import reindex_all

    load_demo_portal()
    reindex_all()
    return demo_plans


@pytest.fixture
def demo_stakeholders(demo):
    """The demo with Botoșani's stakeholder map (its local group and ecosystem)."""
    from di4c.engagement.demo import load_demo_stakeholders

    load_demo_stakeholders()
    return demo


@pytest.fixture
def botosani(demo):
    return Organisation.objects.get(slug="botosani")


@pytest.fixture
def messina(demo):
    return Organisation.objects.get(slug="messina")


@pytest.fixture
def demo_user(demo, django_user_model):
    def get(email_prefix: str):
        return django_user_model.objects.get(email=f"{email_prefix}@demo.di4c.eu")

    return get


@pytest.fixture
def client_as(client, demo_user):
    def sign_in(email_prefix: str):
        client.force_login(demo_user(email_prefix))
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs a third of a second per password; tests set dozens.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_unless_asked(request):
    # A request leaves its language active in the thread; each test starts in English.
    with translation.override("en"):
        yield


def pytest_terminal_summary(terminalreporter):
    """How complete each interface language is (English and Romanian must be 100 %: a test
    fails otherwise; the others are reported here)."""
    from pathlib import Path

    import polib

    import di4c

    locale = Path(di4c.__file__).parent / "locale"
    figures = []
    for catalogue in sorted(locale.glob("*/LC_MESSAGES/django.po")):
        po = polib.pofile(str(catalogue))
        figures.append(f"{catalogue.parts[-3]} {po.percent_translated()} %")
    terminalreporter.write_sep("-", "interface translations: " + ", ".join(figures))


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test's database starts the portal's revision number again: cached pages of an
    earlier test must not be served to this one."""
    from django.core.cache import cache

    from di4c.portal.cache import forget_revision

    cache.clear()
    forget_revision()
    yield
    cache.clear()
    forget_revision()
