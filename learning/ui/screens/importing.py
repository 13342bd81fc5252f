"""Importing questions (instructors): upload a GIFT, Moodle XML or CSV file, choose where its
questions go, see every question as it will be stored and every problem with its line, then
import them, each as a versioned save recorded in the question's history.

Reading the file, its defaults and its checks are :func:`learning.interchange.read`'s; saving is
``store.authoring.import_questions``, which checks the instructor again on the server. The file is
read twice: a dry run for the preview (no image written), and again when Import is pressed, since
the bank may have changed in between; what is saved is what that second read gives.

A file is imported once per upload: after Import, the page shows what was done until another file
is chosen, so a second click or a rerun cannot import the same questions again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field

import streamlit as st

from learning import interchange
from learning.course import Course
from learning.errors import AccessDenied, AuthoringError, ConflictError, InterchangeError, StorageUnavailable
from learning.interchange import Format, ImportOptions, ImportReport, MediaStore, Notice, OnConflict, Skipped
from learning.interchange.limits import MAX_FILE_BYTES
from learning.interchange.summary import FORMAT_NAMES, preview_rows
from learning.questions import Status
from learning.render import plain_text
from learning.store import User
from learning.ui import nav, services, session
from learning.wording import TRY_AGAIN, count

ACCEPTED = ["txt", "gift", "xml", "csv"]
DETECT = "detect"
FORMAT_CHOICES = {DETECT: "Detect from the content"} | FORMAT_NAMES
CONFLICT_CHOICES = {
    OnConflict.SKIP: ("Skip it", "The bank's question stays; the file's is not imported."),
    OnConflict.UPDATE: ("Update it", "The file's question replaces the bank's, as its next version."),
    OnConflict.RENAME: ("Import it under a new id", "Both are kept."),
}
STATUS_CHOICES = {Status.DRAFT: "Draft", Status.ACTIVE: "Active"}
SHOWN_LINKS = 20
"""How many "open in the editor" links an import's result lists (the rest are in the bank)."""
SHOWN_PROBLEMS = 200
"""How many skipped questions or warnings are listed; the count says how many there are."""

_ROUND = "import-round"  # a new round draws a new, empty file uploader
_PREVIEW = "import-preview"
_DONE = "import-done"
_EARLIER = "import-earlier"
_CHOICES = "import-choices"  # the choices, kept while the page shows a result instead of the widgets


@dataclass(frozen=True)
class Upload:
    """The file chosen in the uploader: its upload's id (new at every upload), name and bytes."""

    file_id: str
    name: str
    data: bytes

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class Outcome:
    """What pressing Import did with one upload; shown until another file is chosen."""

    file_id: str
    name: str
    status: Status
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    problem: str | None = None

    @property
    def saved(self) -> list[str]:
        return self.created + self.updated


def render() -> None:
    user = session.require_user(instructor=True)
    course = services.course()
    st.title("Import questions")
    st.caption(
        "From a GIFT file (.txt or .gift), a Moodle XML file (.xml) or a spreadsheet saved as CSV (.csv). "
        "Nothing is saved until you press Import, and every question imported is recorded in its history."
    )
    round_ = st.session_state.get(_ROUND, 0)
    uploaded = st.file_uploader(
        "File to import", type=ACCEPTED, key=f"import-file-{round_}", max_upload_size=MAX_FILE_BYTES // (1024 * 1024)
    )
    upload = Upload(uploaded.file_id, uploaded.name, uploaded.getvalue()) if uploaded is not None else None
    done: Outcome | None = st.session_state.get(_DONE)
    if done is not None and upload is not None and upload.file_id != done.file_id:
        del st.session_state[_DONE]  # another file: its own preview
        done = None
    if done is not None and done.saved:
        _outcome(done)
        return
    if done is not None:  # nothing was saved: said once, above the preview, where a new choice can be made
        del st.session_state[_DONE]
        _not_saved(done)
    options, fmt = _options(course)
    if upload is None:
        st.info("Choose a file to see the questions it holds before anything is imported.", icon=":material/upload_file:")
        return
    if options is None:
        st.info("Choose the lesson the questions go to (a question whose file names a lesson of this course goes there).")
        return
    _preview(user, upload, options, fmt, course)


def _options(course: Course) -> tuple[ImportOptions | None, Format | None]:
    """The instructor's choices; no options until a lesson is chosen."""
    lessons = {lesson.id: lesson.title for lesson in course.lessons}
    kept: dict[str, object] = st.session_state.setdefault(_CHOICES, {})
    for key, value in kept.items():
        if key not in st.session_state:
            st.session_state[key] = value
    wanted = st.query_params.get("lesson")
    if wanted is not None:  # from the bank page's link, with its lesson filter: taken once, then the choice is the instructor's
        if wanted in lessons:
            st.session_state["import-lesson"] = wanted
        del st.query_params["lesson"]
    where, how = st.columns(2, gap="medium")
    with where:
        lesson_id = st.selectbox(
            "Lesson",
            list(lessons),
            index=None,
            format_func=lambda v: lessons[v],
            placeholder="Choose a lesson",
            key="import-lesson",
            help="Questions go to this lesson, unless the file names another lesson of this course.",
        )
        lesson = course.lesson(lesson_id) if lesson_id else None
        sections = {"": "From the file, else the lesson's first"} | {s.id: s.id for s in (lesson.sections if lesson else [])}
        section = st.selectbox(
            "Section (optional)",
            list(sections),
            format_func=lambda v: sections[v],
            key=f"import-section-{lesson_id}",
            disabled=lesson is None,
        )
        objectives = [o.id for o in course.syllabus.objectives] if course.syllabus else []
        chosen_objectives = st.multiselect(
            "Objectives (optional)", objectives, key="import-objectives", placeholder="From the file, else the lesson's first"
        )
    with how:
        chosen_format = st.selectbox("Format", list(FORMAT_CHOICES), format_func=lambda v: FORMAT_CHOICES[v], key="import-format")
        status = st.radio(
            "Status", list(STATUS_CHOICES), format_func=lambda v: STATUS_CHOICES[v], key="import-status", horizontal=True,
            help="For new questions: drafts are not in any quiz until an instructor makes them active. "
            "A question that updates one of the bank's keeps that question's status.",
        )  # fmt: skip
        on_conflict = st.radio(
            "When the bank already has a question's id",
            list(CONFLICT_CHOICES),
            format_func=lambda v: CONFLICT_CHOICES[v][0],
            captions=[caption for _, caption in CONFLICT_CHOICES.values()],
            key="import-conflict",
        )
    drawn = ("import-format", "import-lesson", f"import-section-{lesson_id}", "import-objectives", "import-status", "import-conflict")
    kept.update({key: st.session_state[key] for key in drawn if key in st.session_state})
    if lesson is None:
        return None, None
    options = ImportOptions(
        lesson=lesson.id,
        section=section or None,
        objectives=list(chosen_objectives),
        status=Status(status),
        on_conflict=OnConflict(on_conflict),
    )
    return options, None if chosen_format == DETECT else Format(chosen_format)


def preview(upload: Upload, options: ImportOptions, course: Course, *, fmt: Format | None) -> ImportReport:
    """The questions of ``upload`` as the bank would store them now, and every problem: a dry
    run (no image is written, nothing is saved).

    Raises:
        InterchangeError: the file cannot be read at all.
    """
    return interchange.read(
        upload.data,
        options,
        course,
        fmt=fmt,
        media=MediaStore(services.settings().bank_dir, dry_run=True),
        existing={q.id: q for q in course.questions},
        used_ids=services.store().authoring.used_ids(),
    )


def _preview(user: User, upload: Upload, options: ImportOptions, fmt: Format | None, course: Course) -> None:
    key = (upload.file_id, options.model_dump_json(), fmt, services.course_stamp())
    kept = st.session_state.get(_PREVIEW)
    if kept is None or kept[0] != key:
        try:
            result: ImportReport | str = preview(upload, options, course, fmt=fmt)
        except InterchangeError as error:
            result = str(error)
        kept = st.session_state[_PREVIEW] = (key, result)
    report = kept[1]
    st.subheader("Preview", anchor=False)
    if isinstance(report, str):
        st.error(f"{plain_text(upload.name)} cannot be imported: {plain_text(report.rstrip('.'))}.", icon=":material/error:")
        return
    earlier = st.session_state.get(_EARLIER, {}).get(upload.digest)
    if earlier:
        st.warning(
            f"You imported this same file at {earlier}. Importing it again adds its questions again: "
            "those whose id the bank has are skipped, updated or given a new id as chosen above; the others are added as new questions.",
            icon=":material/content_copy:",
        )
    updates = set(report.updates)
    new = sum(q.id not in updates for q in report.questions)
    st.markdown(
        f"{plain_text(upload.name)} ({FORMAT_NAMES[report.format]}): **{count(report.imported, 'question')} to import** "
        f"({new} new, {count(len(updates), 'update')}), {len(report.skipped)} skipped, {count(len(report.warnings), 'warning')}."
    )
    if report.questions:
        st.dataframe(
            preview_rows(report),
            hide_index=True,
            width="stretch",
            key=f"import-preview-table-{upload.file_id}",
            column_config={
                "id": st.column_config.TextColumn("Id", pinned=True),
                "prompt": st.column_config.TextColumn("Prompt", width="large"),
                "action": "New or update",
                "type": "Type",
                "lesson": "Lesson",
                "section": "Section",
                "status": "Status",
            },
        )
    elif report.skipped and options.on_conflict is OnConflict.SKIP:
        st.info(
            'Nothing to import. If the file\'s questions are in the bank already, choose "Update it" to replace them '
            'with the file\'s versions, or "Import it under a new id" to add copies.'
        )
    _skipped(report.skipped)
    _warnings(report.warnings)
    st.button(
        f"Import {count(report.imported, 'question')}",
        type="primary",
        icon=":material/download_done:",
        key=f"import-go-{upload.file_id}",
        disabled=report.imported == 0,
        on_click=_import_clicked,
        args=(user, upload, options, fmt),
    )


def _line(line: int | None) -> str:
    return f"Line {line}" if line is not None else "The file"


def _skipped(skipped: Sequence[Skipped]) -> None:
    """Every question not imported, with its line, name and reason, as plain text."""
    if not skipped:
        return
    st.markdown(f"**{count(len(skipped), 'question')} not imported**")
    lines = [
        f"- {_line(s.line)} · {plain_text(s.name) if s.name.strip() else '(no name)'}: {plain_text(s.reason)}"
        for s in skipped[:SHOWN_PROBLEMS]
    ]
    if len(skipped) > SHOWN_PROBLEMS:
        lines.append(f"- … and {len(skipped) - SHOWN_PROBLEMS} more")
    st.markdown("\n".join(lines))


def _warnings(warnings: Sequence[Notice]) -> None:
    """The warnings about questions that are imported (worth a look before they go live)."""
    if not warnings:
        return
    with st.expander(f"{count(len(warnings), 'warning')}: worth a look, not a stop", icon=":material/warning:"):
        lines = [
            f"- {_line(w.line)} · {plain_text(w.name) if w.name.strip() else '(no name)'}: {plain_text(w.message)}"
            for w in warnings[:SHOWN_PROBLEMS]
        ]
        if len(warnings) > SHOWN_PROBLEMS:
            lines.append(f"- … and {len(warnings) - SHOWN_PROBLEMS} more")
        st.markdown("\n".join(lines))


def _import_clicked(user: User, upload: Upload, options: ImportOptions, fmt: Format | None) -> None:
    """Import the file (a button's callback); a second click on the same upload does nothing."""
    done: Outcome | None = st.session_state.get(_DONE)
    if done is not None and done.file_id == upload.file_id:
        return
    outcome = import_file(user, upload, options, fmt=fmt)
    st.session_state[_DONE] = outcome
    st.session_state.pop(_PREVIEW, None)
    if outcome.saved:
        when = services.now().strftime("%H:%M UTC")
        st.session_state.setdefault(_EARLIER, {})[upload.digest] = when


def import_file(user: User, upload: Upload, options: ImportOptions, *, fmt: Format | None) -> Outcome:
    """Read ``upload`` again (images stored this time) and save its questions, each recorded in
    the history as "imported from NAME"; what was done, or why not, as an :class:`Outcome`."""
    services.course_changed()
    course = services.course()
    store = services.store()
    outcome = Outcome(file_id=upload.file_id, name=upload.name, status=options.status)
    before = {q.id: q.version for q in course.questions}
    try:
        report = interchange.read(
            upload.data,
            options,
            course,
            fmt=fmt,
            media=MediaStore(services.settings().bank_dir),
            existing={q.id: q for q in course.questions},
            used_ids=store.authoring.used_ids(),
        )
    except InterchangeError as error:
        outcome.problem = f"Nothing was imported: {_because(error)}"
        return outcome
    except StorageUnavailable:
        outcome.problem = f"Nothing was imported: the app cannot reach its records. {TRY_AGAIN}"
        return outcome
    outcome.skipped = list(report.skipped)
    if not report.questions:
        return outcome
    try:
        store.authoring.import_questions(user, report.questions, updates=report.updates, note=f"imported from {upload.name}")
    except (AuthoringError, AccessDenied) as error:
        outcome.problem = f"Nothing was imported: {_because(error)}"
        return outcome
    except ConflictError as error:
        _landed(outcome, report, before)
        outcome.problem = f"The import stopped: {_because(error)} {_what_landed(outcome)}"
        return outcome
    except StorageUnavailable:
        _landed(outcome, report, before)
        outcome.problem = f"The import could not be finished: the app cannot reach its records. {_what_landed(outcome)}"
        return outcome
    finally:
        services.course_changed()
    updates = set(report.updates)
    outcome.created = [q.id for q in report.questions if q.id not in updates]
    outcome.updated = [q.id for q in report.questions if q.id in updates]
    return outcome


def _because(error: Exception) -> str:
    """An error's message as the end of a sentence, shown as typed (it may quote the file)."""
    return plain_text(str(error).rstrip(".")) + "."


def _what_landed(outcome: Outcome) -> str:
    if not outcome.saved:
        return "Nothing was saved; press Import to try again."
    return "The questions listed below were saved before it stopped; look at the bank before importing the file again."


def _landed(outcome: Outcome, report: ImportReport, before: dict[str, int]) -> None:
    """The questions of an import that stopped which are in the bank now (new, or a newer version)."""
    now = {q.id: q.version for q in services.course().questions}
    updates = set(report.updates)
    for question in report.questions:
        if question.id in updates and now.get(question.id, 0) > before.get(question.id, 0):
            outcome.updated.append(question.id)
        elif question.id not in updates and question.id in now and question.id not in before:
            outcome.created.append(question.id)


def _outcome(outcome: Outcome) -> None:
    """What the import did, with links to open each question in the editor."""
    name = plain_text(outcome.name)
    if outcome.problem:
        st.error(outcome.problem, icon=":material/error:")
    if outcome.saved:
        parts = []
        if outcome.created:
            parts.append(f"{len(outcome.created)} new, as {'drafts' if outcome.status is Status.DRAFT else 'active questions'}")
        if outcome.updated:
            parts.append(f"{count(len(outcome.updated), 'question')} updated")
        st.success(f"Imported {count(len(outcome.saved), 'question')} from {name}: {', '.join(parts)}.", icon=":material/check_circle:")
        st.markdown("**Open them in the editor**")
        with st.container(horizontal=True, gap="medium"):
            for question_id in outcome.saved[:SHOWN_LINKS]:
                nav.link(plain_text(question_id), "edit", icon=":material/edit_note:", key=f"import-open-{question_id}", id=question_id)
        if len(outcome.saved) > SHOWN_LINKS:
            st.caption(f"and {len(outcome.saved) - SHOWN_LINKS} more.")
        nav.link("See the question bank", "bank", icon=":material/quiz:", key="import-open-bank", status=outcome.status.value)
    _skipped(outcome.skipped)
    st.button("Import another file", icon=":material/upload_file:", key="import-again", on_click=_start_again)


def _not_saved(outcome: Outcome) -> None:
    if outcome.problem:
        st.error(outcome.problem, icon=":material/error:")
    else:
        st.warning(
            f"Nothing was imported from {plain_text(outcome.name)}: when it was read again to import it, every question "
            "was skipped (the bank changed since the preview). The preview below is up to date.",
            icon=":material/info:",
        )


def _start_again() -> None:
    st.session_state[_ROUND] = st.session_state.get(_ROUND, 0) + 1
    st.session_state.pop(_DONE, None)
    st.session_state.pop(_PREVIEW, None)
