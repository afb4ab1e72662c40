"""The whole procedure in real headless Chromium, three people at three browsers on one `cfc serve --accounts`:
the commune fills the self-check form, saves a draft, attaches evidence and submits; the board returns it once
with a comment; the commune reads the comment and resubmits; the board corrects one figure with a reason,
previews both results side by side and appraises; the province sees the recognition rate, records the
decision, and sees the rate change. Every page is photographed at desktop and phone width (390×844) for a
person to look at (CFC_SCREENSHOTS names the folder; printed with -s)."""
from __future__ import annotations

import base64
import os
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException, NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from engine.store.users import add_user

from server_support import PASSWORD, PDF, inputs, make_app, make_store

CHROMEDRIVER = "/usr/bin/chromedriver"  # no skip when missing: .ci/run installs chromium and chromium-driver
PERIOD = "2025-H1"
PHONE = (390, 844)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture()
def server(tmp_path, library):
    store = make_store(tmp_path / "cfc.sqlite3")
    # A second commune of the province, so that the rate is a share: 0 of 2, then 1 of 2.
    add_user(store, "xa.khac", PASSWORD, "commune", unit="09917",
             unit_place={"name": "Xã Khác", "district": "Huyện Khác", "province": "Hà Nội"})
    app = make_app(store, library)
    port = _free_port()
    instance = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not instance.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert instance.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=5)


def _chromium():
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--window-size=1400,1000", "--lang=vi"):
        options.add_argument(flag)
    return webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)


@pytest.fixture()
def browsers():
    opened = []

    def open_one():
        driver = _chromium()
        opened.append(driver)
        return driver

    yield open_one
    for driver in opened:
        driver.quit()


@pytest.fixture(scope="module")
def shots() -> Path:
    chosen = os.environ.get("CFC_SCREENSHOTS")
    folder = Path(chosen) if chosen else Path(tempfile.mkdtemp(prefix="cfc-server-screenshots-"))
    folder.mkdir(parents=True, exist_ok=True)
    print(f"\nscreenshots: {folder}")
    return folder


def shoot(driver, folder: Path, name: str) -> None:
    """The whole page at desktop width, then at a phone's (the same page laid out again at 390×844)."""
    for suffix, metrics in (("desktop", None), ("phone", PHONE)):
        if metrics:
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
                "width": metrics[0], "height": metrics[1], "deviceScaleFactor": 2, "mobile": True})
        wait_for(driver, lambda: driver.execute_script("return document.readyState") == "complete")
        size = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})["cssContentSize"]
        width = metrics[0] if metrics else max(size["width"], 1000)
        data = driver.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": min(max(size["height"], 400), 6000), "scale": 1}})
        (folder / f"{name}-{suffix}.png").write_bytes(base64.b64decode(data["data"]))
        if metrics:
            wide = driver.execute_script("""return [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-scroll'))
                .map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 5);""")
            assert driver.execute_script("return document.documentElement.scrollWidth;") <= metrics[0] + 1, \
                f"{name}: the page scrolls sideways on a phone: {wide}"
    driver.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def wait_for(driver, condition, timeout=15):
    return WebDriverWait(driver, timeout, poll_frequency=0.05,
                         ignored_exceptions=(NoSuchElementException, StaleElementReferenceException)
                         ).until(lambda d: condition())


def by_id(driver, element_id: str):
    return driver.find_element(By.ID, element_id)


def sign_in(driver, server: str, login: str) -> None:
    driver.get(server + "/")
    assert driver.current_url.startswith(server + "/login")
    by_id(driver, "login").send_keys(login)
    by_id(driver, "password").send_keys(PASSWORD)
    by_id(driver, "login-button").click()
    wait_for(driver, lambda: "/login" not in driver.current_url)


def submit(driver) -> None:
    """Submit the file: the page asks first (the commune cannot change it afterwards); the person says yes."""
    by_id(driver, "submit-file").click()
    WebDriverWait(driver, 5).until(lambda d: _alert(d))
    alert = driver.switch_to.alert
    assert "Sau khi nộp" in alert.text
    alert.accept()


def _alert(driver) -> bool:
    try:
        driver.switch_to.alert
        return True
    except NoAlertPresentException:
        return False


def fill_form(driver, values: dict) -> None:
    """Every field of the self-check form at once, then one change event (the page scores as it would typing)."""
    shown = {name: ("có" if value is True else "không" if value is False else str(value))
             for name, value in values.items()}
    driver.execute_script("""
        const form = document.getElementById('unit-form');
        for (const [name, value] of Object.entries(arguments[0])) {
          const field = form.elements[name];
          if (field) field.value = value;
        }
        form.dispatchEvent(new Event('change', {bubbles: true}));""", shown)


def test_three_people_take_a_file_through_the_procedure(server, browsers, shots, tmp_path):
    commune, board, province = browsers(), browsers(), browsers()
    file_url = f"{server}/s/09916/{PERIOD}"

    # The commune: the login page, its list, a new file for the period.
    commune.get(server + "/")
    shoot(commune, shots, "01-login")
    sign_in(commune, server, "xa.hoason")
    assert commune.current_url.startswith(server + "/submissions")
    assert "Xã Hòa Sơn" in by_id(commune, "list-title").text and by_id(commune, "steps")
    shoot(commune, shots, "01b-commune-first")
    commune.get(f"{server}/start?period={PERIOD}")  # what the period list offers depends on today's date
    wait_for(commune, lambda: commune.current_url.startswith(file_url))
    assert by_id(commune, "in-unit_code").get_attribute("value") == "09916"
    assert by_id(commune, "in-period").get_attribute("readonly") is not None  # the address names the file
    fill_form(commune, {k: v for k, v in inputs().items() if k not in ("unit_code", "period")})
    wait_for(commune, lambda: "855/1000" in by_id(commune, "total").text)   # the self-check page's live result
    shoot(commune, shots, "02-commune-form")
    by_id(commune, "save-draft").click()
    wait_for(commune, lambda: "bản nháp" in by_id(commune, "flash").text)
    evidence = tmp_path / "bien-ban-hop.pdf"
    evidence.write_bytes(PDF)
    Select(by_id(commune, "evidence-criterion")).select_by_value("1")
    by_id(commune, "evidence-file").send_keys(str(evidence))
    by_id(commune, "evidence-button").click()
    wait_for(commune, lambda: "bien-ban-hop.pdf" in by_id(commune, "evidence-list").text)
    shoot(commune, shots, "03-commune-evidence")
    submit(commune)
    wait_for(commune, lambda: "Đã nộp hồ sơ" in by_id(commune, "flash").text)
    assert not commune.find_elements(By.ID, "unit-form")   # read-only for the commune from now on
    shoot(commune, shots, "04-commune-submitted")

    # The board: its list, the file, returned once with a comment.
    sign_in(board, server, "hoidong")
    assert "09916" in by_id(board, "submissions-table").text
    shoot(board, shots, "05-board-list")
    board.find_element(By.CSS_SELECTOR, "tr[data-unit='09916'] a.open").click()
    wait_for(board, lambda: by_id(board, "return-comment"))
    assert "bien-ban-hop.pdf" in by_id(board, "evidence-list").text
    by_id(board, "return-comment").send_keys("Bổ sung biên bản họp của Ban chỉ đạo")
    by_id(board, "return-button").click()
    wait_for(board, lambda: "trả lại" in by_id(board, "flash").text)

    # The commune reads the comment and resubmits.
    commune.get(file_url)
    assert "Bổ sung biên bản họp" in by_id(commune, "board-comment").text
    shoot(commune, shots, "06-commune-returned")
    submit(commune)
    wait_for(commune, lambda: "Đã nộp hồ sơ" in by_id(commune, "flash").text)
    assert "đã nộp lại" in by_id(commune, "file-head").text

    # The board corrects one figure with its reason, compares both results, and appraises.
    board.get(file_url)
    value, reason = by_id(board, "adj-births_registered"), by_id(board, "reason-births_registered")
    assert value.get_attribute("value") == "45"
    value.clear()
    value.send_keys("46")
    reason.send_keys("Sổ hộ tịch ghi 46 trẻ được đăng ký khai sinh")
    by_id(board, "preview-button").click()
    wait_for(board, lambda: "875" in by_id(board, "appraised-total").text)
    assert "855" in by_id(board, "self-total").text
    assert "changed" in by_id(board, "sbs-2").get_attribute("class")      # criterion 2 moved, side by side
    shoot(board, shots, "07-board-preview")
    by_id(board, "appraise-button").click()
    wait_for(board, lambda: "Đã thẩm định" in by_id(board, "flash").text)
    assert "Sổ hộ tịch ghi 46" in by_id(board, "adjustments").text
    shoot(board, shots, "08-board-appraised")

    # The province: the rate before, the decision, the rate after.
    sign_in(province, server, "tinh")
    province.get(f"{server}/dashboard?period={PERIOD}")
    assert by_id(province, "rate-value").text == "0,0%"
    assert "0/2" in by_id(province, "rate").text
    shoot(province, shots, "09-province-dashboard")
    province.find_element(By.CSS_SELECTOR, "tr[data-unit='09916'] a.open").click()
    wait_for(province, lambda: by_id(province, "decision-number"))
    by_id(province, "decision-number").send_keys("125/QĐ-UBND")
    shoot(province, shots, "10-province-recognise")
    by_id(province, "recognise-button").click()
    wait_for(province, lambda: "125/QĐ-UBND" in by_id(province, "decision-info").text)
    province.get(f"{server}/dashboard?period={PERIOD}")
    assert by_id(province, "rate-value").text == "50,0%"
    assert "1/2" in by_id(province, "rate").text
    shoot(province, shots, "11-province-dashboard-after")
    province.get(f"{server}/audit")
    assert province.find_elements(By.CSS_SELECTOR, "tr[data-action='submission.recognise']")
    assert "công nhận" in by_id(province, "audit-table").text
    shoot(province, shots, "12-province-audit")

    # English on request, and the administrator's accounts page.
    province.get(f"{server}/dashboard?period={PERIOD}&lang=en")
    assert "Recognition rate" in by_id(province, "rate").text
    by_id(province, "logout").click()
    wait_for(province, lambda: "/login" in province.current_url)
    sign_in(province, server, "quantri")
    province.get(f"{server}/users")
    assert "xa.hoason" in by_id(province, "users-table").text
    shoot(province, shots, "13-admin-users")
