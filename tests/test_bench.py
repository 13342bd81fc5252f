"""Every benchmark script can at least be imported, so a rename elsewhere cannot break one unseen."""

from __future__ import annotations

import importlib

import pytest

from tests.conftest import ROOT

SCRIPTS = sorted(p.stem for p in (ROOT / "bench").glob("*.py") if p.stem != "__init__")


@pytest.mark.parametrize("name", SCRIPTS)
def test_a_benchmark_imports(name: str) -> None:
    module = importlib.import_module(f"bench.{name}")
    assert module.__doc__, f"bench/{name}.py says what it measures in its docstring"
