"""Certificates on screen: the public verification page (valid, unknown, revoked, too many
lookups), signed out and signed in; the learner's download once earned; the instructor's list
and revocation with a reason."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from learning.certificate import date_words, shown_code
from learning.store import Role
from tests.passing import pass_the_course
from tests.ui.conftest import App

ZOE = "Zoë Ångström-Łukasiewicz"


def certified(app: App, username: str = "zoe", name: str = ZOE):
    learner = app.user(username, name=name)
    pass_the_course(app.store, app.course, learner, at=datetime.now(UTC) - timedelta(hours=3))
    return learner, app.store.certificates.issue(learner, now=datetime.now(UTC))


def class_of(app: App, learner, teacher_name: str = "morgan"):
    teacher = app.user(teacher_name, role=Role.INSTRUCTOR, name=teacher_name.title())
    cohort = app.store.accounts.create_cohort(teacher, "Monday evening", now=datetime.now(UTC))
    app.store.accounts.join_cohort(learner, cohort.code, now=datetime.now(UTC))
    return teacher, cohort


def test_a_valid_code_shows_name_course_date_and_score_to_anyone(app) -> None:
    _learner, certificate = certified(app)
    app.open("verify", code=shown_code(certificate.code))  # nobody signed in
    texts = app.texts()
    assert app.at.title[0].value == "Verify a certificate"
    assert "This certificate is valid." in [s.value for s in app.at.success]
    details = next(m.value for m in app.at.markdown if m.value.startswith("**Name:**"))
    assert "Zoë Ångström\\-Łukasiewicz" in details  # shown as typed (punctuation escaped for Markdown)
    assert "Massage therapist or medical massage therapist?" in details.replace("\\", "")
    assert date_words(certificate.passed_on) in details
    assert "100%" in details
    for private in ("zoe", "hours", "objective", "Sign out"):
        assert private not in texts, private


def test_an_unknown_code_says_so_plainly(app) -> None:
    certified(app)
    app.open("verify", code="AAAA-BBBB-CCCC-DDDD-EEEE")
    assert "No certificate has this code" in app.texts()
    assert not app.at.success
    assert ZOE.split()[0] not in app.texts()


def test_a_revoked_certificate_says_revoked_but_not_why(app) -> None:
    learner, certificate = certified(app)
    teacher, cohort = class_of(app, learner)
    app.store.certificates.revoke(teacher, cohort.id, learner.id, reason="Sat the exam with notes", now=datetime.now(UTC))
    app.open("verify", code=certificate.code.lower())
    texts = app.texts()
    assert "This certificate was revoked by the school that issued it" in texts
    for hidden in ("notes", "Zoë", "100%", date_words(certificate.passed_on)):
        assert hidden not in texts, hidden


def test_codes_typed_into_the_form_are_checked_and_past_the_limit_told_to_wait(app, monkeypatch) -> None:
    monkeypatch.setenv("LEARNING_VERIFICATIONS_PER_ADDRESS", "2")
    app.store.close()  # the app opens its own store, with the limit set above
    app.open("verify")
    assert not app.at.success and not app.at.warning
    for n, code in enumerate(("AAAA-BBBB-CCCC-DDDD-EEEE", "AAAA-BBBB-CCCC-DDDD-EEEF", "AAAA-BBBB-CCCC-DDDD-EEEG")):
        app.text_input("Verification code").input(code)
        app.button("Check").click()
        app.run()
        assert app.at.query_params["code"] == code
        if n < 2:
            assert "No certificate has this code" in app.texts()
        else:
            assert re.search(r"Too many codes were checked from your network\. Try again in \d+ seconds\.", app.texts())
            assert "No certificate has this code" not in app.texts()


def test_a_signed_in_person_checks_a_code_too(app) -> None:
    _learner, certificate = certified(app)
    someone = app.user("kim", name="Kim Wu")
    app.sign_in_as(someone)
    app.open("verify", code=shown_code(certificate.code))
    assert "This certificate is valid." in [s.value for s in app.at.success]
    assert "Back to the course" in app.texts()


def download_labels(app: App) -> list[str]:
    return [d.proto.label for d in app.at.get("download_button")]


def test_the_download_appears_only_once_the_course_is_finished(app) -> None:
    learner = app.user("zoe", name=ZOE)
    app.sign_in_as(learner)
    app.open("progress")
    assert "Download your certificate" not in download_labels(app)
    lessons = len(app.course.lessons)
    assert f"certificate of completion is ready once you read every lesson (0 of {lessons} read) and pass the final exam." in app.texts()

    pass_the_course(app.store, app.course, learner, at=datetime.now(UTC) - timedelta(hours=3))
    assert app.store.certificates.get(learner, learner.id) is None  # issued when first asked for, below
    app.open("progress")
    assert "Download your certificate" in download_labels(app)
    issued = app.store.certificates.get(learner, learner.id)
    assert issued is not None
    assert f"with the code **{shown_code(issued.code)}**" in app.texts()
    assert f"/verify?code={shown_code(issued.code)}" in app.texts()
    app.open("progress")
    assert app.store.certificates.get(learner, learner.id) == issued  # the same certificate on every visit


def test_a_revoked_certificate_is_not_offered_for_download(app) -> None:
    learner, _certificate = certified(app)
    teacher, cohort = class_of(app, learner)
    app.store.certificates.revoke(teacher, cohort.id, learner.id, reason="copied", now=datetime.now(UTC))
    app.sign_in_as(learner)
    app.open("progress")
    assert "Download your certificate" not in download_labels(app)
    assert "Your certificate was revoked by your school" in app.texts()


def certificates_table(app: App):
    return next(frame.value for frame in app.at.dataframe if "Code" in frame.value.columns)


def test_an_instructor_revokes_a_certificate_of_their_class_with_a_reason(app) -> None:
    learner, certificate = certified(app)
    teacher, cohort = class_of(app, learner)
    app.sign_in_as(teacher)
    app.open("classes", **{"class": str(cohort.id)})
    table = certificates_table(app)
    assert list(table["Learner"]) == [ZOE]
    assert list(table["Code"]) == [shown_code(certificate.code)]
    assert list(table["Status"]) == ["valid"]
    assert list(table["Score"]) == ["100%"]

    app.button("Revoke").click()  # no reason
    app.run()
    assert "Say why, in a few words: the reason is kept in the audit log." in [e.value for e in app.at.error]
    assert not app.store.certificates.get(teacher, learner.id).revoked

    app.text_input("Reason (kept in the audit log)").input("Sat the exam with notes")
    app.button("Revoke").click()
    app.run()
    assert list(certificates_table(app)["Status"]) == ["revoked"]
    assert any(s.value.startswith("Revoked: Zoë") for s in app.at.success)
    assert app.store.certificates.get(teacher, learner.id).revoked_reason == "Sat the exam with notes"
    log = next(frame.value for frame in app.at.dataframe if "What" in frame.value.columns)
    assert ("certificate revoked", "Sat the exam with notes") in zip(log["What"], log["Why"], strict=True)
    assert not [b for b in app.at.button if b.label == "Revoke"]  # nothing left to revoke


def test_another_instructor_sees_no_certificate_of_a_class_they_do_not_teach(app) -> None:
    learner, certificate = certified(app)
    _teacher, cohort = class_of(app, learner)
    stranger = app.user("alex", role=Role.INSTRUCTOR, name="Alex Kim")
    app.store.accounts.create_cohort(stranger, "Their own class", now=datetime.now(UTC))
    app.sign_in_as(stranger)
    app.open("classes", **{"class": str(cohort.id)})
    assert shown_code(certificate.code) not in app.texts()
    assert all("Code" not in frame.value.columns or frame.value.empty for frame in app.at.dataframe)
    assert "No learner of this class has a certificate yet." in app.texts()
