"""The README and CI stay true: the two commands, and CI running the README's test command."""

from __future__ import annotations

import re

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def _commands() -> list[str]:
    return re.findall(r"```bash\n(.+?)\n```", README)


def test_readme_shows_the_two_commands() -> None:
    commands = _commands()
    assert commands[0] == "pip install -r requirements.txt && streamlit run streamlit_app.py"
    assert commands[1] == "pip install -r requirements-dev.txt && pytest"


def test_ci_runs_the_readme_test_command() -> None:
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert _commands()[1] in ci.splitlines()


def test_requirements_are_pinned() -> None:
    for name in ("requirements.txt", "requirements-dev.txt"):
        for line in (ROOT / name).read_text().splitlines():
            line = line.strip()
            if line and not line.startswith(("#", "-r")):
                assert "==" in line, f"{name}: {line} is not pinned"
