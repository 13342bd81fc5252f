"""The import page and the bank page's export, on a copy of the sample course (bank files are written).

The files are GIFT, read by the real reader; exports are written by the real writers.
"""

from __future__ import annotations

import json
import re

import pytest
from streamlit.testing.v1 import AppTest

from learning.bank import read_bank_file
from learning.errors import AuthoringError, ConflictError, StorageUnavailable
from learning.interchange.summary import export_file_name
from learning.questions import Status
from learning.render import WORD_JOINER
from learning.store import Role
from learning.ui import nav, services
from tests.conftest import question
from tests.ui.conftest import VIEWS, App

FILE = b"""\
// Questions from another school
::Relax:: What is a massage therapist's main aim? {=Relaxation ~Diagnosis ~Surgery}

::Essay:: Describe your training in a paragraph. {}

::Records:: A medical massage therapist keeps treatment records. {T}
"""


@pytest.fixture
def import_app(app: App, course_dirs, monkeypatch) -> App:
    lessons, bank = course_dirs
    monkeypatch.setenv("LEARNING_LESSONS_DIR", str(lessons))
    monkeypatch.setenv("LEARNING_BANK_DIR", str(bank))
    app.bank = bank
    app.teacher = app.user("teacher", role=Role.INSTRUCTOR, name="Teacher")
    app.sign_in_as(app.teacher)
    return app


def upload(app: App, data: bytes, name: str = "questions.gift", *, lesson: str | None = "goals") -> AppTest:
    app.open("import")
    app.at.file_uploader[0].set_value((name, data, "text/plain"))
    app.run()
    if lesson is not None:
        next(s for s in app.at.selectbox if s.label == "Lesson").set_value(lesson)
        app.run()
    return app.at


def readable(app: App) -> str:
    """The screen's text as a person reads it (Markdown's escapes of typed text taken out)."""
    return re.sub(r"\\([!-/:-@\[-`{-~])", r"\1", app.texts()).replace(WORD_JOINER, "")


def preview_table(app: App):
    return app.at.dataframe[0].value


def choose_on_conflict(app: App, choice: str) -> None:
    next(r for r in app.at.radio if r.label.startswith("When the bank already has")).set_value(choice)
    app.run()


def import_button(app: App):
    return next(b for b in app.at.button if b.label.startswith("Import ") and b.label != "Import another file")


def bank_ids(app: App, lesson: str = "goals") -> dict[str, object]:
    return {q.id: q for q in read_bank_file(app.bank / f"{lesson}.json").questions}


def test_a_learner_is_refused_the_import_page_and_does_not_see_it_listed(app) -> None:
    learner = app.user()
    script = AppTest.from_string("from learning.ui.screens.importing import render\nrender()\n", default_timeout=30)
    script.session_state["user_id"] = learner.id
    script.run()
    assert [e.value for e in script.error] == ["This page is for instructors."]
    assert not script.file_uploader
    assert "import" not in nav.signed_in_pages(instructor=False)
    assert "import" in nav.signed_in_pages(instructor=True)


def test_the_bank_page_links_to_the_import_page_with_its_lesson(import_app) -> None:
    import_app.open("bank", lesson="techniques")
    import_app.button("Import questions").click()
    import_app.run()
    assert [t.value for t in import_app.at.title] == ["Import questions"]
    assert next(s for s in import_app.at.selectbox if s.label == "Lesson").value == "techniques"
    import_app.at.switch_page(f"{VIEWS}/import.py")  # AppTest asks for the page it was last sent to (the bank) otherwise
    next(s for s in import_app.at.selectbox if s.label == "Lesson").set_value("goals")
    import_app.run()
    assert next(s for s in import_app.at.selectbox if s.label == "Lesson").value == "goals"  # the link's lesson is taken once


def test_no_preview_until_a_file_and_a_lesson_are_chosen(import_app) -> None:
    import_app.open("import")
    assert "Choose a file to see the questions it holds" in import_app.texts()
    upload(import_app, FILE, lesson=None)
    assert "Choose the lesson the questions go to" in import_app.texts()
    assert not import_app.at.dataframe


def test_an_instructor_previews_imports_and_finds_drafts_with_history(import_app) -> None:
    upload(import_app, FILE)
    texts = readable(import_app)
    assert "2 questions to import" in texts and "(2 new, 0 updates), 1 skipped" in texts
    assert "Line 4 · Essay: an essay question (an empty answer block): the bank has no essay type" in texts
    table = preview_table(import_app)
    assert list(table.columns) == ["id", "prompt", "action", "type", "lesson", "section", "status"]
    assert table.to_dict("records") == [
        {
            "id": "goals-01",
            "type": "single choice",
            "lesson": "goals",
            "section": "first",
            "status": "draft",
            "prompt": "What is a massage therapist's main aim?",
            "action": "new",
        },
        {
            "id": "goals-02",
            "type": "true false",
            "lesson": "goals",
            "section": "first",
            "status": "draft",
            "prompt": "A medical massage therapist keeps treatment records.",
            "action": "new",
        },
    ]
    assert "goals-01" not in bank_ids(import_app)  # a preview saves nothing

    import_button(import_app).click()
    import_app.run()
    assert "Imported 2 questions from questions.gift: 2 new, as drafts." in readable(import_app)
    assert {"goals\\-01", "goals\\-02"} <= {b.label for b in import_app.at.button}  # links to the editor
    saved = bank_ids(import_app)
    assert (saved["goals-01"].status, saved["goals-01"].version) == (Status.DRAFT, 1)
    assert saved["goals-02"].answer is True
    history = import_app.store.authoring.history(import_app.teacher, "goals-01")
    assert [(h.version, h.note, h.author) for h in history] == [(1, "imported from questions.gift", "Teacher")]

    import_app.run()  # a rerun, and the page as it stands: nothing is imported twice
    assert not [b for b in import_app.at.button if b.label.startswith("Import 2")]
    assert "Imported 2 questions" in import_app.texts()
    assert len(bank_ids(import_app)) == 9
    assert len(import_app.store.authoring.history(import_app.teacher, "goals-01")) == 1

    next(b for b in import_app.at.button if b.label == "goals\\-01").click()
    import_app.run()
    assert import_app.at.query_params == {"id": "goals-01"}
    assert "Edit question" in [t.value for t in import_app.at.title]


CLICK = """
import streamlit as st
from learning.interchange import ImportOptions
from learning.ui import session
from learning.ui.screens.importing import _import_clicked

_import_clicked(session.require_user(instructor=True), st.session_state["clicked"], ImportOptions(lesson="goals"), None)
"""


def test_a_second_click_on_import_does_not_import_again(import_app) -> None:
    """A quick second click reaches the server after the first one's run, and calls the button's
    callback again even though the button is gone: it finds this upload imported and does nothing.
    (The same file in a new upload is imported again, which is what the guard alone prevents.)"""
    from learning.ui.screens.importing import Upload

    upload(import_app, FILE)
    import_button(import_app).click()
    import_app.run()
    done = import_app.at.session_state["import-done"]
    script = AppTest.from_string(CLICK, default_timeout=30)
    script.session_state["user_id"] = import_app.teacher.id
    script.session_state["import-done"] = done
    script.session_state["clicked"] = Upload(done.file_id, "questions.gift", FILE)
    script.run()
    assert not script.exception
    assert len(bank_ids(import_app)) == 9
    script.session_state["clicked"] = Upload("another-upload", "questions.gift", FILE)
    script.run()
    assert len(bank_ids(import_app)) == 11


def test_the_same_file_uploaded_again_says_it_was_imported(import_app) -> None:
    upload(import_app, FILE)
    import_button(import_app).click()
    import_app.run()
    import_app.button("Import another file").click()
    import_app.run()
    assert not import_app.at.file_uploader[0].value  # a fresh, empty uploader
    import_app.at.file_uploader[0].set_value(("questions.gift", FILE, "text/plain"))
    import_app.run()
    texts = import_app.texts()
    assert "You imported this same file at" in texts
    assert list(preview_table(import_app)["id"]) == ["goals-03", "goals-04"]  # no id in the file: new ones again


WITH_IDS = b"""\
// learning: {"id": "sample-true-false"}
::Known:: Medical massage needs a prescription. {F}

// learning: {"id": "fresh-one"}
::Fresh:: Records are kept for every treatment. {T}
"""


def test_an_id_the_bank_has_is_skipped_by_default(import_app) -> None:
    upload(import_app, WITH_IDS)
    assert 'Line 2 · Known: the bank already has a question "sample-true-false" (on conflict: skip)' in readable(import_app)
    assert list(preview_table(import_app)["id"]) == ["fresh-one"]
    import_button(import_app).click()
    import_app.run()
    assert "Imported 1 question from" in import_app.texts()
    assert bank_ids(import_app)["sample-true-false"].version == 1


def test_an_id_the_bank_has_is_given_a_new_one_on_rename(import_app) -> None:
    upload(import_app, WITH_IDS)
    choose_on_conflict(import_app, "rename")
    assert list(preview_table(import_app)["id"]) == ["goals-01", "fresh-one"]
    assert 'Line 2 · Known: the bank already has the id "sample-true-false": imported as "goals-01"' in readable(import_app)
    import_button(import_app).click()
    import_app.run()
    saved = bank_ids(import_app)
    assert saved["goals-01"].answer is False and saved["sample-true-false"].version == 1


def test_an_id_the_bank_has_is_updated_as_a_new_version(import_app) -> None:
    upload(import_app, WITH_IDS)
    choose_on_conflict(import_app, "update")
    table = preview_table(import_app)
    assert table[["id", "action"]].values.tolist() == [["sample-true-false", "update"], ["fresh-one", "new"]]
    assert "(1 new, 1 update)" in import_app.texts()
    import_button(import_app).click()
    import_app.run()
    assert "Imported 2 questions from questions.gift: 1 new, as drafts, 1 question updated." in readable(import_app)
    updated = bank_ids(import_app)["sample-true-false"]
    assert (updated.version, updated.answer, updated.prompt) == (2, False, "Medical massage needs a prescription.")
    history = import_app.store.authoring.history(import_app.teacher, "sample-true-false")
    assert (history[0].version, history[0].note) == (2, "imported from questions.gift")


def test_active_status_when_chosen(import_app) -> None:
    upload(import_app, FILE)
    next(r for r in import_app.at.radio if r.label == "Status").set_value("active")
    import_app.run()
    assert set(preview_table(import_app)["status"]) == {"active"}
    import_button(import_app).click()
    import_app.run()
    assert bank_ids(import_app)["goals-01"].status is Status.ACTIVE


HOSTILE = b"""\
::<script>alert('name')</script>:: [html]Which <b onclick="steal()">aim</b>? <script>alert(1)</script>
<a href="javascript:alert(2)">see</a> {=Relaxation ~Diagnosis}

::<img src=x onerror=alert(3)>:: An essay <script>alert(4)</script> {}
"""


def test_uploaded_text_is_shown_as_text_never_as_live_html(import_app) -> None:
    upload(import_app, HOSTILE)
    at = import_app.at
    bodies = [e.value for kind in ("markdown", "caption", "info", "success", "warning", "error") for e in getattr(at, kind)]
    assert not [e for e in at.markdown if e.allow_html]
    assert not [body for body in bodies if re.search(r"(?<!\\)<(script|img|b\b|a\b)", body)]
    assert "\\<img src\\=x onerror\\=alert\\(3\\)\\>" in import_app.texts()  # the skipped question's name, as typed
    prompt = preview_table(import_app)["prompt"][0]
    assert "<script" not in prompt and "onclick" not in prompt and "javascript" not in prompt
    import_button(import_app).click()
    import_app.run()
    stored = bank_ids(import_app)["goals-01"]
    assert "<script" not in stored.prompt and "onclick" not in stored.prompt and "javascript:" not in stored.prompt


def test_a_file_that_is_not_utf8_shows_the_byte_offset(import_app) -> None:
    upload(import_app, b"::Caf\xe9:: Is it open? {T}\n", name="latin1.txt")
    assert len(import_app.at.error) == 1
    assert (
        "latin1.txt cannot be imported: the file is not UTF-8 text: the byte at offset 5 (0xe9, line 1) cannot be read; "
        "save it as UTF-8 and import it again."
    ) in readable(import_app)
    assert not [b for b in import_app.at.button if b.label.startswith("Import ") and b.label != "Import another file"]


def test_an_import_that_finds_every_question_skipped_says_how_to_bring_them_in(import_app) -> None:
    upload(import_app, WITH_IDS.split(b"\n\n")[0] + b"\n")
    assert "Nothing to import" in import_app.texts()
    assert import_button(import_app).disabled


@pytest.fixture
def downloads(monkeypatch) -> list[tuple[bytes, str, str | None]]:
    """What each download button offers: its bytes, media type and file name."""
    from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

    offered: list[tuple[bytes, str, str | None]] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def record(self, path_or_data, mimetype, kind, filename=None):
        offered.append((path_or_data, mimetype, filename))
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", record)
    return offered


def test_export_downloads_the_questions_the_filter_shows(import_app, downloads) -> None:
    # A weight Moodle does not accept (0.35), so the export has a value to adjust and say so.
    weighted = question(
        "multiple_response",
        id="goals-weighted",
        options=[
            {"id": "a", "text": "Insurers", "correct": True, "feedback": "Yes.", "weight": 0.35},
            {"id": "b", "text": "Courts", "correct": True, "feedback": "Yes.", "weight": 0.65},
            {"id": "c", "text": "Spa owners", "feedback": "No.", "weight": -1.0},
        ],
    )
    path = import_app.bank / "goals.json"
    data = json.loads(path.read_text())
    data["questions"].append(weighted)
    path.write_text(json.dumps(data, indent=2))
    services.course_changed()  # as after a save through the app: the next run reads the files again
    import_app.open("bank", lesson="goals")
    assert not import_app.at.download_button  # nothing is written until a format is chosen
    next(r for r in import_app.at.radio if r.label == "Format").set_value("moodle-xml")
    import_app.run()
    [button] = import_app.at.download_button
    assert button.label == "Download 8 questions (Moodle XML)"
    content, media_type, name = downloads[-1]
    assert media_type == "application/xml"
    assert name == export_file_name({"lesson": "goals"}, day=services.now().date(), suffix=".xml")
    assert re.fullmatch(r"question-bank-goals-\d{4}-\d\d-\d\d\.xml", name)
    written = set(re.findall(r"<idnumber>([^<]+)</idnumber>", content.decode()))
    assert written == {q.id for q in read_bank_file(path).questions}
    texts = readable(import_app)
    assert "2 values changed" in texts, texts
    assert "goals-weighted · options[0].weight: 0.35 written as 0.333333" in texts, texts
    assert "left out" not in texts


def test_export_follows_the_filter(import_app, downloads) -> None:
    import_app.open("bank", lesson="techniques", status="active")
    next(r for r in import_app.at.radio if r.label == "Format").set_value("gift")
    import_app.run()
    content, _, name = downloads[-1]
    assert set(re.findall(r"^::([^:]+)::", content.decode(), flags=re.M)) == {"tech-tf"}
    assert name.startswith("question-bank-techniques-active-") and name.endswith(".gift.txt")


@pytest.mark.parametrize(
    ("error", "said"),
    [
        (ConflictError("goals.json changed on disk while the import was saving it"), "The import stopped: goals.json changed on disk"),
        (AuthoringError('there is no question "x" in the bank to update'), 'Nothing was imported: there is no question "x" in the bank'),
        (StorageUnavailable("database or disk is full"), "The import could not be finished: the app cannot reach its records."),
    ],
)  # fmt: skip
def test_a_failed_save_is_said_plainly_and_the_file_can_be_imported_again(import_app, monkeypatch, error, said) -> None:
    from learning.store.authoring import Authoring

    def fail(*args, **kwargs):
        raise error

    saving = Authoring.import_questions
    upload(import_app, FILE)
    monkeypatch.setattr(Authoring, "import_questions", fail)
    import_button(import_app).click()
    import_app.run()
    assert said in readable(import_app)
    assert len(import_app.at.error) == 1
    assert "goals-01" not in bank_ids(import_app)
    monkeypatch.setattr(Authoring, "import_questions", saving)
    import_button(import_app).click()  # nothing was saved: the preview and its button are still there
    import_app.run()
    assert "Imported 2 questions" in readable(import_app)
    assert "goals-01" in bank_ids(import_app)
