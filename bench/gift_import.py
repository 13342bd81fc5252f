"""Benchmark: reading a GIFT file of 2,500, 5,000 and 10,000 questions (the issue's target: 10,000 in under 3 s).

The file is the shipped bank exported to GIFT, its questions repeated under fresh ids until the
size is reached; each size is read with :func:`learning.interchange.read` (decoding, limits,
parsing, our metadata, the bank's defaults and pydantic validation), best of three.

    python bench/gift_import.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from learning import load_course
from learning.interchange import Format, ImportOptions, export, read


def main() -> None:
    course = load_course(lessons_dir=ROOT / "lessons", bank_dir=ROOT / "quiz_bank")
    options = ImportOptions(lesson=course.lessons[0].id)
    for size in (2_500, 5_000, 10_000):
        questions = [
            q.model_copy(update={"id": f"{q.id}-r{n // len(course.questions)}"})
            for n, q in zip(range(size), (course.questions[i % len(course.questions)] for i in range(size)), strict=True)
        ]
        data = export(questions, Format.GIFT).content
        best = float("inf")
        for _ in range(3):
            start = time.perf_counter()
            report = read(data, options, course, fmt=Format.GIFT)
            best = min(best, time.perf_counter() - start)
        assert report.imported == size and not report.skipped and not report.warnings
        print(f"{size:>6,} questions  {len(data) / 1e6:5.1f} MB  read in {best:5.2f} s  ({best / size * 1e6:5.0f} µs a question)")


if __name__ == "__main__":
    main()
