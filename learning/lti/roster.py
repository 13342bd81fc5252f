"""Names and Role Provisioning Services: pull an LMS course's roster into its class."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from learning.lti.services import Platforms, member_of

if TYPE_CHECKING:
    from learning.store.lti import Lti, RosterSync


def sync_roster(lti: Lti, platforms: Platforms, cohort_id: int, *, now: datetime) -> RosterSync:
    """Fetch the course's membership from its platform and give each active learner and
    instructor an account and a seat in the class (nobody is removed).

    Raises:
        LtiError: the class was not made from an LMS course, or the platform refused.
        PlatformUnreachable: the platform cannot be reached now.
    """
    from learning.store.lti import Member

    platform, url = lti.roster_source(cohort_id)
    members = []
    for entry in platforms.members(platform, url):
        found = member_of(entry)
        if found is not None:
            subject, presence, name, email, active = found
            members.append(Member(subject=subject, presence=presence, name=name, email=email, active=active))
    return lti.add_roster(cohort_id, members, now=now)


__all__ = ["sync_roster"]
