"""The command line: ``python -m learning validate | schema | format``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from learning.bank import SCHEMA_FILE, bank_files, format_bank_file, render_schema
from learning.course import load_course
from learning.errors import ContentError

DEFAULT_BANK = Path("quiz_bank")
DEFAULT_LESSONS = Path("lessons")


def _validate(args: argparse.Namespace) -> int:
    course = load_course(lessons_dir=args.lessons, bank_dir=args.bank)
    for problem in course.problems:
        print(problem)
    if course.problems:
        print(f"{len(course.problems)} problem{'s' if len(course.problems) != 1 else ''}; loaded {course.summary()}", file=sys.stderr)
        return 1
    print(f"OK: {course.summary()}")
    return 0


def _schema(args: argparse.Namespace) -> int:
    target = args.bank / SCHEMA_FILE
    wanted = render_schema()
    current = target.read_text(encoding="utf-8") if target.exists() else None
    if args.check:
        if current != wanted:
            print(f"{target.as_posix()} is out of date: run 'python -m learning schema'", file=sys.stderr)
            return 1
        print(f"{target.as_posix()} is up to date")
        return 0
    if current != wanted:
        target.write_text(wanted, encoding="utf-8")
        print(f"wrote {target.as_posix()}")
    else:
        print(f"{target.as_posix()} is up to date")
    return 0


def _format(args: argparse.Namespace) -> int:
    status = 0
    for path in bank_files(args.bank):
        try:
            changed = format_bank_file(path)
        except ContentError as error:
            print(error, file=sys.stderr)
            status = 1
            continue
        if args.check and changed:
            status = 1
        if changed:
            print(f"formatted {path.as_posix()}")
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m learning", description="Tools for the massage therapy study module.")
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="check the lessons, syllabus, glossary, question bank and quizzes")
    validate.add_argument("--bank", type=Path, default=DEFAULT_BANK, help="question bank folder (default: quiz_bank)")
    validate.add_argument("--lessons", type=Path, default=DEFAULT_LESSONS, help="lessons folder (default: lessons)")
    validate.set_defaults(run=_validate)

    schema = commands.add_parser("schema", help="write quiz_bank/schema.json from the models")
    schema.add_argument("--check", action="store_true", help="exit 1 when the file is out of date instead of writing it")
    schema.add_argument("--bank", type=Path, default=DEFAULT_BANK)
    schema.set_defaults(run=_schema)

    fmt = commands.add_parser("format", help="rewrite bank files in their canonical layout")
    fmt.add_argument("--bank", type=Path, default=DEFAULT_BANK)
    fmt.set_defaults(run=_format, check=False)

    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
