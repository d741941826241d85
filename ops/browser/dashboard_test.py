"""The dashboard's browser test (ops/browser-test): headless Chromium from Debian, driven by
Selenium, against a server that ops/browser-test started. Logs in by pasting a token, filters the
workflow list, opens the failed batch run, checks its SVG state diagram, resumes it with a reason
and finds the audit entry; logs out and in again as finance for the finance page. Saves
screenshots of the main pages. Exits non-zero at the first step that fails, naming it."""

import argparse
import os
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

step_name = "starting"


def step(name):
    global step_name
    step_name = name
    print(f"  - {name}", flush=True)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--operator-token", required=True)
    parser.add_argument("--finance-token", required=True)
    parser.add_argument("--failed-id", required=True)
    parser.add_argument("--screenshots", required=True)
    parser.add_argument("--logs", required=True)
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument("--chromedriver", default="/usr/bin/chromedriver")
    args = parser.parse_args()

    options = Options()
    options.binary_location = args.chromium
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1360,900",
                 "--hide-scrollbars", "--force-device-scale-factor=1", "--lang=en-US"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(args.chromedriver), options=options)
    driver.set_page_load_timeout(30)
    base = args.base.rstrip("/")
    failed_id = args.failed_id

    def shot(name):
        # The whole page: grow the window to the document's height, then back.
        height = driver.execute_script("return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)")
        driver.set_window_size(1360, min(max(height + 20, 700), 4000))
        path = os.path.join(args.screenshots, name)
        check(driver.save_screenshot(path), f"could not save {path}")
        driver.set_window_size(1360, 900)
        print(f"    saved {path}", flush=True)

    def navigate(element):
        # Clicks a link or a submit button and waits until the next page has replaced this one.
        page = driver.find_element(By.TAG_NAME, "html")
        element.click()
        WebDriverWait(driver, 20).until(expected_conditions.staleness_of(page))
        WebDriverWait(driver, 20).until(lambda d: d.execute_script("return document.readyState") == "complete")

    def h1():
        return driver.find_element(By.TAG_NAME, "h1").text

    def login(token):
        driver.get(base + "/admin")
        check("/admin/login" in driver.current_url, f"an anonymous visit should land on the login page, got {driver.current_url}")
        driver.find_element(By.ID, "token").send_keys(token)
        navigate(driver.find_element(By.CSS_SELECTOR, "form[action='/admin/login'] button"))
        check(h1() == "Overview", f"after login the overview should show, got '{h1()}' at {driver.current_url}")

    try:
        step("the login page")
        driver.get(base + "/admin/login")
        check(h1() == "Log in", f"login page heading: '{h1()}'")
        shot("dashboard-login.png")

        step("log in by pasting an operator token")
        login(args.operator_token)
        session = [c for c in driver.get_cookies() if c["name"] == "sundial_admin"]
        check(len(session) == 1, "no session cookie after login")
        check(session[0].get("httpOnly") is True, f"the session cookie is not HttpOnly: {session[0]}")
        check(session[0].get("sameSite") == "Strict", f"the session cookie is not SameSite=Strict: {session[0]}")
        check(driver.execute_script("return document.cookie").find("sundial_admin") < 0, "a script can read the session cookie")
        check(len(driver.find_elements(By.CSS_SELECTOR, "svg.chart")) == 1, "no throughput chart on the overview")
        check("quickbooks-daily" in driver.find_element(By.TAG_NAME, "main").text, "the overview's counts do not list quickbooks-daily")
        shot("dashboard-overview.png")

        step("filter the workflow list to failed quickbooks-daily runs")
        navigate(driver.find_element(By.LINK_TEXT, "Workflows"))
        check(h1() == "Workflows", f"workflow list heading: '{h1()}'")
        Select(driver.find_element(By.ID, "f-type")).select_by_value("quickbooks-daily")
        Select(driver.find_element(By.ID, "f-status")).select_by_value("failed")
        navigate(driver.find_element(By.ID, "f-submit"))
        check("status=failed" in driver.current_url and "type=quickbooks-daily" in driver.current_url,
              f"the filter is not in the address: {driver.current_url}")
        rows = driver.find_elements(By.CSS_SELECTOR, "table#workflows tr")[1:]
        check(len(rows) >= 1, "the filtered list is empty")
        for row in rows:
            check("failed" in row.text and "quickbooks-daily" in row.text, f"a row that does not match the filter: {row.text}")
        link = driver.find_elements(By.CSS_SELECTOR, f"table#workflows a[href='/admin/workflows/{failed_id}']")
        check(len(link) == 1, f"the failed run {failed_id} is not in the filtered list")
        shot("dashboard-workflows.png")

        step("open the failed workflow")
        navigate(link[0])
        check(driver.current_url.endswith(f"/admin/workflows/{failed_id}"), f"workflow page address: {driver.current_url}")
        check(driver.find_element(By.ID, "status").text.strip() == "failed", f"status: {driver.find_element(By.ID, 'status').text}")
        check(driver.find_element(By.ID, "current-state").text == "upload", "the failed run should stand in upload")

        step("see its state diagram (SVG) with the path and current state")
        diagrams = driver.find_elements(By.CSS_SELECTOR, "#diagram svg.state-diagram")
        check(len(diagrams) == 1, "no SVG state diagram")
        states = [g.get_attribute("data-state") for g in diagrams[0].find_elements(By.CSS_SELECTOR, "g.state")]
        check(states == ["extract", "upload", "invoice", "reconcile"], f"diagram states: {states}")
        current = diagrams[0].find_elements(By.CSS_SELECTOR, "g.state.current")
        check(len(current) == 1 and current[0].get_attribute("data-state") == "upload", "the current state is not marked")
        visited = [g.get_attribute("data-state") for g in diagrams[0].find_elements(By.CSS_SELECTOR, "g.state.visited")]
        check("extract" in visited and "upload" in visited and "invoice" not in visited, f"visited states: {visited}")
        check(len(diagrams[0].find_elements(By.CSS_SELECTOR, "path.edge.visited")) >= 1, "the run's transition is not highlighted")
        check(diagrams[0].size["width"] > 300 and diagrams[0].size["height"] > 60, f"the diagram is not drawn: {diagrams[0].size}")
        check("not configured" in driver.find_element(By.ID, "explain").text or "SFTP" in driver.find_element(By.TAG_NAME, "main").text,
              "the explanation does not give the failure")
        shot("dashboard-workflow.png")

        step("resume it with a reason")
        reason = "SFTP settings fixed on the workers (browser test)"
        driver.find_element(By.ID, "resume-reason").send_keys(reason)
        navigate(driver.find_element(By.ID, "resume-submit"))
        notice = driver.find_elements(By.CSS_SELECTOR, ".notice.ok")
        check(len(notice) == 1 and "Resumed" in notice[0].text, "no confirmation after resume")
        check(driver.find_element(By.ID, "status").text.strip() == "runnable", f"status after resume: {driver.find_element(By.ID, 'status').text}")

        step("find the audit entry")
        audit = driver.find_element(By.ID, "workflow-audit").text
        check("workflow.resume" in audit and reason in audit and "browser-operator" in audit, f"the workflow's audit entries: {audit}")
        navigate(driver.find_element(By.LINK_TEXT, "Audit"))
        driver.find_element(By.NAME, "action").send_keys("workflow.resume")
        navigate(driver.find_element(By.CSS_SELECTOR, "form.filters button"))
        rows = [r.text for r in driver.find_elements(By.CSS_SELECTOR, "table#audit tr")[1:]]
        check(any(reason in r and f"workflow:{failed_id}" in r and "ok" in r for r in rows), f"audit page rows: {rows}")
        shot("dashboard-audit.png")

        step("log out; the session is gone")
        navigate(driver.find_element(By.CSS_SELECTOR, "form[action='/admin/logout'] button"))
        check("/admin/login" in driver.current_url, f"after logout: {driver.current_url}")
        driver.get(base + "/admin/workflows")
        check("/admin/login" in driver.current_url, "a page still opened after logout")

        step("log in as finance: the finance page with the batch runs and the rerun form")
        login(args.finance_token)
        navigate(driver.find_element(By.LINK_TEXT, "Finance"))
        check(h1().startswith("Finance"), f"finance heading: '{h1()}'")
        runs = driver.find_element(By.ID, "runs-quickbooks-daily").text
        check(failed_id[:8] in runs, f"the batch run is not on the finance page: {runs}")
        check(len(driver.find_elements(By.ID, "rerun-quickbooks-daily")) == 1, "no rerun form for finance")
        shot("dashboard-finance.png")
    except (AssertionError, WebDriverException) as error:
        print(f"FAILED at step '{step_name}': {error}", file=sys.stderr, flush=True)
        try:
            path = os.path.join(args.logs, "browser-test-failure.png")
            driver.save_screenshot(path)
            print(f"  (the page at failure: {os.path.abspath(path)}; address {driver.current_url})", file=sys.stderr)
        except WebDriverException:
            pass
        return 1
    finally:
        # Ends Chromium and chromedriver whatever happened.
        driver.quit()
    print("browser test: every step passed", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
