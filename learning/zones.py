"""Time zones: a person's zone by name, a local date and time as UTC and back, and a moment as
people read it in their own zone.

Everything is stored in UTC; a zone only changes how a time is typed and shown. A zone name the
server does not know (or none, when the browser did not say) means UTC, and the zone is always
named beside a time so nobody mistakes it for their own.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def zone_named(name: str | None) -> tuple[ZoneInfo, str]:
    """The zone called ``name`` (an IANA name such as ``Europe/Paris``) and its name; UTC when unknown."""
    if name:
        try:
            return ZoneInfo(name), name
        except (ZoneInfoNotFoundError, ValueError):
            pass
    return ZoneInfo("UTC"), "UTC"


def to_utc(day: date, clock: time, zone: ZoneInfo) -> datetime:
    """The moment a wall clock in ``zone`` shows ``clock`` on ``day``, in UTC.

    In the hour a clock is put back the earlier of the two moments is taken; in the hour it
    skips, the time is read as if the clock had not changed yet (as :mod:`zoneinfo` does).
    """
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC)


def local(value: datetime, zone: ZoneInfo) -> datetime:
    return value.astimezone(zone)


def shown(value: datetime, zone: ZoneInfo, name: str) -> str:
    """``value`` as people read it in their zone, named: ``Mon 16 Mar 2026, 17:00 (Europe/Paris)``."""
    moment = value.astimezone(zone)
    return f"{moment:%a} {moment.day} {moment:%b %Y, %H:%M} ({name})"
