"""Drives the app in Chromium the way a learner does: by labels, roles and visible text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Locator, Page, expect

from learning.course import Course
from learning.questions import QuestionBase

TIMEOUT = 30_000
OPEN_PAGES: list[Page] = []  # the pages of the running test, for a screenshot when it fails


class Learner:
    def __init__(self, page: Page, base_url: str, course: Course, shots: Path) -> None:
        self.page = page
        self.base_url = base_url
        self.course = course
        self.shots = shots
        page.set_default_timeout(TIMEOUT)
        expect.set_options(timeout=TIMEOUT)
        OPEN_PAGES.append(page)

    # --- basics -----------------------------------------------------------------------------

    def open(self, path: str = "") -> None:
        """Open the app (at ``path``, such as ``/lesson?lesson=ID``). The browser's session cookie
        goes along: a browser that signed in before lands signed in."""
        self.page.goto(self.base_url + path)

    def idle(self) -> None:
        """Wait until the app is connected and Streamlit has finished every run a click started.

        The app root carries the script's state (``data-test-script-state``); a click's rerun
        request reaches the server a moment after the click, so the state is read only after the
        frontend has had time to send it, and must then stay finished (Streamlit's own end-to-end
        tests wait the same way). Acting only on a finished run means no click lands on a button
        that a rerun is about to replace.
        """
        self.page.wait_for_timeout(120)
        self.page.wait_for_function(
            """() => {
                const app = document.querySelector('[data-testid="stApp"]');
                if (!app || app.dataset.testConnectionState !== 'CONNECTED' || app.dataset.testScriptState === 'running') {
                    window.__idleSince = undefined;
                    return false;
                }
                window.__idleSince = window.__idleSince || performance.now();
                return performance.now() - window.__idleSince > 150;
            }""",
            polling=50,
        )

    def click(self, target: Locator) -> None:
        """Click, then wait for the run the click starts to finish."""
        target.click()
        self.idle()

    def textbox(self, name: str) -> Locator:
        return self.page.get_by_role("textbox", name=name, exact=True)

    def button(self, name: str) -> Locator:
        return self.page.get_by_role("button", name=name, exact=True)

    def link(self, name: str | re.Pattern) -> Locator:
        """An in-app link (drawn as a link, or as a link-styled button that wraps on phones)."""
        return self.page.get_by_role("link", name=name).or_(self.page.get_by_role("button", name=name))

    @property
    def phone(self) -> bool:
        return (self.page.viewport_size or {}).get("width", 1000) < 640

    def go(self, name: str) -> None:
        """Follow a navigation link: in the top bar on a desktop, behind the menu button on a phone."""
        self.idle()
        page = self.page
        if self.phone:
            menu = page.locator("[data-testid='stExpandSidebarButton'], [data-testid='stSidebarCollapsedControl'] button").first
            menu.click()
            link = page.locator("[data-testid='stSidebar'] [data-testid='stSidebarNavLink']").filter(has=page.get_by_text(name, exact=True))
        else:
            link = page.locator("[data-testid='stTopNavLink']").filter(has=page.get_by_text(name, exact=True))
        expect(link.first).to_be_visible()
        self.click(link.first)
        if self.phone:
            # On a phone the menu covers the page until it is closed, as a person would close it.
            close = page.locator("[data-testid='stSidebarCollapseButton'] button, [data-testid='stSidebarCollapseButton']").first
            if page.locator("[data-testid='stSidebar'][data-collapsed='false']").count():
                close.click()
            expect(page.locator("[data-testid='stSidebar'][data-collapsed='false']")).to_have_count(0)

    def see(self, text: str | re.Pattern) -> None:
        expect(self.page.get_by_text(text).first).to_be_visible()

    def screenshot(self, name: str) -> Path:
        """A screenshot of the whole screen, however long (the app scrolls inside its main area)."""
        self.idle()
        page = self.page
        size = page.viewport_size
        height = page.evaluate(
            '() => Math.max(...Array.from(document.querySelectorAll(\'[data-testid="stMain"], [data-testid="stAppViewContainer"]\'))'
            ".map(e => e.scrollHeight), window.innerHeight)"
        )
        page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 12000)})
        page.wait_for_timeout(300)
        path = self.shots / f"{name}.png"
        page.screenshot(path=str(path))
        page.set_viewport_size(size)
        page.wait_for_timeout(150)
        return path

    def overflow(self) -> list[str]:
        """Elements wider than the window, or text cut off sideways: what a phone user could not see."""
        return self.page.evaluate(
            """() => {
                const width = document.documentElement.clientWidth;
                const found = [];
                if (document.documentElement.scrollWidth > width + 1) found.push('page scrolls sideways: ' + document.documentElement.scrollWidth);
                for (const el of document.querySelectorAll('[data-testid="stMain"] *')) {
                    const box = el.getBoundingClientRect();
                    if (box.width === 0 || box.height === 0) continue;
                    const style = getComputedStyle(el);
                    if (style.visibility === 'hidden' || style.position === 'fixed') continue;
                    if (el.closest('[data-testid="stVegaLiteChart"], [data-testid="stCode"], .stCodeBlock, [data-testid="stDataFrame"]')) continue;
                    // A multiselect's chosen value is cut with an ellipsis by design, whole on hover and to screen readers.
                    if (el.closest('[data-tag][aria-label]')) continue;
                    if (box.right > width + 1 && !el.closest('[style*="overflow"]')) {
                        found.push(el.tagName + '.' + (el.getAttribute('data-testid') || el.className) + ' ends at ' + Math.round(box.right));
                    }
                    if (el.children.length === 0 && el.scrollWidth > el.clientWidth + 2 && ['hidden', 'clip'].includes(style.overflowX)) {
                        found.push('cut off: ' + (el.textContent || '').slice(0, 60));
                    }
                }
                return found.slice(0, 10);
            }"""
        )

    # --- accounts ---------------------------------------------------------------------------

    def sign_up(self, name: str, username: str, password: str) -> None:
        self.page.get_by_role("tab", name="Create an account").click()
        self.textbox("Your name").fill(name)
        self.textbox("Choose a username").fill(username)
        self.textbox("Choose a password").fill(password)
        self.textbox("Type the password again").fill(password)
        self.expect_handoff()
        self.click(self.button("Create my account"))
        self.handed_off()
        self.see(f"Welcome, {name}")

    def sign_in(self, username: str, password: str) -> None:
        self.textbox("Username").fill(username)
        self.textbox("Password").fill(password)
        self.expect_handoff()
        self.click(self.button("Sign in"))
        self.handed_off()

    def expect_handoff(self) -> None:
        """Mark the page before a sign-in: the run that signs in sends the browser through
        ``/auth/session`` (which sets the session cookie) and back, so the page is loaded anew."""
        self.page.evaluate("() => { window.__beforeHandoff = true; }")

    def handed_off(self) -> None:
        """Wait until the page marked by :meth:`expect_handoff` has been replaced by the one the
        handoff led to, and that one has finished its run: a click before then would land on a
        page about to go."""
        self.page.wait_for_function("() => window.__beforeHandoff === undefined && !location.pathname.startsWith('/auth/')")
        self.idle()

    # --- questions --------------------------------------------------------------------------

    def shown_question(self) -> tuple[QuestionBase, Locator]:
        box = self.page.locator("[class*='st-key-question-']").first
        expect(box).to_be_visible()
        classes = box.get_attribute("class") or ""
        question_id = re.search(r"st-key-question-([a-z0-9-]+)", classes).group(1)
        return self.course.question(question_id), box

    def question_box(self, question_id: str) -> Locator:
        return self.page.locator(f".st-key-question-{question_id}")

    def answer(self, question: QuestionBase, box: Locator, *, right: bool) -> None:
        """Fill in the question's widget with the right answer, or a wrong one."""
        page = self.page
        match question.type:
            case "single_choice":
                options = [o for o in question.options if o.correct == right]
                box.locator("label").filter(has_text=_exact(options[0].text)).first.click()
            case "true_false":
                value = question.answer if right else not question.answer
                box.locator("label").filter(has_text=_exact("True" if value else "False")).first.click()
            case "multiple_response":
                chosen = [o for o in question.options if o.correct] if right else [next(o for o in question.options if not o.correct)]
                for option in chosen:
                    box.locator("label").filter(has_text=_exact(option.text)).first.click()
            case "matching":
                for number, item in enumerate(question.items):
                    target = item.answer
                    if not right and number == 0:
                        target = next(c.id for c in question.choices if c.id != item.answer)
                    self._select(box, item.text, question.choice_text(target))
            case "ordering":
                items = list(question.items)
                if not right:
                    items[0], items[1] = items[1], items[0]
                ordinals = ["1st", "2nd", "3rd"] + [f"{n}th" for n in range(4, 21)]
                for position, item in enumerate(items):
                    self._select(box, ordinals[position], item.text)
            case "short_answer":
                text = next(a.text for a in question.answers if a.credit == 1.0).replace("*", "") if right else "no idea at all"
                box.get_by_role("textbox").fill(text)
            case "numeric":
                band = next(a for a in question.answers if a.credit == 1.0)
                value = band.value if band.value is not None else band.min
                box.get_by_role("spinbutton").fill(f"{value:g}" if right else "-12345")
        page.wait_for_timeout(100)

    def _select(self, box: Locator, label: str, option: str) -> None:
        self.pick(box.get_by_role("combobox", name=label, exact=True), option, label=label)

    def pick(self, combobox: Locator, option: str, *, label: str = "") -> None:
        """Open ``combobox`` and choose ``option``; a list that opens while the page still scrolls
        closes again, so the list is opened once more until the option shows."""
        choice = self.page.get_by_role("option", name=option, exact=True)
        try:
            for _ in range(3):
                combobox.scroll_into_view_if_needed()
                self.page.wait_for_timeout(250)
                combobox.click()
                try:
                    choice.wait_for(timeout=3000)
                    break
                except Exception:
                    self.page.keyboard.press("Escape")
            choice.click(timeout=5000)
        except Exception:
            self.page.screenshot(path=str(self.shots / "select-failure.png"))
            shown = self.page.get_by_role("option").all_inner_texts()
            raise AssertionError(f"no option {option!r} for {label or 'the list'!r}; options shown: {shown}") from None

    def submit_answer(self, box: Locator, label: str) -> None:
        self.click(box.get_by_role("button", name=label, exact=True))


def _exact(text: str) -> re.Pattern:
    return re.compile(rf"^\s*{re.escape(text)}\s*$")


SIDEBAR_NAV = '[data-testid="stSidebarNav"]'
STREAMLIT_NAV_LIST_RULES = {"list": {"enabled": False}, "listitem": {"enabled": False}}
"""Streamlit (1.67) draws a navigation section in the sidebar as a ``<div>`` (its heading and
links) straight inside the ``<ul>`` of pages, which axe's list rules report; the page cannot
change that markup. Those two rules are left out for the sidebar's page list only, and every
other rule still checks it."""


def axe_violations(page: Page) -> list[str]:
    """axe's serious and critical violations on the page, as readable lines."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()
    runs = [axe.run(page, context={"exclude": [[SIDEBAR_NAV]]})]
    if page.locator(SIDEBAR_NAV).count():
        runs.append(axe.run(page, context={"include": [[SIDEBAR_NAV]]}, options={"rules": STREAMLIT_NAV_LIST_RULES}))
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(n['target'][0] for n in v['nodes'][:3])}"
        for results in runs
        for v in results.response["violations"]
        if v["impact"] in ("critical", "serious")
    ]


@dataclass
class Findings:
    """What a journey found wrong on the screens it looked at: content that overflows sideways
    or is cut off, and axe's serious or critical violations. Collected along the way, checked at
    the end, so one journey reports every screen at once."""

    problems: list[str] = field(default_factory=list)
    access: list[str] = field(default_factory=list)

    def look(self, driver: Learner, name: str, *, axe: bool, shot: str | None = None) -> None:
        """Screenshot the page (as ``shot``, else ``name``), and note what is wrong on it."""
        driver.screenshot(shot or name)
        self.problems.extend(f"{name}: {p}" for p in driver.overflow())
        if axe:
            self.access.extend(f"{name}: {v}" for v in axe_violations(driver.page))

    def check(self) -> None:
        assert (self.problems, self.access) == ([], []), (
            "content overflows or is cut off:\n" + "\n".join(self.problems) + "\naccessibility violations:\n" + "\n".join(self.access)
        )
