"""The page table: one definition per page, and a table per run that no other session can touch."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from learning.store import Role
from learning.ui import nav
from tests.conftest import ROOT
from tests.ui.conftest import VIEWS


def test_every_page_has_its_view_and_every_view_a_page() -> None:
    views = {path.stem for path in nav.VIEWS.glob("*.py") if path.stem != "__init__"}
    assert views == {d.view.stem for d in nav.PAGES}
    assert all(d.view.is_file() for d in nav.PAGES)
    assert len({d.name for d in nav.PAGES}) == len(nav.PAGES)


def test_two_sessions_each_keep_their_own_page_table(app) -> None:
    """An instructor, a learner and a visitor take turns on one server; the module holds no page
    table (nothing a session writes is shared), and each session keeps its own in its state.

    (AppTest cannot run sessions on several threads at once, so the guarantee is structural: the
    page table is built per run and kept in the session's own state.)"""
    before = {name: repr(value) for name, value in vars(nav).items() if not name.startswith("__")}
    instructor = app.user("ines", role=Role.INSTRUCTOR, name="Ines Ortega")
    learner = app.user("lee", name="Lee Park")
    sessions = {
        "instructor": AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60),
        "learner": AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60),
        "visitor": AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60),
    }
    sessions["instructor"].session_state["user_id"] = instructor.id
    sessions["learner"].session_state["user_id"] = learner.id
    expected_home = {"instructor": "Course", "learner": "Course", "visitor": "Sign in"}
    for view in ("progress", "review", "home"):
        for who, at in sessions.items():
            if who != "visitor":
                at.switch_page(f"{VIEWS}/{view}.py")
            at.run()
            assert not at.exception, [e.value for e in at.exception]
        for who, at in sessions.items():
            table = at.session_state["_nav_pages"]
            assert table["home"].title == expected_home[who]
            if who == "visitor":
                public = {d.name for d in nav.PAGES if d.public}
                assert {page.title for name, page in table.items() if name not in public} == {"Sign in"}
                assert {table[name].title for name in public} == {"Verify a certificate"}
            else:
                assert ("classes" in table) is (who == "instructor")
    after = {name: repr(value) for name, value in vars(nav).items() if not name.startswith("__")}
    assert after == before
