"""The app's pages, built once per run from the signed-in person's role, so screens can link to each other."""

from __future__ import annotations

import streamlit as st

PAGES: dict[str, st.Page] = {}
CURRENT: str | None = None  # the url path of the page this run shows


def page(name: str) -> st.Page:
    return PAGES[name]


def go(name: str, **query_params: str) -> None:
    st.switch_page(PAGES[name], query_params=query_params or None)


def link(label: str, name: str, *, icon: str | None = None, key: str | None = None, **query_params: str) -> None:
    """A link to another screen whose label wraps on a narrow phone instead of being cut off.

    (``st.page_link`` keeps its label on one line.) It is a tertiary button that switches page.
    """
    suffix = "-".join(f"{k}={v}" for k, v in sorted(query_params.items()))
    if st.button(label, key=key or f"link-{name}-{suffix}-{label}", type="tertiary", icon=icon, wrap=True):
        go(name, **query_params)
