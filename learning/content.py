"""Lessons, the syllabus and the glossary: models and loading from ``lessons/``.

``lessons/syllabus.yaml`` holds the units and learning objectives, ``lessons/glossary.yaml`` the
glossary, and each ``lessons/<id>.md`` file one lesson as Markdown with YAML front matter. The
body's ``## Title {#anchor}`` headings are the lesson's sections; the front matter says which
objectives each section teaches. Loading collects every problem instead of stopping at the first.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Self, TypeVar

import frontmatter
import yaml
from frontmatter.default_handlers import YAMLHandler
from pydantic import BaseModel, ConfigDict, Field, ValidationError, computed_field, model_validator

from learning.frozen import by_id
from learning.problems import MAX_NESTING, Problem, Severity, decode_utf8, in_plain_words, problems_from_validation, read_bytes, too_deep
from learning.questions import Slug, Text

WORDS_PER_MINUTE = 200
_FAST_YAML = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML was built with it
# Patterns without nested or overlapping quantifiers, so hostile text is matched in linear time.
HEADING = re.compile(r"^##[ \t]+(?P<title>[^\n{]*[^\s{])[ \t]*+\{#(?P<anchor>[a-z0-9-]+)\}[ \t]*+$", re.MULTILINE)
LINK = re.compile(r"\]\((?P<kind>glossary|lesson):(?P<target>[A-Za-z0-9_-]+)(?:#(?P<anchor>[A-Za-z0-9_-]+))?\)")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        copied = super().model_copy(update=update, deep=deep)
        # Forget the lookups cached on the original (cached_property): the copy builds its own.
        for name in set(copied.__dict__) - set(type(self).model_fields):
            del copied.__dict__[name]
        return copied


class Objective(_Model):
    id: Slug
    text: Text


class Unit(_Model):
    id: Slug
    order: int
    title: Text
    description: Text


class Syllabus(_Model):
    """The course's title, its units, and the objectives lessons teach and questions test."""

    title: str | None = Field(default=None, description="The course's name, as a certificate of completion prints it.")
    units: Annotated[list[Unit], Field(min_length=1)]
    objectives: Annotated[list[Objective], Field(min_length=1)]

    @model_validator(mode="after")
    def _unique(self) -> Syllabus:
        fields: tuple[tuple[str, Sequence[Unit | Objective]], ...] = (("units", self.units), ("objectives", self.objectives))
        for field, items in fields:
            seen: set[str] = set()
            for position, item in enumerate(items):
                if item.id in seen:
                    raise ValueError(f"{field}[{position}].id: {item.id!r} appears twice")
                seen.add(item.id)
        return self

    def objective(self, objective_id: str) -> Objective:
        """The objective with this id.

        Raises:
            KeyError: there is none.
        """
        return self._objectives[objective_id]

    def find_objective(self, objective_id: str) -> Objective | None:
        """The objective with this id, or None: a lesson, question or past attempt may name one
        that has since been renamed or removed."""
        return self._objectives.get(objective_id)

    def unit(self, unit_id: str) -> Unit:
        """The unit with this id.

        Raises:
            KeyError: there is none.
        """
        return self._units[unit_id]

    @cached_property
    def _objectives(self) -> dict[str, Objective]:
        return by_id(self.objectives)

    @cached_property
    def _units(self) -> dict[str, Unit]:
        return by_id(self.units)


class GlossaryTerm(_Model):
    id: Slug
    term: Text
    definition: Text


class Glossary(_Model):
    terms: list[GlossaryTerm]

    @model_validator(mode="after")
    def _unique(self) -> Glossary:
        seen: set[str] = set()
        for position, term in enumerate(self.terms):
            if term.id in seen:
                raise ValueError(f"terms[{position}].id: {term.id!r} appears twice")
            seen.add(term.id)
        return self

    def get(self, term_id: str) -> GlossaryTerm | None:
        return self._terms.get(term_id)

    @cached_property
    def _terms(self) -> dict[str, GlossaryTerm]:
        return by_id(self.terms)


class SectionSpec(_Model):
    """What the front matter says of a section: its anchor and the objectives it teaches."""

    id: Slug
    objectives: list[Slug] = Field(default_factory=list)


class Section(_Model):
    id: Slug
    title: Text
    objectives: list[Slug]
    body: str = Field(description="The section's Markdown, without its heading.")


class Lesson(_Model):
    """One lesson: front matter fields plus the Markdown body split into sections."""

    id: Slug
    unit: Slug
    order: int
    title: Text
    summary: Text
    objectives: Annotated[list[Slug], Field(min_length=1)]
    glossary: list[Slug] = Field(default_factory=list)
    check_questions: list[Slug] = Field(default_factory=list)
    sections: Annotated[list[Section], Field(min_length=1)]
    intro: str = Field(default="", description="Markdown before the first section heading.")
    body: Text

    @computed_field  # type: ignore[prop-decorator]
    @property
    def reading_minutes(self) -> int:
        """Estimated reading time at 200 words a minute, at least one minute."""
        return max(1, math.ceil(self.word_count / WORDS_PER_MINUTE))

    @property
    def word_count(self) -> int:
        return len(re.findall(r"[A-Za-z0-9'’-]+", self.body))

    def section(self, section_id: str) -> Section | None:
        return self._sections.get(section_id)

    @cached_property
    def _sections(self) -> dict[str, Section]:
        return by_id(self.sections)

    @model_validator(mode="after")
    def _objectives_taught(self) -> Lesson:
        taught = {o for s in self.sections for o in s.objectives}
        missing = [o for o in self.objectives if o not in taught]
        if missing:
            raise ValueError(f"sections: no section teaches {', '.join(missing)}")
        extra = sorted(taught - set(self.objectives))
        if extra:
            raise ValueError(f"sections: objectives {', '.join(extra)} are not in the lesson's objectives")
        return self


FIGURE = re.compile(r"^!\[(?P<alt>[^\]\n]+)\]\((?P<source>figures/[A-Za-z0-9_-]+\.svg)\)[ \t]*$", re.MULTILINE)
"""A figure: a line of its own ``![alt text](figures/NAME.svg)``, served from the lessons folder."""


def figures(markdown: str) -> list[tuple[str, str]]:
    """Every figure in ``markdown`` as ``(alt text, path relative to the lessons folder)``."""
    return [(m["alt"].strip(), m["source"]) for m in FIGURE.finditer(markdown)]


def links(markdown: str) -> list[tuple[str, str, str | None]]:
    """Every ``glossary:`` and ``lesson:`` link in ``markdown`` as ``(kind, target, anchor)``."""
    return [(m["kind"], m["target"], m["anchor"]) for m in LINK.finditer(markdown)]


def _too_deep(text: str) -> bool:
    """Whether the YAML's lists and mappings nest more than :data:`MAX_NESTING` levels deep.

    libyaml's parser keeps its own stack, but its loader recurses once a level with no limit: a
    few thousand levels crash the whole process. So the depth is measured from the parser's events
    first, stopping as soon as it is too deep (the parser slows down as the depth grows).
    """
    depth = 0
    for event in yaml.parse(text, Loader=_FAST_YAML):
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
            if depth > MAX_NESTING:
                return True
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
    return False


class _TooDeep(Exception):
    """Front matter nested more than :data:`MAX_NESTING` levels deep."""


class _FrontMatter(YAMLHandler):
    """python-frontmatter's YAML handler (libyaml when available), refusing deep nesting first."""

    def load(self, fm: str, **kwargs: object) -> Any:
        if _too_deep(fm):
            raise _TooDeep
        return super().load(fm, **kwargs)


def parse_lesson(text: str, *, file: str) -> tuple[Lesson | None, list[Problem]]:
    """Parse one lesson file's text; returns the lesson (or None) and its problems."""
    try:
        post = frontmatter.loads(text, handler=_FrontMatter())
    except _TooDeep:
        return None, [too_deep(file)]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return None, [
            Problem(
                file=file,
                line=mark.line + 2 if mark else None,  # the YAML starts after the opening --- line
                message=f"invalid front matter: {getattr(error, 'problem', error)}",
            )
        ]
    meta = dict(post.metadata)
    given_id = meta.get("id")
    lesson_id = given_id if isinstance(given_id, str) else None
    if not meta:
        return None, [Problem(file=file, message="no YAML front matter (a block between --- lines at the top)")]
    body = post.content.strip() + "\n"
    headings = list(HEADING.finditer(body))
    specs = meta.pop("sections", None)
    problems: list[Problem] = []
    if not isinstance(specs, list):
        return None, [Problem(file=file, lesson=lesson_id, field="sections", message="must be a list of {id, objectives}")]
    parsed_specs: list[SectionSpec] = []
    for position, spec in enumerate(specs):
        try:
            parsed_specs.append(SectionSpec.model_validate(spec))
        except ValidationError as error:
            problems += [
                p.model_copy(update={"field": f"sections[{position}]" + (f".{p.field}" if p.field else "")})
                for p in problems_from_validation(error, file=file, lesson=lesson_id)
            ]
    if problems:
        return None, problems
    anchors = [h["anchor"] for h in headings]
    declared = [s.id for s in parsed_specs]
    if anchors != declared:
        return None, [
            Problem(
                file=file,
                lesson=lesson_id,
                field="sections",
                message=(
                    f"the front matter lists sections {declared} but the body's '## Title {{#anchor}}' "
                    f"headings are {anchors}; they must match one for one, in order"
                ),
            )
        ]
    sections = []
    for index, (heading, spec) in enumerate(zip(headings, parsed_specs, strict=True)):
        end = headings[index + 1].start() if index + 1 < len(headings) else len(body)
        sections.append(
            {"id": spec.id, "title": heading["title"], "objectives": spec.objectives, "body": body[heading.end() : end].strip()}
        )
    intro = body[: headings[0].start()].strip() if headings else body.strip()
    try:
        lesson = Lesson.model_validate({**meta, "sections": sections, "intro": intro, "body": body})
    except ValidationError as error:
        return None, problems_from_validation(error, file=file, lesson=lesson_id)
    return lesson, []


def _display(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _read_yaml(path: Path) -> tuple[object, list[Problem]]:
    file = _display(path)
    data = read_bytes(path, file=file)
    if isinstance(data, Problem):
        return None, [data]
    text = decode_utf8(data, file=file)
    if isinstance(text, Problem):
        return None, [text]
    try:
        try:
            if _too_deep(text):
                return None, [too_deep(file)]
            return yaml.load(text, Loader=_FAST_YAML), []
        except yaml.YAMLError:
            return yaml.safe_load(text), []  # the pure-Python loader words the error we report
    except RecursionError:
        return None, [too_deep(file)]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        return None, [
            Problem(
                file=_display(path),
                line=mark.line + 1 if mark else None,
                column=mark.column + 1 if mark else None,
                message=f"invalid YAML: {getattr(error, 'problem', error)}",
            )
        ]


_Entry = TypeVar("_Entry", Unit, Objective, GlossaryTerm)


def _entries(model: type[_Entry], raw: object, *, file: str, field: str, kind: str) -> tuple[list[_Entry], list[Problem]]:
    """The valid entries of one list in a YAML file, each checked on its own.

    A broken entry, or a second one with an id already used, is reported and left out; the
    others are kept, so one typo drops one glossary term or objective, not the whole file.
    """
    if not isinstance(raw, list):
        return [], [Problem(file=file, field=field, message=f"must be a list of {kind}")]
    kept: list[_Entry] = []
    problems: list[Problem] = []
    seen: set[str] = set()
    for position, entry in enumerate(raw):
        where = f"{field}[{position}]"
        try:
            item = model.model_validate(entry)
        except ValidationError as error:
            problems += [
                in_plain_words(p.model_copy(update={"field": where + (f".{p.field}" if p.field else "")}))
                for p in problems_from_validation(error, file=file)
            ]
            continue
        if item.id in seen:
            problems.append(Problem(file=file, field=f"{where}.id", message=f"{item.id!r} appears twice"))
            continue
        seen.add(item.id)
        kept.append(item)
    return kept, problems


def _top_level(data: object, *, file: str, fields: tuple[str, ...]) -> tuple[dict[str, object], list[Problem]]:
    """A YAML file's top-level mapping, and a problem for each field it should not have."""
    if not isinstance(data, dict):
        return {}, [Problem(file=file, message=f"must be a mapping with {' and '.join(fields)}")]
    unknown = sorted(str(key) for key in data if key not in fields)
    return data, [Problem(file=file, field=key, message="unknown top-level field (check its spelling)") for key in unknown]


def load_syllabus(path: Path) -> tuple[Syllabus | None, list[Problem]]:
    """The syllabus with every valid unit and objective; a broken entry is reported and left out.

    None, with the problems, only when the file cannot be read or keeps no unit or no objective.
    """
    data, problems = _read_yaml(path)
    if problems:
        return None, problems
    file = _display(path)
    fields, problems = _top_level(data, file=file, fields=("title", "units", "objectives"))
    title = fields.get("title")
    if title is not None and (not isinstance(title, str) or not title.strip()):
        problems.append(Problem(file=file, field="title", message="must be the course's name, as text", severity=Severity.WARNING))
        title = None
    units, found = _entries(Unit, fields.get("units"), file=file, field="units", kind="units ({id, order, title, description})")
    problems += found
    objectives, found = _entries(Objective, fields.get("objectives"), file=file, field="objectives", kind="objectives ({id, text})")
    problems += found
    if not units or not objectives:
        missing = "units" if not units else "objectives"
        if not any(p.field and p.field.startswith(missing) for p in problems):
            problems.append(Problem(file=file, field=missing, message="needs at least one"))
        return None, problems
    return Syllabus(title=" ".join(title.split()) if isinstance(title, str) else None, units=units, objectives=objectives), problems


def load_glossary(path: Path) -> tuple[Glossary, list[Problem]]:
    """The glossary with every valid term; a broken term is reported and left out (an empty
    glossary when the file cannot be read)."""
    data, problems = _read_yaml(path)
    if problems:
        return Glossary(terms=[]), problems
    file = _display(path)
    fields, problems = _top_level(data, file=file, fields=("terms",))
    terms, found = _entries(GlossaryTerm, fields.get("terms"), file=file, field="terms", kind="terms ({id, term, definition})")
    return Glossary(terms=terms), problems + found


def load_lessons(folder: Path) -> tuple[list[Lesson], list[Problem]]:
    """Every ``*.md`` lesson in ``folder`` (README.md excepted), sorted by unit order later."""
    lessons: list[Lesson] = []
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for path in sorted(folder.glob("*.md")):
        if path.name.lower() == "readme.md":
            continue
        file = _display(path)
        data = read_bytes(path, file=file)
        text = data if isinstance(data, Problem) else decode_utf8(data, file=file)
        if isinstance(text, Problem):
            problems.append(text)
            continue
        lesson, found = parse_lesson(text, file=file)
        problems += found
        if lesson is None:
            continue
        if lesson.id != path.stem:
            problems.append(Problem(file=file, lesson=lesson.id, field="id", message=f"must match the file name ({path.stem!r})"))
            continue
        if lesson.id in seen:
            problems.append(Problem(file=file, lesson=lesson.id, field="id", message=f"duplicate lesson id, also in {seen[lesson.id]}"))
            continue
        seen[lesson.id] = file
        lessons.append(lesson)
    return lessons, problems
