"""The page table: one definition per page, and a table per run that no other session can touch."""

from __future__ import annotations

import threading

from streamlit.testing.v1 import AppTest

from learning.ui import nav
from tests.conftest import ROOT
from tests.ui.conftest import VIEWS


def test_every_page_has_its_view_and_every_view_a_page() -> None:
    views = {path.stem for path in nav.VIEWS.glob("*.py") if path.stem != "__init__"}
    assert views == {d.view.stem for d in nav.PAGES}
    assert all(d.view.is_file() for d in nav.PAGES)
    assert len({d.name for d in nav.PAGES}) == len(nav.PAGES)


def test_each_run_keeps_its_own_page_table() -> None:
    """Two sessions build their tables, then both look theirs up: neither sees the other's."""
    both_built = threading.Barrier(2)
    seen: dict[str, object] = {}

    def session(name: str) -> None:
        table = {"home": object()}
        nav.begin_run(table, current=name)
        both_built.wait()
        seen[name] = (nav.page("home") is table["home"], nav.current())

    threads = [threading.Thread(target=session, args=(name,)) for name in ("learner", "visitor")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"learner": (True, "learner"), "visitor": (True, "visitor")}


def test_two_sessions_at_once_on_one_server(app) -> None:
    """A learner moving between pages while a visitor sits on the sign-in screen, run concurrently."""
    learner = app.user("lee", name="Lee Park")
    errors: list[str] = []

    def learner_session() -> None:
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
        at.session_state["user_id"] = learner.id
        titles = {"home": "Welcome, Lee Park", "progress": "Your progress", "review": "Review"}
        for view in ("home", "progress", "review") * 3:
            at.switch_page(f"{VIEWS}/{view}.py")
            at.run()
            errors.extend(f"learner on {view}: {e.value}" for e in [*at.exception, *at.error])
            if [t.value for t in at.title] != [titles[view]]:
                errors.append(f"learner on {view}: saw {[t.value for t in at.title]}")

    def visitor_session() -> None:
        at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=60)
        for _ in range(9):
            at.run()
            errors.extend(f"visitor: {e.value}" for e in at.exception)
            if [t.value for t in at.title] != ["Massage therapist or medical massage therapist?"]:
                errors.append(f"visitor saw {[t.value for t in at.title]}")

    threads = [threading.Thread(target=learner_session), threading.Thread(target=visitor_session)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
