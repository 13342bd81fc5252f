"""The throttling rule: free tries, a doubling wait, a cap, a quiet spell that forgets; client addresses."""

from __future__ import annotations

from datetime import timedelta

import pytest

from learning.throttle import LOCAL, Limits, Rule, client_address, wait_words
from tests.conftest import NOW

RULE = Rule(free=3, first_wait=timedelta(minutes=1), longest_wait=timedelta(minutes=10), forget_after=timedelta(hours=1))
S = timedelta(seconds=1)
M = timedelta(minutes=1)


@pytest.mark.parametrize(
    ("tries", "last", "now", "wait"),
    [
        (0, None, NOW, timedelta(0)),  # nothing counted
        (2, NOW, NOW, timedelta(0)),  # still free
        (3, NOW, NOW, M),  # the first wait
        (3, NOW, NOW + 20 * S, 40 * S),  # counted from the last try
        (3, NOW, NOW + M, timedelta(0)),  # waited enough
        (4, NOW, NOW, 2 * M),  # doubles
        (5, NOW, NOW, 4 * M),
        (6, NOW, NOW, 8 * M),
        (7, NOW, NOW, 10 * M),  # capped
        (10_000, NOW, NOW, 10 * M),  # no overflow however many
        (9, NOW, NOW + timedelta(hours=1), timedelta(0)),  # forgotten after a quiet hour
        (9, NOW, NOW - timedelta(hours=3), 10 * M),  # a clock stepped back never waits past the cap
    ],
)
def test_wait(tries: int, last, now, wait: timedelta) -> None:
    assert RULE.wait(tries, last, now) == wait


def test_the_default_limits_let_a_class_share_one_network() -> None:
    limits = Limits()
    assert limits.account.free == 5 and limits.address.free >= 20 and limits.sign_up.free >= 30
    assert limits.longest_memory() == timedelta(hours=24)


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "client"),
    [
        (None, None, False, LOCAL),  # a browser on the server itself
        ("203.0.113.7", None, False, "203.0.113.7"),
        ("203.0.113.7", "198.51.100.1", False, "203.0.113.7"),  # a header anyone can write is ignored
        (None, "198.51.100.9, 192.0.2.4", True, "192.0.2.4"),  # behind a proxy: the address it appended
        (None, " ", True, LOCAL),
    ],
)
def test_client_address(peer, forwarded, trusted: bool, client: str) -> None:
    assert client_address(peer, forwarded, trust_forwarded_for=trusted) == client


@pytest.mark.parametrize(
    ("wait", "words"),
    [(timedelta(seconds=0.2), "1 second"), (40 * S, "40 seconds"), (60 * S, "1 minute"), (61 * S, "2 minutes"), (15 * M, "15 minutes")],
)
def test_wait_words(wait: timedelta, words: str) -> None:
    assert wait_words(wait) == words
