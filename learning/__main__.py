"""The command line: ``python -m learning validate | lint | schema | format | questions | import | export | stats |
users | lti | db | backup``."""

from __future__ import annotations

import argparse
import csv
import getpass
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from learning.bank import SCHEMA_FILE, bank_files, format_bank_file, render_schema
from learning.course import Course, load_course
from learning.errors import ContentError, InterchangeError, LearningError, StorageError
from learning.questions import QuestionType
from learning.settings import get_settings
from learning.wording import count

if TYPE_CHECKING:
    from learning.interchange import ImportOptions, ImportReport
    from learning.store import Store

DEFAULT_BANK = Path("quiz_bank")


def _course(args: argparse.Namespace) -> Course:
    """The course from ``--lessons`` and ``--bank``, else from the settings the app uses."""
    settings = get_settings()
    return load_course(lessons_dir=args.lessons or settings.lessons_dir, bank_dir=args.bank or settings.bank_dir)


def _validate(args: argparse.Namespace) -> int:
    course = _course(args)
    for problem in course.problems:
        print(problem if problem.is_error else f"warning: {problem}")
    if course.problems:
        print(f"{count(len(course.problems), 'problem')}; loaded {course.summary()}", file=sys.stderr)
        return 1
    print(f"OK: {course.summary()}")
    return 0


def _lint(args: argparse.Namespace) -> int:
    from learning.lint import lint

    course = _course(args)
    for problem in course.problems:
        print(f"{problem.severity}: {problem}")
    findings = lint(course)
    for finding in findings:
        print(f"warning: {finding}")
    errors = len(course.errors)
    warnings = len(findings) + len(course.problems) - errors
    print(
        f"{count(errors, 'error')}, {count(warnings, 'warning')} in {len(course.active_questions())} active questions",
        file=sys.stderr,
    )
    return 1 if errors else 0


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


def _store(args: argparse.Namespace | None = None) -> Store:
    from learning.store import Store

    settings = get_settings()
    lessons = getattr(args, "lessons", None) or settings.lessons_dir
    bank = getattr(args, "bank", None) or settings.bank_dir
    return Store.open(settings.database_url, course=lambda: load_course(lessons_dir=lessons, bank_dir=bank), settings=settings)


def _questions(args: argparse.Namespace) -> int:
    from learning.authoring import BankFilter, canonical_json, filter_questions
    from learning.store import COMMAND_LINE

    if args.action == "list":
        chosen = BankFilter.from_query({"lesson": args.lesson or "", "status": args.status or "", "type": args.type or ""})
        found = filter_questions(_course(args).questions, chosen)
        if args.format == "json":
            rows = [
                {
                    "id": q.id,
                    "type": q.type,
                    "lesson": q.lesson,
                    "section": q.section,
                    "status": q.status.value,
                    "version": q.version,
                    "critical": q.critical,
                    "pool": q.pool.value,
                    "objectives": list(q.objectives),
                    "tags": list(q.tags),
                }
                for q in found
            ]
            print(json.dumps(rows, indent=2, ensure_ascii=False))
            return 0
        print(f"{'id':<36} {'type':<18} {'lesson':<28} {'status':<8} {'version':>7}")
        for q in found:
            print(f"{q.id:<36} {q.type:<18} {q.lesson:<28} {q.status.value:<8} {q.version:>7}")
        print(count(len(found), "question"), file=sys.stderr)
        return 0
    if args.action == "show":
        question = _course(args).question(args.id)
        if question is None:
            print(f'error: there is no question "{args.id}" in the course ("validate" lists what is left out)', file=sys.stderr)
            return 1
        print(canonical_json(question))
        return 0

    def work(store: Store) -> None:
        if args.action == "retire":
            saved = store.authoring.retire(COMMAND_LINE, args.id)
            print(f"{args.id} is retired (version {saved.version}, {saved.file})")
            return
        history = store.authoring.history(COMMAND_LINE, args.id)
        if not history:
            print(f"no saved versions of {args.id} are recorded")
        for entry in history:
            note = f"  {entry.note}" if entry.note else ""
            print(f"version {entry.version:<4} {entry.saved_at:%Y-%m-%d %H:%M} UTC  {entry.author}{note}")

    return _with_store(_store(args), work)


def _import_options(args: argparse.Namespace, course: Course) -> ImportOptions:
    """What the import was asked to do, checked against the course (a lesson, section or
    objective it does not have is an error naming the ones it has)."""
    from learning.interchange import ImportOptions, OnConflict
    from learning.questions import Status

    lesson = course.lesson(args.lesson)
    if lesson is None:
        known = ", ".join(known.id for known in course.lessons) or "none"
        raise InterchangeError(f'there is no lesson "{args.lesson}" to import into; use one of {known}')
    sections = [section.id for section in lesson.sections]
    if args.section is not None and args.section not in sections:
        raise InterchangeError(f'lesson "{lesson.id}" has no section "{args.section}"; use one of {", ".join(sections)}')
    objectives = {objective.id for objective in course.syllabus.objectives} if course.syllabus else set()
    unknown = [objective for objective in args.objective or [] if objective not in objectives]
    if unknown:
        raise InterchangeError(f"the syllabus has no objective {', '.join(unknown)}")
    return ImportOptions(
        lesson=lesson.id,
        section=args.section,
        objectives=list(dict.fromkeys(args.objective or [])),
        status=Status(args.status),
        on_conflict=OnConflict(args.on_conflict),
    )


def _where(line: int | None) -> str:
    return f"line {line}" if line is not None else "file"


def _print_report(report: ImportReport, name: str) -> None:
    for skipped in report.skipped:
        print(f'skipped  {_where(skipped.line)}  "{skipped.name}": {skipped.reason}')
    for warning in report.warnings:
        print(f'warning  {_where(warning.line)}  "{warning.name}": {warning.message}')
    print(
        f"read {name} as {report.format.value}: {count(report.imported, 'question')} to import "
        f"({len(report.updates)} replacing the bank's), {len(report.skipped)} skipped, {count(len(report.warnings), 'warning')}"
    )


def _import(args: argparse.Namespace) -> int:
    from learning.interchange import Format, MediaStore, read
    from learning.store import COMMAND_LINE

    try:
        data = args.file.read_bytes()
    except OSError as error:
        print(f"error: cannot read {args.file}: {error.strerror or error}", file=sys.stderr)
        return 1
    course = _course(args)
    try:
        options = _import_options(args, course)
    except InterchangeError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    found: list[int] = []

    def say(text: str) -> None:
        """A line for the person at the terminal: beside the JSON report (on stderr), not inside it."""
        print(text, file=sys.stderr if args.report == "json" else sys.stdout)

    def work(store: Store) -> None:
        report = read(
            data,
            options,
            course,
            fmt=Format(args.format) if args.format else None,
            media=MediaStore(course.bank_dir, dry_run=args.dry_run),
            existing={q.id: q for q in course.questions},
            used_ids=store.authoring.used_ids(),
        )
        found.append(report.imported + len(report.skipped))
        if args.report == "json":
            print(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
        else:
            _print_report(report, args.file.name)
        if args.dry_run:
            say(f"dry run: nothing was written ({count(report.imported, 'question')} would be imported)")
            return
        if not report.questions:
            return
        note = f"imported from {args.file.name}"
        saved = store.authoring.import_questions(COMMAND_LINE, report.questions, updates=report.updates, note=note)
        files = {s.question.id: s.file for s in saved}
        for question in report.questions:
            action = "updated" if question.id in report.updates else "new"
            say(f"{action:<8} {question.id} ({question.type}, {question.status.value}) in {files.get(question.id, '?')}")
        say(f"imported {count(report.imported, 'question')} from {args.file.name}")

    status = _with_store(_store(args), work)
    if status == 0 and found == [0]:
        print(f"error: {args.file.name} holds no questions", file=sys.stderr)
        return 1
    return status


def _export(args: argparse.Namespace) -> int:
    from learning.authoring import BankFilter, filter_questions
    from learning.interchange import Format, MediaStore, export
    from learning.questions import Status
    from learning.quiz import eligible

    course = _course(args)
    if args.lesson and course.lesson(args.lesson) is None:
        print(f'error: there is no lesson "{args.lesson}"; use one of {", ".join(lesson.id for lesson in course.lessons)}', file=sys.stderr)
        return 1
    questions = filter_questions(course.questions, BankFilter(lesson=args.lesson, status=Status(args.status) if args.status else None))
    if args.quiz:
        spec = course.quiz(args.quiz)
        if spec is None:
            print(f'error: there is no quiz "{args.quiz}"; use one of {", ".join(quiz.id for quiz in course.quizzes)}', file=sys.stderr)
            return 1
        questions = eligible(spec, questions)
    if not questions:
        print("error: no questions match; nothing was written", file=sys.stderr)
        return 1
    exported = export(questions, Format(args.format), MediaStore(course.bank_dir))
    try:
        args.out.write_bytes(exported.content)
    except OSError as error:
        print(f"error: cannot write {args.out}: {error.strerror or error}", file=sys.stderr)
        return 1
    for adjustment in exported.adjustments:
        print(f"adjusted {adjustment.question_id} {adjustment.where}: {adjustment.given:g} written as {adjustment.written:g}")
    for left in exported.left_out:
        print(f'left out {_where(left.line)} "{left.name}": {left.reason}')
    written = len(questions) - len(exported.left_out)
    print(
        f"wrote {count(written, 'question')} to {args.out} ({exported.format.value}), "
        f"{count(len(exported.adjustments), 'value')} adjusted, {len(exported.left_out)} left out"
    )
    return 0


def _stats(args: argparse.Namespace) -> int:
    from learning.item_report import QUESTION_COLUMNS, question_rows, quiz_figures, report_json, which_words
    from learning.quiz import GradingMethod, WhichAttempts
    from learning.spreadsheet import spreadsheet_safe
    from learning.store import COMMAND_LINE
    from learning.store.statistics import cohort_named

    def work(store: Store) -> None:
        course = store.statistics.course()
        spec = course.quiz(args.quiz_id)
        if spec is None and not store.statistics.quizzes_taken(COMMAND_LINE, [args.quiz_id]):
            raise LearningError(f'there is no quiz "{args.quiz_id}" in the course, and no attempts at one')
        cohort_id = None
        if args.cohort is not None:
            with store.db.read() as session:
                cohort_id = cohort_named(session, args.cohort)
            if cohort_id is None:
                raise LearningError(f'there is no class "{args.cohort}" (give its id or its name)')
        which = WhichAttempts(args.attempts) if args.attempts else None
        report = store.statistics.report(COMMAND_LINE, args.quiz_id, cohort_id=cohort_id, which=which)
        rows = question_rows(report, order=[q.id for q in course.questions])
        if args.format == "json":
            print(json.dumps(report_json(report), indent=2, ensure_ascii=False))
        elif args.format == "csv":
            writer = csv.writer(sys.stdout, lineterminator="\n")
            writer.writerow(QUESTION_COLUMNS)
            for row in rows:
                writer.writerow(["" if v is None else spreadsheet_safe(v) if isinstance(v, str) else v for v in row.values()])
        else:
            title = spec.title if spec else args.quiz_id
            method = spec.grading_method if spec else GradingMethod.HIGHEST
            print(f"{title} ({args.quiz_id}): {which_words(which, method).lower()}")
            figures = quiz_figures(report.analysis.quiz)
            name_width = max(len(f.name) for f in figures)
            value_width = max(len(f.shown) for f in figures)
            for figure in figures:
                print(f"{figure.name:<{name_width}}  {figure.shown:>{value_width}}  {figure.meaning}")
            if rows:
                print()
                print(
                    _aligned(
                        [{SHORT.get(k, k): v for k, v in row.items()} for row in rows],
                        [SHORT.get(c, c) for c in QUESTION_COLUMNS if c != "prompt"],
                    )
                )
                print("(facility, sd, guess and weights in %; DI the discrimination index, DE the discriminative efficiency)")
        print(
            f"{count(report.analysis.quiz.attempts, 'attempt')} by {count(report.learners, 'learner')}, "
            f"{count(len(rows), 'question')}, {sum(1 for r in rows if r['flags'])} flagged",
            file=sys.stderr,
        )

    return _with_store(_store(args), work)


SHORT = {
    "number": "#",
    "facility %": "facility",
    "sd %": "sd",
    "random guess %": "guess",
    "intended weight %": "weight",
    "effective weight %": "effective",
    "discrimination index": "DI",
    "discriminative efficiency": "DE",
}
"""Shorter column headings for the text table (the CSV keeps the full ones)."""


def _aligned(rows: list[dict[str, object]], columns: list[str]) -> str:
    """Rows as text columns: numbers right-aligned, text left-aligned, the last column unpadded."""

    def cell(value: object) -> str:
        if value is None:
            return "–"
        return f"{value:.1f}" if isinstance(value, float) else str(value)

    table = [columns, *([cell(row[c]) for c in columns] for row in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(columns))]
    numeric = [all(isinstance(row[c], int | float) or row[c] is None for row in rows) for c in columns]
    lines = []
    for line in table:
        cells = [
            text if i == len(columns) - 1 else text.rjust(widths[i]) if numeric[i] else text.ljust(widths[i]) for i, text in enumerate(line)
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _with_store(store: Store, work: Callable[[Store], None]) -> int:
    """Run a command's ``work`` on ``store``, then close it; a :class:`LearningError` is printed
    as ``error: ...`` and exits with 1 instead of a traceback."""
    try:
        work(store)
    except LearningError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        store.close()
    return 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password: ")
    if getpass.getpass("Password again: ") != first:
        raise LearningError("the two passwords differ")
    return first


def _users(args: argparse.Namespace) -> int:
    from learning.store import Role

    def work(store: Store) -> None:
        if args.action == "add":
            user = store.accounts.create(
                args.username,
                _read_password(args),
                role=Role(args.role),
                now=datetime.now(UTC),
                display_name=args.name,
                email=args.email,
            )
            print(f"created {user.role.value} {user.username}")
        elif args.action == "list":
            for user in store.accounts.all():
                state = "disabled" if user.disabled else "active"
                print(f"{user.username:<24} {user.role.value:<11} {state:<9} {user.display_name}")
        elif args.action == "set-password":
            store.accounts.set_password(args.username, _read_password(args))
            print(f"password changed for {args.username}")
        elif args.action in ("disable", "enable"):
            store.accounts.set_disabled(args.username, args.action == "disable")
            print(f"{args.username} {args.action}d")

    return _with_store(_store(), work)


def _tool_values(base: str | None) -> list[tuple[str, str]]:
    """The values a platform administrator types in, under the app's public URL."""
    from learning.lti import ToolKey, ToolUrls

    settings = get_settings()
    root = base or settings.public_url
    if not root:
        raise LearningError(
            "set LEARNING_PUBLIC_URL (or give --url) to the address people reach the app at, such as https://study.school.edu"
        )
    urls = ToolUrls.under(root)
    key = ToolKey.load_or_create(settings.lti_key_file())
    return [
        ("Tool URL / target link URI / redirect URI", urls.launch),
        ("OpenID Connect login initiation URL", urls.login),
        ("Public keyset URL (JWKS)", urls.jwks),
        ("Configuration JSON (Canvas: Paste JSON / Enter URL)", urls.config),
        ("Deep linking URL", urls.launch),
        ("Tool key id", key.kid),
        ("Tool key file", str(settings.lti_key_file())),
    ]


def _lti(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from learning.lti import Platform, Platforms, ToolKey, send_due, sync_roster

    if args.action == "config":
        try:
            values = _tool_values(args.url)
        except LearningError as error:
            print(f"error: {error}", file=sys.stderr)
            return 1
        for name, value in values:
            print(f"{name + ':':<54} {value}")
        return 0

    def work(store: Store) -> None:
        now = datetime.now(UTC)
        if args.action == "add-platform":
            try:
                platform = Platform(
                    issuer=args.issuer,
                    client_id=args.client_id,
                    deployment_ids=tuple(args.deployment_id),
                    auth_login_url=args.auth_url,
                    token_url=args.token_url,
                    keyset_url=args.keyset_url,
                    name=args.name or "",
                )
            except ValidationError as invalid:
                raise LearningError("; ".join(f"--{str(e['loc'][0]).replace('_', '-')}: {e['msg']}" for e in invalid.errors())) from None
            saved = store.lti.add_platform(platform, now=now)
            deployments = ", ".join(saved.deployment_ids)
            print(f"registered platform {saved.id}: {saved.issuer} (client id {saved.client_id}, deployments {deployments})")
        elif args.action == "list":
            for platform in store.lti.platforms():
                print(
                    f"{platform.id:>3}  {platform.issuer}  client id {platform.client_id}  deployments {', '.join(platform.deployment_ids)}"
                )
                print(f"     login {platform.auth_login_url}  token {platform.token_url}  keys {platform.keyset_url}")
        elif args.action == "remove":
            gone = store.lti.remove_platform(args.id)
            print(f"removed platform {gone.id}: {gone.issuer} (its accounts and classes stay)")
        else:
            platforms = Platforms(ToolKey.load_or_create(get_settings().lti_key_file()))
            try:
                if args.action == "roster-sync":
                    synced = sync_roster(store.lti, platforms, store.lti.class_id(args.cohort), now=now)
                    print(
                        f"{count(synced.learners_added, 'learner')} and {count(synced.instructors_added, 'instructor')} added to the class "
                        f"({count(synced.accounts_made, 'new account')}; {synced.skipped} inactive or without a known role left out)"
                    )
                else:
                    drained = send_due(store.lti, platforms, now=now, limit=args.limit)
                    for problem in drained.errors:
                        print(f"warning: {problem}", file=sys.stderr)
                    sent, later, refused = count(drained.sent, "score"), drained.retrying, drained.failed
                    print(f"{sent} sent, {later} to try again later, {refused} refused by the platform")
                    for queued in store.lti.queued():
                        if queued.state == "failed":
                            where = f"{queued.username} {queued.quiz_id} {queued.score_given:g} → {queued.line_item_url}"
                            print(f"refused: {where}: {queued.last_error}")
            finally:
                platforms.close()

    return _with_store(_store(args), work)


def _db(args: argparse.Namespace) -> int:
    from learning.store.database import Database

    database = Database(get_settings().database_url)
    try:
        database.upgrade()
        print("the database schema is up to date")
    finally:
        database.dispose()
    return 0


def _backup(args: argparse.Namespace) -> int:
    from learning.store.database import Database

    database = Database(get_settings().database_url)
    try:
        database.backup(args.path)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        database.dispose()
    print(f"backed up to {args.path.as_posix()}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m learning", description="Tools for the massage therapy study module.")
    commands = parser.add_subparsers(dest="command", required=True)

    validate = commands.add_parser("validate", help="check the lessons, syllabus, glossary, question bank and quizzes")
    lint = commands.add_parser(
        "lint",
        help="report item-writing patterns (length cue, absolutes, duplicates, true/false balance); exit 1 only on load errors",
    )
    for command in (validate, lint):
        command.add_argument("--bank", type=Path, help="question bank folder (default: LEARNING_BANK_DIR, else quiz_bank)")
        command.add_argument("--lessons", type=Path, help="lessons folder (default: LEARNING_LESSONS_DIR, else lessons)")
    validate.set_defaults(run=_validate)
    lint.set_defaults(run=_lint)

    schema = commands.add_parser("schema", help="write quiz_bank/schema.json from the models")
    schema.add_argument("--check", action="store_true", help="exit 1 when the file is out of date instead of writing it")
    schema.add_argument("--bank", type=Path, default=DEFAULT_BANK)
    schema.set_defaults(run=_schema)

    fmt = commands.add_parser("format", help="rewrite bank files in their canonical layout")
    fmt.add_argument("--bank", type=Path, default=DEFAULT_BANK)
    fmt.set_defaults(run=_format, check=False)

    questions = commands.add_parser("questions", help="list, show, retire questions and see their history")
    question_actions = questions.add_subparsers(dest="action", required=True)
    listing = question_actions.add_parser("list", help="list the bank's questions (active, draft and retired)")
    listing.add_argument("--lesson", help="only this lesson's questions")
    listing.add_argument("--status", choices=["active", "draft", "retired"])
    listing.add_argument("--type", choices=sorted(t.value for t in QuestionType))
    listing.add_argument("--format", choices=["table", "json"], default="table")
    for name, text in (
        ("show", "print a question as it is in its bank file"),
        ("retire", "retire a question (recorded in its history as made on the command line)"),
        ("history", "list a question's saved versions"),
    ):
        one = question_actions.add_parser(name, help=text)
        one.add_argument("id")
    for command in question_actions.choices.values():
        command.add_argument("--bank", type=Path, help="question bank folder (default: LEARNING_BANK_DIR, else quiz_bank)")
        command.add_argument("--lessons", type=Path, help="lessons folder (default: LEARNING_LESSONS_DIR, else lessons)")
    questions.set_defaults(run=_questions)

    formats = ["gift", "moodle-xml", "csv"]
    importing = commands.add_parser("import", help="read questions from a GIFT, Moodle XML or CSV file into the bank (as drafts)")
    importing.add_argument("file", type=Path)
    importing.add_argument("--format", choices=formats, help="the file's format (default: found from its content)")
    importing.add_argument("--lesson", required=True, help="the lesson of questions whose file names none the course has")
    importing.add_argument("--section", help="their section (default: the lesson's first)")
    importing.add_argument("--objective", action="append", metavar="ID", help="an objective they test (repeat for more)")
    importing.add_argument("--status", choices=["draft", "active"], default="draft")
    importing.add_argument(
        "--on-conflict", choices=["skip", "update", "rename"], default="skip", help="a question whose id the bank has (or once had)"
    )
    importing.add_argument("--dry-run", action="store_true", help="read and report; write nothing")
    importing.add_argument("--report", choices=["text", "json"], default="text", help="json: print one JSON object")
    importing.set_defaults(run=_import)
    exporting = commands.add_parser("export", help="write the bank's questions as a GIFT, Moodle XML or CSV file")
    exporting.add_argument("--format", choices=formats, required=True)
    exporting.add_argument("--lesson", help="only this lesson's questions")
    exporting.add_argument("--status", choices=["active", "draft", "retired"])
    exporting.add_argument("--quiz", metavar="QUIZ_ID", help="only the questions this quiz draws from")
    exporting.add_argument("--out", type=Path, required=True)
    exporting.set_defaults(run=_export)
    for command in (importing, exporting):
        command.add_argument("--bank", type=Path, help="question bank folder (default: LEARNING_BANK_DIR, else quiz_bank)")
        command.add_argument("--lessons", type=Path, help="lessons folder (default: LEARNING_LESSONS_DIR, else lessons)")
    stats = commands.add_parser(
        "stats", help="item analysis of a quiz over every learner's submitted attempts (or one class's): figures and flags"
    )
    stats.add_argument("quiz_id", metavar="QUIZ_ID")
    stats.add_argument("--class", dest="cohort", metavar="CLASS", help="only this class's learners (its id or its name)")
    stats.add_argument(
        "--attempts", choices=["first", "highest", "last", "all"], help="which attempts (default: the ones the grading method counts)"
    )
    stats.add_argument("--format", choices=["table", "csv", "json"], default="table")
    stats.add_argument("--bank", type=Path, help="question bank folder (default: LEARNING_BANK_DIR, else quiz_bank)")
    stats.add_argument("--lessons", type=Path, help="lessons folder (default: LEARNING_LESSONS_DIR, else lessons)")
    stats.set_defaults(run=_stats)

    users = commands.add_parser("users", help="manage accounts (the database comes from LEARNING_DATABASE_URL)")
    actions = users.add_subparsers(dest="action", required=True)
    add = actions.add_parser("add", help="create an account")
    add.add_argument("username")
    add.add_argument("--role", choices=["learner", "instructor"], required=True)
    add.add_argument("--name", help="the name shown in the app (default: the username)")
    add.add_argument("--email", help="an email for single sign-on")
    add.add_argument("--password-stdin", action="store_true", help="read the password from standard input instead of prompting")
    actions.add_parser("list", help="list accounts")
    change = actions.add_parser("set-password", help="set a new password")
    change.add_argument("username")
    change.add_argument("--password-stdin", action="store_true")
    for name in ("disable", "enable"):
        toggle = actions.add_parser(name, help=f"{name} an account")
        toggle.add_argument("username")
    users.set_defaults(run=_users)

    lti = commands.add_parser("lti", help="LTI 1.3: register LMS platforms, sync rosters, send grades, show the tool's values")
    lti_actions = lti.add_subparsers(dest="action", required=True)
    register = lti_actions.add_parser("add-platform", help="register an LMS (again: update its addresses, add deployment ids)")
    register.add_argument("--issuer", required=True, help="the platform's issuer, such as https://moodle.school.edu")
    register.add_argument("--client-id", required=True, help="the client id the platform gave the tool")
    register.add_argument("--deployment-id", required=True, action="append", help="a deployment id (repeat for more)")
    register.add_argument("--auth-url", required=True, help="the platform's OIDC authentication request URL")
    register.add_argument("--token-url", required=True, help="the platform's OAuth 2 access token URL")
    register.add_argument("--keyset-url", required=True, help="the platform's public keyset URL")
    register.add_argument("--name", help="a name to recognise it by")
    lti_actions.add_parser("list", help="list the registered platforms")
    unregister = lti_actions.add_parser("remove", help="forget a platform (its accounts and classes stay)")
    unregister.add_argument("id", type=int, help="its id, as lti list shows")
    roster = lti_actions.add_parser("roster-sync", help="pull an LMS course's roster into its class (Names and Role Provisioning)")
    roster.add_argument("--class", dest="cohort", required=True, metavar="CLASS", help="the class's id or name")
    sending = lti_actions.add_parser("send-grades", help="post the queued scores due now to the LMS gradebooks (for cron, or by hand)")
    sending.add_argument("--limit", type=int, default=1000, help="at most this many scores")
    shown = lti_actions.add_parser("config", help="print the values a platform administrator enters for the tool")
    shown.add_argument("--url", help="the app's public URL (default: LEARNING_PUBLIC_URL)")
    lti.set_defaults(run=_lti)

    db = commands.add_parser("db", help="bring the database schema up to date (the app also does this on start)")
    db.add_argument("action", choices=["upgrade"])
    db.set_defaults(run=_db)

    backup = commands.add_parser("backup", help="copy a SQLite database consistently, even while the app runs")
    backup.add_argument("path", type=Path)
    backup.set_defaults(run=_backup)

    args = parser.parse_args(argv)
    try:
        status: int = args.run(args)
    except StorageError as error:  # an empty or damaged database file, or the database out of reach
        print(f"error: {error}", file=sys.stderr)
        return 1
    return status


if __name__ == "__main__":
    sys.exit(main())
