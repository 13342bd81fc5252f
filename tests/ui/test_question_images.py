"""A question's prompt shows an image of the bank's media folder, and nothing from anywhere else."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import write_course

GIF = base64.b64decode("R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==")


def _question_page(lessons: str, bank: str, prompt: str) -> None:
    from pathlib import Path

    from learning import load_course
    from learning.questions import QUESTION_ADAPTER
    from learning.ui import widgets
    from tests.conftest import question

    course = load_course(lessons_dir=Path(lessons), bank_dir=Path(bank))
    widgets.show_question(QUESTION_ADAPTER.validate_python(question("true_false", prompt=prompt)), course, number="1.")


@pytest.fixture
def course_dirs(tmp_path: Path) -> tuple[Path, Path]:
    lessons, bank = write_course(tmp_path / "course")
    (bank / "media").mkdir()
    (bank / "media" / "abc.gif").write_bytes(GIF)
    (tmp_path / "outside.gif").write_bytes(GIF)
    (bank / "media" / "link.gif").symlink_to(tmp_path / "outside.gif")
    return lessons, bank


def _run(course_dirs: tuple[Path, Path], prompt: str) -> AppTest:
    lessons, bank = course_dirs
    at = AppTest.from_function(_question_page, args=(str(lessons), str(bank), prompt), default_timeout=30)
    at.run()
    assert not at.exception
    return at


def test_a_media_image_in_a_prompt_is_shown_with_its_alt_text(course_dirs) -> None:
    at = _run(course_dirs, "Is this a dot?\n\n![A white dot](media/abc.gif)\n\nAnswer below.")
    [image] = at.get("image")
    assert image.proto.imgs[0].alt == "A white dot"
    assert [m.value for m in at.markdown] == ["**1.** Is this a dot?", "Answer below."]


def test_an_image_from_an_address_is_a_link_and_nothing_is_loaded(course_dirs) -> None:
    at = _run(course_dirs, "Is this a dot? ![far away](https://example.org/dot.png)")
    assert len(at.get("image")) == 0
    assert [m.value for m in at.markdown] == ["**1.** Is this a dot? [far away](https://example.org/dot.png)"]


@pytest.mark.parametrize("name", ["missing.gif", "link.gif"])
def test_a_media_image_that_is_missing_or_leads_outside_the_folder_is_not_shown(course_dirs, name: str) -> None:
    at = _run(course_dirs, f"Is this a dot?\n\n![A white dot](media/{name})")
    assert len(at.get("image")) == 0
    assert [c.value for c in at.caption] == ["(image not available: A white dot)"]
