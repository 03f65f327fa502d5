"""Browser fixtures shared by every browser test: Playwright's sync API driving Debian's Chromium against pytest-django's live_server.

Nothing is downloaded: the browser is /usr/bin/chromium, and the tests are skipped when it is missing.
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Playwright's sync API keeps an asyncio event loop running in the test thread, which makes
# Django refuse ORM calls there (SynchronousOnlyOperation). The calls are in fact synchronous.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "una-clave-segura-123"


@pytest.fixture(scope="session")
def playwright_driver():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture
def browser_context(playwright_driver):
    """A fresh Chromium with its own throwaway profile for each test.

    Playwright refuses "--user-data-dir" among the launch arguments and asks for a persistent
    context instead, which is the same thing: Chromium started with that profile directory.
    """
    profile = tempfile.mkdtemp(prefix="cfdidesk-chromium-")
    context = playwright_driver.chromium.launch_persistent_context(
        profile,
        executable_path=str(CHROMIUM),
        headless=True,
        args=CHROMIUM_ARGS,
        viewport={"width": 1280, "height": 900},
        locale="en-US",  # many users run English browsers; the product must still speak Spanish
        accept_downloads=True,
    )
    context.set_default_timeout(10_000)
    try:
        yield context
    finally:
        context.close()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser_context):
    page = browser_context.pages[0] if browser_context.pages else browser_context.new_page()
    yield page


@pytest.fixture
def screenshots(tmp_path) -> Path:
    directory = Path(os.environ.get("BROWSER_SCREENSHOTS") or tmp_path / "screenshots")
    directory.mkdir(parents=True, exist_ok=True)
    return directory


@pytest.fixture
def shoot(page, screenshots):
    def take(name: str, target=None):
        (target or page).screenshot(path=str(screenshots / name), full_page=True)

    return take


@pytest.fixture
def browser_user(transactional_db):
    from cfdidesk.accounts.services import user_create

    def make(role: str, username: str | None = None):
        return user_create(username=username or f"{role}-nav", password=PASSWORD, role=role)

    return make


@pytest.fixture
def login(live_server):
    """Sign in through the real login form; returns after landing on the home page."""
    from playwright.sync_api import expect

    def sign_in(page, username: str, password: str = PASSWORD, before_submit=None):
        page.goto(f"{live_server.url}/cuenta/entrar/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", password)
        if before_submit:
            before_submit()
        page.get_by_role("button", name="Entrar").click()
        expect(page).to_have_url(f"{live_server.url}/")
        expect(page.locator("h1")).to_contain_text("Hola")

    return sign_in
