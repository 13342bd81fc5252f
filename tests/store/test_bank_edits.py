"""Editing the bank through the store: saves with history, restore, retire, delete, bulk changes
and new ids, on a copy of the sample course that the course is reloaded from after every save."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from learning import load_course
from learning.bank import read_bank_file
from learning.errors import AccessDenied, AuthoringError, ConflictError
from learning.questions import Status
from learning.store import COMMAND_LINE, Role, Store, User
from tests.conftest import NOW, build
from tests.store.conftest import PASSWORD, practice_spec

LATER = NOW + timedelta(hours=1)


@pytest.fixture
def store(database_url, course_dirs) -> Iterator[Store]:
    """A store whose course is read from the files again on every call, as the app's is after a save."""
    lessons, bank = course_dirs
    opened = Store.open(database_url, course=lambda: load_course(lessons_dir=lessons, bank_dir=bank))
    yield opened
    opened.close()


@pytest.fixture
def bank(course_dirs) -> Path:
    return course_dirs[1]


def _edit(bank: Path, question_id: str = "sample-true-false", file: str = "goals.json", **changes):
    snapshot = read_bank_file(bank / file)
    question = next(q for q in snapshot.questions if q.id == question_id)
    return question.model_copy(update=changes), snapshot.digest


def test_save_bumps_the_version_and_records_it_with_the_file_version_before(store, instructor, bank) -> None:
    edited, digest = _edit(bank, prompt="Is this a better prompt?")
    saved = store.authoring.save(instructor, edited, base_digest=digest, note="clearer prompt", now=NOW)
    assert saved.version == 2
    assert saved.file == "quiz_bank/goals.json"
    assert saved.digest == read_bank_file(bank / "goals.json").digest
    assert store.attempts.course().question("sample-true-false").version == 2  # the course reloads from the files
    history = store.authoring.history(instructor, "sample-true-false")
    assert [(h.version, h.author, h.note) for h in history] == [
        (2, "Morgan Lee", "clearer prompt"),
        (1, "bank file", "as it was in the bank file"),
    ]
    assert history[0].content.prompt == "Is this a better prompt?"
    assert history[0].saved_at == NOW


def test_a_second_save_from_the_returned_digest_needs_no_reload(store, instructor, bank) -> None:
    edited, digest = _edit(bank, prompt="First?")
    first = store.authoring.save(instructor, edited, base_digest=digest, now=NOW)
    second = store.authoring.save(instructor, first.question.model_copy(update={"prompt": "Second?"}), base_digest=first.digest, now=LATER)
    assert second.version == 3
    assert [h.version for h in store.authoring.history(instructor, "sample-true-false")] == [3, 2, 1]


def test_a_save_that_changes_nothing_records_nothing(store, instructor, bank) -> None:
    unchanged, digest = _edit(bank)
    assert store.authoring.save(instructor, unchanged, base_digest=digest, now=NOW).version == 1
    assert store.authoring.history(instructor, "sample-true-false") == []


def test_a_stale_save_conflicts_and_records_nothing(store, instructor, bank) -> None:
    first, digest = _edit(bank, prompt="First?")
    store.authoring.save(instructor, first, base_digest=digest, now=NOW)
    with pytest.raises(ConflictError, match="changed since it was opened"):
        store.authoring.save(instructor, first.model_copy(update={"prompt": "Stale?"}), base_digest=digest, now=LATER)
    assert [h.version for h in store.authoring.history(instructor, "sample-true-false")] == [2, 1]


def test_a_new_question_goes_to_its_lessons_file(store, instructor, bank) -> None:
    new_id = store.authoring.suggest_id("techniques")
    assert new_id == "techniques-01"
    question = build("single_choice", id=new_id, lesson="techniques", objectives=["obj-techniques"], status=Status.DRAFT)
    saved = store.authoring.save(instructor, question, base_digest=read_bank_file(bank / "techniques.json").digest, now=NOW)
    assert (saved.version, saved.file) == (1, "quiz_bank/techniques.json")
    assert [(h.version, h.author) for h in store.authoring.history(instructor, new_id)] == [(1, "Morgan Lee")]
    assert store.authoring.suggest_id("techniques") == "techniques-02"


def test_a_new_lesson_file_is_made_when_the_lesson_has_none(store, instructor, bank) -> None:
    (bank / "techniques.json").unlink()
    question = build("true_false", id="techniques-01", lesson="techniques", objectives=["obj-techniques"])
    saved = store.authoring.save(instructor, question, base_digest=None, now=NOW)
    assert saved.file == "quiz_bank/techniques.json"


def test_restore_saves_an_old_version_as_the_newest(store, instructor, bank) -> None:
    edited, digest = _edit(bank, prompt="Changed?")
    saved = store.authoring.save(instructor, edited, base_digest=digest, now=NOW)
    restored = store.authoring.restore(instructor, "sample-true-false", 1, base_digest=saved.digest, now=LATER)
    assert restored.version == 3
    assert restored.question.prompt == "A prompt?"
    assert store.authoring.history(instructor, "sample-true-false")[0].note == "restored version 1"
    with pytest.raises(AuthoringError, match="no version 7"):
        store.authoring.restore(instructor, "sample-true-false", 7, base_digest=restored.digest)


def test_retire_from_the_command_line_is_recorded_as_such(store, instructor, bank) -> None:
    saved = store.authoring.retire(COMMAND_LINE, "sample-numeric", now=NOW)
    assert saved.question.status is Status.RETIRED
    assert saved.version == 2
    latest = store.authoring.history(instructor, "sample-numeric")[0]
    assert (latest.author, latest.author_id, latest.note) == ("command line", None, "retired")


def _answer(store: Store, learner: User, question_id: str) -> None:
    attempt = store.attempts.start(learner, practice_spec(), now=NOW)
    question = attempt.questions[question_id]
    store.attempts.answer(learner, attempt.id, question_id, question.correct_response().model_dump(mode="json"), now=NOW)


def test_only_a_draft_nobody_answered_can_be_deleted(store, instructor, learner, bank) -> None:
    with pytest.raises(AuthoringError, match="only a draft can be deleted"):
        store.authoring.delete(instructor, "sample-ordering")
    store.authoring.bulk(instructor, ["sample-ordering", "sample-matching"], status=Status.DRAFT, now=NOW)
    store.authoring.delete(instructor, "sample-ordering", now=LATER)
    assert "sample-ordering" not in {q.id for q in read_bank_file(bank / "goals.json").questions}
    assert store.authoring.history(instructor, "sample-ordering")[0].note == "deleted"
    # A question a learner answered keeps its place: it may be retired, never deleted.
    _answer(store, learner, "sample-single-choice")
    store.authoring.bulk(instructor, ["sample-single-choice"], status=Status.DRAFT, now=LATER)
    with pytest.raises(AuthoringError, match="can be retired but not deleted"):
        store.authoring.delete(instructor, "sample-single-choice")
    assert store.authoring.retire(instructor, "sample-single-choice").question.status is Status.RETIRED


def test_ids_are_never_reused(store, instructor, learner, bank) -> None:
    draft = build("true_false", id="goals-07", status=Status.DRAFT)
    saved = store.authoring.save(instructor, draft, base_digest=read_bank_file(bank / "goals.json").digest, now=NOW)
    assert store.authoring.suggest_id("goals") == "goals-08"
    store.authoring.delete(instructor, "goals-07")
    assert store.authoring.suggest_id("goals") == "goals-08"  # the history remembers goals-07
    assert saved.version == 1


def test_bulk_is_one_save_per_file_each_question_versioned_and_recorded(store, instructor, bank) -> None:
    before = read_bank_file(bank / "goals.json")
    saved = store.authoring.bulk(
        instructor, ["sample-true-false", "sample-numeric", "tech-tf"], status=Status.DRAFT, add_tag="needs-review", now=NOW
    )
    assert sorted((s.question.id, s.version) for s in saved) == [("sample-numeric", 2), ("sample-true-false", 2), ("tech-tf", 2)]
    assert len({s.digest for s in saved}) == 2  # one new file each
    after = {q.id: q for q in read_bank_file(bank / "goals.json").questions}
    assert after["sample-numeric"].tags == ["needs-review"] and after["sample-numeric"].status is Status.DRAFT
    assert after["sample-single-choice"] == next(q for q in before.questions if q.id == "sample-single-choice")
    assert store.authoring.history(instructor, "tech-tf")[0].note == "bulk change: status set to draft, tag needs-review added"
    again = store.authoring.bulk(instructor, ["sample-numeric"], remove_tag="needs-review", now=LATER)
    assert again[0].question.tags == [] and again[0].version == 3
    assert store.authoring.bulk(instructor, ["sample-numeric"], remove_tag="needs-review") == []  # nothing to change


def test_bulk_move_to_another_lesson_moves_the_question_to_that_lessons_file(store, instructor, bank) -> None:
    saved = store.authoring.bulk(instructor, ["sample-true-false"], move_to=("techniques", "first"), now=NOW)
    assert (saved[0].file, saved[0].version, saved[0].question.lesson) == ("quiz_bank/techniques.json", 2, "techniques")
    assert "sample-true-false" not in {q.id for q in read_bank_file(bank / "goals.json").questions}
    assert [q.id for q in read_bank_file(bank / "techniques.json").questions] == ["tech-tf", "sample-true-false"]
    course = store.attempts.course()
    assert course.problems == [] and course.question("sample-true-false").lesson == "techniques"
    with pytest.raises(AuthoringError, match="no section 'nowhere'"):
        store.authoring.bulk(instructor, ["sample-numeric"], move_to=("goals", "nowhere"))
    with pytest.raises(AuthoringError, match="cannot be changed"):
        store.authoring.bulk(instructor, ["sample-numeric"], add_tag="Not A Slug")


def test_last_edits_give_the_newest_save_of_each_question(store, instructor, bank) -> None:
    store.authoring.retire(instructor, "sample-numeric", now=NOW)
    store.authoring.bulk(instructor, ["sample-numeric", "tech-tf"], add_tag="x", now=LATER)
    edits = store.authoring.last_edits(instructor)
    assert {qid: (e.version, e.author, e.saved_at) for qid, e in edits.items()} == {
        "sample-numeric": (3, "Morgan Lee", LATER),
        "tech-tf": (2, "Morgan Lee", LATER),
    }


def test_learners_and_disabled_instructors_may_not_write_or_read_history(store, instructor, learner, bank) -> None:
    edited, digest = _edit(bank, prompt="Sneaky?")
    writes = [
        lambda who: store.authoring.save(who, edited, base_digest=digest),
        lambda who: store.authoring.restore(who, "sample-true-false", 1, base_digest=digest),
        lambda who: store.authoring.retire(who, "sample-true-false"),
        lambda who: store.authoring.delete(who, "sample-true-false"),
        lambda who: store.authoring.bulk(who, ["sample-true-false"], status=Status.RETIRED),
    ]
    other = store.accounts.create("casey", PASSWORD, role=Role.INSTRUCTOR, now=NOW)
    store.accounts.set_disabled("casey")
    stale = other  # the page still holds the account as it was before it was disabled
    pretender = learner.model_copy(update={"role": Role.INSTRUCTOR})  # a forged role is checked against the database
    for who in (learner, stale, pretender):
        for write in writes:
            with pytest.raises(AccessDenied):
                write(who)
    with pytest.raises(AccessDenied):
        store.authoring.history(learner, "sample-true-false")
    assert read_bank_file(bank / "goals.json").digest == digest
    assert store.authoring.history(instructor, "sample-true-false") == []


def test_an_import_saves_each_file_once_and_records_every_question(store, instructor, bank) -> None:
    updated, _ = _edit(bank, prompt="Imported prompt?")
    new = build("true_false", id="goals-07", prompt="A new imported question?", status="draft")
    saved = store.authoring.import_questions(
        instructor, [new, updated], updates={"sample-true-false"}, note="imported from q.gift.txt", now=NOW
    )
    assert sorted((s.question.id, s.version) for s in saved) == [("goals-07", 1), ("sample-true-false", 2)]
    assert store.attempts.course().question("goals-07").status is Status.DRAFT
    assert [(h.version, h.note) for h in store.authoring.history(instructor, "goals-07")] == [(1, "imported from q.gift.txt")]
    assert [h.version for h in store.authoring.history(instructor, "sample-true-false")] == [2, 1]
    assert "goals-07" in store.authoring.used_ids()


def test_an_import_is_refused_to_a_learner(store, learner) -> None:
    with pytest.raises(AccessDenied):
        store.authoring.import_questions(learner, [build("true_false", id="goals-07")], note="imported")


def test_an_update_of_a_question_the_bank_lacks_is_refused(store, instructor) -> None:
    with pytest.raises(AuthoringError, match="no question"):
        store.authoring.import_questions(instructor, [build("true_false", id="goals-07")], updates={"goals-07"}, note="imported")
