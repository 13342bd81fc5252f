"""The question editor (instructors): one form per question type, checked as the instructor types,
a live preview to try, and saving with a version bump and a guard against overwriting someone
else's change.

Addresses: ``edit?id=ID`` opens a question; ``edit?new=TYPE&lesson=LESSON`` starts one;
``edit?duplicate=ID`` starts a copy of one as a draft. The rules (what the form holds, what is
wrong with it, the diff) live in :mod:`learning.authoring_form`; the form's widgets in
:mod:`learning.ui.question_form`. Each edit is a :class:`~learning.ui.question_form.Draft` kept in
the session under its own key, so two questions open in one session never share state.
"""

from __future__ import annotations

import hashlib
from functools import partial
from pathlib import Path
from typing import Any

import streamlit as st

from learning.authoring import diff
from learning.authoring_form import blank_form, check_form, form_from_question, question_diff, question_json
from learning.bank import display_path, read_bank_file
from learning.course import Course
from learning.errors import AccessDenied, AuthoringError, ConflictError, ContentError
from learning.grading import grade
from learning.questions import QuestionBase, QuestionType, Status, parse_response
from learning.quiz import DrawnQuestion
from learning.render import plain_text
from learning.store import User
from learning.store.authoring import Saved
from learning.ui import services, session, widgets
from learning.ui.question_form import Beside, Draft, draw, read, seed
from learning.wording import count, sentence

TYPE_NAMES = {
    QuestionType.SINGLE_CHOICE: "single choice",
    QuestionType.MULTIPLE_RESPONSE: "multiple response",
    QuestionType.TRUE_FALSE: "true or false",
    QuestionType.MATCHING: "matching",
    QuestionType.ORDERING: "ordering",
    QuestionType.SHORT_ANSWER: "short answer",
    QuestionType.NUMERIC: "numeric",
}


def _bank_path(course: Course, question_id: str, lesson: str) -> Path:
    """The bank file a question is saved to: where it is now, or else its lesson's file."""
    return course.question_files.get(question_id) or services.settings().bank_dir / f"{lesson}.json"


def _save(user: User, question: QuestionBase, base_digest: str | None, note: str) -> Saved:
    """Save ``question`` over the version read with ``base_digest``, recording it in the history
    with ``note``; the store checks again that the person is an active instructor.

    Raises:
        AccessDenied: the person is not an instructor.
        ConflictError: the file changed since it was read, or the id is used in another file.
    """
    if not user.is_instructor:
        raise AccessDenied("only instructors may change the question bank")
    return services.store().authoring.save(user, question, base_digest=base_digest, note=note)


def render() -> None:
    user = session.require_user(instructor=True)
    course = services.course()
    draft = _draft(course)
    if draft is None:
        return
    _page(user, draft, course)


def _state_key(editor: str) -> str:
    return f"editor:{editor}"


def _draft(course: Course) -> Draft | None:
    """The edit the address asks for: kept from earlier runs, or opened now."""
    params = st.query_params
    if params.get("id"):
        editor = f"id:{params['id']}"
    elif params.get("new"):
        editor = f"new:{params['new']}:{params.get('lesson', '')}"
    elif params.get("duplicate"):
        editor = f"duplicate:{params['duplicate']}"
    else:
        st.title("Edit a question")
        st.info("Open a question to edit it (edit?id=QUESTION_ID), or start one (edit?new=TYPE&lesson=LESSON_ID).")
        return None
    key = _state_key(editor)
    if key not in st.session_state:
        opened = _open(editor, course)
        if opened is None:
            return None
        st.session_state[key] = opened
    draft: Draft = st.session_state[key]
    return draft


def _open(editor: str, course: Course) -> Draft | None:
    params = st.query_params
    if editor.startswith("id:"):
        question, digest, path = _from_disk(course, params["id"])
        if question is None:
            return None
        return Draft.of(editor, form_from_question(question), new=False, base_digest=digest, path=str(path))
    if editor.startswith("duplicate:"):
        original, _, _ = _from_disk(course, params["duplicate"])
        if original is None:
            return None
        form = form_from_question(original)
        kind, lesson = QuestionType(original.type), original.lesson
    else:
        try:
            kind = QuestionType(params["new"])
        except ValueError:
            st.warning(f"There is no question type {plain_text(params['new'])}. Use one of: {', '.join(t.value for t in QuestionType)}.")
            return None
        found = course.lesson(params.get("lesson", ""))
        if found is None:
            st.warning("Choose the lesson the new question belongs to: that lesson was not found.")
            return None
        lesson = found.id
        section = found.sections[0] if found.sections else None
        form = blank_form(
            kind,
            question_id="",
            lesson=lesson,
            section=section.id if section else "",
            objectives=list(section.objectives if section and section.objectives else found.objectives),
        )
    path = _bank_path(course, "", lesson)
    snapshot = read_bank_file(path)
    # Never an id used before: not in the bank, its history, or any learner's answers.
    form |= {"id": services.store().authoring.suggest_id(lesson), "version": 1, "status": Status.DRAFT.value}
    return Draft.of(editor, form, new=True, base_digest=snapshot.digest, path=str(path))


def _from_disk(course: Course, question_id: str) -> tuple[QuestionBase | None, str | None, Path | None]:
    """A question as its file holds it now (the course may lag a second behind), with the file's digest."""
    path = course.question_files.get(question_id)
    snapshot = read_bank_file(path) if path else None
    question = next((q for q in snapshot.questions if q.id == question_id), None) if snapshot else None
    if question is None or snapshot is None:
        st.title("Edit a question")
        st.warning("No question in the bank has that id.")
        return None, None, None
    return question, snapshot.digest, path


def _page(user: User, draft: Draft, course: Course) -> None:
    seed(draft)
    form = read(draft)
    file = display_path(Path(draft.path))
    check = check_form(form, course, file=file, new=draft.new)
    if check.question is not None:
        draft.last_valid = check.question

    kind = TYPE_NAMES[draft.kind]
    st.title(f"New {kind} question" if draft.new else "Edit question")
    version = "not saved yet" if draft.new else f"version {draft.values.get('version')}"
    st.caption(f"{plain_text(str(form.get('id') or ''))} · {kind} · {version} · {plain_text(file)}")
    for level, message in draft.messages:
        (st.success if level == "success" else st.info)(message, icon=":material/check_circle:" if level == "success" else None)
    draft.messages = []
    if draft.conflict:
        _conflict(user, draft, course)

    form_column, preview_column = st.columns([3, 2], gap="large")
    with form_column:
        beside = Beside(check)
        draw(draft, course, beside)
        _save_area(user, draft, course, check, beside)
        if not draft.new:
            _history(user, draft)
    with preview_column:
        _preview(draft, course, check.question)
    draft.remember()


def _save_area(user: User, draft: Draft, course: Course, check: Any, beside: Beside) -> None:
    st.subheader("Save")
    rest = beside.rest()
    if check.errors:
        st.error(
            f"{count(len(check.errors), 'problem')} to fix before saving; each is shown beside its field.",
            icon=":material/error:",
        )
    if rest:
        st.markdown("\n".join(f"- {plain_text((p.field + ': ' if p.field else '') + p.message)}" for p in rest))
    if check.advice:
        with st.container(border=True):
            st.markdown(":material/lightbulb: **Advice** (the question can be saved as it is)")
            st.markdown("\n".join(f"- **{f.rule.value}**: {plain_text(f.message)}" for f in check.advice))
    st.text_input("Note (optional)", key=draft.key("note"), max_chars=200, placeholder="What changed and why, in a line")
    st.button(
        "Save",
        type="primary",
        icon=":material/save:",
        disabled=not check.can_save,
        key=draft.key("save"),
        on_click=_save_clicked,
        args=(user, draft.editor),
    )


def _save_clicked(user: User, editor: str, *, overwrite: bool = False) -> None:
    """Save the draft (a button's callback, so the form can be updated before it is drawn again)."""
    draft: Draft = st.session_state[_state_key(editor)]
    course = services.course()
    check = check_form(read(draft), course, file=display_path(Path(draft.path)), new=draft.new)
    question = check.question
    if question is None or not check.can_save:
        draft.messages.append(("info", "Not saved: fix the problems shown beside their fields first."))
        return
    if draft.new:
        path = _bank_path(course, question.id, question.lesson)
        snapshot = read_bank_file(path)
        if any(q.id == question.id for q in snapshot.questions):
            draft.messages.append(("info", f"Not saved: {plain_text(question.id)} is already used by another question."))
            return
        if str(path) != draft.path:  # the new question moved to another lesson's file
            draft.path, draft.base_digest = str(path), snapshot.digest
    base = draft.conflict["digest"] if overwrite and draft.conflict else draft.base_digest
    note = (st.session_state.get(draft.key("note")) or "").strip()
    try:
        saved = _save(user, question, base, note)
    except ConflictError as error:
        snapshot = read_bank_file(Path(draft.path))
        if snapshot.digest == draft.base_digest:  # not a change on disk: the id is taken in another file
            draft.messages.append(("info", f"Not saved: {plain_text(sentence(str(error)))}"))
            return
        on_disk = next((q for q in snapshot.questions if q.id == question.id), None)
        draft.conflict = {
            "digest": snapshot.digest,
            "disk": on_disk,
            "diff": question_diff(on_disk, question, file=display_path(Path(draft.path))),
        }
        return
    except (AccessDenied, ContentError) as error:
        draft.messages.append(("info", f"Not saved: {plain_text(sentence(str(error)))}"))
        return
    services.course_changed()
    draft.remember()
    draft.conflict = None
    draft.base_digest = saved.digest
    draft.values["version"] = saved.question.version
    draft.messages.append(("success", f"Saved as version {saved.question.version}."))
    st.session_state[draft.key("note")] = ""
    if draft.new:
        del st.session_state[_state_key(editor)]
        draft.new = False
        draft.values["id"] = saved.question.id
        draft.editor = f"id:{saved.question.id}"
        st.session_state[_state_key(draft.editor)] = draft
        st.query_params.clear()
        st.query_params["id"] = saved.question.id


def _history(user: User, draft: Draft) -> None:
    """Every recorded save of the question, a diff between any two, and restoring an old one."""
    entries = services.store().authoring.history(user, str(draft.values.get("id") or ""))
    with st.expander(f"History: {count(len(entries), 'saved version')}", icon=":material/history:"):
        if not entries:
            st.caption("No saves recorded yet: the history starts with the first save made in the app.")
            return
        st.dataframe(
            [{"Version": e.version, "Saved": e.saved_at.strftime("%Y-%m-%d %H:%M UTC"), "By": e.author, "Note": e.note} for e in entries],
            hide_index=True,
            width="stretch",
        )
        by_version = {e.version: e for e in entries}
        versions = list(by_version)
        left, right = st.columns(2)
        older = left.selectbox("Compare version", versions, index=min(1, len(versions) - 1), key=draft.key("history-from"))
        newer = right.selectbox("with version", versions, index=0, key=draft.key("history-to"))
        st.code(diff(by_version[older].content, by_version[newer].content) or "(the same content)", language="diff", wrap_lines=True)
        st.button(
            f"Restore version {older}",
            icon=":material/restore:",
            key=draft.key("restore"),
            disabled=older == versions[0],
            on_click=_restore,
            args=(user, draft.editor, older),
            help="Save this version's content as the newest version; nothing is lost, the history keeps every version.",
        )


def _restore(user: User, editor: str, version: int) -> None:
    draft: Draft = st.session_state[_state_key(editor)]
    question_id = str(draft.values.get("id") or "")
    try:
        saved = services.store().authoring.restore(user, question_id, version, base_digest=draft.base_digest)
    except ConflictError:
        draft.messages.append(("info", "Not restored: the question's file changed since you opened it. Reload the page first."))
        return
    except (AccessDenied, AuthoringError, ContentError) as error:
        draft.messages.append(("info", f"Not restored: {plain_text(sentence(str(error)))}"))
        return
    services.course_changed()
    draft.load(form_from_question(saved.question))
    draft.base_digest = saved.digest
    draft.conflict = None
    draft.messages.append(("success", f"Restored version {version} as version {saved.question.version}."))


def _conflict(user: User, draft: Draft, course: Course) -> None:
    conflict = draft.conflict or {}
    on_disk = conflict.get("disk")
    with st.container(border=True):
        st.warning(
            "Not saved: this question's file changed since you opened it (another instructor, another server or a file update). "
            "Below is what is on disk now (-) against your edit (+). Reload to discard your edit and take the version on disk, "
            "or overwrite it with your edit.",
            icon=":material/sync_problem:",
        )
        if on_disk is None:
            st.caption("The question is no longer in the file: overwriting puts your edit back in.")
        st.code(conflict.get("diff") or "(no difference in content)", language="diff", wrap_lines=True)
        left, right = st.columns(2)
        left.button(
            "Reload",
            icon=":material/refresh:",
            key=draft.key("reload"),
            disabled=on_disk is None,
            on_click=_reload,
            args=(draft.editor,),
            help="Discard your edit and load the version on disk.",
        )
        right.button(
            "Overwrite",
            icon=":material/save_as:",
            key=draft.key("overwrite"),
            on_click=partial(_save_clicked, overwrite=True),
            args=(user, draft.editor),
            help="Save your edit over the version on disk.",
        )


def _reload(editor: str) -> None:
    draft: Draft = st.session_state[_state_key(editor)]
    conflict = draft.conflict or {}
    on_disk = conflict.get("disk")
    if on_disk is None:
        return
    draft.load(form_from_question(on_disk))
    draft.base_digest = conflict.get("digest")
    draft.conflict = None
    draft.messages.append(("info", f"Reloaded version {on_disk.version} from the file; your edit was discarded."))


def _preview(draft: Draft, course: Course, question: QuestionBase | None) -> None:
    st.subheader("Preview")
    shown = question or draft.last_valid
    if shown is None:
        st.info("The preview appears once the question has no errors.", icon=":material/visibility:")
        return
    if question is None:
        st.caption("The last version without errors; fix the problems to see your latest change.")
    st.caption("As a learner sees it. Try it: answer and check; nothing is recorded.")
    with st.container(border=True):
        widgets.show_question(shown, course)
        version = hashlib.sha256(question_json(shown).encode()).hexdigest()[:12]
        key = f"try-{draft.editor}-{version}"
        drawn = DrawnQuestion(
            id=shown.id, version=shown.version, points=shown.points, critical=shown.critical, objectives=list(shown.objectives)
        )
        result_key = f"try-grade:{draft.editor}"
        widgets.answer_form(shown, drawn, key=key, label="Check answer", save=partial(_try, shown, result_key, version))
        tried = st.session_state.get(result_key)
        if tried and tried[0] == version:
            widgets.show_grade(shown, tried[1], course, link_lesson=False)


def _try(question: QuestionBase, result_key: str, version: str, response: dict[str, Any], _confidence: str | None) -> None:
    """Grade a try of the preview with the same grader as a quiz; kept in the session only, never in the records."""
    st.session_state[result_key] = (version, grade(question, parse_response(question, response)))
