"""A new user's first start: a fresh ``git clone`` with nothing beside it, no network, the real server, Chromium.

The clone has no ``../shared/sources``, no ``data/sources`` and no ``data/store``; ``KBZ_SOURCES``/``KBZ_STORE`` are
unset and every proxy variable points at a dead port, so a download attempt would fail. The dashboard must open
the Kaart on the committed snapshot with real figures, without a build step. The time from starting the server
(``./start.sh`` when the current virtual environment is in step with requirements.txt, else streamlit directly)
to the map drawn in Chromium is printed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import (
    ARTIFACTS,
    CHROMIUM,
    REPO,
    _free_port,
    launch_chromium,
    wait_until_healthy,
    watch_requests,
)
from tests.svgmaps import read_maps, wait_for_maps

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium ontbreekt (Debian-pakket chromium)")

DEAD_PROXY = "http://127.0.0.1:9"  # discard port: nothing listens, every proxied request fails at once


def _clone(target: Path) -> Path:
    head = subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], check=True, capture_output=True,
                          text=True).stdout.strip()
    subprocess.run(["git", "clone", "--quiet", "--no-checkout", str(REPO), str(target)], check=True)
    subprocess.run(["git", "-C", str(target), "checkout", "--quiet", head], check=True)
    return target


def _offline_env(clone: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KBZ_") and "proxy" not in k.lower()}
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        env[name] = DEAD_PROXY
    env["NO_PROXY"] = env["no_proxy"] = "127.0.0.1,localhost"
    env["HOME"] = str(clone.parent / "home")
    return env


def _command(clone: Path, port: int, env: dict[str, str]) -> list[str]:
    """``./start.sh`` with the current virtual environment when it is in step with requirements.txt."""
    venv = Path(sys.executable).parent.parent
    stamp = venv / ".requirements.sha256"
    want = hashlib.sha256((clone / "requirements.txt").read_bytes()).hexdigest()
    options = ["--server.port", str(port), "--server.headless", "true"]
    if stamp.is_file() and stamp.read_text().strip() == want:
        env["KBZ_VENV"] = str(venv)
        return ["./start.sh", *options]
    return [sys.executable, "-m", "streamlit", "run", "app.py", "--server.address", "127.0.0.1", *options]


def test_fresh_clone_opens_the_map_on_the_snapshot_offline(tmp_path: Path) -> None:
    from playwright.sync_api import sync_playwright

    clone = _clone(tmp_path / "leeg" / "kbz")
    assert sorted(p.name for p in clone.parent.iterdir()) == ["kbz"]  # nothing beside it, no ../shared
    assert not (clone / "data" / "store").exists() and not (clone / "data" / "sources").exists()
    env = _offline_env(clone)
    port = _free_port()
    command = _command(clone, port, env)
    url = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "server.log"
    outside: list[str] = []
    with log_path.open("w") as log:
        started = time.monotonic()
        process = subprocess.Popen(command, cwd=clone, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_until_healthy(url, log_path)
            serving = time.monotonic() - started
            with sync_playwright() as pw:
                browser = launch_chromium(pw)
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                watch_requests(page, outside)
                page.goto(f"{url}/kaart?gemeente=GM0344&niveau=wijk&indicator=ervaren_gezondheid_goed"
                          "&periode=2020-2020", wait_until="domcontentloaded")
                wait_for_maps(page)
                drawn = time.monotonic() - started
                # Every area of the map: code -> the lines of its hover text (name (code), value, ...).
                rows = {a["code"]: a["tip"].split("\n") for m in read_maps(page) for a in m["areas"]}
                ARTIFACTS.mkdir(exist_ok=True)
                page.screenshot(path=str(ARTIFACTS / "kaart_verse_kloon.png"), full_page=True)
                body_kaart = page.inner_text("body")
                page.goto(url, wait_until="domcontentloaded")
                page.get_by_text("Kerncijfers per stad").wait_for(timeout=60_000)
                page.wait_for_timeout(1000)
                body = page.inner_text("body")
                browser.close()
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
    print(f"\nverse kloon, geen netwerk ({'./start.sh' if command[0] == './start.sh' else 'streamlit'}):"
          f" server klaar na {serving:.1f} s, kaart getekend na {drawn:.1f} s")
    log = log_path.read_text()
    assert "Traceback" not in log and "Traceback" not in body_kaart and "Traceback" not in body
    assert len(rows) == 10, rows  # the ten wijken of Utrecht (indeling 2020)
    # RIVM/GGD'en/CBS 50090NED, Utrecht Wijk 01 West, 2020: 82,5 % rate their health (very) good.
    assert rows["WK034401"][:2] == ["Wijk 01 West (WK034401)", "Waarde: 82,5 %"], rows["WK034401"]
    assert "momentopname van" in body
    assert "Downloaden" not in log and "download" not in log.lower()
    assert outside == [], f"verzoeken buiten de machine: {outside}"
    status = subprocess.run(["git", "-C", str(clone), "status", "--porcelain"], capture_output=True, text=True)
    assert status.stdout == "", f"de kloon is veranderd: {status.stdout}"
    assert drawn < 60, f"kaart pas na {drawn:.1f} s getekend"
