"""Benchmark: reading a Moodle XML file of 2,500, 5,000 and 10,000 questions (target: 10,000 under 3 s, linear).

The file is made by exporting questions: the shipped bank's, copied under new ids until there
are enough (each copy keeps its scenario, options and feedback). The shipped questions carry a
lot of text, so a 10,000-question file of them would pass the 20 MB import limit; the largest
size is capped under the limit and the rate per question is printed for each size. A second row
uses the small sample questions of the tests (one of each type), so 10,000 fit.

    python bench/moodle_xml_bench.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from learning import load_course
from learning.interchange import Format, ImportOptions, export, read
from learning.interchange.limits import MAX_FILE_BYTES
from learning.questions import QUESTION_ADAPTER, QuestionBase
from tests.conftest import ALL_TYPES, question, write_course


def copies(base: list[QuestionBase], count: int) -> list[QuestionBase]:
    return [base[n % len(base)].model_copy(update={"id": f"{base[n % len(base)].lesson}-bench-{n:05d}"}) for n in range(count)]


def time_read(label: str, base: list[QuestionBase], course, sizes: list[int]) -> None:
    for size in sizes:
        data = export(copies(base, size), Format.MOODLE_XML).content
        while len(data) > MAX_FILE_BYTES:
            size = int(size * MAX_FILE_BYTES / len(data) * 0.98)
            data = export(copies(base, size), Format.MOODLE_XML).content
        best = min(_once(data, course) for _ in range(3))
        print(f"{label:<16} {size:>6} questions  {len(data) / 1e6:5.1f} MB  read {best:5.2f} s  {best / size * 1e6:6.0f} µs a question")


def _once(data: bytes, course) -> float:
    started = time.perf_counter()
    report = read(data, ImportOptions(lesson=course.lessons[0].id), course, existing={}, used_ids=())
    elapsed = time.perf_counter() - started
    assert not report.skipped and not report.warnings, (report.skipped[:3], report.warnings[:3])
    return elapsed


def main() -> None:
    shipped = load_course(lessons_dir=ROOT / "lessons", bank_dir=ROOT / "quiz_bank")
    time_read("shipped bank", list(shipped.questions), shipped, [2_500, 5_000, 10_000])
    with tempfile.TemporaryDirectory() as folder:
        lessons, bank = write_course(Path(folder))
        sample = load_course(lessons_dir=lessons, bank_dir=bank)
        base = [QUESTION_ADAPTER.validate_python(question(kind)) for kind in ALL_TYPES]
        time_read("test samples", base, sample, [2_500, 5_000, 10_000])


if __name__ == "__main__":
    main()
