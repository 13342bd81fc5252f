"""The app starts and shows the course."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT


def test_app_starts_and_lists_units() -> None:
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=30).run()
    assert not at.exception
    assert [h.value for h in at.header] == ["Two professions", "Techniques"]
