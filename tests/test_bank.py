"""Loading, reporting and saving the question bank."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from learning import load_course
from learning.bank import (
    STALE_SECONDS,
    bank_ids,
    find_question_file,
    format_bank_file,
    load_bank,
    lock_folder,
    read_bank_file,
    render_bank,
    rewrite_bank_file,
    save_question,
)
from learning.errors import ConflictError, ContentError
from learning.questions import QUESTION_ADAPTER, Status, dump_question
from tests.conftest import ALL_TYPES, build, question, write_bank


def messages(problems) -> list[str]:
    return [str(p) for p in problems]


def test_sample_course_loads_without_problems(course_dirs) -> None:
    lessons, bank = course_dirs
    course = load_course(lessons_dir=lessons, bank_dir=bank)
    assert messages(course.problems) == []
    assert len(course.questions) == 8
    assert [lesson.id for lesson in course.lessons] == ["goals", "techniques"]


def test_invalid_json_names_file_and_line(course_dirs) -> None:
    lessons, bank = course_dirs
    (bank / "broken.json").write_text('{\n  "schema_version": 1,\n  "questions": [\n    {"id": "x",}\n  ]\n}\n')
    course = load_course(lessons_dir=lessons, bank_dir=bank)
    assert messages(course.problems) == ["quiz_bank/broken.json:4:16: invalid JSON: Expecting property name enclosed in double quotes"]
    assert len(course.questions) == 8


def test_unknown_type(course_dirs) -> None:
    lessons, bank = course_dirs
    write_bank(bank, "extra.json", [question("single_choice", id="odd-one", type="essay"), question("true_false", id="fine-one")])
    course = load_course(lessons_dir=lessons, bank_dir=bank)
    assert messages(course.problems) == [
        "quiz_bank/extra.json: question \"odd-one\": type: unknown question type 'essay'; use one of single_choice, "
        "multiple_response, true_false, matching, ordering, short_answer, numeric"
    ]
    assert course.question("fine-one") is not None


def test_duplicate_id_across_two_files(course_dirs) -> None:
    lessons, bank = course_dirs
    write_bank(bank, "zz-more.json", [question("true_false")])
    course = load_course(lessons_dir=lessons, bank_dir=bank)
    assert messages(course.problems) == [
        'quiz_bank/zz-more.json: question "sample-true-false": id: duplicate id, already used in quiz_bank/goals.json'
    ]
    assert len(course.questions) == 8


def test_single_choice_without_a_correct_option(course_dirs) -> None:
    lessons, bank = course_dirs
    options = [{"id": "a", "text": "One", "feedback": "No."}, {"id": "b", "text": "Two", "feedback": "No."}]
    write_bank(bank, "more.json", [question("single_choice", id="no-answer", options=options)])
    course = load_course(lessons_dir=lessons, bank_dir=bank)
    assert messages(course.problems) == [
        'quiz_bank/more.json: question "no-answer": options: a single-choice question needs exactly one correct option, found 0'
    ]
    assert len(course.questions) == 8


def test_question_pointing_at_a_missing_lesson(course_dirs) -> None:
    lessons, bank = course_dirs
    write_bank(bank, "more.json", [question("true_false", id="lost", lesson="anatomy")])
    course = load_course(lessons_dir=lessons, bank_dir=bank)
    assert messages(course.problems) == ["quiz_bank/more.json: question \"lost\": lesson: no lesson 'anatomy'"]
    assert course.question("lost") is None
    assert len(course.questions) == 8


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"options": [{"id": "a", "text": "", "correct": True, "feedback": "Yes."}, {"id": "b", "text": "B", "feedback": "No."}]},
            'quiz_bank/more.json: question "q": options[0].text: must not be empty',
        ),
        ({"prompt": "   "}, 'quiz_bank/more.json: question "q": prompt: must not be empty'),
        (
            {"section": "nowhere"},
            "quiz_bank/more.json: question \"q\": section: lesson 'goals' has no section 'nowhere' (it has first, key-takeaways)",
        ),
        (
            {"objectives": ["obj-goals", "obj-x"]},
            "quiz_bank/more.json: question \"q\": objectives[1]: no objective 'obj-x' in the syllabus",
        ),
        ({"hint": "x"}, 'quiz_bank/more.json: question "q": hint: unknown field (check its spelling)'),
        ({"objectives": []}, 'quiz_bank/more.json: question "q": objectives: List should have at least 1 item after validation, not 0'),
        (
            {"options": [{"id": "a", "text": "A", "correct": True, "feedback": "Y"}, {"id": "a", "text": "B", "feedback": "N"}]},
            "quiz_bank/more.json: question \"q\": options[1]: option id 'a' appears twice",
        ),
    ],
)
def test_field_errors_name_file_question_and_field(course_dirs, changes: dict, expected: str) -> None:
    lessons, bank = course_dirs
    write_bank(bank, "more.json", [question("single_choice", id="q", **changes)])
    course = load_course(lessons_dir=lessons, bank_dir=bank)
    assert messages(course.problems) == [expected]


def test_every_error_is_collected_not_just_the_first(course_dirs) -> None:
    lessons, bank = course_dirs
    broken = question("numeric", id="many", prompt="", explanation="", answers=[{"value": 1, "credit": 0.5}])
    write_bank(bank, "more.json", [broken])
    found = messages(load_course(lessons_dir=lessons, bank_dir=bank).problems)
    assert 'quiz_bank/more.json: question "many": prompt: must not be empty' in found
    assert 'quiz_bank/more.json: question "many": explanation: must not be empty' in found
    assert len(found) == 2  # model-level checks run only once the fields are valid


def test_question_without_an_id_is_named_by_position(tmp_path: Path) -> None:
    entry = question("true_false")
    del entry["id"]
    write_bank(tmp_path / "quiz_bank", "a.json", [question("true_false", id="ok"), entry])
    bank = load_bank(tmp_path / "quiz_bank")
    assert messages(bank.problems) == ["quiz_bank/a.json: questions[1].id: missing"]


def test_wrong_schema_version(tmp_path: Path) -> None:
    folder = tmp_path / "quiz_bank"
    folder.mkdir()
    (folder / "a.json").write_text('{"schema_version": 7, "questions": []}')
    assert messages(load_bank(folder).problems) == ["quiz_bank/a.json: schema_version: must be 1, found 7"]


@pytest.mark.parametrize("kind", ALL_TYPES)
def test_round_trip_model_and_file(kind: str, tmp_path: Path) -> None:
    model = build(kind)
    assert QUESTION_ADAPTER.validate_python(dump_question(model)) == model
    text = render_bank([model])
    path = write_bank(tmp_path, "a.json", [])
    path.write_text(text)
    assert render_bank(load_bank(tmp_path).questions) == text


def test_canonical_dump_leaves_out_defaults_and_keeps_order() -> None:
    dumped = dump_question(build("true_false"))
    assert list(dumped) == [
        "id",
        "version",
        "type",
        "lesson",
        "section",
        "objectives",
        "prompt",
        "explanation",
        "answer",
        "feedback_true",
        "feedback_false",
    ]


# --- saving ---------------------------------------------------------------------------------


def test_save_edits_bump_version_and_keep_others(tmp_path: Path) -> None:
    path = write_bank(tmp_path, "a.json", [question("true_false"), question("single_choice")])
    snapshot = read_bank_file(path)
    edited = snapshot.questions[0].model_copy(update={"prompt": "A better prompt?"})
    saved = save_question(path, edited, base_digest=snapshot.digest)
    assert saved.version == 2
    again = read_bank_file(path)
    assert [q.id for q in again.questions] == ["sample-true-false", "sample-single-choice"]
    assert again.questions[0].prompt == "A better prompt?"
    assert again.questions[0].version == 2
    assert path.read_text().endswith("}\n")


def test_save_without_change_keeps_version(tmp_path: Path) -> None:
    path = write_bank(tmp_path, "a.json", [question("true_false")])
    snapshot = read_bank_file(path)
    assert save_question(path, snapshot.questions[0], base_digest=snapshot.digest).version == 1


def test_save_new_question_to_new_file(tmp_path: Path) -> None:
    path = tmp_path / "new.json"
    saved = save_question(path, build("numeric", version=9), base_digest=None)
    assert saved.version == 1
    assert [q.id for q in read_bank_file(path).questions] == ["sample-numeric"]


def test_save_refuses_an_id_used_in_another_file(tmp_path: Path) -> None:
    write_bank(tmp_path, "a.json", [question("true_false")])
    with pytest.raises(ConflictError, match=r'"sample-true-false" is already used in [\w-]+/a\.json'):
        save_question(tmp_path / "b.json", build("true_false"), base_digest=None)


def test_failure_between_write_and_replace_leaves_old_file(tmp_path: Path, monkeypatch) -> None:
    path = write_bank(tmp_path, "a.json", [question("true_false")])
    before = path.read_bytes()
    snapshot = read_bank_file(path)

    def crash(*args, **kwargs):
        raise OSError("disk pulled out")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError, match="disk pulled out"):
        save_question(path, snapshot.questions[0].model_copy(update={"prompt": "New?"}), base_digest=snapshot.digest)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []


def test_two_saves_from_stale_reads_one_wins_one_conflicts(tmp_path: Path) -> None:
    path = write_bank(tmp_path, "a.json", [question("true_false")])
    first = read_bank_file(path)
    second = read_bank_file(path)
    save_question(path, first.questions[0].model_copy(update={"prompt": "First?"}), base_digest=first.digest)
    with pytest.raises(ConflictError, match="changed since it was opened"):
        save_question(path, second.questions[0].model_copy(update={"prompt": "Second?"}), base_digest=second.digest)
    assert read_bank_file(path).questions[0].prompt == "First?"


def test_concurrent_saves_from_the_same_read(tmp_path: Path) -> None:
    path = write_bank(tmp_path, "a.json", [question("true_false")])
    snapshot = read_bank_file(path)
    outcomes: list[str] = []

    def save(prompt: str) -> None:
        try:
            save_question(path, snapshot.questions[0].model_copy(update={"prompt": prompt}), base_digest=snapshot.digest)
            outcomes.append("saved")
        except ConflictError:
            outcomes.append("conflict")

    threads = [threading.Thread(target=save, args=(f"Prompt {n}?",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "saved"]
    assert read_bank_file(path).questions[0].version == 2


def test_save_keeps_a_broken_neighbour_untouched(tmp_path: Path) -> None:
    broken = question("single_choice", id="broken", prompt="")
    path = write_bank(tmp_path, "a.json", [broken, question("true_false")])
    snapshot = read_bank_file(path)
    save_question(path, snapshot.questions[0].model_copy(update={"prompt": "Edited?"}), base_digest=snapshot.digest)
    stored = json.loads(path.read_text())["questions"]
    assert stored[0] == broken


def test_format_rewrites_to_canonical_layout(tmp_path: Path) -> None:
    path = write_bank(tmp_path, "a.json", [{**question("true_false"), "status": "active", "critical": False}])
    assert format_bank_file(path) is True
    assert format_bank_file(path) is False
    assert '"status"' not in path.read_text()


@pytest.fixture
def umask_022():
    """A usual umask for the test, whatever the runner's, restored afterwards."""
    before = os.umask(0o022)
    yield
    os.umask(before)


@pytest.mark.parametrize("mode", [0o644, 0o664, 0o640, 0o444])
def test_format_and_save_keep_the_files_mode(tmp_path: Path, umask_022, mode: int) -> None:
    """A file rewritten with mode 600 can no longer be read by a server running as another user."""
    path = write_bank(tmp_path, "a.json", [{**question("true_false"), "critical": False}])
    path.chmod(mode)
    assert format_bank_file(path) is True
    assert path.stat().st_mode & 0o7777 == mode
    snapshot = read_bank_file(path)
    save_question(path, snapshot.questions[0].model_copy(update={"prompt": "Edited?"}), base_digest=snapshot.digest)
    assert path.stat().st_mode & 0o7777 == mode


def test_the_command_line_format_keeps_the_files_mode_and_owner(tmp_path: Path, umask_022) -> None:
    from learning.__main__ import main

    path = write_bank(tmp_path, "a.json", [{**question("true_false"), "critical": False}])
    path.chmod(0o644)
    before = path.stat()
    assert main(["format", "--bank", str(tmp_path)]) == 0
    after = path.stat()
    assert (after.st_mode & 0o7777, after.st_uid, after.st_gid) == (0o644, before.st_uid, before.st_gid)
    assert after.st_ino != before.st_ino  # rewritten as a new file, atomically


def test_an_owner_that_cannot_be_kept_leaves_the_file_the_writers(tmp_path: Path, umask_022, monkeypatch) -> None:
    path = write_bank(tmp_path, "a.json", [{**question("true_false"), "critical": False}])
    path.chmod(0o664)
    monkeypatch.setattr(os, "getuid", lambda: os.stat(path).st_uid + 1)  # as if another user wrote it
    tried = []

    def refuse(*args: object) -> None:
        tried.append(args)
        raise PermissionError(1, "Operation not permitted")

    monkeypatch.setattr(os, "fchown", refuse)
    assert format_bank_file(path) is True
    assert tried and path.stat().st_mode & 0o7777 == 0o664


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_a_new_bank_file_gets_the_usual_mode(tmp_path: Path, umask: int, mode: int) -> None:
    before = os.umask(umask)
    try:
        path = tmp_path / "new.json"
        save_question(path, build("true_false"), base_digest=None)
    finally:
        os.umask(before)
    assert path.stat().st_mode & 0o7777 == mode


def test_format_reports_a_folder_named_like_a_bank_file(tmp_path: Path) -> None:
    (tmp_path / "zz.json").mkdir()
    with pytest.raises(ContentError, match=r"zz\.json cannot be formatted: is a folder, not a file"):
        format_bank_file(tmp_path / "zz.json")


# --- one save, several questions; the folder holds only bank files -------------------------


def test_one_rewrite_puts_and_removes_several_questions(tmp_path: Path) -> None:
    path = write_bank(tmp_path, "a.json", [question("true_false"), question("single_choice"), question("numeric")])
    snapshot = read_bank_file(path)
    retired = snapshot.questions[0].model_copy(update={"status": Status.RETIRED})
    brand_new = build("ordering", version=5)
    rewritten = rewrite_bank_file(path, base_digest=snapshot.digest, put=[retired, brand_new], remove={"sample-numeric"})
    assert rewritten.digest == read_bank_file(path).digest
    saved = rewritten.questions
    assert [(q.id, q.version) for q in saved] == [("sample-true-false", 2), ("sample-ordering", 1)]
    assert [q.id for q in read_bank_file(path).questions] == ["sample-true-false", "sample-single-choice", "sample-ordering"]


def test_a_question_moving_in_keeps_its_version_and_may_be_in_its_old_file(tmp_path: Path) -> None:
    write_bank(tmp_path, "a.json", [question("true_false", version=3)])
    target = write_bank(tmp_path, "b.json", [])
    moved = build("true_false", version=4, lesson="techniques")
    saved = rewrite_bank_file(target, base_digest=read_bank_file(target).digest, put=[moved], arriving={moved.id}).questions
    assert saved[0].version == 4
    assert find_question_file(tmp_path, moved.id) == tmp_path / "a.json"  # first in name order, until a.json drops it
    assert bank_ids(tmp_path) == {moved.id}


def _only_bank_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_saving_and_formatting_leave_no_lock_file_in_the_bank_folder(tmp_path: Path) -> None:
    path = write_bank(tmp_path, "a.json", [question("true_false")])
    snapshot = read_bank_file(path)
    save_question(path, snapshot.questions[0].model_copy(update={"prompt": "Edited?"}), base_digest=snapshot.digest)
    format_bank_file(path)
    save_question(tmp_path / "b.json", build("numeric"), base_digest=None)
    assert _only_bank_files(tmp_path) == ["a.json", "b.json"]
    assert lock_folder().is_dir()
    assert not lock_folder().is_relative_to(tmp_path)


@pytest.mark.parametrize("action", ["save", "format"])
def test_stale_leftovers_of_an_interrupted_save_are_cleared(tmp_path: Path, action: str) -> None:
    path = write_bank(tmp_path, "a.json", [question("true_false")])
    old = time.time() - STALE_SECONDS - 5
    leftovers = [tmp_path / ".a.json.0123456789abcdef.tmp", tmp_path / "a.json.lock"]
    for leftover in leftovers:
        leftover.write_text("{")
        os.utime(leftover, (old, old))
    in_progress = tmp_path / ".a.json.fedcba9876543210.tmp"  # another server's save, a moment ago
    in_progress.write_text("{")
    unrelated = tmp_path / ".notes.tmp"
    unrelated.write_text("kept")
    os.utime(unrelated, (old, old))
    if action == "save":
        snapshot = read_bank_file(path)
        save_question(path, snapshot.questions[0].model_copy(update={"prompt": "Edited?"}), base_digest=snapshot.digest)
    else:
        format_bank_file(path)
    assert _only_bank_files(tmp_path) == sorted([".a.json.fedcba9876543210.tmp", ".notes.tmp", "a.json"])
