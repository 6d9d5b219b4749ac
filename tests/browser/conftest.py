import os
from urllib.parse import urlparse

import pytest
from playwright.sync_api import sync_playwright

from di4c.core.demo import load_demo
from tests.conftest import DEMO_PASSWORD

# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the
# test itself are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("DI4C_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's 'chromium' package.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def live_demo(live_server, transactional_db):
    load_demo(DEMO_PASSWORD)
    return live_server


@pytest.fixture
def page(browser, live_demo):
    context = browser.new_context(locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(15000)
    foreign_requests = []
    own_host = urlparse(live_demo.url).netloc
    page.on(
        "request",
        lambda request: (
            urlparse(request.url).netloc not in ("", own_host)
            and foreign_requests.append(request.url)
        ),
    )
    page.foreign_requests = foreign_requests
    yield page
    context.close()


def sign_in(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{base_url}/")
