"""The public verification page (``verify?code=CODE``): anyone, signed in or not, checks that a
certificate of completion is genuine.

For a valid code it confirms the name, course, date passed and score; it says plainly when a code
is unknown or the certificate revoked (never why), and shows nothing else. The store counts every
lookup against the client's address and refuses them past its limit; a code already checked in
this browser session is not looked up (nor counted) again.
"""

from __future__ import annotations

import streamlit as st

from learning.certificate import Verdict, Verification, date_words, normal_code, score_words
from learning.errors import TooManyTries
from learning.render import plain_text
from learning.throttle import wait_words
from learning.ui import nav, services, session

_BOX = "verify-code"
_ASKED = "verify-asked"
_CHECKED = "verify-checked"
"""This session's lookups, by code as stored: a rerun shows the answer without counting it again."""


def render() -> None:
    school = services.settings().school_name
    st.title("Verify a certificate")
    st.markdown(
        f"Check that a certificate of completion from {plain_text(school)} is genuine: type the code printed on it, or scan its QR code."
    )
    asked = st.query_params.get("code", "")
    if st.session_state.get(_ASKED) != asked:  # a link with a code (or another code) fills the box
        st.session_state[_ASKED] = st.session_state[_BOX] = asked
    with st.form("verify"):
        typed = st.text_input("Verification code", max_chars=64, placeholder="XXXX-XXXX-XXXX-XXXX-XXXX", key=_BOX)
        check = st.form_submit_button("Check", type="primary", icon=":material/verified:")
    if check:
        asked = " ".join(typed.split())
        st.query_params["code"] = st.session_state[_ASKED] = asked
    if asked:
        _result(asked)
    if nav.exists("signin"):
        nav.link("Studying here? Sign in", "signin", icon=":material/login:")
    else:
        nav.link("Back to the course", "home", icon=":material/map:")


def _result(code: str) -> None:
    checked: dict[str, Verification] = st.session_state.setdefault(_CHECKED, {})
    key = normal_code(code) or code
    found = checked.get(key)
    if found is None:
        try:
            found = services.store().certificates.verify(code, client=session.client_address(), now=services.now())
        except TooManyTries as error:
            st.error(f"Too many codes were checked from your network. Try again in {wait_words(error.wait)}.", icon=":material/timer:")
            return
        checked[key] = found
    if found.verdict is Verdict.VALID:
        assert found.passed_on is not None and found.score is not None
        st.success("This certificate is valid.", icon=":material/verified:")
        with st.container(border=True):
            st.markdown(
                f"**Name:** {plain_text(found.learner_name or '')}  \n"
                f"**Course:** {plain_text(found.course_title or '')}  \n"
                f"**Final exam passed on:** {date_words(found.passed_on)}  \n"
                f"**Score:** {score_words(found.score)}"
            )
    elif found.verdict is Verdict.REVOKED:
        st.error("This certificate was revoked by the school that issued it: it is no longer valid.", icon=":material/block:")
    else:
        st.warning(
            "No certificate has this code. Check that it was typed exactly as printed; if it was, the certificate is not genuine.",
            icon=":material/help:",
        )
