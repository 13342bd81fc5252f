"""Transcript CSV and xAPI statements."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from learning.spreadsheet import spreadsheet_safe
from learning.store.exports import iso_duration, xapi_response
from tests.conftest import NOW, build
from tests.store.conftest import exam_spec, practice_spec


def test_transcript_lists_lessons_and_attempts(store, learner) -> None:
    store.progress.complete_lesson(learner, "goals", now=NOW)
    attempt = store.attempts.start(learner, practice_spec(), now=NOW)
    store.attempts.answer(learner, attempt.id, "sample-true-false", {"type": "true_false", "value": True}, now=NOW)
    store.attempts.submit(learner, attempt.id, now=NOW + timedelta(minutes=3))
    rows = list(csv.DictReader(io.StringIO(store.exports.transcript_csv(learner, learner.id))))
    assert [(r["record"], r["id"], r["status"]) for r in rows] == [("lesson", "goals", "read"), ("quiz", "goals-practice", "submitted")]
    assert rows[1]["score_percent"] == "14.3" and rows[1]["passed"] == "no"
    assert rows[1]["finished"] == "2026-03-02T09:33:00Z"


def test_checks_and_reviews_stay_out_of_the_transcript(store, learner) -> None:
    """A lesson's check questions and a review session are not quizzes: the transcript leaves them out."""
    from learning.quiz import check_spec, review_spec

    questions = [store.attempts.course().question("sample-true-false")]
    for spec in (check_spec("goals", "Goals"), review_spec(), practice_spec()):
        attempt = store.attempts.start(learner, spec, now=NOW, questions=questions if spec.id != "goals-practice" else None)
        store.attempts.submit(learner, attempt.id, now=NOW)
    rows = list(csv.DictReader(io.StringIO(store.exports.transcript_csv(learner, learner.id))))
    assert [r["id"] for r in rows] == ["goals-practice"]


def test_transcript_cells_never_run_as_spreadsheet_formulas(store, learner) -> None:
    hostile = practice_spec(id="formula", title='=HYPERLINK("http://evil.example","Click")')
    attempt = store.attempts.start(learner, hostile, now=NOW)
    store.attempts.submit(learner, attempt.id, now=NOW)
    rows = list(csv.DictReader(io.StringIO(store.exports.transcript_csv(learner, learner.id))))
    assert rows[0]["title"] == '\'=HYPERLINK("http://evil.example","Click")'
    assert [spreadsheet_safe(c) for c in ("=1+1", "+1", "-1", "@SUM(A1)", "\tx", "plain", "")] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        "plain",
        "",
    ]


def test_every_answer_is_an_xapi_statement(store, learner) -> None:
    attempt = store.attempts.start(learner, practice_spec(), now=NOW)
    store.attempts.answer(
        learner,
        attempt.id,
        "sample-multiple-response",
        {"type": "multiple_response", "options": ["b", "a"]},
        now=NOW + timedelta(seconds=40),
    )
    store.attempts.answer(learner, attempt.id, "sample-numeric", {"type": "numeric", "value": 520}, now=NOW + timedelta(seconds=70))
    first, second = store.exports.xapi_statements(learner, learner.id)
    assert first["actor"]["account"]["name"] == "sam"
    assert first["verb"]["id"] == "http://adlnet.gov/expapi/verbs/answered"
    assert first["object"]["definition"]["interactionType"] == "choice"
    assert first["object"]["definition"]["correctResponsesPattern"] == ["a[,]b"]
    assert first["result"] == {
        "score": {"scaled": 1.0, "raw": 1.0, "min": 0, "max": 1.0},
        "success": True,
        "response": "a[,]b",
        "duration": "PT40S",
    }
    assert first["timestamp"] == "2026-03-02T09:30:40Z"
    assert second["object"]["definition"]["interactionType"] == "numeric"
    assert second["result"]["response"] == "520"
    assert second["result"]["success"] is False and second["result"]["score"]["scaled"] == 0.5
    assert second["result"]["duration"] == "PT30S"
    assert first["id"] != second["id"]


def test_xapi_response_formats() -> None:
    assert xapi_response(build("matching"), {"placements": {"i2": "mt", "i1": "mmt"}}) == "i1[.]mmt[,]i2[.]mt"
    assert xapi_response(build("ordering"), {"order": ["s2", "s1"]}) == "s2[,]s1"
    assert xapi_response(build("true_false"), {"value": False}) == "false"
    assert iso_duration(timedelta(seconds=2.5)) == "PT2.50S"


def test_a_changed_exam_answer_is_a_second_statement(store, learner) -> None:
    attempt = store.attempts.start(learner, exam_spec(), now=NOW)
    for seconds, value in ((20, False), (50, True)):
        store.attempts.answer(
            learner, attempt.id, "sample-true-false", {"type": "true_false", "value": value}, now=NOW + timedelta(seconds=seconds)
        )
    first, second = store.exports.xapi_statements(learner, learner.id)
    revision = f"{store.exports.site_url}/xapi/revision"
    assert [s["context"]["extensions"][revision] for s in (first, second)] == [1, 2]
    assert [s["result"]["response"] for s in (first, second)] == ["false", "true"]
    assert [s["result"]["duration"] for s in (first, second)] == ["PT20S", "PT30S"]
    assert first["object"]["definition"]["interactionType"] == "true-false"
    assert "choices" not in first["object"]["definition"]
