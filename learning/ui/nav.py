"""The app's pages, built once per run from the signed-in person's role, so screens can link to each other."""

from __future__ import annotations

import streamlit as st

PAGES: dict[str, st.Page] = {}


def page(name: str) -> st.Page:
    return PAGES[name]


def go(name: str, **query_params: str) -> None:
    st.switch_page(PAGES[name], query_params=query_params or None)
