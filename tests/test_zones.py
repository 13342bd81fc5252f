"""Times typed and shown in a person's zone, stored in UTC."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest

from learning.zones import shown, to_utc, zone_named

MOMENT = datetime(2026, 3, 16, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Europe/Paris", "Mon 16 Mar 2026, 17:00 (Europe/Paris)"),
        ("America/New_York", "Mon 16 Mar 2026, 12:00 (America/New_York)"),
        ("Australia/Sydney", "Tue 17 Mar 2026, 03:00 (Australia/Sydney)"),
        (None, "Mon 16 Mar 2026, 16:00 (UTC)"),
        ("", "Mon 16 Mar 2026, 16:00 (UTC)"),
        ("Not/AZone", "Mon 16 Mar 2026, 16:00 (UTC)"),
        ("../../etc/passwd", "Mon 16 Mar 2026, 16:00 (UTC)"),
    ],
)
def test_shown_in_the_persons_zone(name, expected) -> None:
    zone, label = zone_named(name)
    assert shown(MOMENT, zone, label) == expected


@pytest.mark.parametrize(
    ("name", "day", "clock", "expected"),
    [
        ("Europe/Paris", date(2026, 3, 16), time(17, 0), MOMENT),
        ("UTC", date(2026, 3, 16), time(16, 0), MOMENT),
        ("Europe/Paris", date(2026, 7, 1), time(9, 0), datetime(2026, 7, 1, 7, 0, tzinfo=UTC)),  # summer time
    ],
)
def test_to_utc(name, day, clock, expected) -> None:
    zone, _ = zone_named(name)
    assert to_utc(day, clock, zone) == expected
