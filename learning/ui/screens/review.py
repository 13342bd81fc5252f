"""Spaced review: the questions due for this learner, one at a time, then when the next are due."""

from __future__ import annotations

import streamlit as st

from learning.quiz import REVIEW_ID
from learning.ui import nav, services, session
from learning.ui.screens import plan
from learning.wording import count


def render() -> None:
    user = session.require_user()
    store = services.store()
    now = services.now()
    st.title("Review")
    unfinished = store.attempts.unfinished(user, now=now, quiz_id=REVIEW_ID)
    if unfinished:
        attempt = unfinished[0]
        st.markdown(f"You are part-way through a review: {len(attempt.attempt.answers)} of {len(attempt.attempt.questions)} done.")
        nav.link("Carry on reviewing", "quiz", icon=":material/play_arrow:", quiz=REVIEW_ID)
        return
    summary = store.review.summary(user, user.id, now=now)
    last = st.session_state.pop("review-finished", None)
    if last:
        st.success(f"Well done: you reviewed {count(last, 'question')}.", icon=":material/celebration:")
    if summary.cards == 0:
        st.info("Nothing to review yet. Every question you answer in a quiz joins your review deck, and comes back here when it is due.")
        nav.link("Go to the course map", "home", icon=":material/map:")
        return
    if summary.due_now == 0:
        when = f"{summary.next_due:%A %d %B at %H:%M} UTC" if summary.next_due else "later"
        st.info(f"No reviews are due right now. The next one is due {when}.", icon=":material/event_available:")
    else:
        st.markdown(f"**{summary.due_now}** question{'s are' if summary.due_now != 1 else ' is'} due for review.")
        nav.link("Start reviewing", "quiz", icon=":material/replay:", quiz=REVIEW_ID)
    st.caption(f"Your review deck holds {count(summary.cards, 'question')}.")
    _exam_date(user)


def _exam_date(user) -> None:
    with st.expander("Exam date", icon=":material/event:"):
        st.caption("Set the date of your exam and every review that would fall after it comes before it.")
        zone = services.time_zone()[0]
        plan.exam_date_form(user, services.store().plans.exam(user, user.id, today=services.now().astimezone(zone).date()))
