"""The study plan on screen: today's plan on the course map, the exam date form, the calendar
download, and days left with the learner's standing on the progress page.

The plan itself is :mod:`learning.study_plan`'s, read through ``store.plans``; this only draws it.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from learning.ics import calendar_key, plan_calendar
from learning.render import inline, plain_text
from learning.store import Dashboard, ExamDate, User
from learning.study_plan import ItemKind, PlanDay, PlanStatus, StudyPlan
from learning.ui import nav, services
from learning.wording import count

STATUS_ICON = {
    PlanStatus.ON_TRACK: ":material/check_circle:",
    PlanStatus.BEHIND: ":material/warning:",
    PlanStatus.EXAM_TODAY: ":material/flag:",
    PlanStatus.PASSED: ":material/event_busy:",
    PlanStatus.NO_DATE: ":material/event:",
}


def _learner_plan(viewer: User, learner: User, board: Dashboard | None) -> tuple[StudyPlan, ExamDate | None]:
    store = services.store()
    zone, _name = services.time_zone()
    plan = store.plans.plan(viewer, learner.id, now=services.now(), zone=zone, board=board)
    return plan, store.plans.exam(viewer, learner.id, today=plan.today)


def day_label(day: date, today: date) -> str:
    """``Today``, ``Tomorrow`` or ``Wed 4 Mar``."""
    if day == today:
        return "Today"
    if (day - today).days == 1:
        return "Tomorrow"
    return f"{day:%a} {day.day} {day:%b}"


def long_date(day: date) -> str:
    """``Monday 16 March 2026``."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def whose(exam: ExamDate) -> str:
    return "your own date" if exam.own else f"the date of your class {plain_text(exam.class_name or '')}"


def course_map_section(user: User, board: Dashboard | None = None) -> None:
    """Today's plan, with links to each thing to do, the days ahead, the calendar file and the
    exam date form; only the form (folded) when no date is set. ``board``: the learner's
    dashboard, when the page has read it already."""
    plan, exam = _learner_plan(user, user, board)
    if plan.status is PlanStatus.NO_DATE:
        with st.expander("Plan to an exam date", icon=":material/event:"):
            st.caption("Set the date of your exam: the course map then shows what to do each day so that you are ready for it.")
            exam_date_form(user, exam)
        return
    with st.container(border=True):
        st.subheader("Today's plan", anchor="plan")
        assert exam is not None  # a plan with a date has its exam date
        st.caption(f"Exam on {long_date(exam.day)} ({whose(exam)}) · {_days_left(plan)}")
        _status(plan)
        today = plan.today_plan
        if today is not None:
            _today(today)
        ahead = [d for d in plan.days if d.day != plan.today and d.items]
        if ahead:
            with st.expander("The days ahead", icon=":material/calendar_month:"):
                st.markdown("\n".join(f"- **{day_label(d.day, plan.today)}**: {d.summary}" for d in ahead))
        with st.container(horizontal=True, gap="small"):
            if plan.days:
                st.download_button(
                    "Add to my calendar (.ics)",
                    data=plan_calendar(
                        plan,
                        learner_key=calendar_key(user.id, services.settings().site_url),
                        now=services.now(),
                        url=services.settings().site_url,
                    ),
                    file_name="study-plan.ics",
                    mime="text/calendar",
                    icon=":material/download:",
                    on_click="ignore",
                )
        with st.expander("Change the exam date", icon=":material/edit_calendar:"):
            exam_date_form(user, exam)


def _days_left(plan: StudyPlan) -> str:
    left = plan.days_left or 0
    if left > 0:
        return f"{count(left, 'day')} left"
    return "today" if left == 0 else "passed"


def _status(plan: StudyPlan) -> None:
    icon = STATUS_ICON[plan.status]
    if plan.status is PlanStatus.ON_TRACK:
        st.success(plan.status_text, icon=icon)
    elif plan.status is PlanStatus.BEHIND:
        st.warning(plan.status_text, icon=icon)
    else:
        st.info(plan.status_text, icon=icon)


def _today(day: PlanDay) -> None:
    if not day.items:
        st.markdown("Nothing is planned for today: rest, or review what you like.")
        return
    for item in day.items:
        if item.kind is ItemKind.READ and item.done:
            st.markdown(f":material/check_circle: ~~{inline(item.title)}~~ read")
        elif item.kind is ItemKind.READ and item.lesson_id:
            nav.link(f"Read: {item.title} ({item.minutes} min)", "lesson", icon=":material/menu_book:", lesson=item.lesson_id)
        elif item.kind is ItemKind.REVIEW:
            nav.link(f"Review {count(item.reviews, 'question')} due", "review", icon=":material/replay:")
        elif item.kind is ItemKind.WEAK_SPOTS and item.quiz_id:
            nav.link(item.text, "quiz", icon=":material/target:", quiz=item.quiz_id)
        elif item.kind is ItemKind.FINAL_EXAM and item.quiz_id and any(not i.done for i in day.lessons):
            st.markdown(f":material/school: Then the final exam: {inline(item.title)} (it opens once every lesson is read)")
        elif item.kind is ItemKind.FINAL_EXAM and item.quiz_id:
            nav.link(f"Take the final exam: {item.title}", "quiz", icon=":material/school:", quiz=item.quiz_id)


def exam_date_form(user: User, exam: ExamDate | None) -> None:
    """Set or clear the learner's own exam date (a class's date, if any, counts when they have none)."""
    store = services.store()
    today = services.now().astimezone(services.time_zone()[0]).date()
    if exam is not None and not exam.own:
        st.caption(
            f"Your class {plain_text(exam.class_name or '')} sits its exam on {exam.day:%d/%m/%Y}. Set a date of your own if yours differs."
        )
    with st.form("exam-date-form"):
        ahead = user.exam_date if user.exam_date is not None and user.exam_date >= today else None  # a passed date is not offered again
        chosen = st.date_input("Exam date", value=ahead, min_value=today, format="DD/MM/YYYY", key="exam-date")
        with st.container(horizontal=True):
            save = st.form_submit_button("Save exam date", type="primary")
            clear = st.form_submit_button("Clear my date", disabled=user.exam_date is None)
    if save and chosen is not None:
        store.accounts.set_exam_date(user, chosen, now=services.now())
        st.rerun()
    if clear:
        store.accounts.set_exam_date(user, None, now=services.now())
        st.rerun()


def standing(plan: StudyPlan) -> str:
    """The plan's status in a word or two, for a tile: ``On track``, ``3 lessons behind``."""
    if plan.status is PlanStatus.BEHIND:
        return f"{count(plan.behind, 'lesson')} behind"
    return plan.status.value.capitalize()


def progress_section(viewer: User, learner: User, board: Dashboard | None = None) -> None:
    """Days left and whether the learner is on track, for the progress page (theirs or their instructor's view)."""
    plan, exam = _learner_plan(viewer, learner, board)
    own = viewer.id == learner.id
    with st.container(horizontal=True, gap="medium"):
        left = plan.days_left
        st.metric("Days to the exam", "no date" if left is None else max(left, 0), border=True)
        st.metric("Study plan", standing(plan), border=True)
    if exam is not None:
        st.caption(f"Exam on {long_date(exam.day)}, {whose(exam) if own else 'as the plan counts it'}.")
    if own and plan.status is PlanStatus.NO_DATE:
        nav.link("Set an exam date on the course map", "home", icon=":material/event:")
    elif plan.status in (PlanStatus.ON_TRACK, PlanStatus.BEHIND):
        _status(plan)
