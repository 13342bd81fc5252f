"""Grade passback: post the queued scores (``lti_scores``) to the platforms' gradebooks.

Each due score is first claimed in the database (only one sender can claim it, see
:meth:`learning.store.lti.Lti.claim`), then posted, then marked sent. A platform that cannot be
reached puts the score back in the queue with a growing wait (30 s, 1 min, 2 min... at most an
hour), forever: a score is never lost. A platform that refuses it for good (a bad request, an
unknown line item) marks it failed, kept and listed by ``python -m learning lti send-grades``.
The one case a platform can see a score twice is a sender stopped after the platform took the
score and before the database heard: after :data:`~learning.store.lti.LEASE` it is sent again,
with the same timestamp and value, which the platform records as the same score.

The app runs a sender on a thread (:func:`start_sender`) that drains the queue every few
seconds; ``python -m learning lti send-grades`` drains it once, for a cron job or by hand.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict

from learning.errors import LtiError, PlatformUnreachable, StorageError
from learning.lti.services import Platforms, score_document

if TYPE_CHECKING:
    from learning.store.lti import Lti

log = logging.getLogger("learning.lti")

FIRST_WAIT = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=1)
SEND_EVERY_SECONDS = 10.0


def backoff(tries: int) -> timedelta:
    """How long to wait before the next try after ``tries`` failed ones (doubling, capped)."""
    wait: timedelta = FIRST_WAIT * 2 ** min(tries, 20)
    return min(wait, LONGEST_WAIT)


class Drained(BaseModel):
    """What one pass over the queue did."""

    model_config = ConfigDict(frozen=True)

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: tuple[str, ...] = ()


def send_due(lti: Lti, platforms: Platforms, *, now: datetime, limit: int = 100) -> Drained:
    """Post every score due at ``now`` once; see the module for what happens on failure."""
    sent = retrying = failed = 0
    errors: list[str] = []
    for score_id in lti.due_scores(now=now, limit=limit):
        job = lti.claim(score_id, now=now)
        if job is None:  # another sender has it
            continue
        document = score_document(user_id=job.subject, given=job.score_given, maximum=job.score_maximum, at=job.scored_at)
        try:
            platforms.post_score(job.platform, job.line_item_url, document)
        except PlatformUnreachable as error:
            lti.retry(job.id, at=now + backoff(job.tries), error=str(error))
            retrying += 1
            errors.append(str(error))
            continue
        except LtiError as error:
            lti.failed(job.id, error=str(error))
            failed += 1
            errors.append(str(error))
            continue
        lti.sent(job.id, now=now)
        sent += 1
    return Drained(sent=sent, retrying=retrying, failed=failed, errors=tuple(errors))


def start_sender(
    lti: Callable[[], Lti], platforms: Platforms, *, every: float = SEND_EVERY_SECONDS, clock: Callable[[], datetime] | None = None
) -> Callable[[], None]:
    """Drain the queue on a daemon thread every ``every`` seconds; returns the function that stops it."""
    stop = threading.Event()
    now = clock or (lambda: datetime.now(UTC))

    def loop() -> None:
        while not stop.wait(every):
            try:
                drained = send_due(lti(), platforms, now=now())
            except StorageError:
                log.warning("grade passback: the records cannot be reached; trying again later", exc_info=True)
                continue
            except Exception:  # the thread must live on: a bug here must not stop grades for good
                log.exception("grade passback failed")
                continue
            if drained.sent or drained.retrying or drained.failed:
                log.info("grade passback: %d sent, %d to retry, %d refused", drained.sent, drained.retrying, drained.failed)

    thread = threading.Thread(target=loop, name="lti-grade-passback", daemon=True)
    thread.start()

    def halt() -> None:
        stop.set()
        thread.join(timeout=every + 5)

    return halt


__all__ = ["Drained", "backoff", "send_due", "start_sender"]
