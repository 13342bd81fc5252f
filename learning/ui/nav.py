"""The app's pages: one definition table, and the page table of the run in progress.

Every page is one row of :data:`PAGES`; its name is its URL path, its key and (with ``_`` for
``-``) its view file under ``views/``. Adding a page is one row plus its screen.

Streamlit runs every browser session's script in the same process, on threads of its own. The
page table a run builds from the signed-in person's role therefore lives in that session's
``st.session_state`` (set by :func:`begin_run` at the start of every full run, and still there
when a dialog or fragment reruns alone), never in a module global that two sessions could
overwrite between building it and switching page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from learning.render import plain_text

VIEWS = Path(__file__).resolve().parent / "views"


@dataclass(frozen=True)
class PageDef:
    """One page of the app."""

    name: str  # URL path, key and view file
    title: str
    icon: str | None = None
    section: str = ""  # "" for the study pages, "Teach" for instructors' pages, "account" for the account page and sign-out
    hidden: bool = False  # reached by links, not listed in the navigation
    instructor: bool = False
    default: bool = False
    wide: bool = False  # uses the whole width of a large screen (the editor's form and preview side by side, a class's gradebook)
    public: bool = False  # works for anyone, signed in or not (the certificate verification page)

    @property
    def view(self) -> Path:
        return VIEWS / f"{self.name.replace('-', '_')}.py"


TEACH = "Teach"
ACCOUNT = "account"
PAGES: tuple[PageDef, ...] = (
    PageDef("home", "Course", ":material/map:", default=True),
    PageDef("review", "Review", ":material/replay:"),
    PageDef("progress", "Progress", ":material/insights:"),
    PageDef("lesson", "Lesson", hidden=True),
    PageDef("quiz", "Quiz", hidden=True),
    PageDef("results", "Results", hidden=True),
    PageDef("classes", "Classes", ":material/groups:", section=TEACH, instructor=True, wide=True),
    PageDef("quizzes", "Quizzes", ":material/edit_calendar:", section=TEACH, instructor=True),
    PageDef("course-files", "Course files", ":material/fact_check:", section=TEACH, instructor=True),
    PageDef("bank", "Question bank", ":material/quiz:", section=TEACH, instructor=True, wide=True),
    PageDef("import", "Import questions", ":material/upload_file:", section=TEACH, instructor=True, wide=True),
    PageDef("stats", "Item statistics", ":material/query_stats:", section=TEACH, instructor=True, wide=True),
    PageDef("edit", "Edit question", ":material/edit_note:", section=TEACH, hidden=True, instructor=True, wide=True),
    PageDef("verify", "Verify a certificate", ":material/verified:", hidden=True, public=True),
    PageDef("account", "Account", ":material/manage_accounts:", section=ACCOUNT),
    PageDef("sign-out", "Sign out", ":material/logout:", section=ACCOUNT),
)

_TABLE = "_nav_pages"
_CURRENT = "_nav_current"


def signed_in_pages(*, instructor: bool) -> dict[str, st.Page]:
    """The pages a signed-in person may open, by name."""
    return {
        d.name: st.Page(
            d.view, title=d.title, icon=d.icon, url_path=d.name, default=d.default, visibility="hidden" if d.hidden else "visible"
        )
        for d in PAGES
        if instructor or not d.instructor
    }


def signed_out_pages(render: Callable[[], None]) -> dict[str, st.Page]:
    """Every address shows ``render`` (the sign-in screen) until someone signs in, but a public
    page, which shows itself."""
    pages = {"signin": st.Page(render, title="Sign in", url_path="signin", default=True)}
    pages |= {
        d.name: st.Page(d.view, title=d.title, icon=d.icon, url_path=d.name, visibility="hidden")
        if d.public
        else st.Page(render, title="Sign in", url_path=d.name, visibility="hidden")
        for d in PAGES
    }
    return pages


def sections(pages: dict[str, st.Page], *, account: str) -> dict[str, list[st.Page]]:
    """The navigation menu: study pages, then the instructor's, then the account, headed by
    ``account`` (the person's name, shown as typed: section headings are Markdown)."""
    grouped: dict[str, list[st.Page]] = {}
    heading = plain_text(account)
    for d in PAGES:
        if d.name in pages:
            grouped.setdefault(heading if d.section == ACCOUNT else d.section, []).append(pages[d.name])
    return grouped


def begin_run(pages: dict[str, st.Page], current: str) -> None:
    """Record this run's page table and current page, and set the page's layout (called once per
    run, before the page runs; the layout is set once a run, as a later call may not take)."""
    st.session_state[_TABLE] = pages
    st.session_state[_CURRENT] = current
    wide = any(d.wide for d in PAGES if d.name == current) and current in pages and pages[current].title != "Sign in"
    st.set_page_config(layout="wide" if wide else "centered")


def current() -> str | None:
    """The URL path of the page this run shows."""
    return st.session_state.get(_CURRENT)


def page(name: str) -> st.Page:
    return st.session_state[_TABLE][name]


def exists(name: str) -> bool:
    """Whether this run's page table has the page ``name`` (for the signed-in person)."""
    return name in st.session_state.get(_TABLE, {})


def go(name: str, **query_params: str) -> None:
    st.switch_page(page(name), query_params=query_params or None)


LINK_STYLE = '[data-testid="stBaseButton-tertiary"] { justify-content: flex-start; text-align: left; } ' + (
    '[data-testid="stBaseButton-tertiary"] p { text-align: left; }'
)
"""Left-aligns a wrapped link label (the app's only tertiary buttons are its links)."""


def link(label: str, name: str, *, icon: str | None = None, key: str | None = None, **query_params: str) -> None:
    """A link to another screen whose label wraps on a narrow phone instead of being cut off.

    (``st.page_link`` keeps its label on one line.) It is a tertiary button that switches page.
    """
    suffix = "-".join(f"{k}={v}" for k, v in sorted(query_params.items()))
    if st.button(label, key=key or f"link-{name}-{suffix}-{label}", type="tertiary", icon=icon, wrap=True):
        go(name, **query_params)
