"""Moodle XML, both ways, for all seven question types.

Reading
    The file is parsed by defusedxml with no DTD allowed, so an entity bomb, an external entity
    or any ``<!DOCTYPE>`` is refused with an :class:`InterchangeError`; a malformed or truncated
    file is refused naming its line and column. Each ``<question>`` becomes a :class:`Draft` with
    the line its start tag is on; a ``<question type="category">`` sets the category of the
    questions after it (:func:`learning.interchange.build.build` maps a last part that names a
    lesson to that lesson). Any type the bank cannot hold (essay, cloze, calculated,
    drag-and-drop, description, random...) is skipped with its line, name and type.

Mapping (Moodle → bank; the writer does the reverse)

    ==================================  ===============================================================
    multichoice, ``<single>true``       single_choice: the 100% answer is correct; other credit noted
    multichoice, ``<single>false``      multiple_response: fractions become option weights (positive
                                        ones rescaled to add up to 1, with a notice)
    truefalse                           true_false: the fraction of the "true" answer, both feedbacks
    matching                            matching: a subquestion with empty text is a distractor choice
    ordering (qtype_ordering)           ordering: the answers in file order
    shortanswer                         short_answer: fractions as credits, ``*`` wildcards; a
                                        ``*``-only answer at 0% is the wrong-answer feedback;
                                        ``<usecase>1`` noted (the bank ignores case)
    numerical                           numeric: value ± tolerance per answer, fractions as credits,
                                        a ``*`` answer is the wrong-answer feedback; the unit whose
                                        multiplier is 1 is kept, others noted
    ``<name>``                          the name in the import report
    ``<questiontext>``                  prompt (every text format through :mod:`learning.interchange.text`)
    ``<generalfeedback>``               explanation
    answer ``<feedback>``               option, answer and true/false feedback
    ``<idnumber>``                      id (when it is a valid bank id)
    ``<tags>``                          tags (made into bank tags: lowercase words joined by hyphens)
    ``<defaultgrade>``                  points
    ``<shuffleanswers>``                shuffle
    ==================================  ===============================================================

    Images: ``@@PLUGINFILE@@/name`` references with their base64 ``<file>`` and ``data:`` image
    URLs are stored through :class:`MediaStore` (PNG, JPEG, GIF, WebP, at most 2 MB); any other
    image is reported with the question's name and dropped, its alt text kept. The Markdown
    refers to ``media/<hash>.<ext>``.

Writing
    Every text is written with ``format="markdown"`` (Moodle renders Markdown, and
    ``@@PLUGINFILE@@`` works in it); a ``media/...`` image is embedded as a base64 ``<file>``.
    Moodle takes only the fractions of :mod:`learning.interchange.fractions`, so every weight
    and credit is snapped with :func:`fractions.snap` and each change is an :class:`Adjustment`.
    Questions go under ``$course$/top/<lesson>`` categories; the name and the idnumber are the
    question id. A client scenario is written above the prompt as ``**Client scenario:** ...``
    so Moodle learners see it. An ordering question is written for the ordering question type
    (all items shown, graded by absolute position, as the bank grades it).

The bank's own fields
    What Moodle has no place for travels in an XML comment inside ``<question>``, which Moodle
    ignores: ``<!-- learning: {json} -->``. The JSON holds the question's fields of
    :data:`learning.interchange.build.META_FIELDS` (id, version, lesson, section, objectives,
    tags, scenario...) that differ from their defaults, plus what makes the round trip exact:
    option ids, pinned flags, exact weights and a right option whose weight was snapped to 0%
    (``options``), matching item and choice ids and item feedback (``items``, ``choices``),
    ordering item ids (``items``), exact credits (``credits``) and numeric ranges (``ranges``).
    A file written here and read back gives the same questions (texts are trimmed and cleaned
    on the way in, as any import's are). The comment is only trusted as far as it fits the
    question around it (same number of answers...); its texts are cleaned like any other text,
    and every value is validated by the models, so a forged comment can do no more than a
    forged question.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, cast
from urllib.parse import unquote
from xml.etree.ElementTree import Comment, Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from learning.errors import InterchangeError
from learning.interchange import fractions
from learning.interchange.build import META_FIELDS
from learning.interchange.media import MediaRefused, MediaStore
from learning.interchange.model import Adjustment, Draft, Exported, Format, Parsed, Skipped
from learning.interchange.text import TextFormat, clean_markdown, to_markdown
from learning.questions import (
    SLUG_PATTERN,
    MatchingQuestion,
    MultipleResponseQuestion,
    NumericQuestion,
    OrderingQuestion,
    QuestionBase,
    ShortAnswerQuestion,
    SingleChoiceQuestion,
    TrueFalseQuestion,
    dump_question,
)

META_PREFIX = "learning:"
SCENARIO_LABEL = "**Client scenario:** "
_FORMATS = {
    "html": TextFormat.HTML,
    "moodle_auto_format": TextFormat.MOODLE,
    "plain_text": TextFormat.PLAIN,
    "wiki_like": TextFormat.PLAIN,
    "markdown": TextFormat.MARKDOWN,
}
_OUR_TYPES = ("multichoice", "truefalse", "matching", "match", "ordering", "shortanswer", "numerical")
_OTHER_TYPES = {
    "essay": "an essay question",
    "cloze": "a Cloze (embedded answers) question",
    "multianswer": "a Cloze (embedded answers) question",
    "calculated": "a calculated question",
    "calculatedsimple": "a simple calculated question",
    "calculatedmulti": "a calculated multichoice question",
    "description": "a description (not a question)",
    "ddwtos": "a drag-and-drop into text question",
    "gapselect": "a select missing words question",
    "ddimageortext": "a drag-and-drop onto image question",
    "ddmarker": "a drag-and-drop markers question",
    "randomsamatch": "a random short-answer matching question",
    "random": "a random question",
}
_SLUG = re.compile(SLUG_PATTERN)
_MD_IMAGE = re.compile(r"!\[(?P<alt>[^\]\n]*)\]\((?P<src>[^()\s]+)(?:\s+\"[^\"\n]*\")?\)")
_DATA_URL = re.compile(r"data:(?P<type>[\w.+-]+/[\w.+-]+)?(?P<b64>;base64)?,(?P<data>.*)", re.DOTALL)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_NOT_TAG = re.compile(r"[^a-z0-9]+")


# --- Reading -------------------------------------------------------------------------------


class _LineBuilder(TreeBuilder):
    """A tree builder that notes the line each ``<question>`` starts on."""

    def __init__(self) -> None:
        super().__init__(insert_comments=True)
        self.lines: dict[Element, int] = {}
        self.line_of: Callable[[], int] = lambda: 0

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        element = super().start(tag, attrs)
        if tag == "question":
            self.lines[element] = self.line_of()
        return element


def _parse_xml(text: str) -> tuple[Element, dict[Element, int]]:
    """The ``<quiz>`` element and the line of each of its questions.

    Raises:
        InterchangeError: a DTD, an entity, malformed or truncated XML, or a root that is not ``<quiz>``.
    """
    builder = _LineBuilder()
    parser = DefusedXMLParser(target=builder, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    expat = parser.parser
    builder.line_of = lambda: int(expat.CurrentLineNumber)
    try:
        parser.feed(text)
        root: Element = parser.close()
    except DefusedXmlException as error:
        line = expat.CurrentLineNumber
        raise InterchangeError(
            f"the file declares a DTD or an entity (line {line}): Moodle XML has none, and they can hide "
            f"an entity bomb or read files on the server, so the file is refused ({type(error).__name__})"
        ) from None
    except ParseError as error:
        line, column = error.position
        reason = str(error).split(":", 1)[0]
        raise InterchangeError(f"the file is not well-formed XML: {reason} at line {line}, column {column + 1}") from None
    if root.tag != "quiz":
        raise InterchangeError(f"this is not a Moodle XML file: its root element is <{root.tag}>, not <quiz>")
    return root, builder.lines


def _child_text(element: Element, *path: str) -> str | None:
    """The text of ``element/path...`` (Moodle trims it), or None when there is no such element."""
    node: Element | None = element
    for tag in path:
        node = node.find(tag) if node is not None else None
    if node is None:
        return None
    return (node.text or "").strip()


def _number(text: str | None, default: float | None = None) -> float | None:
    if text is None or not text.strip():
        return default
    try:
        value = float(text.strip())
    except ValueError:
        return default
    return value if value == value and abs(value) != float("inf") else default


def _fraction(answer: Element) -> float:
    """An answer's fraction (``fraction="33.33333"`` → 0.3333333, to Moodle's seven decimals)."""
    return round((_number(answer.get("fraction"), 0.0) or 0.0) / 100, 7)


@dataclass
class _Reader:
    """What reading one question needs: the media store and where its notices go."""

    media: MediaStore
    name: str
    files: dict[str, str]
    notices: list[str] = field(default_factory=list)

    def markdown(self, element: Element | None, *, default_format: str = "html") -> str:
        """The Markdown of a text element (``<questiontext>``, ``<feedback>``, an answer...)."""
        if element is None:
            return ""
        raw = (element.findtext("text") or "").strip()
        return self.convert(raw, element.get("format") or default_format, element)

    def convert(self, raw: str, format_name: str, element: Element | None = None) -> str:
        text_format = _FORMATS.get(format_name.strip(), TextFormat.HTML)
        local = {f.get("name", ""): f.text or "" for f in element.iter("file")} if element is not None and self.files else {}
        if text_format is TextFormat.MARKDOWN:
            raw = _MD_IMAGE.sub(lambda m: self._markdown_image(m, local), raw)
        return to_markdown(raw, text_format, images=lambda source, alt: self.image(source, alt, local))

    def _markdown_image(self, match: re.Match[str], local: dict[str, str]) -> str:
        alt = match["alt"]
        target = self.image(match["src"], alt or "image", local)
        return f"![{alt}]({target})" if target else alt

    def image(self, source: str, alt: str, local: dict[str, str]) -> str | None:
        """The Markdown target of an image in the text, or None when it is dropped (and reported)."""
        source = source.strip()
        data: bytes | None
        if source.startswith("@@PLUGINFILE@@/"):
            name = unquote(source.removeprefix("@@PLUGINFILE@@/")).lstrip("/")
            encoded = local.get(name, self.files.get(name))
            if encoded is None:
                self.notices.append(f"image {name!r} is referred to but not in the file: dropped (its alt text {alt!r} kept)")
                return None
            data = _base64(encoded)
        elif source.lower().startswith("data:"):
            match = _DATA_URL.match(source)
            name = f"data:{match['type'] if match else ''} image"
            data = _base64(match["data"]) if match and match["b64"] else None
        else:
            return source  # an address or a stored media/ image: shown as a link, never loaded from elsewhere
        if data is None:
            self.notices.append(f"image {name!r} could not be decoded: dropped (its alt text {alt!r} kept)")
            return None
        try:
            return self.media.put(data, name)
        except MediaRefused as refused:
            self.notices.append(f"{refused}: dropped (its alt text {alt!r} kept)")
            return None


def _base64(encoded: str) -> bytes | None:
    try:
        return base64.b64decode("".join(encoded.split()), validate=True)
    except (binascii.Error, ValueError):
        return None


def parse(text: str, media: MediaStore) -> Parsed:
    """Read a Moodle XML file into drafts, with every question the bank cannot hold reported.

    Raises:
        InterchangeError: the file is hostile, malformed or truncated (naming the line), or not Moodle XML.
    """
    root, lines = _parse_xml(text)
    parsed = Parsed()
    category: str | None = None
    questions = [child for child in root if child.tag == "question"]
    for number, element in enumerate(questions, start=1):
        line = lines[element]
        kind = (element.get("type") or "").strip()
        if kind == "category":
            category = _child_text(element, "category", "text") or _child_text(element, "category") or None
            continue
        name = _child_text(element, "name", "text") or f"question {number}"
        if kind not in _OUR_TYPES:
            what = _OTHER_TYPES.get(kind, f'a question of type "{kind}"' if kind else "a question without a type")
            parsed.skipped.append(Skipped(line=line, name=name, reason=f"{what}: the bank has no such question type"))
            continue
        files = {f.get("name", ""): f.text or "" for f in element.iter("file")}
        reader = _Reader(media=media, name=name, files=files)
        try:
            fields, meta = _read_question(element, kind, reader)
        except _Unreadable as problem:
            parsed.skipped.append(Skipped(line=line, name=name, reason=str(problem)))
            continue
        parsed.drafts.append(Draft(line=line, name=name, fields=fields, category=category, meta=meta, notices=reader.notices))
    return parsed


class _Unreadable(ValueError):
    """A question of a known type whose parts cannot be made into a bank question."""


def _read_question(element: Element, kind: str, reader: _Reader) -> tuple[dict[str, Any], dict[str, Any]]:
    extra = _own_metadata(element, reader)
    text_element = element.find("questiontext")
    question_format = (text_element.get("format") if text_element is not None else None) or "html"
    raw_prompt = (element.findtext("questiontext/text") or "").strip()
    scenario = extra.get("scenario")
    if isinstance(scenario, str) and raw_prompt.startswith(f"{SCENARIO_LABEL}{scenario}\n\n"):
        raw_prompt = raw_prompt.removeprefix(f"{SCENARIO_LABEL}{scenario}\n\n")
    fields: dict[str, Any] = {
        "prompt": reader.convert(raw_prompt, question_format, text_element),
        "explanation": reader.markdown(element.find("generalfeedback"), default_format=question_format) or None,
    }
    points = _number(_child_text(element, "defaultgrade"))
    if points is not None and 0 < points <= 100:
        fields["points"] = points
    elif points is not None:
        reader.notices.append(f"a default mark of {points:g} is not a bank score (more than 0, at most 100): given 1 point")
    body = _READERS[kind](element, reader, extra, question_format)
    fields.update(body)
    meta = _meta(element, extra, reader)
    return fields, meta


def _own_metadata(element: Element, reader: _Reader) -> dict[str, Any]:
    """The ``<!-- learning: {...} -->`` comment written by :func:`write`, or {} when there is none."""
    for child in element:
        if cast(object, child.tag) is Comment:  # typed as a name, but a comment's tag is the Comment factory
            body = (child.text or "").strip()
            if not body.startswith(META_PREFIX):
                continue
            try:
                data = json.loads(body.removeprefix(META_PREFIX))
            except ValueError:
                reader.notices.append("the bank's metadata comment is not valid JSON: ignored")
                return {}
            if not isinstance(data, dict):
                reader.notices.append("the bank's metadata comment is not a JSON object: ignored")
                return {}
            return data
    return {}


def _meta(element: Element, extra: dict[str, Any], reader: _Reader) -> dict[str, Any]:
    """This module's fields for :func:`build`: the comment's, else what idnumber and tags give."""
    meta = {key: extra[key] for key in META_FIELDS if key in extra}
    for key in ("scenario", "unit"):
        if isinstance(meta.get(key), str):
            meta[key] = clean_markdown(meta[key]) or None
    if "id" not in meta:
        idnumber = _child_text(element, "idnumber")
        if idnumber and _SLUG.match(idnumber) and len(idnumber) <= 80:
            meta["id"] = idnumber
        elif idnumber:
            reader.notices.append(f"idnumber {idnumber!r} is not a bank id (lowercase letters, digits and hyphens): given a new id")
    if "tags" not in meta:
        tags: list[str] = []
        for tag in element.findall("tags/tag"):
            given = (tag.findtext("text") or tag.text or "").strip()
            slug = _NOT_TAG.sub("-", given.lower()).strip("-")[:80].strip("-")
            if slug and slug not in tags:
                tags.append(slug)
            elif given and not slug:
                reader.notices.append(f"tag {given!r} has no letters or digits: left out")
        if tags:
            meta["tags"] = tags
    return meta


def _answers(element: Element) -> list[Element]:
    return element.findall("answer")


def _list(extra: dict[str, Any], key: str, length: int) -> list[Any] | None:
    """``extra[key]`` when it is a list of ``length`` entries (the comment fits the question), else None."""
    value = extra.get(key)
    return value if isinstance(value, list) and len(value) == length else None


def _read_multichoice(element: Element, reader: _Reader, extra: dict[str, Any], question_format: str) -> dict[str, Any]:
    answers = _answers(element)
    if not answers:
        raise _Unreadable("a multiple-choice question without answers")
    single = (_child_text(element, "single") or "true").lower() not in ("false", "0", "")
    shuffle = (_child_text(element, "shuffleanswers") or "false").lower() in ("true", "1")
    own = _list(extra, "options", len(answers))
    options: list[dict[str, Any]] = []
    given = [_fraction(answer) for answer in answers]
    for position, (answer, fraction) in enumerate(zip(answers, given, strict=True)):
        mine = own[position] if own and isinstance(own[position], dict) else {}
        option: dict[str, Any] = {
            "id": mine.get("id") or _letter(position),
            "text": reader.markdown(answer, default_format=question_format),
            "correct": fraction > 1 - 1e-6 if single else bool(mine.get("correct", fraction > 0)),
            "feedback": reader.markdown(answer.find("feedback"), default_format=question_format) or None,
        }
        if mine.get("pinned"):
            option["pinned"] = True
        if not single:
            option["weight"] = mine.get("weight") if own else fraction  # the comment's None: the default weights
        elif 0 < fraction < 1 - 1e-6 or fraction < 0:
            percent = fractions.as_percent(fraction)
            reader.notices.append(
                f"option {position + 1} gives {percent}% in Moodle; a single-choice question scores only its right answer"
            )
        options.append(option)
    if not single and not own:
        _rescale(options, reader)
    body: dict[str, Any] = {"type": "single_choice" if single else "multiple_response", "options": options, "shuffle": shuffle}
    return body


def _letter(position: int) -> str:
    return "abcdefghijklmnopqrstuvwxyz"[position] if position < 26 else f"o{position + 1}"


def _rescale(options: list[dict[str, Any]], reader: _Reader) -> None:
    """Positive weights that do not add up to 1 are scaled so they do, with a notice."""
    total = sum(o["weight"] for o in options if o["weight"] > 0)
    if total > 0 and abs(total - 1) > 1e-6:
        for option in options:
            if option["weight"] > 0:
                option["weight"] = option["weight"] / total
        reader.notices.append(f"the right options' fractions add up to {fractions.as_percent(total)}%, not 100%: scaled to add up to 100%")


def _read_truefalse(element: Element, reader: _Reader, extra: dict[str, Any], question_format: str) -> dict[str, Any]:
    answers = _answers(element)
    if not answers:
        raise _Unreadable("a true/false question without answers")
    body: dict[str, Any] = {"type": "true_false"}
    for position, answer in enumerate(answers[:2]):
        said = (answer.findtext("text") or "").strip().lower()
        is_true = said == "true" if said in ("true", "false") else position == 0
        feedback = reader.markdown(answer.find("feedback"), default_format=question_format) or None
        if is_true:
            body["answer"] = abs(_fraction(answer) - 1) < 1e-6
            body["feedback_true"] = feedback
        else:
            body.setdefault("answer", abs(_fraction(answer) - 1) >= 1e-6)
            body["feedback_false"] = feedback
    return body


def _read_matching(element: Element, reader: _Reader, extra: dict[str, Any], question_format: str) -> dict[str, Any]:
    pairs = []
    for sub in element.findall("subquestion"):
        text = reader.markdown(sub, default_format=question_format)
        answer = clean_markdown((sub.findtext("answer/text") or "").strip())
        pairs.append((text, answer))
    items = [(t, a) for t, a in pairs if t]
    spare = [a for t, a in pairs if not t and a]
    own_items = _list(extra, "items", len(items))
    own_choices = extra.get("choices") if isinstance(extra.get("choices"), list) else None
    if own_items and own_choices and all(isinstance(i, dict) for i in own_items):
        return _own_matching(items, spare, own_items, own_choices, extra)
    texts: list[str] = []
    for _, answer in items:
        if answer not in texts:
            texts.append(answer)
    for answer in spare:
        if answer not in texts:
            texts.append(answer)
    choice_ids = {text: f"c{n}" for n, text in enumerate(texts, start=1)}
    return {
        "type": "matching",
        "items": [{"id": f"i{n}", "text": text, "answer": choice_ids[answer]} for n, (text, answer) in enumerate(items, start=1)],
        "choices": [{"id": choice_id, "text": text} for text, choice_id in choice_ids.items()],
        "shuffle": (_child_text(element, "shuffleanswers") or "true").lower() in ("true", "1"),
    }


def _own_matching(
    items: list[tuple[str, str]], spare: list[str], own_items: list[dict[str, Any]], own_choices: list[Any], extra: dict[str, Any]
) -> dict[str, Any]:
    """A matching question written by :func:`write`: choice ids and order from the comment, texts from the file."""
    choice_text: dict[str, str] = {}
    for (_, answer), mine in zip(items, own_items, strict=True):
        choice_text.setdefault(str(mine.get("answer")), answer)
    unused = [c for c in own_choices if c not in choice_text]
    for choice_id, text in zip(unused, spare, strict=False):
        choice_text[str(choice_id)] = text
    result_items = []
    for (text, _), mine in zip(items, own_items, strict=True):
        item: dict[str, Any] = {"id": mine.get("id"), "text": text, "answer": mine.get("answer")}
        if isinstance(mine.get("feedback"), str):
            item["feedback"] = clean_markdown(mine["feedback"]) or None
        result_items.append(item)
    return {
        "type": "matching",
        "items": result_items,
        "choices": [{"id": c, "text": choice_text.get(str(c), "")} for c in own_choices],
    }


def _read_ordering(element: Element, reader: _Reader, extra: dict[str, Any], question_format: str) -> dict[str, Any]:
    answers = _answers(element)
    grading = (_child_text(element, "gradingtype") or "").upper()
    if grading and grading not in ("ABSOLUTE_POSITION", "ABS", "ABSOLUTE"):
        reader.notices.append(f"Moodle grades it {grading}; the bank gives credit for each item in its right position")
    select = (_child_text(element, "selecttype") or _child_text(element, "logical") or "").upper()
    if select and select not in ("ALL", "EXACT"):
        reader.notices.append(f"Moodle shows a {select.lower()} selection of the items; the bank shows them all")
    own = _list(extra, "items", len(answers))
    items = []
    for position, answer in enumerate(answers):
        item_id = own[position] if own and isinstance(own[position], str) else f"i{position + 1}"
        items.append({"id": item_id, "text": reader.markdown(answer, default_format=question_format)})
    return {"type": "ordering", "items": items}


def _only_wildcards(text: str) -> bool:
    return not text.replace("*", "").strip()


def _read_shortanswer(element: Element, reader: _Reader, extra: dict[str, Any], question_format: str) -> dict[str, Any]:
    answers = _answers(element)
    if (_child_text(element, "usecase") or "0") not in ("0", ""):
        reader.notices.append("Moodle compares these answers case-sensitively; the bank ignores case")
    credits = _list(extra, "credits", len(answers))
    accepted: list[dict[str, Any]] = []
    wrong: str | None = None
    for position, answer in enumerate(answers):
        text = clean_markdown((answer.findtext("text") or "").strip())
        fraction = _fraction(answer)
        feedback = reader.markdown(answer.find("feedback"), default_format=question_format) or None
        if _only_wildcards(text):
            if fraction > 0:
                reader.notices.append(f"answer {position + 1} ({text or 'empty'}) gives credit for any answer: left out")
            elif feedback:
                wrong = feedback
            continue
        if fraction < 0:
            reader.notices.append(f"answer {position + 1} ({text}) takes marks away ({fractions.as_percent(fraction)}%): left out")
            continue
        credit = credits[position] if credits and isinstance(credits[position], int | float) else fraction
        accepted.append({"text": text, "credit": credit, "feedback": feedback})
    return {"type": "short_answer", "answers": accepted, "wrong_feedback": wrong}


def _read_numerical(element: Element, reader: _Reader, extra: dict[str, Any], question_format: str) -> dict[str, Any]:
    answers = _answers(element)
    credits = _list(extra, "credits", len(answers))
    ranges = _list(extra, "ranges", len(answers))
    bands: list[dict[str, Any]] = []
    wrong: str | None = None
    for position, answer in enumerate(answers):
        text = (answer.findtext("text") or "").strip()
        fraction = _fraction(answer)
        feedback = reader.markdown(answer.find("feedback"), default_format=question_format) or None
        if text in ("*", ""):
            if fraction > 0:
                reader.notices.append(f"answer {position + 1} (*) gives credit for any number: left out")
            elif feedback:
                wrong = feedback
            continue
        value = _number(text)
        if value is None:
            reader.notices.append(f"answer {position + 1} ({text!r}) is not a number: left out")
            continue
        if fraction < 0:
            reader.notices.append(f"answer {position + 1} ({text}) takes marks away ({fractions.as_percent(fraction)}%): left out")
            continue
        credit = credits[position] if credits and isinstance(credits[position], int | float) else fraction
        band: dict[str, Any] = {"value": value, "tolerance": abs(_number(_child_text(answer, "tolerance"), 0.0) or 0.0)}
        own_range = ranges[position] if ranges else None
        if isinstance(own_range, list) and len(own_range) == 2:
            band = {"min": own_range[0], "max": own_range[1]}
        bands.append({**band, "credit": credit, "feedback": feedback})
    body: dict[str, Any] = {"type": "numeric", "answers": bands, "wrong_feedback": wrong}
    units = [(unit.findtext("unit_name") or "").strip() for unit in element.findall("units/unit")]
    multipliers = [_number(unit.findtext("multiplier"), 1.0) for unit in element.findall("units/unit")]
    base = [name for name, multiplier in zip(units, multipliers, strict=True) if multiplier == 1.0 and name]
    if base:
        body["unit"] = clean_markdown(base[0]) or None
    others = [name for name in units if name and name not in base[:1]]
    if others:
        reader.notices.append(f"Moodle also accepts the units {', '.join(others)}; the bank keeps one unit ({base[0] if base else 'none'})")
    return body


_READERS: dict[str, Callable[[Element, _Reader, dict[str, Any], str], dict[str, Any]]] = {
    "multichoice": _read_multichoice,
    "truefalse": _read_truefalse,
    "matching": _read_matching,
    "match": _read_matching,
    "ordering": _read_ordering,
    "shortanswer": _read_shortanswer,
    "numerical": _read_numerical,
}


# --- Writing -------------------------------------------------------------------------------


def _escape(text: str) -> str:
    """Text for an XML element or attribute; characters XML 1.0 cannot hold are left out."""
    text = _NOT_XML.sub("", text)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;").replace("\r", "&#13;")


def _num(value: float) -> str:
    """A number as Moodle writes it, exactly: ``500``, ``0.25``, ``-3.5``."""
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(float(value))


@dataclass
class _Writer:
    """Writes one file: the media the texts refer to and every value it changed."""

    media: MediaStore
    adjustments: list[Adjustment] = field(default_factory=list)
    out: list[str] = field(default_factory=list)

    def text(self, tag: str, markdown: str, *, indent: int, attrs: str = "", extra: str = "") -> None:
        """``<tag format="markdown"><text>...</text><file .../></tag>``, images embedded."""
        pad = "  " * indent
        body, files = self._embed(markdown)
        self.out.append(f'{pad}<{tag}{attrs} format="markdown"><text>{_escape(body)}</text>{files}{extra}</{tag}>')

    def _embed(self, markdown: str) -> tuple[str, str]:
        files: dict[str, str] = {}

        def embed(match: re.Match[str]) -> str:
            source = match["src"]
            data = self.media.get(source) if source.startswith("media/") else None
            if data is None:
                return match[0]
            name = source.rsplit("/", 1)[1]
            files[name] = f'<file name="{_escape(name)}" path="/" encoding="base64">{base64.b64encode(data).decode("ascii")}</file>'
            return f"![{match['alt']}](@@PLUGINFILE@@/{name})"

        body = _MD_IMAGE.sub(embed, markdown) if "](media/" in markdown else markdown
        return body, "".join(files.values())

    def fraction(self, question: QuestionBase, where: str, value: float, *, written: float | None = None) -> str:
        """``value`` as a Moodle percentage, snapped to an allowed fraction (or ``written``, one
        chosen already), with an adjustment when it changed."""
        snapped = fractions.snap(value) if written is None else written
        if abs(snapped - value) > fractions.TOLERANCE:
            self.adjustments.append(Adjustment(question_id=question.id, where=where, given=value, written=snapped))
        return fractions.as_percent(snapped)


def write(questions: Sequence[QuestionBase], media: MediaStore) -> Exported:
    """``questions`` as a Moodle XML file, under a category per lesson, with every snapped weight reported."""
    writer = _Writer(media=media)
    writer.out.append('<?xml version="1.0" encoding="UTF-8"?>')
    writer.out.append("<quiz>")
    lesson: str | None = None
    for question in questions:
        if question.lesson != lesson:
            lesson = question.lesson
            writer.out.append(
                '  <question type="category"><category><text>$course$/top/'
                f"{_escape(lesson)}</text></category>"
                '<info format="markdown"><text></text></info><idnumber></idnumber></question>'
            )
        _write_question(writer, question)
    writer.out.append("</quiz>\n")
    return Exported(format=Format.MOODLE_XML, content="\n".join(writer.out).encode("utf-8"), adjustments=writer.adjustments)


_MOODLE_TYPES = {
    "single_choice": "multichoice",
    "multiple_response": "multichoice",
    "true_false": "truefalse",
    "matching": "matching",
    "ordering": "ordering",
    "short_answer": "shortanswer",
    "numeric": "numerical",
}


def _write_question(writer: _Writer, question: QuestionBase) -> None:
    dumped = dump_question(question)
    extra: dict[str, Any] = {key: dumped[key] for key in META_FIELDS if key in dumped}
    out = writer.out
    out.append(f'  <question type="{_MOODLE_TYPES[question.type]}">')
    comment_at = len(out)
    out.append(f"    <name><text>{_escape(question.id)}</text></name>")
    prompt = f"{SCENARIO_LABEL}{question.scenario}\n\n{question.prompt}" if question.scenario else question.prompt
    writer.text("questiontext", prompt, indent=2)
    writer.text("generalfeedback", question.explanation, indent=2)
    out.append(f"    <defaultgrade>{_num(question.points)}</defaultgrade>")
    out.append("    <penalty>0</penalty>")
    out.append("    <hidden>0</hidden>")
    out.append(f"    <idnumber>{_escape(question.id)}</idnumber>")
    _WRITERS[question.type](writer, question, extra)
    if question.tags:
        out.append("    <tags>" + "".join(f"<tag><text>{_escape(tag)}</text></tag>" for tag in question.tags) + "</tags>")
    out.insert(comment_at, f"    <!-- {META_PREFIX} {_comment_json(extra)} -->")
    out.append("  </question>")


def _comment_json(data: dict[str, Any]) -> str:
    """JSON that can sit in an XML comment: no ``--`` (only possible inside its strings) and XML characters only."""
    return _NOT_XML.sub("", json.dumps(data, ensure_ascii=False, separators=(",", ":"))).replace("--", "-\\u002d")


def _write_choice(writer: _Writer, question: QuestionBase, extra: dict[str, Any]) -> None:
    assert isinstance(question, SingleChoiceQuestion | MultipleResponseQuestion)
    single = isinstance(question, SingleChoiceQuestion)
    out = writer.out
    out.append(f"    <single>{'true' if single else 'false'}</single>")
    out.append(f"    <shuffleanswers>{'true' if question.shuffle else 'false'}</shuffleanswers>")
    out.append("    <answernumbering>abc</answernumbering>")
    weights = question.weights() if isinstance(question, MultipleResponseQuestion) else {}
    snapped = fractions.snap_weights([weights[o.id] for o in question.options]) if weights else []
    own: list[dict[str, Any]] = []
    for position, option in enumerate(question.options):
        if single:
            percent = "100" if option.correct else "0"
        else:
            percent = writer.fraction(question, f"options[{position}].weight", weights[option.id], written=snapped[position])
        writer.text("answer", option.text, indent=2, attrs=f' fraction="{percent}"', extra=_feedback_xml(writer, option.feedback))
        mine: dict[str, Any] = {"id": option.id}
        if option.pinned:
            mine["pinned"] = True
        if option.weight is not None:
            mine["weight"] = option.weight
        if not single and option.correct != (float(percent) > 0):  # a tiny weight snapped to 0%
            mine["correct"] = option.correct
        own.append(mine)
    extra["options"] = own


def _feedback_xml(writer: _Writer, feedback: str | None) -> str:
    if not feedback:
        return ""
    body, files = writer._embed(feedback)
    return f'<feedback format="markdown"><text>{_escape(body)}</text>{files}</feedback>'


def _write_truefalse(writer: _Writer, question: QuestionBase, extra: dict[str, Any]) -> None:
    assert isinstance(question, TrueFalseQuestion)
    for value, feedback in ((True, question.feedback_true), (False, question.feedback_false)):
        percent = "100" if question.answer is value else "0"
        writer.out.append(
            f'    <answer fraction="{percent}" format="moodle_auto_format"><text>{"true" if value else "false"}</text>'
            f"{_feedback_xml(writer, feedback)}</answer>"
        )


def _write_matching(writer: _Writer, question: QuestionBase, extra: dict[str, Any]) -> None:
    assert isinstance(question, MatchingQuestion)
    writer.out.append(f"    <shuffleanswers>{'true' if question.shuffle else 'false'}</shuffleanswers>")
    for item in question.items:
        answer = f"<answer><text>{_escape(question.choice_text(item.answer))}</text></answer>"
        writer.text("subquestion", item.text, indent=2, extra=answer)
    used = {item.answer for item in question.items}
    for choice in question.choices:
        if choice.id not in used:
            writer.out.append(
                f'    <subquestion format="markdown"><text></text><answer><text>{_escape(choice.text)}</text></answer></subquestion>'
            )
    extra["items"] = [{"id": i.id, "answer": i.answer, **({"feedback": i.feedback} if i.feedback else {})} for i in question.items]
    extra["choices"] = [c.id for c in question.choices]


def _write_ordering(writer: _Writer, question: QuestionBase, extra: dict[str, Any]) -> None:
    assert isinstance(question, OrderingQuestion)
    out = writer.out
    out.append("    <layouttype>VERTICAL</layouttype>")
    out.append("    <selecttype>ALL</selecttype>")
    out.append("    <selectcount>0</selectcount>")
    out.append("    <gradingtype>ABSOLUTE_POSITION</gradingtype>")
    out.append("    <showgrading>SHOW</showgrading>")
    out.append("    <numberingstyle>none</numberingstyle>")
    for position, item in enumerate(question.items, start=1):
        writer.text("answer", item.text, indent=2, attrs=f' fraction="{position}"')
    extra["items"] = [i.id for i in question.items]


def _write_shortanswer(writer: _Writer, question: QuestionBase, extra: dict[str, Any]) -> None:
    assert isinstance(question, ShortAnswerQuestion)
    writer.out.append("    <usecase>0</usecase>")
    for position, answer in enumerate(question.answers):
        percent = writer.fraction(question, f"answers[{position}].credit", answer.credit)
        writer.out.append(
            f'    <answer fraction="{percent}" format="plain_text"><text>{_escape(answer.text)}</text>'
            f"{_feedback_xml(writer, answer.feedback)}</answer>"
        )
    writer.out.append(
        f'    <answer fraction="0" format="plain_text"><text>*</text>{_feedback_xml(writer, question.wrong_feedback)}</answer>'
    )
    extra["credits"] = [a.credit for a in question.answers] + [0.0]


def _write_numerical(writer: _Writer, question: QuestionBase, extra: dict[str, Any]) -> None:
    assert isinstance(question, NumericQuestion)
    ranges: list[list[float] | None] = []
    for position, band in enumerate(question.answers):
        percent = writer.fraction(question, f"answers[{position}].credit", band.credit)
        if band.value is not None:
            value, tolerance = band.value, band.tolerance
            ranges.append(None)
        else:
            low, high = band.bounds()
            value, tolerance = (low + high) / 2, (high - low) / 2
            ranges.append([low, high])
        writer.out.append(
            f'    <answer fraction="{percent}" format="plain_text"><text>{_num(value)}</text>'
            f"{_feedback_xml(writer, band.feedback)}<tolerance>{_num(tolerance)}</tolerance></answer>"
        )
    writer.out.append(
        f'    <answer fraction="0" format="plain_text"><text>*</text>{_feedback_xml(writer, question.wrong_feedback)}'
        "<tolerance>0</tolerance></answer>"
    )
    if question.unit:
        writer.out.append(f"    <units><unit><multiplier>1</multiplier><unit_name>{_escape(question.unit)}</unit_name></unit></units>")
        writer.out.append("    <unitgradingtype>0</unitgradingtype>")
    extra["credits"] = [a.credit for a in question.answers] + [0.0]
    if any(ranges):
        extra["ranges"] = [*ranges, None]


_WRITERS: dict[str, Callable[[_Writer, QuestionBase, dict[str, Any]], None]] = {
    "single_choice": _write_choice,
    "multiple_response": _write_choice,
    "true_false": _write_truefalse,
    "matching": _write_matching,
    "ordering": _write_ordering,
    "short_answer": _write_shortanswer,
    "numeric": _write_numerical,
}
