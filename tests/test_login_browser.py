"""End-to-end login in Chromium against a local OpenID Connect provider (``oidc-provider-mock``) started by the test
on 127.0.0.1, and a dashboard server started with ``[auth]`` secrets from a temporary file (``--secrets.files``;
nothing is written into the repository).

Steps (issue 10): a praktijk user logs in, sees her own practice, cannot open another's by URL, uploads, undoes
with confirmation, logs out; an analist sees no names; a beheerder adds a user and a practice; an unknown e-mail is
refused. Screenshots in artifacts/login_*.png.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from kbz_data.practice.db.repository import PracticeDb
from tests.conftest import APP, ARTIFACTS, CHROMIUM, REPO, _free_port, copy_store, launch_chromium, watch_requests

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium ontbreekt (Debian-pakket chromium)")
oidc = pytest.importorskip("oidc_provider_mock")

OWN = "RTD-BLOEMHOF-1"
PROVIDER_CSS = "https://cdn.jsdelivr.net/npm/@picocss/pico@2/css/pico.min.css"
USERS = {  # sub -> (email, verified)
    "pm": "pm@bloemhof.example", "analist": "analist@verzekeraar.example", "beheer": "beheer@kbz.example",
    "onbekend": "onbekend@example.org",
}
GOOD = f"praktijk_code;periode;kengetal;teller;noemer\r\n{OWN};2024Q4;consulten;4.321;\r\n".encode("utf-8-sig")


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The mock OpenID Connect provider on 127.0.0.1 (a thread of this process), with the four users."""
    import werkzeug.serving

    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # plain http on 127.0.0.1
    users = [oidc.User(sub=sub, claims={"email": email, "email_verified": True, "name": sub})
             for sub, email in USERS.items()]
    server = werkzeug.serving.make_server("127.0.0.1", 0, oidc.app(user_claims=users), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture
def login_server(provider: str, mini_store, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """(url, store folder) of a dashboard on 127.0.0.1 with [auth] pointing at the mock provider."""
    store_dir = copy_store(mini_store, tmp_path)
    db = PracticeDb(store_dir=store_dir)
    db.add_user(USERS["pm"], "Praktijkmanager Bloemhof", "praktijk", [OWN])
    db.add_user(USERS["analist"], "Analist", "analist")
    db.add_user(USERS["beheer"], "Beheerder", "beheerder")
    port = _free_port()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(
        "[auth]\n"
        f'redirect_uri = "http://127.0.0.1:{port}/oauth2callback"\n'
        'cookie_secret = "test-cookie-geheim-niet-echt"\n'
        'client_id = "kbz-dashboard"\n'
        'client_secret = "test-geheim"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n'
        "\n[kbz]\n"
        'beheerder_contact = "beheer@kbz.example"\n', encoding="utf-8")
    env = {**os.environ, "KBZ_STORE": str(store_dir), "KBZ_SOURCES": str(mini_store.sources),
           "AUTHLIB_INSECURE_TRANSPORT": "1"}
    env.pop("KBZ_DATABASE_URL", None)
    log_path = tmp_path / "server.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", APP, "--server.address", "127.0.0.1", "--server.port",
             str(port), "--server.headless", "true", "--browser.gatherUsageStats", "false",
             "--secrets.files", str(secrets)],
            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                        if answer.status == 200:
                            break
                except OSError:
                    time.sleep(0.3)
            else:
                pytest.fail("streamlit-server startte niet: " + log_path.read_text())
            yield url, store_dir
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


def log_in(page, url: str, sub: str, path: str = "praktijk") -> None:  # noqa: ANN001 - playwright Page
    page.goto(f"{url}/{path}", wait_until="domcontentloaded")
    page.get_by_role("button", name="Inloggen").click(timeout=60_000)
    page.locator(f"button[name=sub][value={sub}]").click(timeout=30_000)  # the provider's page
    page.get_by_role("button", name="Uitloggen").wait_for(timeout=60_000)  # back on the start page, logged in
    page.goto(f"{url}/{path}", wait_until="domcontentloaded")
    page.get_by_role("button", name="Uitloggen").wait_for(timeout=60_000)


def new_page(browser):  # noqa: ANN001, ANN201 - playwright Browser, Page
    """A fresh context (own cookies: a new visitor); the provider's CDN stylesheet is aborted."""
    context = browser.new_context(viewport={"width": 1400, "height": 1400})
    context.route(PROVIDER_CSS, lambda route: route.abort())
    return context.new_page()


def shot(page, name: str) -> None:  # noqa: ANN001
    ARTIFACTS.mkdir(exist_ok=True)
    page.wait_for_timeout(700)
    page.screenshot(path=str(ARTIFACTS / f"login_{name}.png"), full_page=True)


def test_login_roles_end_to_end(login_server: tuple[str, Path], provider: str, tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    url, store_dir = login_server
    upload = tmp_path / "cijfers_bloemhof.csv"
    upload.write_bytes(GOOD)
    outside: list[str] = []
    db = PracticeDb(store_dir=store_dir)
    with sync_playwright() as pw:
        browser = launch_chromium(pw)

        # A praktijk user: own practice, not another's by URL, upload, undo after confirmation, logout.
        page = new_page(browser)
        watch_requests(page, outside)
        log_in(page, url, "pm")
        shot(page, "na_inloggen")
        page.get_by_text("Ontwikkeling per kwartaal").wait_for(timeout=60_000)
        body = page.inner_text("body")
        assert "Huisartsenpraktijk Bloemhof" in body and "Ingelogd als" in body
        shot(page, "praktijk_eigen")
        page.goto(f"{url}/praktijk?praktijk=UTR-ONDIEP-1", wait_until="domcontentloaded")
        page.get_by_text("U hebt geen toegang tot de cijfers van praktijk UTR-ONDIEP-1").wait_for(timeout=60_000)
        assert "Ondiep (fictief)" not in page.inner_text("body")
        shot(page, "praktijk_ander_geweigerd")
        page.goto(f"{url}/upload", wait_until="domcontentloaded")
        page.locator("input[type=file]").set_input_files(str(upload))
        page.get_by_role("button", name="Bevestigen en opslaan").click(timeout=60_000)
        page.get_by_text("Opgeslagen als versie 1").wait_for(timeout=30_000)
        page.get_by_role("button", name="Laatste upload ongedaan maken").click()
        page.get_by_text("Weet u het zeker?").wait_for(timeout=30_000)
        shot(page, "ongedaan_bevestigen")
        assert db.history()["status"].tolist() == ["actief"]
        page.get_by_role("button", name="Ja, ongedaan maken").click()
        page.get_by_text("is ongedaan gemaakt").wait_for(timeout=30_000)
        assert db.history()["status"].iloc[0].startswith("ongedaan")
        assert db.history()["gebruiker"].tolist() == [USERS["pm"]]
        page.get_by_role("button", name="Uitloggen").click()
        page.get_by_role("button", name="End session").click(timeout=30_000)  # the provider ends its session too
        page.get_by_role("button", name="Inloggen").wait_for(timeout=60_000)
        assert "Ingelogd als" not in page.inner_text("body")
        shot(page, "uitgelogd")

        # An analist: every practice without a name.
        page = new_page(browser)
        watch_requests(page, outside)
        log_in(page, url, "analist")
        page.get_by_text("Vergelijking met de andere KBZ-praktijken").wait_for(timeout=60_000)
        page.wait_for_timeout(1000)
        body = page.inner_text("body")
        assert "(fictief)" not in body and "geanonimiseerd" in body
        shot(page, "analist")

        # An unknown e-mail: refused with the beheerder's contact.
        page = new_page(browser)
        watch_requests(page, outside)
        page.goto(f"{url}/praktijk", wait_until="domcontentloaded")
        page.get_by_role("button", name="Inloggen").click(timeout=60_000)
        page.locator("button[name=sub][value=onbekend]").click(timeout=30_000)
        page.get_by_role("button", name="Uitloggen").wait_for(timeout=60_000)
        page.goto(f"{url}/praktijk", wait_until="domcontentloaded")
        page.get_by_text("Geen toegang.", exact=True).wait_for(timeout=60_000)
        assert "beheer@kbz.example" in page.inner_text("body")
        shot(page, "onbekend")

        # The beheerder: adds a user and a practice.
        page = new_page(browser)
        watch_requests(page, outside)
        log_in(page, url, "beheer", "beheer")
        page.get_by_label("E-mailadres").fill("nieuw@praktijk.example")
        page.get_by_label("E-mailadres").press("Enter")
        page.get_by_label("Naam").first.fill("Nieuwe manager")
        page.get_by_label("Naam").first.press("Enter")
        page.wait_for_timeout(500)
        choose = page.locator("[data-testid=stMultiSelect] input").first
        choose.click()
        choose.fill("UTR-ONDIEP-1")
        choose.press("Enter")
        page.keyboard.press("Escape")
        page.wait_for_timeout(500)
        shot(page, "beheer_invullen")
        page.get_by_role("button", name="Gebruiker toevoegen").click()
        page.get_by_text("is toegevoegd").wait_for(timeout=30_000)
        assert db.user("nieuw@praktijk.example") is not None
        shot(page, "beheer_gebruiker")
        page.get_by_test_id("stRadioGroup").get_by_text("Praktijken", exact=True).click()
        page.get_by_label("Code (bijv. RTD-BLOEMHOF-2)").wait_for(timeout=30_000)
        page.get_by_label("E-mailadres").wait_for(state="detached", timeout=30_000)  # the users section is gone
        fields = {"Code (bijv. RTD-BLOEMHOF-2)": "UTR-ONDIEP-2", "Naam": "Huisartsen Ondiep-Noord",
                  "KBZ-gebied": "Ondiep"}
        from kbz_data.store import storage

        known = storage.read_gebieden(store_dir)
        known = known[known["gemeentecode"] == "GM0344"]  # the mini store holds Utrecht
        for jaar in (2020, 2024):
            for niveau, label in (("wijk", "Wijken"), ("buurt", "Buurten")):
                have = known[(known["indeling"] == jaar) & (known["niveau"] == niveau)]["code"]
                fields[f"{label} {jaar}"] = have.iloc[0]
        fields["Hoofdbuurt (buurtcode)"] = fields["Buurten 2020"].split()[0]
        choose = page.locator("[data-testid=stSelectbox]").filter(has_text="Gemeente").locator("input")
        choose.click()
        choose.fill("Utrecht")
        choose.press("Enter")
        page.wait_for_timeout(500)
        for label, value in fields.items():
            box = page.get_by_label(label, exact=True)
            box.fill(value)
            box.press("Enter")
            page.wait_for_timeout(300)
        page.get_by_role("button", name="Praktijk opslaan").click()
        page.wait_for_timeout(1500)
        shot(page, "beheer_praktijk_opslaan")
        page.get_by_text("Praktijk UTR-ONDIEP-2 is toegevoegd").wait_for(timeout=30_000)
        assert "UTR-ONDIEP-2" in set(db.practices()["praktijk_code"])
        shot(page, "beheer_praktijk")
        browser.close()
    actions = db.audit_log()["actie"].tolist()
    assert actions.count("login") == 3 and {"upload", "ongedaan", "gebruiker", "praktijk"} <= set(actions)
    # The mock provider's own login page links a stylesheet on a CDN (aborted, see new_page); nothing else leaves.
    assert [u for u in outside if u != PROVIDER_CSS] == [], f"verzoeken buiten de machine: {outside}"
