"""Names people type (display names, class names) are shown as typed on every screen, never
read as Markdown or HTML."""

from __future__ import annotations

from datetime import UTC, datetime

from learning.render import plain_text
from learning.store import Role
from learning.ui import nav
from tests.test_render import HOSTILE_NAME, shown


def test_a_display_name_is_shown_as_typed_on_the_course_map(app) -> None:
    app.sign_in_as(app.user(name=HOSTILE_NAME))
    title = app.at.title[0].value
    assert title == f"Welcome, {plain_text(HOSTILE_NAME)}"
    assert shown(title.removeprefix("Welcome, ")) == HOSTILE_NAME


def test_a_display_name_heads_the_account_menu_as_typed() -> None:
    menu = nav.sections({d.name: d.name for d in nav.PAGES}, account=HOSTILE_NAME)
    (heading,) = [label for label, pages in menu.items() if "sign-out" in pages]
    assert shown(heading) == HOSTILE_NAME


def test_a_class_name_is_shown_as_typed(app) -> None:
    teacher = app.user("morgan", role=Role.INSTRUCTOR, name="Morgan Lee")
    app.store.accounts.create_cohort(teacher, HOSTILE_NAME, now=datetime.now(UTC))
    app.sign_in_as(teacher)
    app.open("classes")
    (line,) = [m.value for m in app.at.markdown if "learner" in m.value]
    assert line == f"**{plain_text(HOSTILE_NAME)}** · 0 learners"
    assert shown(line.removeprefix("**").removesuffix("** · 0 learners")) == HOSTILE_NAME
