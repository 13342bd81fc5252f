"""Practise my weak spots through AppTest: the course map's offer, the reason above each
question, and the results."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from learning.grading import correct_response
from learning.questions import SingleChoiceQuestion, TrueFalseQuestion
from learning.quiz import WEAK_SPOTS_ID

NOW = datetime.now(UTC)
OFFER = "Practise my weak spots"


def wrong_response(question) -> dict:
    if isinstance(question, TrueFalseQuestion):
        return {"type": "true_false", "value": not question.answer}
    assert isinstance(question, SingleChoiceQuestion)
    return {"type": "single_choice", "option": next(o.id for o in question.options if not o.correct)}


def practise(app, user, *, wrong: int) -> list[str]:
    """Read the first lesson and answer six of its simple questions in its practice quiz, the
    first ``wrong`` of them wrong; returns the ids of the ones missed."""
    app.store.progress.complete_lesson(user, "goals", now=NOW - timedelta(hours=2))
    simple = [
        q
        for q in app.course.active_questions(lesson="goals")
        if q.pool.value == "practice" and isinstance(q, SingleChoiceQuestion | TrueFalseQuestion)
    ][:6]
    spec = app.course.quiz("practice-goals")
    stored = app.store.attempts.start(user, spec, now=NOW - timedelta(hours=1), questions=simple)
    for n, question in enumerate(simple):
        response = wrong_response(question) if n < wrong else correct_response(question).model_dump(mode="json")
        app.store.attempts.answer(user, stored.id, question.id, response, now=NOW - timedelta(hours=1))
    app.store.attempts.submit(user, stored.id, now=NOW - timedelta(hours=1))
    return [q.id for q in simple[:wrong]]


def test_a_new_learner_is_not_offered_weak_spots(app) -> None:
    app.sign_in_as(app.user())
    assert OFFER not in app.texts()
    assert not app.at.slider


def test_a_learner_who_read_only_without_answering_is_not_offered_weak_spots(app) -> None:
    user = app.user()
    app.store.progress.complete_lesson(user, "goals", now=NOW)
    app.sign_in_as(user)
    assert OFFER not in app.texts()


def test_the_course_map_offers_weak_spots_and_starts_the_quiz_with_the_reasons(app) -> None:
    user = app.user()
    missed = practise(app, user, wrong=2)
    app.sign_in_as(user)
    assert f"**{OFFER}**" in [m.value for m in app.at.markdown]
    slider = app.at.slider(key="weak-spots-count")
    assert (slider.value, slider.min, slider.max) == (10, 5, 20)
    slider.set_value(6)
    app.run()
    app.button(OFFER).click()
    app.run()
    stored = app.store.attempts.unfinished(user, now=datetime.now(UTC), quiz_id=WEAK_SPOTS_ID)[0]
    assert len(stored.attempt.questions) == 6, "the learner's choice of how many"
    assert set(missed) <= {d.id for d in stored.attempt.questions}, "what they missed comes back"
    assert app.at.title[0].value == OFFER, "the quiz page opened"
    first = stored.attempt.questions[0]
    badges = [m.value for m in app.at.markdown if "badge[" in m.value]
    assert badges == [f":violet-badge[:material/target: {first.reason}]"]
    assert first.reason in {"You missed this last time", "Due for review", "New: not practised yet"} or first.reason.startswith(
        "Weak spot: "
    )


def test_each_question_shows_its_own_reason_as_the_learner_moves_on(app) -> None:
    user = app.user()
    missed = practise(app, user, wrong=2)
    stored = app.store.weak_spots.start(user, now=datetime.now(UTC), count=5, seed="shown")
    app.sign_in_as(user)
    app.open("quiz", quiz=WEAK_SPOTS_ID)
    seen = []
    for drawn in stored.attempt.questions:
        question = stored.questions[drawn.id]
        seen.append(next(m.value for m in app.at.markdown if "badge[" in m.value))
        app.store.attempts.answer(user, stored.id, drawn.id, correct_response(question).model_dump(mode="json"), now=datetime.now(UTC))
        app.run()
        if drawn is not stored.attempt.questions[-1]:
            app.button("Next").click()
            app.run()
    assert seen == [f":violet-badge[:material/target: {d.reason}]" for d in stored.attempt.questions]
    assert sum("You missed this last time" in badge for badge in seen) == len(missed)


def test_the_home_page_resumes_a_weak_spots_quiz_once_started(app) -> None:
    user = app.user()
    practise(app, user, wrong=1)
    stored = app.store.weak_spots.start(user, now=datetime.now(UTC), count=5)
    app.sign_in_as(user)
    assert f"Resume your weak spots (0 of {len(stored.attempt.questions)} answered)" in app.texts()
    assert OFFER not in [b.label for b in app.at.button], "one at a time"


def test_results_of_a_weak_spots_quiz(app) -> None:
    user = app.user()
    practise(app, user, wrong=2)
    stored = app.store.weak_spots.start(user, now=datetime.now(UTC), count=5)
    for drawn in stored.attempt.questions:
        question = stored.questions[drawn.id]
        app.store.attempts.answer(user, stored.id, drawn.id, correct_response(question).model_dump(mode="json"), now=datetime.now(UTC))
    app.store.attempts.submit(user, stored.id, now=datetime.now(UTC))
    app.sign_in_as(user)
    app.open("results", attempt=stored.id)
    texts = app.texts()
    assert f"Results: {OFFER}" in texts and "Score 100%" in texts
    assert "Practise my weak spots again" in [b.label for b in app.at.button]
    assert "Try again" not in [b.label for b in app.at.button]
    reasons = [c.value for c in app.at.caption if c.value.startswith("Why it was picked: ")]
    assert reasons == [f"Why it was picked: {d.reason}" for d in stored.attempt.questions]


def test_the_quiz_page_says_when_there_is_nothing_to_work_on(app) -> None:
    app.sign_in_as(app.user())
    app.open("quiz", quiz=WEAK_SPOTS_ID)
    assert app.at.title[0].value == OFFER
    assert any(i.value.startswith("Nothing to work on here yet") for i in app.at.info)
    assert OFFER not in [b.label for b in app.at.button]
