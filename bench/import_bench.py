"""Import benchmark: reading GIFT, Moodle XML and CSV files of 1,000, 5,000 and 10,000 questions.

Each file is written by the format's own writer from copies of the shipped bank's questions, each
copy with a new id; the time is that of :func:`learning.interchange.read` on the file's bytes
(limits, parsing, the bank's defaults and validation), best of three. Seconds per 1,000
questions that stay level from one size to the next mean the import grows linearly.

    python bench/import_bench.py [--sizes 1000 5000 10000] [--repeat 3]

Prints figures; it is not a pass/fail test. A format whose module is not there is skipped with a line.
A file over the import's size limit is refused by the import; it is then timed with the limit
lifted for the run, and marked, so the growth can still be read off.
"""

from __future__ import annotations

import argparse
import sys
import time
from importlib.util import find_spec
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

import learning.interchange.limits as limits
from learning import load_course
from learning.course import Course
from learning.interchange import Format, ImportOptions, MediaStore, export, read
from learning.questions import QuestionBase
from learning.settings import PROJECT_ROOT

MODULES = {
    Format.GIFT: "learning.interchange.gift",
    Format.MOODLE_XML: "learning.interchange.moodle_xml",
    Format.CSV: "learning.interchange.csv_file",
}


def copies(course: Course, size: int) -> list[QuestionBase]:
    """``size`` questions: the shipped bank's, over and over, each copy with an id of its own."""
    shipped = list(course.questions)
    return [shipped[n % len(shipped)].model_copy(update={"id": f"{shipped[n % len(shipped)].id}-copy-{n}"}) for n in range(size)]


def best_time(data: bytes, fmt: Format, course: Course, repeat: int) -> tuple[float, int]:
    """The fastest of ``repeat`` reads, and how many questions the read gave."""
    options = ImportOptions(lesson=course.lessons[0].id)
    existing = {q.id: q for q in course.questions}
    timings = []
    imported = 0
    for _ in range(repeat):
        started = time.perf_counter()
        report = read(data, options, course, fmt=fmt, media=MediaStore(None), existing=existing, used_ids=set(existing))
        timings.append(time.perf_counter() - started)
        imported = report.imported
    return min(timings), imported


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000, 5_000, 10_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    course = load_course(lessons_dir=PROJECT_ROOT / "lessons", bank_dir=PROJECT_ROOT / "quiz_bank")
    print(f"copies of the shipped bank's {len(course.questions)} questions; best of {args.repeat} reads\n")
    print(f"{'format':<11} {'questions':>9} {'imported':>9} {'file MB':>8} {'seconds':>8} {'questions/s':>12} {'s per 1,000':>12}")
    for fmt, module in MODULES.items():
        if find_spec(module) is None:
            print(f"{fmt.value:<11} skipped: {module} is not there yet")
            continue
        for size in args.sizes:
            data = export(copies(course, size), fmt).content
            over = len(data) > limits.MAX_FILE_BYTES
            limit, limits.MAX_FILE_BYTES = limits.MAX_FILE_BYTES, max(limits.MAX_FILE_BYTES, len(data))
            try:
                seconds, imported = best_time(data, fmt, course, args.repeat)
            finally:
                limits.MAX_FILE_BYTES = limit
            print(
                f"{fmt.value:<11} {size:>9,} {imported:>9,} {len(data) / 1_048_576:>8.1f} {seconds:>8.2f} "
                f"{size / seconds:>12,.0f} {seconds / size * 1000:>12.3f}"
                + (
                    f"  * over the {limit / 1_048_576:.0f} MB import limit (refused by an import; timed with the limit lifted)"
                    if over
                    else ""
                )
            )


if __name__ == "__main__":
    main()
