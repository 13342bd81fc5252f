"""Loading the bank fast: a sound file is validated once from its bytes, a broken one entry by entry.

Both ways must give the same questions and the same problems the entry-by-entry parse always gave;
the garbage collector paused for the load must always come back as it was.
"""

from __future__ import annotations

import gc
import threading
from pathlib import Path

import pytest

from learning.bank import bank_files, gc_paused, load_bank, parse_bank_text
from tests.conftest import ROOT, question, write_bank


def slow_parse(path: Path) -> tuple[list, list]:
    questions, problems, _ = parse_bank_text(path.read_text(encoding="utf-8"), file=f"{path.parent.name}/{path.name}")
    return questions, problems


def test_the_fast_path_gives_what_the_entry_by_entry_parse_gives() -> None:
    bank = load_bank(ROOT / "quiz_bank")
    expected = [q for path in bank_files(ROOT / "quiz_bank") for q in slow_parse(path)[0]]
    assert bank.questions == expected
    assert bank.problems == []


BROKEN = [
    pytest.param(b'{"schema_version": 1, "questions": [\r\n  {"id": "a",\r\n  oops\r\n]}', id="invalid JSON, CRLF"),
    pytest.param(b'{"schema_version": 1, "questions": [\r  {"id": "a",\r  oops\r]}', id="invalid JSON, CR"),
    pytest.param(b'{"schema_version": 1, "questions": []}\xff', id="not UTF-8"),
    pytest.param(b'{"schema_version": 2, "questions": []}', id="schema version"),
    pytest.param(b'{"schema_version": 1, "questions": [], "extra": 1}', id="unknown top-level field"),
    pytest.param(b'{"schema_version": 1, "questions": {}}', id="questions not a list"),
    pytest.param(b'{"schema_version": 1, "questions": [7]}', id="entry not an object"),
    pytest.param(b"[]", id="not an object"),
]


@pytest.mark.parametrize("data", BROKEN)
def test_a_broken_file_is_reported_as_before(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "quiz_bank" / "broken.json"
    path.parent.mkdir()
    path.write_bytes(data)
    try:
        expected = slow_parse(path)[1]
    except UnicodeDecodeError as error:
        expected = [f"quiz_bank/broken.json: not UTF-8 text ({error.reason})"]
    assert [str(p) for p in load_bank(path.parent).problems] == [str(p) for p in expected]


def test_a_file_with_one_bad_question_keeps_the_good_ones(tmp_path: Path) -> None:
    good = question("true_false", id="good")
    bad = question("true_false", id="bad", answer="perhaps")
    write_bank(tmp_path / "quiz_bank", "mixed.json", [good, bad])
    bank = load_bank(tmp_path / "quiz_bank")
    assert [q.id for q in bank.questions] == ["good"]
    assert [p.question for p in bank.problems] == ["bad"]


def test_the_collector_runs_again_after_a_load_even_a_failed_one(tmp_path: Path, monkeypatch) -> None:
    assert gc.isenabled()
    load_bank(ROOT / "quiz_bank")
    assert gc.isenabled()
    write_bank(tmp_path / "quiz_bank", "a.json", [question("true_false")])
    monkeypatch.setattr("learning.bank._load_bank_file", lambda *_a, **_k: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        load_bank(tmp_path / "quiz_bank")
    assert gc.isenabled()


def test_a_collector_switched_off_before_stays_off() -> None:
    gc.disable()
    try:
        with gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_pauses_resume_the_collector_when_the_last_ends() -> None:
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: list[bool] = []

    def first() -> None:
        with gc_paused():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with gc_paused():
            second_in.set()
            first_out.wait(5)
            seen.append(gc.isenabled())  # the first pause has ended, this one has not
        seen.append(gc.isenabled())

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == [False, True]
