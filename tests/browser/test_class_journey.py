"""What an instructor sees of their classes, in a real browser (Chromium via Playwright), on desktop
and phone: each of two classes' rosters, a learner's record with an extra attempt granted and then
used, the item analysis of a quiz with one deliberately bad question found flagged, and a learner
refused the instructor's pages.

The records are filled through the store before the app starts: an instructor, two classes of
learners, a quiz of six questions from one lesson written into the copied bank, and one submitted
attempt at it by each learner, answered so that the strongest learners choose one wrong option of
the seeded question and the weakest its right one. Screenshots are saved as
``test-artifacts/screenshots/classes-*.png``.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import Locator, expect

from learning import load_course
from learning.course import Course
from learning.questions import QuestionBase
from learning.store import Role, Store
from tests.browser.conftest import ARTIFACTS
from tests.browser.driver import Findings, Learner
from tests.browser.test_instructor_journey import PASSWORD, TEACH_PAGES, Instructor, Server, _add_instructor, serve_a_copy
from tests.browser.test_journeys import VIEWPORTS

pytestmark = pytest.mark.browser

ZONE = "Europe/Paris"
TEACHER = "robin-teach"
FIRST, SECOND = "Monday evening class", "Saturday class"  # listed in this order (by name)
QUIZ_ID, QUIZ_TITLE = "roles-check", "Roles check"
BAD, LURE = "goals-01", "b"  # the seeded bad question, and the wrong option its strongest learners choose
REASON = "ill on the day of the check"

STRONG, MIDDLE, WEAK = "strong", "middle", "weak"
LEARNERS = {  # class, username, name, how they answer
    FIRST: [
        ("sam", "Sam Rivera", STRONG),  # the learner who signs in: their one attempt is used, then one more is granted
        ("ana", "Ana Diaz", STRONG),
        ("lee", "Lee Park", STRONG),
        ("joan", "Jo Martin", MIDDLE),
        ("kim", "Kim Wu", WEAK),
        ("max", "Max Weber", WEAK),
    ],
    SECOND: [("noor", "Noor Haddad", STRONG), ("eli", "Eli Brandt", MIDDLE)],
}
LEARNER, LEARNER_NAME = "sam", "Sam Rivera"

QUIZ = {
    "id": QUIZ_ID,
    "title": QUIZ_TITLE,
    "description": "Six questions on the two roles' goals, graded after you submit.",
    "lessons": ["goals"],
    "objectives": ["goal-main-difference", "goal-remedial"],  # six practice questions, the same in every attempt
    "shuffle_questions": False,
    "attempts_allowed": 1,
    "feedback_mode": "exam",
}


@dataclass
class Seeded:
    """What the records hold before the app starts: the classes' ids and the quiz's questions."""

    classes: dict[str, int] = field(default_factory=dict)
    questions: list[str] = field(default_factory=list)


def _wrong(question: QuestionBase) -> dict[str, object]:
    match question.type:
        case "single_choice":
            return {"type": "single_choice", "option": next(o.id for o in question.options if not o.correct)}
        case "true_false":
            return {"type": "true_false", "value": not question.answer}
        case "short_answer":
            return {"type": "short_answer", "text": "no idea at all"}
    raise AssertionError(f"the quiz draws a {question.type} question, which the seeding cannot answer wrongly")


def _response(question: QuestionBase, how: str, number: int) -> dict[str, object]:
    """A strong learner is right on every other question and chooses the lure of the bad one; a
    weak learner is wrong on every other question and right on the bad one; a middle learner is
    right on every other question but one in two, and wrong on the bad one with another option."""
    if question.id == BAD:
        if how == STRONG:
            return {"type": "single_choice", "option": LURE}
        if how == WEAK:
            return question.correct_response().model_dump()
        return {"type": "single_choice", "option": next(o.id for o in question.options if not o.correct and o.id != LURE)}
    right = how == STRONG or (how == MIDDLE and number % 2 == 0)
    return question.correct_response().model_dump() if right else _wrong(question)


def _seed(server: Server, seeded: Seeded) -> None:
    """Fill the records through the store, on the database the app will use."""
    _add_instructor(server, TEACHER)
    holder: dict[str, Course] = {"course": load_course(lessons_dir=server.lessons, bank_dir=server.bank)}
    store = Store.open(server.database_url, course=lambda: holder["course"])
    try:
        now = datetime.now(UTC)
        teacher = store.accounts.by_username(TEACHER)
        assert teacher is not None
        members = {}
        for name in LEARNERS:
            cohort = store.accounts.create_cohort(teacher, name, now=now)
            seeded.classes[name] = cohort.id
            for username, display_name, how in LEARNERS[name]:
                learner = store.accounts.create(username, PASSWORD, role=Role.LEARNER, now=now, display_name=display_name)
                store.accounts.join_cohort(learner, cohort.code, now=now)
                members[username] = (learner, how)
        quiz = {**QUIZ, "classes": list(seeded.classes.values())}
        (server.bank / "quizzes" / f"{QUIZ_ID}.json").write_text(json.dumps(quiz, indent=2) + "\n")
        holder["course"] = course = load_course(lessons_dir=server.lessons, bank_dir=server.bank)
        spec = course.quiz(QUIZ_ID)
        assert spec is not None and not course.problems, course.problems
        started = now - timedelta(days=1)
        for number, (learner, how) in enumerate(members.values()):
            at = started + timedelta(minutes=10 * number)
            attempt = store.attempts.start(learner, spec, now=at)
            seeded.questions = [d.id for d in attempt.attempt.questions]
            for turn, question_id in enumerate(seeded.questions):
                store.attempts.answer(learner, attempt.id, question_id, _response(attempt.questions[question_id], how, turn), now=at)
            store.attempts.submit(learner, attempt.id, now=at + timedelta(minutes=5))
    finally:
        store.close()
    assert BAD in seeded.questions


@dataclass(frozen=True)
class Classes:
    server: Server
    seeded: Seeded


@pytest.fixture
def classes(chromium, tmp_path, request) -> Iterator[Classes]:
    """The app on a copy of the course folders and records filled before it starts."""
    seeded = Seeded()
    with serve_a_copy(tmp_path, request.node.callspec.params["viewport"], before=lambda server: _seed(server, seeded)) as server:
        yield Classes(server, seeded)


def _columns(grid: Locator, *names: str) -> list[tuple[str, ...]]:
    """The rows of a table (``st.dataframe``), each the texts of its cells in the columns ``names``.

    The table itself is drawn on a canvas; a copy of its cells in view is drawn for screen
    readers once it has had the focus, and that copy is read here, the table scrolled sideways
    until each column is in view (on a phone most of them start out of view).
    """
    expect(grid).to_be_visible()
    grid.get_by_test_id("data-grid-canvas").focus()
    expect(grid.locator("th[role='columnheader']").first).to_be_attached()
    columns = []
    for name in names:
        index = grid.page.wait_for_function(
            """([grid, name]) => {
                const heading = [...grid.querySelectorAll('th[role="columnheader"]')].find(th => th.textContent.trim() === name);
                if (heading) return heading.getAttribute('aria-colindex');
                // Not in view: on to the next columns (round again from the end), once the copy has
                // been drawn again after the last step (it is not drawn while the table scrolls).
                if (performance.now() - (grid.lastStep || 0) < 500) return false;
                const scroller = grid.querySelector('.dvn-scroller');
                const end = scroller.scrollLeft >= scroller.scrollWidth - scroller.clientWidth;
                scroller.scrollLeft = end ? 0 : scroller.scrollLeft + scroller.clientWidth / 2;
                grid.lastStep = performance.now();
                return false;
            }""",
            arg=[grid.element_handle(), name],
            polling=50,
        ).json_value()
        cells = grid.locator(f"tbody td[role='gridcell'][aria-colindex='{index}']")
        expect(cells.first).to_be_attached()
        columns.append([text.strip() for text in cells.all_text_contents()])
    grid.locator(".dvn-scroller").first.evaluate("scroller => { scroller.scrollLeft = 0; }")  # as it was, for the screenshots
    return list(zip(*columns, strict=True))


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_an_instructor_reads_their_classes_grants_an_attempt_and_finds_the_bad_question(browser, classes, viewport: str) -> None:
    server, seeded = classes.server, classes.seeded
    shots = ARTIFACTS
    shots.mkdir(parents=True, exist_ok=True)
    course = load_course(lessons_dir=server.lessons, bank_dir=server.bank)
    context = browser.new_context(viewport=VIEWPORTS[viewport], timezone_id=ZONE)
    page = context.new_page()
    app = Instructor(page, server.url, course, shots)
    findings = Findings()

    def look(driver: Learner, name: str, *, axe: bool = False) -> None:
        findings.look(driver, name, axe=axe, shot=f"classes-{viewport}-{name}")

    # 1. Each class's roster.
    app.open()
    app.sign_in(TEACHER, PASSWORD)
    app.see("Welcome, Robin Teach")
    app.go("Classes")
    expect(page.get_by_role("heading", name="Classes", level=1)).to_be_visible()
    roster = page.locator("[data-testid='stDataFrame']").first
    first_names = sorted(name for _username, name, _how in LEARNERS[FIRST])
    expect(page.get_by_text(f"{len(first_names)} learners shown.", exact=False)).to_be_visible()
    assert sorted(name for (name,) in _columns(roster, "Learner")) == first_names
    look(app, "roster-first", axe=True)
    app.choose("Class", f"{SECOND} ({len(LEARNERS[SECOND])} learners)")
    expect(page.get_by_text(f"{len(LEARNERS[SECOND])} learners shown.", exact=False)).to_be_visible()
    assert sorted(name for (name,) in _columns(roster, "Learner")) == sorted(name for _username, name, _how in LEARNERS[SECOND])
    look(app, "roster-second", axe=True)

    # 2. The learner who used their one attempt: one more, with a reason.
    app.choose("Class", f"{FIRST} ({len(first_names)} learners)")
    expect(page.get_by_text(f"{len(first_names)} learners shown.", exact=False)).to_be_visible()
    app.choose("Open a learner's record", f"{LEARNER_NAME} ({LEARNER})")
    app.click(page.get_by_test_id("stBaseButton-secondary").filter(has_text=re.compile(r"Open$")))  # not a list's own "Open" button
    expect(page.get_by_role("heading", name=LEARNER_NAME, level=1)).to_be_visible()
    app.see(f"Username {LEARNER} · {FIRST}")
    look(app, "learner", axe=True)
    app.click(page.get_by_role("tab", name="Actions"))
    grant = page.locator("[data-testid='stForm']").filter(has=app.button("Grant one more attempt"))
    app.choose("Quiz", f"{QUIZ_TITLE} (1 allowed)", within=grant)
    app.fill(grant.get_by_role("textbox", name="Reason (kept in the audit log)"), REASON)
    app.click(app.button("Grant one more attempt"))
    app.see(f"{LEARNER_NAME} can now start one more attempt at {QUIZ_TITLE}.")
    app.choose("Quiz", f"{QUIZ_TITLE} (1 allowed, +1 granted)", within=grant)
    log = page.locator("[data-testid='stDataFrame']").last
    assert ("extra attempt granted", QUIZ_ID, REASON) in _columns(log, "What", "About", "Why")
    look(app, "granted", axe=True)

    # 3. The item analysis of the quiz for the first class: the seeded question flagged.
    app.go("Item statistics")
    expect(page.get_by_role("heading", name="Item statistics", level=1)).to_be_visible()
    app.choose("Quiz", QUIZ_TITLE)
    app.choose("Class", FIRST)
    app.see(f"{len(first_names)} attempts by {len(first_names)} learners")
    flags = dict(_columns(page.locator("[data-testid='stDataFrame']").first, "Id", "What to check"))
    assert sorted(flags) == sorted(seeded.questions)
    assert [q for q, flagged in flags.items() if "chosen more by stronger learners" in flagged] == [BAD], flags
    look(app, "stats", axe=True)
    number = [q.id for q in course.questions if q.id in seeded.questions].index(BAD) + 1
    app.choose("Question", f"Q{number} · {BAD} · needs checking")
    lure = next(o.text for o in course.question(BAD).options if o.id == LURE)
    flagged = re.compile(rf"wrong option .{re.escape(lure)}. is chosen more by stronger learners", re.IGNORECASE)
    expect(page.locator("[data-testid='stAlertContentWarning']").get_by_text(flagged)).to_be_visible()
    look(app, "stats-question", axe=True)
    context.close()

    # 4. The learner signs in and uses the extra attempt.
    context = browser.new_context(viewport=VIEWPORTS[viewport], timezone_id=ZONE)
    page = context.new_page()
    learner = Learner(page, server.url, course, shots)
    learner.open()
    learner.sign_in(LEARNER, PASSWORD)
    learner.see(f"Welcome, {LEARNER_NAME}")
    learner.see(re.compile(r"1 of 2 attempts left$"))
    learner.click(learner.link(f"Open: {QUIZ_TITLE}"))
    expect(page.get_by_role("heading", name=QUIZ_TITLE, level=1)).to_be_visible()
    learner.see("Attempts: 1 used of 2.")
    look(learner, "learner-quiz")
    learner.click(learner.button("Start"))
    question, _box = learner.shown_question()
    assert question.id == seeded.questions[0]
    look(learner, "learner-started")

    # 5. A learner is refused the instructor's pages: not in their navigation, and not at their addresses.
    _nav_has_no_teaching(learner)
    for name in ("classes", "stats"):
        learner.open(f"/{name}")  # still signed in (the session cookie): no sign-in on the way
        learner.idle()
        learner.see(f"Welcome, {LEARNER_NAME}")
        expect(page).not_to_have_url(re.compile(rf"/{name}(\?|$)"))  # the app answers with the course map
        expect(page.get_by_role("heading", name=re.compile("^(Classes|Item statistics)$"))).to_have_count(0)
        expect(page.locator("[data-testid='stDataFrame']")).to_have_count(0)
        look(learner, f"learner-refused-{name}")
    context.close()

    findings.check()


def _nav_has_no_teaching(learner: Learner) -> None:
    """Neither the Teach section nor any of its pages is in the learner's navigation."""
    page = learner.page
    learner.idle()
    if learner.phone:
        page.locator("[data-testid='stExpandSidebarButton'], [data-testid='stSidebarCollapsedControl'] button").first.click()
        links = page.locator("[data-testid='stSidebar'] [data-testid='stSidebarNavLink']")
    else:
        links = page.locator("[data-testid='stTopNavLink'], [data-testid='stTopNavSection']")
    expect(links.first).to_be_visible()
    shown = [text.strip() for text in links.all_inner_texts()]
    assert "Course" in " ".join(shown)
    assert not [t for t in shown if t == "Teach" or t in TEACH_PAGES], shown
    if learner.phone:
        page.locator("[data-testid='stSidebarCollapseButton'] button, [data-testid='stSidebarCollapseButton']").first.click()
        expect(page.locator("[data-testid='stSidebar'][data-collapsed='false']")).to_have_count(0)
