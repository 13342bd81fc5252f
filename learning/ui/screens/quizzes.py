"""The quiz builder (instructors): every quiz spec at a glance, and a form to create or edit one,
with live checks beside each field, the number of questions it may draw from, and a sample
attempt. ``quizzes?id=QUIZ_ID`` opens a quiz; the rules all live in :mod:`learning.quiz_files`."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pandas as pd
import streamlit as st

from learning.course import QUIZ_FOLDER, Course
from learning.errors import AccessDenied, AssemblyError, ConflictError
from learning.problems import Problem
from learning.questions import Pool, question_type
from learning.quiz import FeedbackMode, GradingMethod, QuizKind, QuizSpec, assemble
from learning.quiz_files import (
    Draft,
    blueprint_rows,
    check_draft,
    create_quiz,
    quiz_path,
    read_quiz_file,
    rules_from_rows,
    save_quiz,
    suggest_quiz_id,
)
from learning.render import inline, plain_text
from learning.store import Cohort, User
from learning.ui import services, session
from learning.wording import count, sentence
from learning.zones import local, shown, to_utc

NEW = "__new__"
KINDS = {QuizKind.PRACTICE: "Practice quiz", QuizKind.UNIT_TEST: "Unit test", QuizKind.FINAL_EXAM: "Final exam"}
GRADING = {
    GradingMethod.HIGHEST: "The highest score",
    GradingMethod.LAST: "The last attempt",
    GradingMethod.FIRST: "The first attempt",
    GradingMethod.AVERAGE: "The average of all attempts",
}
FEEDBACK = {FeedbackMode.PRACTICE: "After each question (practice)", FeedbackMode.EXAM: "After submitting (exam)"}
POOLS = {Pool.PRACTICE: "Practice pool", Pool.EXAM: "Exam pool"}
FIELDS = (
    "title",
    "description",
    "kind",
    "unit",
    "lessons",
    "objectives",
    "pools",
    "question_count",
    "critical_count",
    "blueprint",
    "pass_mark",
    "time_limit_minutes",
    "attempts_allowed",
    "opens_at",
    "closes_at",
    "classes",
)


def render() -> None:
    user = session.require_user(instructor=True)
    course = services.course()
    zone, zone_name = services.time_zone()
    cohorts = services.store().accounts.cohorts(user)
    st.title("Quizzes")
    notice = st.session_state.pop("quizzes-notice", None)
    if notice:
        st.success(notice, icon=":material/check_circle:")
    _table(course, cohorts, zone, zone_name)

    ids = [q.id for q in course.quizzes]
    wanted = st.query_params.get("id", NEW)
    if st.session_state.get("quiz-choice") not in [NEW, *ids] or st.session_state.get("quiz-choice-from") != wanted:
        st.session_state["quiz-choice"] = wanted if wanted in ids else NEW
        st.session_state["quiz-choice-from"] = wanted
    titles = {q.id: q.title for q in course.quizzes}
    chosen = st.selectbox(
        "Quiz to edit",
        [NEW, *ids],
        key="quiz-choice",
        format_func=lambda quiz_id: "New quiz" if quiz_id == NEW else titles.get(quiz_id, quiz_id),
        on_change=_open_chosen,
    )
    _editor(user, course, cohorts, zone, zone_name, None if chosen == NEW else chosen)


def _open_chosen() -> None:
    chosen = st.session_state["quiz-choice"]
    if chosen == NEW:
        st.query_params.pop("id", None)
    else:
        st.query_params["id"] = chosen
    st.session_state["quiz-choice-from"] = st.query_params.get("id", NEW)


def _window_text(spec: QuizSpec, zone: ZoneInfo, zone_name: str) -> str:
    parts = []
    if spec.opens_at:
        parts.append(f"opens {shown(spec.opens_at, zone, zone_name)}")
    if spec.closes_at:
        parts.append(f"due {shown(spec.closes_at, zone, zone_name)}")
    return "; ".join(parts) or "always open"


def _class_names(spec: QuizSpec, cohorts: list[Cohort]) -> str:
    if not spec.classes:
        return "everyone"
    names = {c.id: c.name for c in cohorts}
    return ", ".join(names.get(i, "another instructor's class") for i in spec.classes)


def _table(course: Course, cohorts: list[Cohort], zone: ZoneInfo, zone_name: str) -> None:
    rows = [
        {
            "Title": spec.title,
            "Window": _window_text(spec, zone, zone_name),
            "Classes": _class_names(spec, cohorts),
            "Can start": "yes" if course.can_start(spec.id) else "no: see Course files",
            "Kind": KINDS.get(spec.kind, spec.kind.value),
            "Questions": str(spec.question_count or "all that match"),
            "Pool": ", ".join(POOLS[p] for p in spec.pools),
        }
        for spec in course.quizzes
    ]
    # The title column is kept narrow (long titles are cut, the full title shows on hover), so the
    # window, classes and whether it can start fit beside it in the page's width.
    st.dataframe(
        pd.DataFrame(rows),
        hide_index=True,
        width="stretch",
        height=min(38 * (len(rows) + 1) + 2, 320),
        column_config={"Title": st.column_config.TextColumn(width="medium")},
    )


def _pinned(quiz_id: str | None) -> tuple[str, QuizSpec | None, str | None]:
    """The version being edited: its widget key prefix, spec and digest, kept while editing so
    the form keeps the instructor's edits when the file changes on disk."""
    folder = services.settings().bank_dir / QUIZ_FOLDER
    if quiz_id is None:
        generation = st.session_state.setdefault("quizzes-new-generation", 0)
        return f"qb-new-{generation}", None, None
    key = f"quizzes-base-{quiz_id}"
    if key not in st.session_state:
        read = read_quiz_file(quiz_path(folder, quiz_id))
        st.session_state[key] = (read.spec, read.digest)
    spec, digest = st.session_state[key]
    return f"qb-{quiz_id}-{(digest or '')[:10]}", spec, digest


def _editor(user: User, course: Course, cohorts: list[Cohort], zone: ZoneInfo, zone_name: str, quiz_id: str | None) -> None:
    prefix, base, digest = _pinned(quiz_id)
    if quiz_id is not None and base is None:
        st.error("This quiz's file cannot be read or is not valid; fix it by hand (see Course files).", icon=":material/report:")
        return
    slots: dict[str, Any] = {}
    data: dict[str, Any] = base.model_dump(mode="json") if base is not None else {"id": "new-quiz"}

    def slot(name: str) -> None:
        slots[name] = st.empty()

    st.subheader("About the quiz")
    data["title"] = st.text_input("Title", value=base.title if base else "", key=f"{prefix}-title", max_chars=200)
    slot("title")
    data["description"] = st.text_area(
        "Description", value=base.description if base else "", key=f"{prefix}-description", help="Markdown; shown before a learner starts."
    )
    slot("description")
    kinds = list(KINDS)
    kind = QuizKind(
        st.selectbox(
            "Kind",
            kinds,
            index=kinds.index(base.kind) if base and base.kind in kinds else 0,
            key=f"{prefix}-kind",
            format_func=lambda k: KINDS[k],
        )
    )
    data["kind"] = kind.value
    slot("kind")
    if kind is QuizKind.UNIT_TEST:
        units = [u.id for u in course.units]
        titles = {u.id: u.title for u in course.units}
        current = base.unit if base and base.unit in units else None
        unit = st.selectbox(
            "Unit",
            units,
            index=units.index(current) if current else None,
            key=f"{prefix}-unit",
            format_func=lambda u: titles.get(u, u),
            placeholder="Choose the unit it tests",
        )
        data["unit"] = unit
        slot("unit")
    else:
        data["unit"] = None

    st.subheader("Questions")
    lesson_ids = [lesson.id for lesson in course.lessons]
    lesson_titles = {lesson.id: lesson.title for lesson in course.lessons}
    data["lessons"] = st.multiselect(
        "Lessons it draws from",
        _with(lesson_ids, base.lessons if base else []),
        default=base.lessons if base else [],
        key=f"{prefix}-lessons",
        format_func=lambda i: lesson_titles.get(i, f"{i} (not in the course)"),
        placeholder="Every lesson",
    )
    slot("lessons")
    objectives = {o.id: o.text for o in course.syllabus.objectives} if course.syllabus else {}
    data["objectives"] = st.multiselect(
        "Objectives it draws from",
        _with(list(objectives), base.objectives if base else []),
        default=base.objectives if base else [],
        key=f"{prefix}-objectives",
        format_func=lambda i: f"{i}: {objectives[i]}" if i in objectives else f"{i} (not in the syllabus)",
        placeholder="Every objective",
    )
    slot("objectives")
    data["pools"] = [
        p.value
        for p in st.multiselect(
            "Pools",
            list(POOLS),
            default=base.pools if base else [Pool.PRACTICE],
            key=f"{prefix}-pools",
            format_func=lambda p: POOLS[p],
            help="The practice pool feeds practice and review; the exam pool only unit tests and the final exam.",
        )
    ]
    slot("pools")
    slots["eligible"] = st.empty()
    data["question_count"] = _whole(
        "Questions in an attempt", base.question_count if base else None, f"{prefix}-count", minimum=1, placeholder="All that match"
    )
    slot("question_count")
    data["critical_count"] = _whole(
        "Critical questions in every attempt",
        base.critical_count if base else None,
        f"{prefix}-critical-count",
        minimum=0,
        placeholder="Any number",
        help="Exactly this many critical (safety and scope) questions; the blueprint's critical rules choose them.",
    )
    slot("critical_count")
    st.markdown("**Blueprint**")
    st.caption("Rules filled before the rest: at least *count* questions from these lessons, objectives or tags.")
    edited = st.data_editor(
        pd.DataFrame(blueprint_rows(base), columns=["label", "lessons", "objectives", "tags", "critical", "count"]),
        key=f"{prefix}-blueprint",
        num_rows="dynamic",
        hide_index=True,
        width="stretch",
        column_config={
            "label": st.column_config.TextColumn("Label"),
            "lessons": st.column_config.MultiselectColumn("Lessons", options=lesson_ids, format_func=lambda i: lesson_titles.get(i, i)),
            "objectives": st.column_config.MultiselectColumn("Objectives", options=list(objectives)),
            "tags": st.column_config.MultiselectColumn("Tags", options=_tags(course), accept_new_options=True),
            "critical": st.column_config.CheckboxColumn("Critical only", default=False),
            "count": st.column_config.NumberColumn("Count", min_value=1, step=1),
        },
    )
    data["blueprint"] = rules_from_rows(edited.to_dict("records"))
    slot("blueprint")
    with st.container(horizontal=True, gap="medium"):
        data["shuffle_questions"] = st.toggle(
            "Shuffle questions", value=base.shuffle_questions if base else True, key=f"{prefix}-shuffle-questions"
        )
        data["shuffle_options"] = st.toggle(
            "Shuffle options", value=base.shuffle_options if base else True, key=f"{prefix}-shuffle-options"
        )

    st.subheader("Taking it")
    mark = st.number_input(
        "Pass mark (%)", min_value=0, max_value=100, value=round((base.pass_mark if base else 0.8) * 100), step=5, key=f"{prefix}-pass"
    )
    data["pass_mark"] = mark / 100
    slot("pass_mark")
    data["time_limit_minutes"] = _whole(
        "Time limit (minutes)", base.time_limit_minutes if base else None, f"{prefix}-time", minimum=1, placeholder="No time limit"
    )
    slot("time_limit_minutes")
    data["attempts_allowed"] = _whole(
        "Attempts allowed", base.attempts_allowed if base else None, f"{prefix}-attempts", minimum=1, placeholder="Unlimited"
    )
    slot("attempts_allowed")
    methods = list(GRADING)
    data["grading_method"] = GradingMethod(
        st.selectbox(
            "Which attempt counts",
            methods,
            index=methods.index(base.grading_method) if base else 0,
            key=f"{prefix}-grading",
            format_func=lambda m: GRADING[m],
        )
    ).value
    modes = list(FEEDBACK)
    data["feedback_mode"] = FeedbackMode(
        st.radio(
            "Feedback",
            modes,
            index=modes.index(base.feedback_mode) if base else 0,
            key=f"{prefix}-feedback",
            format_func=lambda m: FEEDBACK[m],
            horizontal=True,
        )
    ).value
    data["critical_gates_pass"] = st.toggle(
        "A wrong critical question fails the attempt", value=base.critical_gates_pass if base else False, key=f"{prefix}-gates"
    )
    data["requires_lessons_read"] = st.toggle(
        "Locked until the learner has read every lesson", value=base.requires_lessons_read if base else False, key=f"{prefix}-read"
    )

    st.subheader("Who and when")
    st.caption(f"Times are in your time zone, {zone_name}. Leave a date empty for no limit.")
    data["opens_at"] = _moment("Opens on", base.opens_at if base else None, f"{prefix}-opens", zone, default=time(9, 0))
    slot("opens_at")
    data["closes_at"] = _moment("Due on (closes)", base.closes_at if base else None, f"{prefix}-closes", zone, default=time(17, 0))
    slot("closes_at")
    own = [c.id for c in cohorts]
    names = {c.id: c.name for c in cohorts}
    data["classes"] = st.multiselect(
        "Classes",
        _with(own, base.classes if base else []),
        default=base.classes if base else [],
        key=f"{prefix}-classes",
        format_func=lambda i: names.get(i, f"Another instructor's class (#{i})"),
        placeholder="Everyone",
        help="Only learners of these classes see the quiz.",
    )
    slot("classes")

    draft = check_draft(data, course)
    # A new quiz starts without a title: say it is needed, without an error before anything is typed.
    _show_problems(draft, slots, gentle={"title"} if base is None and not (data["title"] or "").strip() else set())
    _finish(user, course, draft, prefix, base, digest)


def _with(options: list[Any], chosen: list[Any]) -> list[Any]:
    """``options`` plus anything already chosen that is not among them, so nothing is dropped silently."""
    return options + [c for c in chosen if c not in options]


def _tags(course: Course) -> list[str]:
    return sorted({tag for q in course.active_questions() for tag in q.tags})


def _whole(label: str, value: int | None, key: str, *, minimum: int, placeholder: str, help: str | None = None) -> int | None:
    number = st.number_input(label, min_value=minimum, value=value, step=1, key=key, placeholder=placeholder, help=help)
    return int(number) if number is not None else None


def _moment(label: str, value: datetime | None, key: str, zone: ZoneInfo, *, default: time) -> str | None:
    """A date and a time in the instructor's zone, as the UTC moment a spec stores (ISO text)."""
    there = local(value, zone) if value is not None else None
    with st.container(horizontal=True, gap="small"):
        day: date | None = st.date_input(label, value=there.date() if there else None, key=f"{key}-day", format="YYYY-MM-DD")
        clock = st.time_input("At", value=there.time() if there else default, key=f"{key}-time", step=900)
    if day is None:
        return None
    return to_utc(day, clock or default, zone).isoformat()


def _show_problems(draft: Draft, slots: dict[str, Any], *, gentle: set[str]) -> None:
    """Each problem beside its field; a field in ``gentle`` (empty and not typed in yet) only says it is needed."""
    for name, place in slots.items():
        if name == "eligible":
            continue
        found = draft.problems_of(name)
        errors = [_message(p) for p in found if p.is_error]
        warnings = [_message(p) for p in found if not p.is_error]
        with place.container():
            if errors and name in gentle:
                st.caption(f"A {name} is needed to save the quiz.")
            elif errors:
                st.error("\n\n".join(errors), icon=":material/error:")
            if warnings:
                st.warning("\n\n".join(warnings), icon=":material/warning:")
    if draft.eligible is not None:
        slots["eligible"].info(f"**{count(draft.eligible, 'active question')}** match these lessons, objectives and pools.")


def _message(problem: Problem) -> str:
    where = problem.field or ""
    inside = where.split(".", 1)[1] if "." in where else ""
    rule = where.split("]", 1)[0].replace("blueprint[", "rule ") if where.startswith("blueprint[") else ""
    prefix = f"{rule}{', ' + inside if inside and rule else ''}: " if rule else ""
    return plain_text(sentence(prefix + problem.message))


def _finish(user: User, course: Course, draft: Draft, prefix: str, base: QuizSpec | None, digest: str | None) -> None:
    st.subheader("Check and save")
    general = draft.general(FIELDS)
    for problem in general:
        (st.error if problem.is_error else st.warning)(plain_text(sentence(problem.message)))
    folder = services.settings().bank_dir / QUIZ_FOLDER
    if base is None and draft.spec is not None:
        st.caption(f"It will be saved as quiz_bank/{QUIZ_FOLDER}/{suggest_quiz_id(draft.spec.title, folder)}.json.")
    if draft.errors:
        st.caption(f"Fix {count(len(draft.errors), 'problem')} above to save.")
    conflict = st.session_state.get(f"{prefix}-conflict")
    if conflict:
        st.error(conflict, icon=":material/sync_problem:")
        if st.button("Reload the saved version", key=f"{prefix}-reload", icon=":material/refresh:"):
            _forget(prefix, base)
            st.rerun()
    with st.container(horizontal=True, gap="small"):
        blocked = bool(draft.errors) or draft.spec is None
        save = st.button("Save", type="primary", icon=":material/save:", disabled=blocked, key=f"{prefix}-save")
        preview = st.button("Preview a sample attempt", icon=":material/shuffle:", disabled=draft.spec is None, key=f"{prefix}-preview")
    if save and draft.spec is not None:
        _save(user, draft.spec, prefix, base, digest)
    if preview:
        st.session_state[f"{prefix}-seed"] = secrets.token_hex(4)
    seed = st.session_state.get(f"{prefix}-seed")
    if seed and draft.spec is not None:
        _preview(course, draft.spec, seed)


def _forget(prefix: str, base: QuizSpec | None) -> None:
    st.session_state.pop(f"{prefix}-conflict", None)
    if base is not None:
        st.session_state.pop(f"quizzes-base-{base.id}", None)


def _save(user: User, spec: QuizSpec, prefix: str, base: QuizSpec | None, digest: str | None) -> None:
    folder = services.settings().bank_dir / QUIZ_FOLDER
    try:
        if base is None:
            saved = create_quiz(user, folder, spec)
            st.session_state["quizzes-new-generation"] = st.session_state.get("quizzes-new-generation", 0) + 1
        else:
            saved = save_quiz(user, folder, spec, base_digest=digest)
    except ConflictError as error:
        st.session_state[f"{prefix}-conflict"] = sentence(str(error))
        st.rerun()
    except AccessDenied as error:
        st.error(sentence(str(error)))
        return
    assert saved.spec is not None
    st.session_state[f"quizzes-base-{saved.spec.id}"] = (saved.spec, saved.digest)
    st.session_state["quizzes-notice"] = f"Saved {saved.spec.title} as quiz_bank/{QUIZ_FOLDER}/{saved.path.name}."
    st.query_params["id"] = saved.spec.id
    services.course_changed()
    st.rerun()


def _preview(course: Course, spec: QuizSpec, seed: str) -> None:
    with st.container(border=True, key="sample-attempt"):
        st.markdown("**A sample attempt**")
        try:
            drawn = assemble(spec, course.questions, seed=seed)
        except AssemblyError as error:
            st.error(sentence(str(error)))
            return
        st.caption(f"{count(len(drawn), 'question')} drawn as one learner might get them. Preview again for another draw.")
        for number, item in enumerate(drawn, start=1):
            question = course.question(item.id)
            if question is None:
                continue
            lesson = course.lesson(question.lesson)
            facts = [question_type(question).value.replace("_", " "), lesson.title if lesson else question.lesson]
            if question.critical:
                facts.append("critical")
            st.markdown(f"{number}\\. {inline(question.prompt)}")
            st.caption(" · ".join([plain_text(question.id), *(plain_text(f) for f in facts)]))
