"""How often something may be tried: free tries, then a wait that doubles, forgotten after a quiet spell.

A sign-in that fails, an account made, a wrong enrolment code: each is counted against a key (a
username, a client address, both together). The first :attr:`Rule.free` tries cost nothing; after
that the next try waits :attr:`Rule.first_wait` from the last one counted, then twice that, and so
on up to :attr:`Rule.longest_wait`. A key left alone for :attr:`Rule.forget_after` starts afresh.
Nothing here reads a clock or a database: the store passes the count, the last time and ``now``.

Nothing is ever locked for good, so nobody can keep another person out: an attacker's guesses slow
down only the guesses that come from where they come from (see :class:`Limits`).
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, Field

from learning.wording import count as counted


class Rule(BaseModel):
    """Free tries, then a wait that doubles with each further try, capped; forgotten after a quiet spell."""

    model_config = ConfigDict(frozen=True)

    free: int = Field(ge=0)
    first_wait: timedelta
    longest_wait: timedelta
    forget_after: timedelta

    def forgotten(self, last: datetime | None, now: datetime) -> bool:
        """The key's count no longer matters: nothing was counted, or not for ``forget_after``."""
        return last is None or now - last >= self.forget_after

    def wait(self, count: int, last: datetime | None, now: datetime) -> timedelta:
        """How long from ``now`` until the next try is allowed (zero: it is allowed now).

        Args:
            count: the tries counted against the key so far.
            last: when the last of them was counted (None: never).
            now: the time of the try.
        """
        if self.forgotten(last, now) or count < self.free:
            return timedelta(0)
        assert last is not None
        doublings = min(count - self.free, 40)  # 2**40 times any wait is past every cap
        delay: timedelta = min(self.first_wait * 2**doublings, self.longest_wait)
        # A clock stepped back never makes anyone wait longer than the longest wait.
        left: timedelta = min(last + delay - now, self.longest_wait)
        return max(timedelta(0), left)


class Limits(BaseModel):
    """The rules the accounts follow, one a kind of key.

    - ``account``: wrong passwords for one username (known or not, so the answer tells nothing
      about which names exist). It slows only the addresses that have themselves failed on that
      username: the owner, from a device that has not been failing, still gets in at once.
    - ``address``: failed sign-ins (and wrong reset codes) from one client address, whatever the
      username. Checked before any password is hashed, so a flood from one client costs a
      database read, not a core. Generous, because a whole class may share one school network.
    - ``sign_up``: accounts made from one client address.
    - ``code``: wrong enrolment codes from one client address (or one learner joining a class).
    - ``verify``: certificate codes looked up on the public verification page from one client
      address, whether they exist or not, so codes cannot be enumerated.
    """

    model_config = ConfigDict(frozen=True)

    account: Rule = Rule(free=5, first_wait=timedelta(minutes=1), longest_wait=timedelta(minutes=15), forget_after=timedelta(hours=24))
    address: Rule = Rule(free=20, first_wait=timedelta(seconds=1), longest_wait=timedelta(minutes=15), forget_after=timedelta(hours=1))
    sign_up: Rule = Rule(free=30, first_wait=timedelta(minutes=1), longest_wait=timedelta(hours=1), forget_after=timedelta(hours=1))
    code: Rule = Rule(free=10, first_wait=timedelta(seconds=10), longest_wait=timedelta(hours=1), forget_after=timedelta(hours=24))
    verify: Rule = Rule(free=30, first_wait=timedelta(seconds=10), longest_wait=timedelta(hours=1), forget_after=timedelta(hours=1))

    def longest_memory(self) -> timedelta:
        """After this long unused, no rule remembers a key: its record can be deleted."""
        return max(rule.forget_after for rule in (self.account, self.address, self.sign_up, self.code, self.verify))


LOCAL = "local"
"""The client address of a browser on the server itself (Streamlit gives no address for it)."""


def client_address(peer: str | None, forwarded_for: str | None = None, *, trust_forwarded_for: bool = False) -> str:
    """The address a request came from, as the throttles count it.

    Args:
        peer: the address of the connection (Streamlit's ``st.context.ip_address``: None for a
            browser on the server itself, or for a reverse proxy on the same machine).
        forwarded_for: the request's ``X-Forwarded-For`` header.
        trust_forwarded_for: the app runs behind a reverse proxy that appends the client's
            address to ``X-Forwarded-For``; its last entry is then the client. Without a proxy
            the header is whatever the client wrote, so it is ignored.
    """
    if trust_forwarded_for and forwarded_for:
        last = forwarded_for.split(",")[-1].strip()
        if last:
            return last[:64]
    return (peer or LOCAL)[:64]


def wait_words(wait: timedelta) -> str:
    """A wait as a person reads it: "40 seconds", "1 minute", "15 minutes" (rounded up)."""
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 60:
        return counted(seconds, "second")
    return counted(math.ceil(seconds / 60), "minute")
