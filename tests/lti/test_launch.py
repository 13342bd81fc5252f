"""Launches from a real LTI 1.3 platform on 127.0.0.1: who lands where, signed in, and every
launch that must be refused, refused with a page that says why."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc.jwk import RSAKey

from learning.store import Role
from tests.conftest import NOW
from tests.lti.conftest import TOOL, launch, login
from tests.lti.platform import INSTRUCTOR, LEARNER


def session_cookie(response) -> str:
    cookies = [v for k, v in response.headers.multi_items() if k == "set-cookie" and v.startswith("learning_session=")]
    assert len(cookies) == 1, response.headers
    return cookies[0]


def test_login_sends_the_browser_to_the_platform_with_the_oidc_parameters(tool, platform) -> None:
    query = {k: v[0] for k, v in parse_qs(urlsplit(login(tool, platform, "ana")).query).items()}
    assert query["redirect_uri"] == f"{TOOL}/lti/launch"
    assert query["login_hint"] == "ana" and query["lti_message_hint"] == "quiz-link"
    assert len(query["state"]) >= 40 and len(query["nonce"]) >= 40 and query["state"] != query["nonce"]
    assert urlsplit(login(tool, platform, "ana")).path == "/auth"


def test_a_learner_lands_on_the_quiz_signed_in(tool, platform, store) -> None:
    response = launch(tool, platform, "ana")
    assert response.status_code == 303, response.text
    assert response.headers["location"] == "/quiz?quiz=goals-practice"
    cookie = session_cookie(response)
    [(user_id, raw)] = store.sessions.started
    assert cookie.startswith(f"learning_session={raw};")
    assert store.sessions.user_for(raw, now=datetime.now(UTC)) == store.accounts.get(user_id)  # a real session, signed in
    assert "SameSite=none" in cookie and "Secure" in cookie and "HttpOnly" in cookie and cookie.endswith("; Partitioned")
    user = store.accounts.get(user_id)
    assert (user.username, user.display_name, user.role) == ("ana", "Ana Lopez", Role.LEARNER)
    assert user.email is None  # the platform's email is a hint for the username, never stored


def test_a_lesson_link_opens_the_lesson_and_the_same_person_keeps_one_account(tool, platform, store) -> None:
    first = launch(tool, platform, "ana", link="lesson-link")
    assert first.headers["location"] == "/lesson?lesson=goals"
    assert launch(tool, platform, "ana", link="plain-link").headers["location"] == "/"
    ids = {user_id for user_id, _ in store.sessions.started}
    assert len(ids) == 1 and len(store.sessions.started) == 2


def test_an_instructor_lands_on_the_class_made_from_the_course(tool, platform, store) -> None:
    assert launch(tool, platform, "ben").status_code == 303  # a learner before any class exists
    response = launch(tool, platform, "mia")
    assert response.status_code == 303
    path, _, query = response.headers["location"].partition("?")
    assert path == "/classes"
    class_id = int(parse_qs(query)["class"][0])
    mia = store.accounts.get(store.sessions.started[-1][0])
    assert mia.role is Role.INSTRUCTOR
    cohort = store.accounts.cohort(mia, class_id)
    assert cohort.name == "Massage 101" and cohort.instructor_id == mia.id and not cohort.enrolment_open
    assert [u.username for u in store.accounts.cohort_learners(mia, class_id)] == ["ben"]  # joined once the class was made
    launch(tool, platform, "ana")
    assert sorted(u.username for u in store.accounts.cohort_learners(mia, class_id)) == ["ana", "ben"]


def test_a_launch_in_a_new_window_sets_a_lax_cookie(tool, platform) -> None:
    from tests.lti.platform import LTI

    response = launch(tool, platform, "ana", **{LTI + "launch_presentation": {"document_target": "window"}})
    cookie = session_cookie(response)
    assert "SameSite=lax" in cookie and "Partitioned" not in cookie


def test_an_email_never_links_an_existing_account(tool, platform, store) -> None:
    local = store.accounts.create("ana", None, role=Role.INSTRUCTOR, now=NOW, email="ana@school.example")
    launch(tool, platform, "ana")
    [(user_id, _)] = store.sessions.started
    assert user_id != local.id
    assert store.accounts.get(user_id).username == "ana-2" and store.accounts.get(user_id).role is Role.LEARNER


def _refused(response, status: int, title: str, words: str) -> None:
    assert response.status_code == status, response.text
    assert f"<h1>{title}</h1>" in response.text
    assert words in response.text
    assert "learning_session" not in response.headers.get("set-cookie", "")


OTHER_KEY = RSAKey.generate_key(2048, private=True, parameters={"kid": "platform-key-1"})


@pytest.mark.parametrize(
    ("changes", "status", "title", "words"),
    [
        ({"key": OTHER_KEY}, 401, "The launch&#x27;s signature is not the LMS&#x27;s", "not signed by the platform"),
        ({"aud": "another-tool"}, 401, "The launch is meant for another tool", "this tool&#x27;s client id is &#x27;tool-client-1&#x27;"),
        ({"aud": ["another-tool", "tool-client-1"], "azp": "another-tool"}, 401, "The launch is meant for another tool", "azp"),
        ({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 3900}, 401, "The launch has expired", "signed it too long ago"),
        ({"nonce": "a-nonce-of-another-login"}, 401, "The launch was already used", "one-time nonce"),
        (
            {"https://purl.imsglobal.org/spec/lti/claim/deployment_id": "deployment-9"},
            401,
            "This deployment of the tool is not registered",
            "&#x27;deployment-9&#x27; is not registered",
        ),
        ({"iss": "https://evil.example"}, 401, "The launch comes from the wrong LMS", "https://evil.example"),
        ({"header": {"kid": "unknown-key"}}, 401, "The launch&#x27;s signing key is unknown", "unknown-key"),
        ({"header": {"alg": "HS256"}, "key": "a-shared-secret-of-32-bytes-at-least!!"}, 401, "The launch is signed the wrong way", "RS256"),
        ({"drop": ["sub"]}, 400, "The launch was refused", "anonymous launches are not supported"),
    ],
    ids=[
        "bad-signature",
        "wrong-audience",
        "wrong-azp",
        "expired",
        "wrong-nonce",
        "unknown-deployment",
        "wrong-issuer",
        "unknown-kid",
        "hs256",
        "no-sub",
    ],
)
def test_an_untrustworthy_launch_is_refused_with_a_clear_page(tool, platform, store, changes, status, title, words) -> None:
    if changes.get("header", {}).get("alg") == "HS256":
        from joserfc.jwk import OctKey

        changes["key"] = OctKey.import_key(changes["key"])
    _refused(launch(tool, platform, "ana", **changes), status, title, words)
    assert store.sessions.started == []


def test_a_replayed_launch_is_refused(tool, platform, store) -> None:
    form = platform.authenticate(login(tool, platform, "ana"))
    assert tool.post("/lti/launch", data=form, follow_redirects=False).status_code == 303
    again = tool.post("/lti/launch", data=form, follow_redirects=False)
    _refused(again, 401, "The launch was already used", "its nonce was seen before")
    assert len(store.sessions.started) == 1


def test_a_launch_this_browser_did_not_start_is_refused_and_offers_a_new_window(tool, platform, store) -> None:
    form = platform.authenticate(login(tool, platform, "ana"))
    tool.cookies.clear()  # another browser, or one that blocked the state cookie in the frame
    response = tool.post("/lti/launch", data=form, follow_redirects=False)
    _refused(response, 401, "This browser did not start this launch", "state does not match")
    assert 'href="/lti/login?iss=' in response.text and 'target="_blank"' in response.text
    assert store.sessions.started == []


def test_an_unknown_state_and_an_unregistered_platform_are_refused(tool, platform) -> None:
    response = tool.post("/lti/launch", data={"id_token": "a.b.c", "state": "made-up"}, follow_redirects=False)
    _refused(response, 401, "This browser did not start this launch", "state is unknown")
    response = tool.get("/lti/login", params={"iss": "https://nobody.example", "login_hint": "x", "target_link_uri": TOOL})
    _refused(response, 401, "This LMS is not registered", "lti add-platform")
    _refused(tool.post("/lti/launch", data={}), 400, "This is not an LTI launch", "no id_token")


def test_a_platform_that_cannot_serve_its_keys_gets_a_page_not_an_error(tool, platform) -> None:
    url = login(tool, platform, "ana")
    platform.down = True
    response = tool.post("/lti/launch", data=platform.authenticate(url), follow_redirects=False)
    _refused(response, 502, "The LMS&#x27;s keys could not be fetched", "answered 503")


def test_a_person_without_a_known_role_is_not_seated(tool, platform, store) -> None:
    platform.people["ana"]["roles"] = ["http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"]
    _refused(launch(tool, platform, "ana"), 403, "The module cannot tell your role", "no learner or instructor role")
    platform.people["ana"]["roles"] = [INSTRUCTOR, LEARNER]
    assert urlsplit(launch(tool, platform, "ana").headers["location"]).path == "/classes"


def test_the_tool_publishes_its_key_and_configuration(tool, settings) -> None:
    keys = tool.get("/lti/jwks").json()["keys"]
    assert [(k["kty"], k["alg"], k["use"]) for k in keys] == [("RSA", "RS256", "sig")]
    assert "d" not in keys[0] and keys[0]["kid"]
    assert settings.lti_key_file().stat().st_mode & 0o777 == 0o600
    config = tool.get("/lti/config.json").json()
    assert config["oidc_initiation_url"] == f"{TOOL}/lti/login"
    assert config["target_link_uri"] == f"{TOOL}/lti/launch"
    assert config["public_jwk_url"] == f"{TOOL}/lti/jwks"
    assert "https://purl.imsglobal.org/spec/lti-ags/scope/score" in config["scopes"]
