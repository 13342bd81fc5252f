"""The classes page (instructors): each class's roster and gradebook, its settings and audit log,
and a learner's record (``classes?class=ID&learner=ID``) with the actions on it.

The store checks on every call that the instructor teaches the class; this screen only draws
what it returns. Names, class names and reasons are people's typing: drawn with
:func:`learning.render.plain_text` wherever Markdown is read, or in tables (which show text as is).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from learning.certificate import score_words
from learning.errors import AccessDenied, AccountError, AttemptError, CertificateError
from learning.gradebook import ClassStatus
from learning.grading import correct_answer
from learning.render import inline, plain_text
from learning.store import Cohort, Roster, StoredAttempt, User
from learning.ui import nav, services, session, widgets
from learning.ui.screens import progress
from learning.web.app import GRADEBOOK_PATH
from learning.wording import count, sentence

STATUS_ICONS = {
    ClassStatus.ON_TRACK: ":green[:material/check_circle:]",
    ClassStatus.BEHIND: ":orange[:material/warning:]",
    ClassStatus.NOT_STARTED: ":gray[:material/radio_button_unchecked:]",
    ClassStatus.PASSED: ":blue[:material/workspace_premium:]",
}

_CREATED = "class-created"


def render() -> None:
    user = session.require_user(instructor=True)
    store = services.store()
    learner_id = _int(st.query_params.get("learner"))
    class_id = _int(st.query_params.get("class"))
    if learner_id is not None and class_id is not None:
        _learner_page(user, class_id, learner_id)
        return
    st.title("Classes")
    cohorts = store.accounts.cohorts(user)
    if not cohorts:
        st.info("You have no classes yet. Make one below, then give its enrolment code to your learners.")
    else:
        ids = [c.id for c in cohorts]
        by_id = {c.id: c for c in cohorts}
        created = st.session_state.pop(_CREATED, None)
        if created in ids:  # a class just made opens, whichever class the list showed before
            st.session_state["class-choice"] = created
        chosen = st.selectbox(
            "Class",
            ids,
            index=ids.index(class_id) if class_id in ids else 0,
            format_func=lambda i: f"{by_id[i].name} ({count(by_id[i].members, 'learner')})",
            key="class-choice",
        )
        st.query_params["class"] = str(chosen)
        _class(user, by_id[chosen])
    _new_class(user)


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _class(user: User, cohort: Cohort) -> None:
    store = services.store()
    st.markdown(f"**{plain_text(cohort.name)}** · {count(cohort.members, 'learner')}")
    roster_tab, certificates_tab, settings_tab, log_tab = st.tabs(["Roster and gradebook", "Certificates", "Class settings", "Audit log"])
    with roster_tab:
        _roster(store.classes.roster(user, cohort.id, now=services.now()))
    with certificates_tab:
        _certificates(user, cohort)
    with settings_tab:
        _settings(user, cohort)
    with log_tab:
        _audit(user, cohort.id)


# --- the roster -----------------------------------------------------------------------------


def _roster(roster: Roster) -> None:
    rows = roster.rows
    if not rows:
        st.info(f"No learner has joined yet. Learners type the enrolment code **{roster.cohort.code}** when they create their account.")
        return
    tally = {status: sum(r.standing.status is status for r in rows) for status in ClassStatus}
    with st.container(horizontal=True, gap="small"):  # two by two on a phone, in a row on a wider screen
        for status in ClassStatus:
            st.metric(f"{STATUS_ICONS[status]} {status.value.capitalize()}", tally[status], border=True, width=160)
    shown_status = st.pills("Show", ["Everyone", *[s.value for s in ClassStatus]], default="Everyone", key=f"status-{roster.cohort.id}")
    find = st.text_input("Find a learner", key=f"find-{roster.cohort.id}", placeholder="name or username", width=320)
    wanted = find.strip().casefold()
    chosen = [
        r
        for r in rows
        if (shown_status in (None, "Everyone") or r.standing.status.value == shown_status)
        and (not wanted or wanted in r.display_name.casefold() or wanted in r.username.casefold())
    ]
    zone, zone_name = services.time_zone()
    table = pd.DataFrame([_table_row(roster, r, zone) for r in chosen])
    config: dict[str, Any] = {
        "Learner": st.column_config.TextColumn(pinned=True),
        "Why": st.column_config.TextColumn(width="large"),
        "Last active": st.column_config.DatetimeColumn(format="D MMM, HH:mm", help=f"In {zone_name}"),
        "Lessons read": st.column_config.NumberColumn(help=f"Lessons marked as read, of {roster.lessons_total}"),
        "Reviews due": st.column_config.NumberColumn(help="Spaced-review questions due now"),
    }
    for _unit_id, title in roster.units:
        config[f"Mastery: {title}"] = st.column_config.ProgressColumn(format="%d%%", min_value=0, max_value=100)
    for quiz in roster.quizzes:
        config[f"{quiz.title} %"] = st.column_config.NumberColumn(format="%d%%", help="The score that counts, by the quiz's grading method")
    st.caption(f"{count(len(chosen), 'learner')} shown. Click a column heading to sort; select a row to open the learner's record.")
    picked = st.dataframe(
        table,
        hide_index=True,
        column_config=config,
        column_order=[c for c in table.columns if c != "id"],
        on_select="rerun",
        selection_mode="single-row",
        key=f"roster-{roster.cohort.id}",
    )
    selected = picked.selection.rows if picked is not None else []
    if selected:
        _open(roster.cohort.id, chosen[selected[0]].learner_id)
    with st.container(horizontal=True, vertical_alignment="bottom"):
        names = {r.learner_id: f"{r.display_name} ({r.username})" for r in rows}
        learner = st.selectbox("Open a learner's record", list(names), format_func=names.__getitem__, index=None, key="open-learner")
        if st.button("Open", icon=":material/person:", disabled=learner is None) and learner is not None:
            _open(roster.cohort.id, learner)
        # Sent by the server only to a browser with a live session of one of the class's instructors.
        st.link_button("Gradebook (CSV)", f"{GRADEBOOK_PATH}?class={roster.cohort.id}", icon=":material/download:")


def _table_row(roster: Roster, row, zone) -> dict[str, object]:
    cells: dict[str, object] = {
        "id": row.learner_id,
        "Learner": row.display_name,
        "Status": row.standing.status.value,
        "Why": row.standing.reason,
        "Last active": row.last_active.astimezone(zone).replace(tzinfo=None) if row.last_active else None,
        "Lessons read": row.lessons_read,
        "Reviews due": row.reviews_due,
    }
    if roster.quizzes and any(q.final for q in roster.quizzes):
        final = row.final_exam
        verdict = "" if final is None or final.counted is None else "passed" if final.passed else "not passed"
        cells["Final exam"] = f"{final.score} {verdict}" if final is not None and verdict else ""
    for unit_id, title in roster.units:
        cells[f"Mastery: {title}"] = round(row.mastery_by_unit.get(unit_id, 0.0) * 100)
    for quiz in roster.quizzes:
        cell = row.quizzes[quiz.id]
        cells[f"{quiz.title} %"] = None if cell.counted is None else round(cell.counted * 100)
        cells[f"{quiz.title} attempts"] = cell.attempts
    cells["Username"] = row.username
    return cells


def _open(class_id: int, learner_id: int) -> None:
    nav.go("classes", **{"class": str(class_id), "learner": str(learner_id)})


# --- certificates -----------------------------------------------------------------------------


def _certificates(user: User, cohort: Cohort) -> None:
    store = services.store()
    issued = store.certificates.for_class(user, cohort.id)
    done = st.session_state.pop(f"revoked-{cohort.id}", None)  # kept over the run that redraws the table
    if done:
        st.success(done)
    if not issued:
        st.caption(
            "No learner of this class has a certificate yet. Learners get theirs on their Progress page "
            "once they have read every lesson and passed the final exam."
        )
        return
    zone, zone_name = services.time_zone()
    frame = pd.DataFrame(
        [
            {
                "Learner": c.learner,
                "Status": c.status,
                "Date passed": c.certificate.passed_on,
                "Score": score_words(c.certificate.score),
                "Code": c.code,
                "Issued": c.certificate.issued_at.astimezone(zone).replace(tzinfo=None),
                "Username": c.username,
            }
            for c in issued
        ]
    )
    columns = {
        "Learner": st.column_config.TextColumn(pinned=True),
        "Date passed": st.column_config.DateColumn(format="D MMM YYYY"),
        "Issued": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm", help=f"In {zone_name}"),
    }
    st.dataframe(frame, hide_index=True, column_config=columns)
    st.caption("Anyone can check a code on the verification page; a revoked certificate reads as revoked there, never why.")
    valid = {c.learner_id: f"{c.learner} ({c.username}) · {c.code}" for c in issued if not c.certificate.revoked}
    if not valid:
        return
    with st.form(f"revoke-{cohort.id}", clear_on_submit=True):
        st.markdown("**Revoke a certificate**")
        learner_id = st.selectbox("Certificate", list(valid), format_func=valid.__getitem__, key=f"revoke-which-{cohort.id}")
        reason = st.text_input("Reason (kept in the audit log)", max_chars=300, key=f"revoke-reason-{cohort.id}")
        if st.form_submit_button("Revoke", icon=":material/block:"):
            try:
                store.certificates.revoke(user, cohort.id, learner_id, reason=reason, now=services.now())
            except (AccountError, CertificateError, AccessDenied) as error:
                st.error(sentence(str(error)))
            else:
                st.session_state[f"revoked-{cohort.id}"] = f"Revoked: {plain_text(valid[learner_id])}. The verification page now says so."
                st.rerun()


# --- settings, co-instructors, the audit log --------------------------------------------------


def _settings(user: User, cohort: Cohort) -> None:
    store = services.store()
    now = services.now()
    st.subheader("Enrolment")
    if cohort.enrolment_open:
        st.markdown("Learners join by typing this code when they create their account:")
    else:
        st.warning("Enrolment is closed: the code admits nobody new. Learners already in the class stay.", icon=":material/lock:")
    st.code(cohort.code, language=None)
    with st.container(horizontal=True):
        if st.button("New code", icon=":material/autorenew:", help="The old code stops working at once", key=f"rotate-{cohort.id}"):
            store.classes.rotate_code(user, cohort.id, now=now)
            st.rerun()
        label, icon = ("Close enrolment", ":material/lock:") if cohort.enrolment_open else ("Open enrolment", ":material/lock_open:")
        if st.button(label, icon=icon, key=f"enrolment-{cohort.id}"):
            store.classes.set_enrolment(user, cohort.id, open=not cohort.enrolment_open, now=now)
            st.rerun()

    st.subheader("Class exam date")
    st.caption(
        "Every learner of the class without an exam date of their own gets a study plan to this date on their course map, "
        "and their reviews that would fall on or after the exam day are brought forward to the day before."
    )
    with st.form(f"exam-{cohort.id}"):
        day = st.date_input("Exam date", value=cohort.exam_date, format="DD/MM/YYYY")
        with st.container(horizontal=True):
            save = st.form_submit_button("Save the date", type="primary")
            clear = st.form_submit_button("No exam date")
    if save or clear:
        store.classes.set_exam_date(user, cohort.id, None if clear else day, now=now)
        st.rerun()

    st.subheader("Instructors")
    teachers = store.accounts.instructors(user, cohort.id)
    st.markdown("  \n".join(f"{plain_text(t.display_name)} ({t.username}){' · owner' if n == 0 else ''}" for n, t in enumerate(teachers)))
    with st.form(f"co-{cohort.id}", clear_on_submit=True):
        username = st.text_input("Add a co-instructor by username", max_chars=32, help="They see this class and can act on it as you can.")
        if st.form_submit_button("Add co-instructor"):
            try:
                store.classes.add_co_instructor(user, cohort.id, username, now=now)
            except AccountError as error:
                st.error(sentence(str(error)))
            else:
                st.rerun()


def _audit(user: User, cohort_id: int, *, learner_id: int | None = None) -> None:
    entries = services.store().classes.audit_log(user, cohort_id, learner_id=learner_id)
    if not entries:
        st.caption("Nothing recorded yet.")
        return
    zone, zone_name = services.time_zone()
    frame = pd.DataFrame(
        [
            {
                "When": e.at.astimezone(zone).replace(tzinfo=None),
                "Who": e.actor,
                "What": e.action.value,
                "Learner": e.learner or "",
                "About": e.subject,
                "Why": e.reason,
            }
            for e in entries
        ]
    )
    columns = {"When": st.column_config.DatetimeColumn(format="D MMM YYYY, HH:mm", help=f"In {zone_name}")}
    shown = [c for c in frame.columns if learner_id is None or c != "Learner"]
    st.dataframe(frame, hide_index=True, column_config=columns, column_order=shown)
    st.caption("The audit log lists what the class's instructors did, newest first. Nobody can change it from the app.")


def _new_class(user: User) -> None:
    with st.expander("New class", icon=":material/add:"), st.form("new-class", clear_on_submit=True):
        name = st.text_input("New class name", max_chars=120)
        if st.form_submit_button("Create class", type="primary"):
            try:
                made = services.store().accounts.create_cohort(user, name, now=services.now())
            except AccountError as error:
                st.error(sentence(str(error)))
            else:
                st.query_params["class"] = str(made.id)
                st.session_state[_CREATED] = made.id
                st.rerun()


# --- a learner's record -----------------------------------------------------------------------


def _learner_page(user: User, class_id: int, learner_id: int) -> None:
    store = services.store()
    try:
        learner = store.classes.learner(user, class_id, learner_id)
        cohort = store.accounts.cohort(user, class_id)
    except AccessDenied:
        st.warning("That learner is not in one of your classes.")
        nav.link("Back to your classes", "classes", icon=":material/arrow_back:")
        return
    nav.link(f"Back to {plain_text(cohort.name)}", "classes", icon=":material/arrow_back:", **{"class": str(class_id)})
    st.title(plain_text(learner.display_name))
    st.caption(f"Username {learner.username} · {plain_text(cohort.name)}")
    progress_tab, attempts_tab, review_tab, actions_tab = st.tabs(["Progress", "Attempts", "Review queue", "Actions"])
    with progress_tab:
        progress.show(user, learner)
    with attempts_tab:
        _attempts(user, cohort, learner)
    with review_tab:
        _review_queue(user, learner)
    with actions_tab:
        _actions(user, cohort, learner)


def _attempt_label(stored: StoredAttempt, zone) -> str:
    when = stored.attempt.started_at.astimezone(zone)
    if stored.voided:
        state = "void"
    elif not stored.submitted:
        state = "in progress"
    elif stored.result is not None:
        state = f"{round(stored.result.score * 100)}%, {'passed' if stored.result.passed else 'not passed'}"
    else:
        state = "submitted"
    return f"{stored.spec.title} · {when:%d %b %Y %H:%M} · {state}"


def _attempts(user: User, cohort: Cohort, learner: User) -> None:
    store = services.store()
    course = services.course()
    attempts = [a for a in store.attempts.history(user, learner.id) if a.spec.kind.counts_as_a_quiz]
    if not attempts:
        st.caption("No quiz attempt yet.")
        return
    zone, _name = services.time_zone()
    by_id = {a.id: a for a in attempts}
    chosen = st.selectbox(
        f"Attempt ({len(attempts)})",
        [a.id for a in reversed(attempts)],
        format_func=lambda i: _attempt_label(by_id[i], zone),
        key=f"attempt-{learner.id}",
    )
    stored = by_id[chosen]
    if stored.result is not None and not stored.voided:
        (st.success if stored.result.passed else st.error)(stored.result.reason)
    if stored.voided:
        st.warning("This attempt is void: it counts for nothing.", icon=":material/block:")
    _attempt_actions(user, cohort, stored)
    for number, drawn in enumerate(stored.attempt.questions, start=1):
        question = stored.questions[drawn.id]
        answer = stored.attempt.answers.get(drawn.id)
        if answer is None:
            mark = "not answered"
        elif answer.grade.correct:
            mark = "right"
        else:
            mark = f"{round(answer.grade.score * 100)}%"
        with st.expander(f"{number}. {inline(' '.join(question.prompt.split())[:90])} — {mark}"):
            widgets.show_question(question, course)
            if answer is None:
                st.markdown(f"**The right answer:** {inline(correct_answer(question))}")
            else:
                widgets.show_grade(question, answer.grade, course, link_lesson=False, whose="Their answer")


def _attempt_actions(user: User, cohort: Cohort, stored: StoredAttempt) -> None:
    if stored.voided:
        return
    store = services.store()
    with st.form(f"attempt-action-{stored.id}", clear_on_submit=True):
        reason = st.text_input("Reason (kept in the audit log)", max_chars=300, key=f"reason-{stored.id}")
        with st.container(horizontal=True):
            reopen = st.form_submit_button("Reopen attempt", icon=":material/lock_open:", disabled=not stored.submitted)
            void = st.form_submit_button("Void attempt", icon=":material/block:")
    if reopen or void:
        try:
            if reopen:
                store.classes.reopen_attempt(user, cohort.id, stored.id, reason=reason, now=services.now())
            else:
                store.classes.void_attempt(user, cohort.id, stored.id, reason=reason, now=services.now())
        except (AccountError, AttemptError) as error:
            st.error(sentence(str(error)))
        else:
            st.rerun()


def _review_queue(user: User, learner: User) -> None:
    store = services.store()
    course = services.course()
    due = store.review.due(user, learner.id, now=services.now())
    summary = store.review.summary(user, learner.id, now=services.now())
    st.markdown(f"{count(summary.due_now, 'review')} due now, of {count(summary.cards, 'question')} in review.")
    if not due:
        return
    zone, _name = services.time_zone()
    rows = []
    for card in due:
        question = course.question(card.question_id)
        lesson = course.lesson(question.lesson) if question else None
        rows.append(
            {
                "Question": " ".join(question.prompt.split()) if question else card.question_id,
                "Lesson": lesson.title if lesson else "",
                "Due since": card.due.astimezone(zone).replace(tzinfo=None),
                "Reviews": card.reviews,
            }
        )
    st.dataframe(pd.DataFrame(rows), hide_index=True, column_config={"Due since": st.column_config.DatetimeColumn(format="D MMM, HH:mm")})


def _actions(user: User, cohort: Cohort, learner: User) -> None:
    store = services.store()
    course = services.course()
    limited = [q for q in course.quizzes if q.attempts_allowed is not None and q.visible_to({cohort.id})]
    st.subheader("Extra attempt")
    if not limited:
        st.caption("No quiz of this class limits its attempts.")
    else:
        extra = store.classes.extra_attempts(user, cohort.id, learner.id)
        titles = {q.id: f"{q.title} ({q.attempts_allowed} allowed{f', +{extra[q.id]} granted' if q.id in extra else ''})" for q in limited}
        granted = st.session_state.pop(f"granted-{learner.id}", None)  # kept over the run that redraws the list with the grant
        with st.form(f"grant-{learner.id}", clear_on_submit=True):
            quiz_id = st.selectbox("Quiz", list(titles), format_func=titles.__getitem__)
            reason = st.text_input("Reason (kept in the audit log)", max_chars=300, key=f"grant-reason-{learner.id}")
            if st.form_submit_button("Grant one more attempt", type="primary"):
                try:
                    store.classes.grant_attempt(user, cohort.id, learner.id, quiz_id, reason=reason, now=services.now())
                except (AccountError, AttemptError) as error:
                    st.error(sentence(str(error)))
                else:
                    title = titles[quiz_id].rsplit(" (", 1)[0]
                    st.session_state[f"granted-{learner.id}"] = (
                        f"{plain_text(learner.display_name)} can now start one more attempt at {plain_text(title)}."
                    )
                    st.rerun()
            if granted:
                st.success(granted)

    st.subheader("Password reset code")
    st.caption(
        "Learners have no email here. Give them this code: on the sign-in page, under *I have a reset code*, they choose a new password."
    )
    if st.button("Make a reset code", icon=":material/key:", key=f"reset-{learner.id}"):
        code = store.classes.reset_code(user, cohort.id, learner.id, now=services.now())
        st.code(code, language=None)
        st.info("It is shown only now, works once and expires in two days. A new code replaces this one.", icon=":material/info:")

    st.subheader("Remove from the class")
    with st.form(f"remove-{learner.id}"):
        st.caption("Their account and records stay; they leave this class's roster, and you no longer see their records.")
        reason = st.text_input("Reason (kept in the audit log)", max_chars=300, key=f"remove-reason-{learner.id}")
        sure = st.checkbox(f"Yes, remove {learner.username} from {plain_text(cohort.name)}")
        if st.form_submit_button("Remove from the class", icon=":material/person_remove:"):
            if not sure:
                st.error("Tick the box to confirm.")
            else:
                try:
                    store.classes.remove_learner(user, cohort.id, learner.id, reason=reason, now=services.now())
                except AccountError as error:
                    st.error(sentence(str(error)))
                else:
                    nav.go("classes", **{"class": str(cohort.id)})

    st.subheader("What was done")
    _audit(user, cohort.id, learner_id=learner.id)
