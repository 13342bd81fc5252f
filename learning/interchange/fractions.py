"""Moodle's grade fractions: the only credits Moodle accepts for an answer.

Moodle stops an import on any other value, so a writer snaps each weight or credit to the
nearest allowed fraction (:func:`snap`) and reports every one it changed.
"""

from __future__ import annotations

MOODLE_FRACTIONS: tuple[float, ...] = (
    1.0, 0.9, 0.8333333, 0.8, 0.75, 0.7, 0.6666667, 0.6, 0.5, 0.4, 0.3333333, 0.3, 0.25, 0.2,
    0.1666667, 0.1428571, 0.125, 0.1111111, 0.1, 0.05, 0.0,
)  # fmt: skip
ALLOWED: tuple[float, ...] = tuple(sorted({*MOODLE_FRACTIONS, *(-f for f in MOODLE_FRACTIONS)}))
TOLERANCE = 1e-6


def snap(value: float) -> float:
    """The allowed fraction nearest ``value`` (the larger one on a tie), e.g. 0.35 → 0.3333333, 0.93 → 0.9."""
    return min(ALLOWED, key=lambda allowed: (abs(allowed - value), -allowed))


def as_percent(value: float) -> str:
    """A fraction as Moodle writes a percentage: ``0.3333333`` → ``33.33333``, ``1`` → ``100``."""
    return f"{value * 100:.5f}".rstrip("0").rstrip(".")


def snap_weights(weights: list[float]) -> list[float]:
    """Multiple-answer weights from Moodle's list, the right ones adding up to 100% as Moodle requires.

    Each weight is snapped to the nearest allowed fraction (a right answer never to 0); when the
    right answers then miss 100% by more than Moodle's 0.0001, the snapped value that brings the
    total closest to 100% with the least change is moved to its neighbour in the list, until the
    total fits or nothing improves it.
    """
    smallest = min(f for f in ALLOWED if f > 0)
    written = [max(snap(w), smallest) if w > 0 else snap(w) for w in weights]
    positive = [i for i, w in enumerate(weights) if w > 0]
    steps = sorted(f for f in ALLOWED if f > 0)
    for _ in range(4 * len(positive)):
        total = sum(written[i] for i in positive)
        if abs(total - 1.0) <= 1e-4:
            break
        best: tuple[float, float, int, float] | None = None
        for i in positive:
            at = steps.index(written[i])
            for neighbour in steps[max(at - 1, 0) : at + 2]:
                new_total = total - written[i] + neighbour
                if abs(new_total - 1.0) < abs(total - 1.0) - 1e-9:
                    candidate = (abs(new_total - 1.0), abs(neighbour - weights[i]), i, neighbour)
                    best = candidate if best is None or candidate < best else best
        if best is None:
            break
        written[best[2]] = best[3]
    return written
