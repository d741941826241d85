"""The dashboard's browser test (ops/browser-test): headless Chromium from Debian, driven by
Selenium, against a server that ops/browser-test started. Logs in by pasting a token, filters the
workflow list, opens the failed batch run, checks its SVG state diagram, resumes it with a reason
and finds the audit entry; logs out and in again as finance for the finance page. Saves
screenshots of the main pages. Exits non-zero at the first step that fails, naming it.

Deterministic on a loaded machine: every click that leaves the page waits until another document
has replaced this one, has loaded, and shows what the next page must show (its address and its
heading or an element of its own); every read finds its element again on the page it is on, never
through a reference kept from an earlier page; waits are WebDriverWait conditions, no sleeps."""

import argparse
import os
import sys
from urllib.parse import parse_qs, urlsplit

from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException, TimeoutException, WebDriverException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import Select, WebDriverWait

step_name = "starting"
# How long a page may take to come on a loaded two-core machine.
WAIT_SECONDS = 30


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

    def wait(ignored=(NoSuchElementException, StaleElementReferenceException)):
        return WebDriverWait(driver, WAIT_SECONDS, poll_frequency=0.1, ignored_exceptions=ignored)

    def h1():
        return driver.find_element(By.TAG_NAME, "h1").text

    def text(locator):
        # Found again at each read: no element reference outlives the page it came from.
        return driver.find_element(*locator).text

    def query():
        return {name: values[-1] for name, values in parse_qs(urlsplit(driver.current_url).query).items()}

    def page(path, heading=None, element=None):
        """A condition: the address's path is `path` and the page shows `heading` (its h1,
        exactly, or its start when it ends with '…') and `element`."""
        def condition(d):
            if urlsplit(d.current_url).path != path:
                return False
            if heading is not None:
                title = d.find_element(By.TAG_NAME, "h1").text
                if not (title.startswith(heading[:-1]) if heading.endswith("…") else title == heading):
                    return False
            return element is None or len(d.find_elements(*element)) > 0
        return condition

    def arrive(condition, where):
        try:
            wait().until(condition)
        except TimeoutException:
            raise AssertionError(f"did not arrive at {where} within {WAIT_SECONDS} s: at {driver.current_url}, heading '{safe_h1()}'") from None

    def safe_h1():
        try:
            return h1()
        except WebDriverException:
            return "(none)"

    def open_page(url, condition, where):
        driver.get(url)  # returns once the page (after any redirect) has loaded
        arrive(condition, where)

    def navigate(locator, condition, where):
        """Clicks the link or submit button at `locator`, then waits until another document has
        replaced this one and finished loading, and `condition` holds on it. The old document is
        marked with a property a new document does not have, so the wait cannot mistake the old
        page (or one half torn down) for the next one. (Waiting for the old page's element to go
        stale is what failed now and then: while the document changes, chromedriver may answer
        "Node with given id does not belong to the document" instead of "stale", and
        staleness_of lets that through; SeleniumHQ/selenium#15401.)"""
        origin = driver.current_url
        driver.execute_script("document.sundialBrowserTestLeft = true")
        wait().until(expected_conditions.element_to_be_clickable(locator), f"nothing to click at {locator} on {origin}").click()
        # While the documents change, a script may fail (no context yet, a node of the old
        # document); that only means "not yet".
        wait(ignored=(WebDriverException,)).until(
            lambda d: d.execute_script("return document.sundialBrowserTestLeft !== true && document.readyState === 'complete'"),
            f"clicking {locator} on {origin} did not load another page")
        arrive(condition, where)

    def login(token):
        open_page(base + "/admin", page("/admin/login", "Log in", (By.ID, "token")), "the login page (an anonymous visit)")
        driver.find_element(By.ID, "token").send_keys(token)
        navigate((By.CSS_SELECTOR, "form[action='/admin/login'] button"), page("/admin", "Overview"), "the overview after login")

    try:
        step("the login page")
        open_page(base + "/admin/login", page("/admin/login", "Log in", (By.ID, "token")), "the login page")
        shot("dashboard-login.png")

        step("log in by pasting an operator token")
        login(args.operator_token)
        session = [c for c in driver.get_cookies() if c["name"] == "sundial_admin"]
        check(len(session) == 1, "no session cookie after login")
        check(session[0].get("httpOnly") is True, f"the session cookie is not HttpOnly: {session[0]}")
        check(session[0].get("sameSite") == "Strict", f"the session cookie is not SameSite=Strict: {session[0]}")
        check(driver.execute_script("return document.cookie").find("sundial_admin") < 0, "a script can read the session cookie")
        check(len(driver.find_elements(By.CSS_SELECTOR, "svg.chart")) == 1, "no throughput chart on the overview")
        check("quickbooks-daily" in text((By.TAG_NAME, "main")), "the overview's counts do not list quickbooks-daily")
        shot("dashboard-overview.png")

        step("filter the workflow list to failed quickbooks-daily runs")
        navigate((By.LINK_TEXT, "Workflows"), page("/admin/workflows", "Workflows", (By.ID, "f-submit")), "the workflow list")
        Select(driver.find_element(By.ID, "f-type")).select_by_value("quickbooks-daily")
        Select(driver.find_element(By.ID, "f-status")).select_by_value("failed")
        navigate((By.ID, "f-submit"), page("/admin/workflows", "Workflows", (By.ID, "f-submit")), "the filtered workflow list")
        filters = query()
        check(filters.get("status") == "failed" and filters.get("type") == "quickbooks-daily",
              f"the filter is not in the address: {driver.current_url}")
        rows = [row.text for row in driver.find_elements(By.CSS_SELECTOR, "table#workflows tr")[1:]]
        check(len(rows) >= 1, "the filtered list is empty")
        for row in rows:
            check("failed" in row and "quickbooks-daily" in row, f"a row that does not match the filter: {row}")
        failed_link = (By.CSS_SELECTOR, f"table#workflows a[href='/admin/workflows/{failed_id}']")
        check(len(driver.find_elements(*failed_link)) == 1, f"the failed run {failed_id} is not in the filtered list")
        shot("dashboard-workflows.png")

        step("open the failed workflow")
        workflow_path = f"/admin/workflows/{failed_id}"
        navigate(failed_link, page(workflow_path, "Workflow quickbooks-daily …", (By.ID, "status")), "the failed workflow's page")
        check(text((By.ID, "status")).strip() == "failed", f"status: {text((By.ID, 'status'))}")
        check(text((By.ID, "current-state")) == "upload", "the failed run should stand in upload")

        step("see its state diagram (SVG) with the path and current state")
        diagram = (By.CSS_SELECTOR, "#diagram svg.state-diagram")
        check(len(driver.find_elements(*diagram)) == 1, "no SVG state diagram")

        def states(selector):
            return [g.get_attribute("data-state") for g in driver.find_elements(By.CSS_SELECTOR, f"#diagram svg.state-diagram {selector}")]

        check(states("g.state") == ["extract", "upload", "invoice", "reconcile"], f"diagram states: {states('g.state')}")
        check(states("g.state.current") == ["upload"], f"the current state is not marked: {states('g.state.current')}")
        visited = states("g.state.visited")
        check("extract" in visited and "upload" in visited and "invoice" not in visited, f"visited states: {visited}")
        check(len(driver.find_elements(By.CSS_SELECTOR, "#diagram svg.state-diagram path.edge.visited")) >= 1,
              "the run's transition is not highlighted")
        size = driver.find_element(*diagram).size
        check(size["width"] > 300 and size["height"] > 60, f"the diagram is not drawn: {size}")
        check("not configured" in text((By.ID, "explain")) or "SFTP" in text((By.TAG_NAME, "main")),
              "the explanation does not give the failure")
        shot("dashboard-workflow.png")

        step("resume it with a reason")
        reason = "SFTP settings fixed on the workers (browser test)"
        driver.find_element(By.ID, "resume-reason").send_keys(reason)
        navigate((By.ID, "resume-submit"), page(workflow_path, "Workflow quickbooks-daily …", (By.CSS_SELECTOR, ".notice.ok")),
                 "the workflow's page after the resume")
        check(query().get("done") == "resume", f"the resume did not come back to the workflow's page: {driver.current_url}")
        notices = [n.text for n in driver.find_elements(By.CSS_SELECTOR, ".notice.ok")]
        check(len(notices) == 1 and "Resumed" in notices[0], f"no confirmation after resume: {notices}")
        check(text((By.ID, "status")).strip() == "runnable", f"status after resume: {text((By.ID, 'status'))}")

        step("find the audit entry")
        audit = text((By.ID, "workflow-audit"))
        check("workflow.resume" in audit and reason in audit and "browser-operator" in audit, f"the workflow's audit entries: {audit}")
        navigate((By.LINK_TEXT, "Audit"), page("/admin/audit", "Audit trail", (By.CSS_SELECTOR, "form.filters")), "the audit page")
        driver.find_element(By.NAME, "action").send_keys("workflow.resume")
        navigate((By.CSS_SELECTOR, "form.filters button"), page("/admin/audit", "Audit trail", (By.ID, "audit")),
                 "the audit page filtered by action")
        check(query().get("action") == "workflow.resume", f"the filter is not in the address: {driver.current_url}")
        rows = [row.text for row in driver.find_elements(By.CSS_SELECTOR, "table#audit tr")[1:]]
        check(any(reason in r and f"workflow:{failed_id}" in r and "ok" in r for r in rows), f"audit page rows: {rows}")
        shot("dashboard-audit.png")

        step("log out; the session is gone")
        navigate((By.CSS_SELECTOR, "form[action='/admin/logout'] button"), page("/admin/login", "Log in", (By.ID, "token")),
                 "the login page after logout")
        open_page(base + "/admin/workflows", page("/admin/login", "Log in", (By.ID, "token")),
                  "the login page (the workflow list must not open after logout)")

        step("log in as finance: the finance page with the batch runs and the rerun form")
        login(args.finance_token)
        navigate((By.LINK_TEXT, "Finance"), page("/admin/finance", "Finance…", (By.ID, "runs-quickbooks-daily")), "the finance page")
        runs = text((By.ID, "runs-quickbooks-daily"))
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
