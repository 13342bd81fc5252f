"""LTI 1.3 (with LTI Advantage): the app as a tool that schools' LMSs (Moodle, Canvas, ...) launch.

    models     registrations and launch claims (pydantic), role mapping
    keys       the tool's own RSA key, kept outside the repository, and its JWKS
    launch     OIDC login initiation and the checks of a launch's id_token
    services   access tokens, score posting (AGS) and rosters (NRPS), with httpx
    passback   draining the score queue with retries
    roster     pulling a course's roster into its class
    tool       the tool's URLs, its configuration JSON and deep linking responses

The records (platforms, launch states, links, the score queue) are the store's
(:mod:`learning.store.lti`); the HTTP routes are :mod:`learning.web.lti`. Nothing here imports
Streamlit.
"""

from learning.lti.keys import ToolKey
from learning.lti.launch import KeySets, launch_of, login_redirect, verify_id_token
from learning.lti.models import Launch, Platform, Presence, Target, role_of
from learning.lti.passback import Drained, send_due, start_sender
from learning.lti.roster import sync_roster
from learning.lti.services import Platforms, score_document
from learning.lti.tool import ToolUrls, canvas_configuration

__all__ = [
    "Drained",
    "KeySets",
    "Launch",
    "Platform",
    "Platforms",
    "Presence",
    "Target",
    "ToolKey",
    "ToolUrls",
    "canvas_configuration",
    "launch_of",
    "login_redirect",
    "role_of",
    "score_document",
    "send_due",
    "start_sender",
    "sync_roster",
    "verify_id_token",
]
