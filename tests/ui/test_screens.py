"""Every screen through AppTest: what a learner sees, including the empty and failure states."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from learning.grading import correct_response
from learning.store import Role

NOW = datetime.now(UTC)


def test_home_for_a_new_learner(app) -> None:
    app.sign_in_as(app.user())
    texts = app.texts()
    assert "Welcome, Sam Rivera" in texts
    lessons = len(app.course.lessons)
    assert f"Lessons read 0 of {lessons}" in texts and "Reviews due 0" in texts
    assert "Start with: Two roles, two goals" in texts
    assert f"Read every lesson to unlock the final exam: 0 of {lessons} read." in texts
    assert [h.value for h in app.at.header] == ["Two professions", "Techniques", "Final exam"]
    assert texts.count("Open lesson") == lessons


def test_home_offers_to_resume_an_unfinished_quiz(app) -> None:
    user = app.user()
    spec = app.course.quiz("practice-goals")
    attempt = app.store.attempts.start(user, spec, now=NOW)
    first = attempt.questions[attempt.attempt.questions[0].id]
    app.store.attempts.answer(user, attempt.id, first.id, correct_response(first).model_dump(mode="json"), now=NOW)
    app.sign_in_as(user)
    assert f"Resume Practice: Two roles, two goals (1 of {len(attempt.attempt.questions)} answered)" in app.texts()


def test_lesson_screen(app) -> None:
    app.sign_in_as(app.user())
    at = app.open("lesson", lesson="accountability")
    lesson = app.course.lesson("accountability")
    assert at.title[0].value == lesson.title
    assert [s.value for s in at.subheader] == [s.title for s in lesson.sections]
    assert any(i.value.startswith("**In practice:**") for i in at.info)
    assert "Check your understanding" in app.texts()
    assert f"Next: {app.course.lessons[3].title}" in app.texts()
    practice = [q for q in app.course.active_questions(lesson="accountability") if q.pool.value == "practice"]
    assert f"Take the practice quiz ({len(practice)} questions)" in app.texts()  # exam-pool questions are not in it
    app.button("Mark as read").click()
    app.run()
    assert any("You marked this lesson as read" in s.value for s in app.at.success)


def test_a_check_question_is_answered_in_place(app) -> None:
    lesson, question = next(
        (lesson, app.course.question(q))
        for lesson in app.course.lessons
        for q in lesson.check_questions
        if app.course.question(q).type == "single_choice"
    )
    app.sign_in_as(app.user())
    app.open("lesson", lesson=lesson.id)
    radio = next(r for r in app.at.radio if r.key and question.id in r.key)
    assert radio.value is None, "no option is preselected"
    radio.set_value(next(o.id for o in question.options if o.correct))
    next(b for b in app.at.button if b.label == "Check").click()
    app.run()
    assert any(s.value == "**Correct.**" for s in app.at.success)
    assert f"**Why:** {question.explanation}" in [m.value for m in app.at.markdown]


def test_a_deep_link_shows_the_section_first(app) -> None:
    app.sign_in_as(app.user())
    app.open("lesson", lesson="training", section="advanced-topics")
    texts = app.texts()
    assert "The part of the lesson that explains your question" in texts


def test_an_unknown_lesson(app) -> None:
    app.sign_in_as(app.user())
    app.open("lesson", lesson="no-such-lesson")
    assert [w.value for w in app.at.warning] == ["That lesson was not found. Choose one from the course map."]


def test_practice_quiz_checks_and_explains(app) -> None:
    user = app.user()
    app.sign_in_as(user)
    app.open("quiz", quiz="practice-training")
    assert "pass mark **80%**" in app.texts()
    app.button("Start").click()
    app.run()
    stored = app.store.attempts.unfinished(user, now=datetime.now(UTC))[0]
    drawn = stored.attempt.questions[0]
    question = stored.questions[drawn.id]
    app.button("Check").click()  # nothing chosen yet
    app.run()
    assert app.at.warning, "an incomplete answer is explained, not stored"
    assert not app.store.attempts.get(user, stored.id, now=datetime.now(UTC)).attempt.answers
    answer = correct_response(question).model_dump(mode="json")
    app.store.attempts.answer(user, stored.id, drawn.id, answer, now=datetime.now(UTC))
    app.run()
    assert any(s.value == "**Correct.**" for s in app.at.success)
    assert "Next" in [b.label for b in app.at.button]


def test_time_up(app) -> None:
    user = app.user()
    for lesson in app.course.lessons:
        app.store.progress.complete_lesson(user, lesson.id, now=NOW)
    final = app.course.quiz("final-exam")
    app.store.attempts.start(user, final, now=NOW - timedelta(hours=2))  # its 60 minutes ran out long ago
    app.sign_in_as(user)
    app.open("quiz", quiz="final-exam")
    texts = app.texts()
    history = app.store.attempts.history(user, user.id, quiz_id="final-exam")
    assert history[0].submitted and history[0].attempt.submitted_at == history[0].attempt.deadline
    assert "Attempts: 1 used of 3." in texts


def test_attempt_limit_reached(app) -> None:
    user = app.user()
    spec = app.course.quiz("unit-test-techniques")
    for n in range(3):
        attempt = app.store.attempts.start(user, spec, now=NOW + timedelta(minutes=n))
        app.store.attempts.submit(user, attempt.id, now=NOW + timedelta(minutes=n))
    app.sign_in_as(user)
    app.open("quiz", quiz="unit-test-techniques")
    assert [e.value for e in app.at.error] == ["You have used all 3 attempts at this quiz."]
    assert "Start" not in [b.label for b in app.at.button]


def test_exam_mode_hides_feedback_and_confirms_submission(app) -> None:
    user = app.user()
    spec = app.course.quiz("unit-test-professions")
    stored = app.store.attempts.start(user, spec, now=NOW)
    first = stored.questions[stored.attempt.questions[0].id]
    app.store.attempts.answer(user, stored.id, first.id, correct_response(first).model_dump(mode="json"), now=NOW)
    app.sign_in_as(user)
    app.open("quiz", quiz="unit-test-professions")
    assert not app.at.success, "no feedback before submitting"
    assert "Time left" not in app.texts()  # the unit tests have no time limit
    assert "Flag for review" in [b.label for b in app.at.button]
    app.button("Submit exam").click()
    app.run()
    assert "You have **19 unanswered questions**. Unanswered questions score nothing." in [w.value for w in app.at.warning]


def test_results_screen(app) -> None:
    user = app.user()
    spec = app.course.quiz("practice-deep-tissue")
    stored = app.store.attempts.start(user, spec, now=NOW)
    for drawn in stored.attempt.questions[:5]:
        question = stored.questions[drawn.id]
        app.store.attempts.answer(user, stored.id, drawn.id, correct_response(question).model_dump(mode="json"), now=NOW)
    result = app.store.attempts.submit(user, stored.id, now=NOW).result
    percent = round(100 * result.score)
    assert percent == round(100 * 5 / len(stored.attempt.questions))  # every question of the practice quiz is worth a point
    app.sign_in_as(user)
    app.open("results", attempt=stored.id)
    texts = app.texts()
    assert "Results: Practice: Deep tissue massage" in texts
    assert f"Score {percent}%" in texts
    assert f"Not passed: {percent}% is below the pass mark of 80%." in [e.value for e in app.at.error]
    assert "Try again" in [b.label for b in app.at.button]
    assert len(app.at.expander) >= 6  # the questions to go over, and the objectives


def test_results_of_someone_else_are_not_shown(app) -> None:
    owner = app.user("owner")
    other = app.user("other")
    stored = app.store.attempts.start(owner, app.course.quiz("practice-goals"), now=NOW)
    app.store.attempts.submit(owner, stored.id, now=NOW)
    app.sign_in_as(other)
    app.open("results", attempt=stored.id)
    assert [w.value for w in app.at.warning] == ["Those results were not found."]


def test_review_with_nothing_yet(app) -> None:
    app.sign_in_as(app.user())
    app.open("review")
    assert app.at.info[0].value.startswith("Nothing to review yet.")


def test_review_with_questions_due(app) -> None:
    user = app.user()
    spec = app.course.quiz("practice-goals")
    stored = app.store.attempts.start(user, spec, now=NOW - timedelta(days=2))
    drawn = stored.attempt.questions[0]
    app.store.attempts.answer(user, stored.id, drawn.id, _wrong(stored.questions[drawn.id]), now=NOW - timedelta(days=2))
    app.sign_in_as(user)
    app.open("review")
    assert "**1** question is due for review." in app.texts()
    app.open("quiz", quiz="spaced-review")
    app.button("Start").click()
    app.run()
    assert "How sure are you? (optional)" in [group.label for group in app.at.button_group]


def _wrong(question) -> dict:
    data = correct_response(question).model_dump(mode="json")
    if question.type == "single_choice":
        data["option"] = next(o.id for o in question.options if not o.correct)
    elif question.type == "true_false":
        data["value"] = not data["value"]
    return data


def test_progress_for_a_new_learner(app) -> None:
    app.sign_in_as(app.user())
    app.open("progress")
    texts = app.texts()
    assert "Questions answered 0" in texts
    assert app.at.info[0].value.startswith("Answer some questions")
    assert "No quiz submitted yet." in texts


def test_progress_offers_the_learners_records(app) -> None:
    user = app.user()
    stored = app.store.attempts.start(user, app.course.quiz("practice-goals"), now=NOW)
    question = stored.questions[stored.attempt.questions[0].id]
    app.store.attempts.answer(user, stored.id, question.id, correct_response(question).model_dump(mode="json"), now=NOW)
    app.store.attempts.submit(user, stored.id, now=NOW)
    app.sign_in_as(user)
    app.open("progress")
    assert "Questions answered 1" in app.texts()
    assert len(app.at.get("vega_lite_chart")) >= 2
    links = [(d.proto.label, d.proto.url) for d in app.at.get("link_button")]
    assert links == [("Transcript (CSV)", "/exports/transcript.csv"), ("All answers (xAPI JSON)", "/exports/statements.json")]
    assert not app.at.get("download_button")  # never a file at a media address anyone could fetch


def test_instructors_see_classes_and_problems(app) -> None:
    teacher = app.user("teacher", role=Role.INSTRUCTOR, name="Teacher")
    app.sign_in_as(teacher)
    app.open("classes")
    assert app.at.info[0].value.startswith("You have no classes yet.")
    app.text_input("New class name").input("Monday evening")
    next(b for b in app.at.button if b.label == "Create class").click()
    app.run()
    assert "**Monday evening** · 0 learners" in [m.value for m in app.at.markdown]
    app.text_input("New class name").input("Saturday")
    next(b for b in app.at.button if b.label == "Create class").click()
    app.run()
    assert "**Saturday** · 0 learners" in [m.value for m in app.at.markdown]  # the new class, not the one shown before
    app.open("course_files")
    assert app.at.success[0].value == "Every lesson, question and quiz loads without a problem."


def test_a_learner_cannot_open_instructor_pages(app) -> None:
    from streamlit.testing.v1 import AppTest

    learner = app.user()
    script = AppTest.from_string("from learning.ui.screens.classes import render\nrender()\n", default_timeout=30)
    script.session_state["user_id"] = learner.id
    script.run()
    assert [e.value for e in script.error] == ["This page is for instructors."]
    assert not script.text_input


def test_a_broken_bank_file_leaves_the_rest_of_the_course(app, shipped_copy, monkeypatch) -> None:
    broken = shipped_copy / "quiz_bank" / "training.json"
    broken.write_text(broken.read_text().replace('"questions": [', '"questions": [ {"id": "oops",', 1))
    monkeypatch.setenv("LEARNING_BANK_DIR", str(shipped_copy / "quiz_bank"))
    monkeypatch.setenv("LEARNING_LESSONS_DIR", str(shipped_copy / "lessons"))
    app.sign_in_as(app.user())
    assert "Welcome, Sam Rivera" in app.texts()
    assert not app.at.exception and not app.at.error
    assert app.texts().count("Open lesson") >= 14  # the training lesson's check questions went with its file

    teacher = app.user("teacher", role=Role.INSTRUCTOR, name="Teacher")
    app.sign_in_as(teacher)
    app.open("course_files")
    assert "found. Learners get the rest of the course" in app.at.error[0].value
    assert "quiz_bank/training.json:" in app.at.code[0].value


def test_a_course_with_problems_says_so_and_keeps_the_final_exam_locked(app, shipped_copy, monkeypatch) -> None:
    """A typo in the syllabus once emptied the course and told learners they had read every lesson."""
    (shipped_copy / "lessons" / "syllabus.yaml").write_text("units: [\n")
    monkeypatch.setenv("LEARNING_BANK_DIR", str(shipped_copy / "quiz_bank"))
    monkeypatch.setenv("LEARNING_LESSONS_DIR", str(shipped_copy / "lessons"))
    app.sign_in_as(app.user())
    texts = app.texts()
    assert "Part of this course could not be loaded, so some lessons or quizzes may be missing." in app.at.warning[0].value
    assert "There are no lessons to read right now: the course files have problems." in texts
    assert "You have read every lesson" not in texts
    assert "Open: Final exam" not in texts

    teacher = app.user("teacher", role=Role.INSTRUCTOR, name="Teacher")
    app.sign_in_as(teacher)
    app.open("course_files")
    assert "lessons/syllabus.yaml:" in app.at.code[0].value


def test_a_glossary_typo_keeps_every_lesson_and_instructors_see_what_to_fix(app, shipped_copy, monkeypatch) -> None:
    glossary = shipped_copy / "lessons" / "glossary.yaml"
    text = glossary.read_text()
    first = text.index("  - id: ")
    glossary.write_text(text[:first] + "  - termm: x\n    id:" + text[first + len("  - id:") :])
    monkeypatch.setenv("LEARNING_BANK_DIR", str(shipped_copy / "quiz_bank"))
    monkeypatch.setenv("LEARNING_LESSONS_DIR", str(shipped_copy / "lessons"))
    app.sign_in_as(app.user())
    lessons = len(app.course.lessons)
    assert app.texts().count("Open lesson") == lessons
    assert f"Read every lesson to unlock the final exam: 0 of {lessons} read." in app.texts()

    teacher = app.user("teacher", role=Role.INSTRUCTOR, name="Teacher")
    app.sign_in_as(teacher)
    app.open("course_files")
    assert "1 problem found." in app.at.error[0].value
    assert app.at.code[0].value.startswith("lessons/glossary.yaml: terms[0].termm: unknown field")
    assert "learners still get what these are about" in app.at.warning[0].value


def test_attempts_started_before_a_lesson_is_deleted_still_finish(app, shipped_copy, monkeypatch) -> None:
    """Deleting one lesson once stranded open attempts: "That quiz was not found", no way to finish."""
    from learning import load_course

    user = app.user()
    unit_test = app.store.attempts.start(user, app.course.quiz("unit-test-professions"), now=NOW)
    practice = app.store.attempts.start(user, app.course.quiz("practice-training"), now=NOW)
    lessons, bank = shipped_copy / "lessons", shipped_copy / "quiz_bank"
    (lessons / "training.md").unlink()
    (bank / "quizzes" / "practice-training.json").unlink()  # and the lesson's practice quiz with it
    monkeypatch.setenv("LEARNING_BANK_DIR", str(bank))
    monkeypatch.setenv("LEARNING_LESSONS_DIR", str(lessons))
    app.course = load_course(lessons_dir=lessons, bank_dir=bank)
    assert app.course.quiz("practice-training") is None and not app.course.can_start("unit-test-professions")

    app.sign_in_as(user)
    assert any(f"Resume {stored.spec.title}" in app.texts() for stored in (practice, unit_test))
    for stored in (practice, unit_test):
        app.open("quiz", quiz=stored.spec.id)
        assert "That quiz was not found." not in app.texts()
        assert stored.spec.title in [t.value for t in app.at.title]
        for drawn in stored.attempt.questions:
            question = stored.questions[drawn.id]
            app.store.attempts.answer(user, stored.id, drawn.id, correct_response(question).model_dump(mode="json"), now=NOW)
        app.store.attempts.submit(user, stored.id, now=NOW)
        app.open("results", attempt=stored.id)
        assert f"Results: {stored.spec.title}" in app.texts()
        assert "Score 100%" in app.texts()

    # A new attempt at the unit test cannot be put together now; the page says so instead of offering Start.
    del app.at.session_state["attempt-unit-test-professions"]  # as in a new session: not one that just ran it
    app.open("quiz", quiz="unit-test-professions")
    assert "This quiz cannot be put together from the question bank right now." in app.at.warning[0].value
    assert "Start" not in [b.label for b in app.at.button]


def test_results_survive_a_renamed_objective(app, shipped_copy, monkeypatch) -> None:
    """Renaming an objective (consistently: validate says OK) once broke every older results page."""
    user = app.user()
    stored = app.store.attempts.start(user, app.course.quiz("practice-goals"), now=NOW)
    assert any("goal-main-difference" in d.objectives for d in stored.attempt.questions)
    for drawn in stored.attempt.questions:
        question = stored.questions[drawn.id]
        app.store.attempts.answer(user, stored.id, drawn.id, correct_response(question).model_dump(mode="json"), now=NOW)
    app.store.attempts.submit(user, stored.id, now=NOW)
    for path in [*(shipped_copy / "lessons").glob("*.*"), *(shipped_copy / "quiz_bank").rglob("*.json")]:
        if path.is_file():
            path.write_text(path.read_text().replace("goal-main-difference", "goal-core-difference"))
    monkeypatch.setenv("LEARNING_BANK_DIR", str(shipped_copy / "quiz_bank"))
    monkeypatch.setenv("LEARNING_LESSONS_DIR", str(shipped_copy / "lessons"))
    app.sign_in_as(user)
    app.open("results", attempt=stored.id)
    assert "Score 100%" in app.texts()
    objectives = [p.proto.text for p in app.at.get("progress")]
    assert any(text.startswith("Goal-main-difference") for text in objectives)  # shown by its old id
    app.open("progress")  # raises on any exception on the page
