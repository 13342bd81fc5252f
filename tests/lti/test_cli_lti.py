"""``python -m learning lti ...``: register a platform, list and remove it, print the tool's
values, and sync a roster and send grades against the test platform."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from learning.__main__ import main
from tests.lti.conftest import TOOL, launch
from tests.lti.test_passback import submit_quiz


@pytest.fixture
def environment(monkeypatch, settings, course_dirs) -> None:
    lessons, bank = course_dirs
    monkeypatch.setenv("LEARNING_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("LEARNING_LESSONS_DIR", str(lessons))
    monkeypatch.setenv("LEARNING_BANK_DIR", str(bank))
    monkeypatch.setenv("LEARNING_PUBLIC_URL", TOOL)


REGISTER = [
    "lti",
    "add-platform",
    "--issuer",
    "https://moodle.school.example",
    "--client-id",
    "AbC123",
    "--deployment-id",
    "1",
    "--auth-url",
    "https://moodle.school.example/mod/lti/auth.php",
    "--token-url",
    "https://moodle.school.example/mod/lti/token.php",
    "--keyset-url",
    "https://moodle.school.example/mod/lti/certs.php",
]


def test_register_list_and_remove_a_platform(environment, store, capsys) -> None:
    assert main(REGISTER) == 0
    assert "registered platform 1: https://moodle.school.example (client id AbC123, deployments 1)" in capsys.readouterr().out
    assert main([*REGISTER[:7], "2", *REGISTER[8:]]) == 0  # again with another deployment: added
    assert main(["lti", "list"]) == 0
    listed = capsys.readouterr().out
    assert "client id AbC123  deployments 1, 2" in listed and "token https://moodle.school.example/mod/lti/token.php" in listed
    assert main(["lti", "remove", "1"]) == 0
    assert main(["lti", "remove", "1"]) == 1
    assert "no platform is registered with the id 1" in capsys.readouterr().err


def test_a_platform_address_in_the_clear_is_refused(environment, store, capsys) -> None:
    args = [a.replace("https://moodle.school.example/mod/lti/certs.php", "http://moodle.school.example/certs") for a in REGISTER]
    assert main(args) == 1
    assert "--keyset-url" in capsys.readouterr().err


def test_config_prints_the_values_to_enter(environment, settings, capsys) -> None:
    assert main(["lti", "config"]) == 0
    out = capsys.readouterr().out
    assert f"{TOOL}/lti/launch" in out and f"{TOOL}/lti/login" in out and f"{TOOL}/lti/jwks" in out
    assert settings.lti_key_file().exists()


def test_roster_sync_and_send_grades_on_the_command_line(environment, tool, platform, store, capsys) -> None:
    launch(tool, platform, "mia", link="plain-link")
    assert main(["lti", "roster-sync", "--class", "Massage 101"]) == 0
    assert "3 learners and 0 instructors added to the class" in capsys.readouterr().out
    launch(tool, platform, "ana")
    submit_quiz(store, store.sessions.started[-1][0], now=datetime.now(UTC) - timedelta(minutes=1))
    assert main(["lti", "send-grades"]) == 0
    assert "1 score sent, 0 to try again later, 0 refused" in capsys.readouterr().out
    assert len(platform.scores) == 1 and platform.scores[0]["userId"] == "u-ana"
