"""The policy playground in a real headless Chromium (Playwright driving the system
browser): type a prompt, decide, read the highlighted spans, the rule ids and the text the
model would receive; run the policy's own tests in the second tab. A screenshot of each tab
is kept under benchmarks/results/ (a CI artefact, not committed)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

import traffic_fixtures as tf
from qorgan.identity import hash_api_key
from qorgan.policy.loader import read_source
from qorgan.policy.testing import run_policy_tests

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium"
                                        if Path("/usr/bin/chromium").exists() else None)
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
RESULTS = Path(__file__).resolve().parents[2] / "benchmarks" / "results"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]

PROMPT = ("Please draft a letter to Aigerim Serikova (IIN 901123300258, "
          "aigerim.serikova@mail.kz) about her account.")

pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not IN_CI,
    reason="chromium is not installed (the CI installs it; apt-get install chromium)",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    assert CHROMIUM is not None, "chromium is required under CI"
    with sync_playwright() as p:
        instance = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def playground(browser: Browser) -> Iterator[tuple[Page, list[str]]]:
    """A page on the playground; the list collects every URL the page asked for."""
    _, server = tf.proxy("builtin:kz-pdl", ui=True)
    context = browser.new_context(viewport={"width": 1200, "height": 1400})
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(server.url + "/qorgan/ui")
    # the page's CSP forbids eval: waits go through locators, not page functions
    page.locator("#policy option").nth(1).wait_for(state="attached")
    yield page, requests
    context.close()
    server.stop()


def test_decide_a_prompt(playground: tuple[Page, list[str]]) -> None:
    page, requests = playground
    page.locator("#text").press_sequentially(PROMPT)  # typed, key by key
    page.select_option("#policy", "current")
    page.fill("#purpose", "support")
    page.fill("#roles", "support-agent")
    page.fill("#model", "llama-3-70b")
    page.click("#run")
    page.wait_for_selector("#result:not([hidden]) #findings tbody tr")

    marks = page.eval_on_selector_all(
        "#highlighted mark",
        "ms => ms.map(m => [m.dataset.entity, m.dataset.category, m.dataset.rule,"
        " m.firstChild.textContent])")
    assert marks == [
        ["PERSON", "identity", "personal-data-with-consent", "Aigerim Serikova"],
        ["KZ_IIN", "national_id", "personal-data-with-consent", "901123300258"],
        ["EMAIL_ADDRESS", "contact", "personal-data-with-consent", "aigerim.serikova@mail.kz"],
    ]
    rules = page.eval_on_selector_all(
        "#findings tbody tr", "rs => rs.map(r => [r.dataset.entity, "
        "r.querySelector('.rule').textContent, r.querySelector('.action').textContent])")
    assert rules == [["PERSON", "personal-data-with-consent", "pseudonymize"],
                     ["KZ_IIN", "personal-data-with-consent", "pseudonymize"],
                     ["EMAIL_ADDRESS", "personal-data-with-consent", "pseudonymize"]]
    rewritten = page.text_content("#rewritten")
    assert rewritten == ("Please draft a letter to <PERSON_1> (IIN <KZ_IIN_1>, "
                         "<EMAIL_ADDRESS_1>) about her account.")
    assert page.text_content("#outcome") == "transform"
    assert page.text_content("#consent") == "no registry"
    assert page.text_content("#destination-out") == "on-prem · KZ"
    RESULTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(RESULTS / "playground.png"), full_page=True)
    # everything the page loaded came from this server: no CDN, no fonts
    origin = requests[0].split("/qorgan/")[0]
    assert all(url.startswith(origin) for url in requests)


def test_a_cross_border_national_id_is_blocked(playground: tuple[Page, list[str]]) -> None:
    page, _ = playground
    page.fill("#text", PROMPT)
    page.fill("#purpose", "support")
    page.fill("#roles", "support-agent")
    page.fill("#model", "gpt-4o")
    page.click("#run")
    expect(page.locator("#outcome")).to_have_text("block")
    assert page.get_attribute("#rewritten", "data-blocked") == "true"
    note = page.text_content("#outcome-note")
    assert "Blocked by national-id-abroad." in note
    actions = page.eval_on_selector_all(
        "#highlighted mark", "ms => ms.map(m => m.dataset.action)")
    assert actions == ["pseudonymize", "block", "pseudonymize"]


def test_policy_tests_tab(playground: tuple[Page, list[str]]) -> None:
    page, _ = playground
    page.click("#tab-tests")
    assert page.is_visible("#panel-tests")
    assert not page.is_visible("#panel-try")
    page.select_option("#tests-policy", "builtin:kz-pdl")
    page.click("#run-tests")
    page.wait_for_selector("#tests-result:not([hidden]) #tests tbody tr")
    rows = page.eval_on_selector_all(
        "#tests tbody tr", "rs => rs.map(r => [r.className, r.cells[0].textContent])")
    expected = len(run_policy_tests("builtin:kz-pdl").cases)
    assert expected > 10
    assert len(rows) == expected
    assert all(row == ["pass", "PASS"] for row in rows)
    assert page.text_content("#tests-summary") == f"{expected} passed, 0 failed"
    page.screenshot(path=str(RESULTS / "playground-tests.png"), full_page=True)
    page.click("#tab-try")


def test_nothing_pasted_is_kept_by_the_page(playground: tuple[Page, list[str]]) -> None:
    page, requests = playground
    stored = page.evaluate(
        "[localStorage.length, sessionStorage.length, document.cookie]")
    assert stored == [0, 0, ""]
    # the prompt only ever travels in POST bodies, never in a URL
    assert not any("901123300258" in url or "Serikova" in url for url in requests)


def test_with_auth_the_page_asks_for_the_admin_key(browser: Browser, tmp_path: Path) -> None:
    key = "qk_playground_admin"
    policy = tf.write_policy(tmp_path / "auth.yaml", read_source("builtin:default")[0].decode()
                             + "\nauth:\n  api_keys:\n"
                             f"    - {{id: ops, sha256: {hash_api_key(key)}, roles: [admin]}}\n")
    _, server = tf.proxy(policy, ui=True)
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(server.url + "/qorgan/ui")
        expect(page.locator("#auth")).to_be_visible()
        expect(page.locator("#try-error")).to_contain_text("unauthenticated")
        page.fill("#key", key)
        page.press("#key", "Enter")
        page.locator("#policy option").nth(1).wait_for(state="attached")
        expect(page.locator("#try-error")).to_be_hidden()
        page.locator("#text").press_sequentially("IIN 901123300258")
        page.click("#run")
        expect(page.locator("#rewritten")).to_have_text("IIN <KZ_IIN_1>")
    finally:
        context.close()
        server.stop()
