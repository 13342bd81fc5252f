"""The package's public surface and its layering."""

from __future__ import annotations

import ast

import learning
from learning.grading import GRADERS
from learning.questions import QUESTION_CLASSES, QuestionType
from tests.conftest import ROOT


def test_public_names_are_exported_explicitly() -> None:
    assert sorted(learning.__all__) == learning.__all__
    for name in learning.__all__:
        assert hasattr(learning, name), name


def test_every_question_type_has_a_model_and_a_grader() -> None:
    assert set(QUESTION_CLASSES) == set(QuestionType)
    assert set(GRADERS) == set(QuestionType)


def test_domain_modules_do_not_import_streamlit() -> None:
    for path in (ROOT / "learning").rglob("*.py"):
        if "ui" in path.relative_to(ROOT / "learning").parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names.append(node.module)
            assert not any(n.split(".")[0] == "streamlit" for n in names), f"{path.name} imports streamlit"


def test_every_module_starts_with_a_docstring() -> None:
    for path in (ROOT / "learning").rglob("*.py"):
        assert ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))), f"{path.name} has no module docstring"
