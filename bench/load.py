"""Many learners at once on real app servers: time from "Check" to feedback, answers a second, CPU.

    python bench/load.py                                    # every target at 10, 25, 50 and 100 learners
    python bench/load.py --targets sqlite --levels 10,25    # a quick run
    python bench/load.py --database-url postgresql+psycopg://user:pw@127.0.0.1:5432/scratch   # (wiped!)

Each simulated learner is a browser tab without a browser: it speaks Streamlit's own websocket
protocol (``bench/streamlit_client.py``), so one machine drives many. It signs in to an account
made beforehand, opens a practice quiz of 20 questions drawn from the whole practice pool, presses
Start, then for each question waits a think time (1 to 3 s, seeded), fills in an answer (a radio,
boxes, selects, text or a number, whichever the question shows), presses Check and times how
long the feedback ("Correct.", "Partly right", "Not quite.") takes to arrive, then presses Next;
after the last one, "Finish and see results". Sign-ins are spread out (``--ramp`` seconds apart:
a password check costs about 0.3 s of one core, by design); the answering starts for everyone
together once all have signed in, so the learners of a level are really at it at once.

Targets, each on a fresh database and started by this script with ``streamlit run``:
``sqlite`` (one server on a SQLite file), ``postgres`` (one server on PostgreSQL) and ``two`` (two
servers on one PostgreSQL database behind an nginx this script starts with its own configuration,
websocket upgrade on ``/_stcore/stream``, connections shared out in turn). Every target runs one
learner alone first: the baseline.

Prints a table: answers, answers a second, p50/p95/slowest time to feedback, errors, the CPU the
app servers, the PostgreSQL backends and this client used (100% = one core) and how busy the whole
machine was (other work on it skews everything); then whether the database holds every answer
exactly once, and the goal "50 learners on two servers: no error, p95 at most twice one learner's".
It is not a pass/fail test.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script from anywhere

import psutil
from sqlalchemy import create_engine, text

import learning.store.accounts as accounts
from bench.streamlit_client import ProtocolError, Run, Session, Shown
from learning import load_course
from learning.settings import PROJECT_ROOT
from learning.store import Role, Store

PASSWORD = "a long enough password"
QUIZ_ID = "load-practice"
FEEDBACK = ("**Correct.**", "**Partly right", "**Not quite.**")
"""How the quiz screen's feedback alert starts (``widgets.show_grade``)."""
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
TARGETS = ("sqlite", "postgres", "two")
GOAL_LEARNERS, GOAL_RATIO = 50, 2.0


# --- the course, the accounts, the servers -------------------------------------------------------


def prepare_course(folder: Path, *, questions: int) -> Path:
    """A copy of the shipped bank with one more quiz: ``questions`` drawn from the whole practice
    pool, feedback after each. Returns the bank folder (the lessons stay the shipped ones)."""
    bank = folder / "quiz_bank"
    shutil.copytree(PROJECT_ROOT / "quiz_bank", bank)
    spec = {"id": QUIZ_ID, "title": "Load test practice", "question_count": questions}
    (bank / "quizzes" / f"{QUIZ_ID}.json").write_text(json.dumps(spec, indent=2) + "\n")
    return bank


def create_learners(url: str, bank: Path, names: Sequence[str]) -> None:
    """Bring the schema up to date and make the learner accounts, all with one password.

    Passwords are hashed once here (every account gets the same argon2 hash), so making 200
    accounts takes a second, not a minute; checking a password at sign-in costs the real price.
    """
    course = load_course(lessons_dir=PROJECT_ROOT / "lessons", bank_dir=bank)
    store = Store.open(url, course=lambda: course)
    hashing = accounts.hash_password
    accounts.hash_password = functools.cache(hashing)
    try:
        now = datetime.now(UTC)
        for name in names:
            store.accounts.create(name, PASSWORD, role=Role.LEARNER, now=now)
    finally:
        accounts.hash_password = hashing
        store.close()


def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def wait_healthy(url: str, process: subprocess.Popen[bytes], log: Path, *, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(OSError), urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as reply:
            if reply.status == 200:
                return
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{url} did not start: {log.read_text()[-2000:]}")
        time.sleep(0.3)


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextlib.contextmanager
def app_server(port: int, *, database_url: str, bank: Path, folder: Path, options: Sequence[str] = ()) -> Iterator[subprocess.Popen[bytes]]:
    """``streamlit run streamlit_app.py`` on ``port``, as a school runs it (the project's own
    ``.streamlit/config.toml``, no file watcher) and any ``options`` (``runner.postScriptGC=false``);
    stopped on leaving."""
    log = folder / f"streamlit-{port}.log"
    env = {**os.environ, "LEARNING_DATABASE_URL": database_url, "LEARNING_BANK_DIR": str(bank), "PYTHONPATH": str(PROJECT_ROOT)}
    command = [sys.executable, "-m", "streamlit", "run", "streamlit_app.py", "--server.headless", "true", "--server.port", str(port)]
    with log.open("w") as output:
        process = subprocess.Popen(
            [*command, "--server.fileWatcherType", "none", *(f"--{option}" for option in options)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_healthy(f"http://127.0.0.1:{port}", process, log)
            yield process
        finally:
            stop(process)


NGINX_CONF = """\
worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    upstream app {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        location /_stcore/stream {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
        }}
        location / {{
            proxy_pass http://app;
            proxy_http_version 1.1;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
        }}
    }}
}}
"""


@contextlib.contextmanager
def nginx(port: int, upstreams: Sequence[int], *, folder: Path) -> Iterator[subprocess.Popen[bytes]]:
    """An nginx of our own in front of ``upstreams`` (round robin: each websocket stays on the
    server it reached), listening on ``port``; its files in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o777)  # its workers run as an unprivileged user
    servers = "\n".join(f"        server 127.0.0.1:{upstream};" for upstream in upstreams)
    conf = folder / "nginx.conf"
    conf.write_text(NGINX_CONF.format(folder=folder, servers=servers, port=port))
    log = folder / "nginx-error.log"
    process = subprocess.Popen([NGINX, "-p", str(folder), "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        log.touch()
        wait_healthy(f"http://127.0.0.1:{port}", process, log, timeout=20)
        yield process
    finally:
        stop(process)


# --- one learner ----------------------------------------------------------------------------------


@dataclass
class Learner:
    """What one simulated learner did and saw."""

    name: str
    signed_in: float | None = None
    feedback: list[float] = field(default_factory=list)
    """Seconds from pressing Check to the feedback element's arrival, one per answer."""
    run_done: list[float] = field(default_factory=list)
    """Seconds from pressing Check to the end of that run (``script_finished``)."""
    sign_in_tries: int = 0
    sent: int = 0
    acknowledged: int = 0
    finished: bool = False
    received: int = 0
    """Bytes the server sent this learner while answering."""
    errors: list[str] = field(default_factory=list)


def fill(inputs: Sequence[Shown], rng: random.Random) -> list[tuple[Shown, object]]:
    """An answer for whatever the question shows, as a person would enter it: one option of a
    radio, at least one box, a different item in each select where there are enough (ordering
    needs that), a word or a number."""
    values: list[tuple[Shown, object]] = []
    boxes = [shown for shown in inputs if shown.kind == "checkbox"]
    ticked = set(rng.sample(range(len(boxes)), rng.randint(1, len(boxes)))) if boxes else set()
    values += [(box, n in ticked) for n, box in enumerate(boxes)]
    selects = [shown for shown in inputs if shown.kind == "selectbox"]
    if selects:
        options = list(selects[0].proto.options)
        picks = rng.sample(options, len(selects)) if len(selects) <= len(options) else [rng.choice(options) for _ in selects]
        values += list(zip(selects, picks, strict=True))
    for shown in inputs:
        if shown.kind == "radio":
            values.append((shown, rng.choice(list(shown.proto.options))))
        elif shown.kind == "text_input":
            values.append((shown, rng.choice(["deep transverse friction", "friction", "effleurage"])))
        elif shown.kind == "number_input":
            values.append((shown, rng.choice([500, 450, 120])))
    return values


async def sign_in(tab: Session, learner: Learner) -> None:
    """Open the app and sign in with the form; told to try again in a moment (every
    password-checking slot of the server busy), wait 2 s and try again, as a person would."""
    started = time.perf_counter()
    page = (await tab.open()).page
    for _ in range(5):
        learner.sign_in_tries += 1
        run = await tab.submit(
            [(page.get("text_input", "Username"), learner.name), (page.get("text_input", "Password"), PASSWORD)],
            page.get("button", "Sign in"),
        )
        page = run.page
        if page.find("text_input", "Username") is None:
            learner.signed_in = time.perf_counter() - started
            return
        await asyncio.sleep(2)
    raise ProtocolError(f"still not signed in after 5 tries: {page.summary()}")


async def answer_all(tab: Session, learner: Learner, run: Run, *, answers: int, think: tuple[float, float], rng: random.Random) -> None:
    for number in range(answers):
        check = run.page.get("button", "Check")
        inputs = [shown for shown in run.page.all(form_id=check.form_id) if shown.kind != "button"]
        await asyncio.sleep(rng.uniform(*think))
        learner.sent += 1
        run = await tab.submit(fill(inputs, rng), check)
        feedback = next((s for s in run.page.all("alert") if s.text.startswith(FEEDBACK)), None)
        if feedback is None:
            raise ProtocolError(f"no feedback after answer {number + 1}: {run.page.summary()}")
        learner.acknowledged += 1
        learner.feedback.append(feedback.at - run.sent)
        learner.run_done.append(run.seconds)
        last = number == answers - 1
        run = await tab.press(run.page.get("button", "Finish and see results" if last else "Next"))
    if not any(words.startswith("Results:") for words in run.page.texts()):
        raise ProtocolError(f"no results page after the last answer: {run.page.summary()}")
    learner.finished = True


async def learner_session(
    url: str,
    learner: Learner,
    *,
    delay: float,
    go: asyncio.Event,
    ready: asyncio.Queue[str],
    answers: int,
    think: tuple[float, float],
    seed: str,
) -> None:
    """Sign in after ``delay``, open the quiz and start it, say so on ``ready``, wait for ``go``,
    then answer; any failure is recorded as the learner's error and ends it."""
    await asyncio.sleep(delay)
    said_ready = False
    try:
        async with Session(url) as tab:
            await sign_in(tab, learner)
            run = await tab.open("quiz", f"quiz={QUIZ_ID}")
            run = await tab.press(run.page.get("button", "Start"))
            await ready.put(learner.name)
            said_ready = True
            await go.wait()
            before = tab.received
            try:
                await answer_all(tab, learner, run, answers=answers, think=think, rng=random.Random(f"{seed}-{learner.name}"))
            finally:
                learner.received = tab.received - before
    except Exception as error:  # a protocol error, a refused or dropped connection, a timeout
        learner.errors.append(f"{type(error).__name__}: {error}"[:300])
    finally:
        if not said_ready:
            await ready.put(learner.name)


# --- one level --------------------------------------------------------------------------------------


@dataclass
class Usage:
    """CPU seconds used by a set of processes, measured from a start snapshot."""

    start: dict[int, float]

    @staticmethod
    def cpu(pid: int) -> float | None:
        with contextlib.suppress(psutil.Error):
            times = psutil.Process(pid).cpu_times()
            return times.user + times.system
        return None

    @classmethod
    def begin(cls, pids: Sequence[int]) -> Usage:
        return cls({pid: cls.cpu(pid) or 0.0 for pid in pids})

    def used(self, pids: Sequence[int]) -> float:
        """CPU seconds ``pids`` used since the start; a process that appeared since counts in full."""
        return sum(max(0.0, (self.cpu(pid) or 0.0) - self.start.get(pid, 0.0)) for pid in set(pids))


def resident(pid: int) -> float:
    """Resident memory of ``pid`` in megabytes."""
    with contextlib.suppress(psutil.Error):
        return float(psutil.Process(pid).memory_info().rss / 1e6)
    return float("nan")


def postgres_backends(url: str | None) -> list[int]:
    """The process ids of the PostgreSQL backends serving ``url``'s database (none for SQLite)."""
    if not url or not url.startswith("postgresql"):
        return []
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")
            )
            return [row[0] for row in rows]
    finally:
        engine.dispose()


@dataclass
class Level:
    """One level's learners and what the machine did meanwhile (over the answering only)."""

    target: str
    learners: list[Learner]
    seconds: float
    server_cpu: list[float]
    """Percent of one core, each app server."""
    database_cpu: float | None
    """Percent of one core, the PostgreSQL backends of the database (None on SQLite). A lower
    bound: a connection the pool closes during the level takes its CPU figures with it."""
    client_cpu: float
    machine_cpu: float
    server_memory: list[float]
    """Resident megabytes, each app server, at the end."""
    check: str = ""

    @property
    def feedback(self) -> list[float]:
        return sorted(t for learner in self.learners for t in learner.feedback)

    @property
    def answers(self) -> int:
        return sum(learner.acknowledged for learner in self.learners)

    @property
    def errors(self) -> int:
        return sum(len(learner.errors) for learner in self.learners)

    def p(self, fraction: float) -> float:
        return percentile(self.feedback, fraction)


def percentile(values: Sequence[float], fraction: float) -> float:
    """The value ``fraction`` of the way up the sorted values (nearest rank); NaN when there are none."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


async def drive(
    url: str,
    names: Sequence[str],
    *,
    answers: int,
    think: tuple[float, float],
    ramp: float,
    duration: float,
    seed: str,
    on_go: Callable[[], None] = lambda: None,
) -> tuple[list[Learner], float, float]:
    """Run ``names`` as learners against ``url``: sign-ins ``ramp`` seconds apart, then everyone
    answers at once (``on_go`` is called just before). Returns the learners, and when the
    answering started and ended (``time.perf_counter()``)."""
    learners = [Learner(name) for name in names]
    go, ready = asyncio.Event(), asyncio.Queue[str]()
    tasks = [
        asyncio.create_task(learner_session(url, learner, delay=n * ramp, go=go, ready=ready, answers=answers, think=think, seed=seed))
        for n, learner in enumerate(learners)
    ]
    for _ in learners:
        await ready.get()
    on_go()
    started = time.perf_counter()
    go.set()
    _, late = await asyncio.wait(tasks, timeout=duration)
    for task, learner in zip(tasks, learners, strict=True):
        if task in late:  # past --duration: stopped, and counted as an error
            task.cancel()
            learner.errors.append(f"still answering after --duration {duration:g} s")
    await asyncio.gather(*tasks, return_exceptions=True)
    return learners, started, time.perf_counter()


def run_level(
    target: str,
    url: str,
    names: Sequence[str],
    *,
    servers: Sequence[int],
    database_url: str,
    answers: int,
    think: tuple[float, float],
    ramp: float,
    duration: float,
    seed: str,
) -> Level:
    """One level: drive the learners, measure CPU over the answering, check the database."""
    usage: dict[str, Usage] = {}
    backends: list[int] = []

    def on_go() -> None:
        backends.extend(postgres_backends(database_url))
        usage["servers"] = Usage.begin(servers)
        usage["database"] = Usage.begin(backends)
        usage["client"] = Usage.begin([os.getpid()])
        psutil.cpu_percent()

    learners, started, ended = asyncio.run(
        drive(url, names, answers=answers, think=think, ramp=ramp, duration=duration, seed=seed, on_go=on_go)
    )
    seconds = max(ended - started, 1e-9)
    machine = psutil.cpu_percent()
    if "servers" not in usage:
        raise RuntimeError("the answering never started")
    backends_now = postgres_backends(database_url)
    level = Level(
        target=target,
        learners=learners,
        seconds=seconds,
        server_cpu=[usage["servers"].used([pid]) / seconds * 100 for pid in servers],
        database_cpu=usage["database"].used(backends + backends_now) / seconds * 100 if database_url.startswith("postgresql") else None,
        client_cpu=usage["client"].used([os.getpid()]) / seconds * 100,
        machine_cpu=machine,
        server_memory=[resident(pid) for pid in servers],
    )
    level.check = check_database(database_url, learners)
    return level


def check_database(url: str, learners: Sequence[Learner]) -> str:
    """Whether the database holds every answer the learners saw feedback for, exactly once:
    one attempt each, one row per question, as many rows as feedbacks (a learner whose last
    answer got no feedback may have one more). Returns "ok ..." or what is wrong."""
    engine = create_engine(url)
    names = {learner.name: learner for learner in learners}
    try:
        with engine.connect() as connection:
            rows = connection.execute(
                text(
                    "SELECT u.username, a.id, COUNT(r.id), COUNT(DISTINCT r.question_id) FROM users u "
                    "JOIN attempts a ON a.user_id = u.id LEFT JOIN answers r ON r.attempt_id = a.id "
                    "WHERE a.quiz_id = :quiz GROUP BY u.username, a.id"
                ),
                {"quiz": QUIZ_ID},
            ).all()
    finally:
        engine.dispose()
    problems: list[str] = []
    attempts: dict[str, int] = {}
    stored = 0
    for username, _attempt, count, distinct in rows:
        learner = names.get(username)
        if learner is None:
            continue
        attempts[username] = attempts.get(username, 0) + 1
        stored += count
        if count != distinct:
            problems.append(f"{username}: {count - distinct} answer(s) stored twice")
        if not learner.acknowledged <= count <= learner.sent:
            problems.append(f"{username}: {count} stored, {learner.acknowledged} with feedback, {learner.sent} sent")
    problems += [f"{name}: {n} attempts" for name, n in attempts.items() if n != 1]
    started = [learner for learner in learners if learner.sent]
    problems += [f"{learner.name}: no attempt stored" for learner in started if learner.name not in attempts]
    if problems:
        return "WRONG: " + "; ".join(problems[:5]) + (f" (+{len(problems) - 5})" if len(problems) > 5 else "")
    return f"ok: {stored} answers in {len(attempts)} attempts, each once"


# --- targets and the table ----------------------------------------------------------------------------


@contextlib.contextmanager
def target_servers(
    target: str, *, database_url: str, bank: Path, folder: Path, port: int, options: Sequence[str] = ()
) -> Iterator[tuple[str, list[int]]]:
    """The app servers of ``target`` (and nginx for ``two``): yields the address learners use and
    the servers' process ids."""
    with contextlib.ExitStack() as stack:
        if target == "two":
            first = stack.enter_context(app_server(port + 2, database_url=database_url, bank=bank, folder=folder, options=options))
            second = stack.enter_context(app_server(port + 3, database_url=database_url, bank=bank, folder=folder, options=options))
            stack.enter_context(nginx(port - 1, [port + 2, port + 3], folder=folder / "nginx"))
            yield f"http://127.0.0.1:{port - 1}", [first.pid, second.pid]
        else:
            server_port = port if target == "sqlite" else port + 1
            server = stack.enter_context(app_server(server_port, database_url=database_url, bank=bank, folder=folder, options=options))
            yield f"http://127.0.0.1:{server_port}", [server.pid]


def run_target(target: str, args: argparse.Namespace, folder: Path, bank: Path) -> list[Level]:
    if target == "sqlite":
        database_url = f"sqlite:///{folder / 'load.db'}"
    else:
        database_url = args.database_url
        reset_postgres(database_url)
    sizes = [1, *args.levels]
    names = {size: [f"n{size}-{n:03d}" for n in range(size)] for size in sizes}
    create_learners(database_url, bank, [name for group in names.values() for name in group])
    levels = []
    with target_servers(target, database_url=database_url, bank=bank, folder=folder, port=args.port, options=args.option) as (url, servers):
        for size in sizes:
            level = run_level(
                target,
                url,
                names[size],
                servers=servers,
                database_url=database_url,
                answers=args.answers,
                think=args.think,
                ramp=args.ramp,
                duration=args.duration,
                seed=args.seed,
            )
            levels.append(level)
            print(row(level), flush=True)
    return levels


def _joined(values: Sequence[float]) -> str:
    return "+".join(f"{value:.0f}" for value in values)


COLUMNS: list[tuple[str, Callable[[Level], str]]] = [
    ("target", lambda lv: lv.target),
    ("learners", lambda lv: str(len(lv.learners))),
    ("answers", lambda lv: str(lv.answers)),
    ("ans/s", lambda lv: f"{lv.answers / lv.seconds:.1f}"),
    ("p50 ms", lambda lv: f"{lv.p(0.5) * 1000:.0f}"),
    ("p95 ms", lambda lv: f"{lv.p(0.95) * 1000:.0f}"),
    ("done p95 ms", lambda lv: f"{percentile([t for x in lv.learners for t in x.run_done], 0.95) * 1000:.0f}"),
    ("max ms", lambda lv: f"{max(lv.feedback, default=float('nan')) * 1000:.0f}"),
    ("errors", lambda lv: str(lv.errors)),
    ("server CPU %", lambda lv: _joined(lv.server_cpu)),
    ("db CPU %", lambda lv: f"{lv.database_cpu:.0f}" if lv.database_cpu is not None else "-"),
    ("client %", lambda lv: f"{lv.client_cpu:.0f}"),
    ("machine %", lambda lv: f"{lv.machine_cpu:.0f}"),
    ("CPU ms/ans", lambda lv: f"{sum(lv.server_cpu) * lv.seconds * 10 / max(lv.answers, 1):.0f}"),
    ("kB/ans", lambda lv: f"{sum(learner.received for learner in lv.learners) / max(lv.answers, 1) / 1000:.1f}"),
    ("server MB", lambda lv: _joined(lv.server_memory)),
    ("sign-in p95 s", lambda lv: f"{percentile([x.signed_in for x in lv.learners if x.signed_in is not None], 0.95):.1f}"),
    ("retries", lambda lv: str(sum(max(0, x.sign_in_tries - 1) for x in lv.learners))),
]
"""The table: a title and how to get its value. "done" is the end of the run that showed the
feedback (``script_finished``); retries are sign-ins told to try again in a moment. CPU ms/ans is the app servers' CPU per answer
(its Check and its Next); kB/ans what the server sent a learner per answer."""


def header() -> str:
    return " ".join(f"{title:>{max(len(title), 7)}}" for title, _ in COLUMNS) + "  database"


def row(level: Level) -> str:
    return " ".join(f"{value(level):>{max(len(title), 7)}}" for title, value in COLUMNS) + f"  {level.check}"


def summary(levels: Sequence[Level]) -> None:
    print(
        "\n"
        + textwrap.fill(
            "Time to feedback: from pressing Check to the feedback element's arrival. CPU: 100% is one core, over the answering.", 140
        )
    )
    for level in levels:
        for learner in level.learners:
            for error in learner.errors[:1]:
                print(f"  error ({level.target}, {len(level.learners)} learners) {learner.name}: {error}")
    for level in levels:
        if len(level.learners) == 1:
            print(f"one learner alone on {level.target}: p95 {level.p(0.95) * 1000:.0f} ms (p50 {level.p(0.5) * 1000:.0f} ms)")
    alone = next((lv for lv in levels if lv.target == "two" and len(lv.learners) == 1), None)
    goal = next((lv for lv in levels if lv.target == "two" and len(lv.learners) == GOAL_LEARNERS), None)
    if alone is None or goal is None:
        print(f"goal not checked: it needs the target 'two' at {GOAL_LEARNERS} learners")
        return
    ratio = goal.p(0.95) / alone.p(0.95)
    met = goal.errors == 0 and ratio <= GOAL_RATIO and goal.check.startswith("ok")
    print(
        f"goal, {GOAL_LEARNERS} learners on two servers with no error and p95 <= {GOAL_RATIO:g}x one learner alone: "
        f"{goal.errors} errors, p95 {goal.p(0.95) * 1000:.0f} ms = {ratio:.2f}x {alone.p(0.95) * 1000:.0f} ms: "
        + ("MET" if met else "NOT MET")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--levels", default="10,25,50,100", help="comma-separated numbers of learners at once (one alone always runs first)"
    )
    parser.add_argument("--targets", default=",".join(TARGETS), help="comma-separated: sqlite, postgres, two")
    parser.add_argument("--answers", type=int, default=20, help="questions each learner answers (the quiz's length)")
    parser.add_argument("--think", default="1,3", help="seconds before each answer: uniform between these two")
    parser.add_argument("--ramp", type=float, default=0.4, help="seconds between one learner's sign-in and the next's")
    parser.add_argument(
        "--duration", type=float, default=300, help="longest a level's answering may take; learners still at it are stopped"
    )
    parser.add_argument("--seed", default="1", help="seeds think times and answers")
    parser.add_argument("--port", type=int, default=8631, help="first app server port; nginx listens on the one before")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("LEARNING_LOAD_DATABASE_URL") or os.environ.get("LEARNING_TEST_DATABASE_URL"),
        help="PostgreSQL for the postgres and two targets (WIPED); default LEARNING_LOAD_DATABASE_URL or LEARNING_TEST_DATABASE_URL",
    )
    parser.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a Streamlit option for every app server, such as runner.postScriptGC=false",
    )
    args = parser.parse_args()
    args.levels = [int(n) for n in args.levels.split(",") if n.strip()]
    low, high = (float(n) for n in args.think.split(","))
    args.think = (low, high)
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    unknown = set(targets) - set(TARGETS)
    if unknown:
        parser.error(f"unknown targets: {', '.join(sorted(unknown))}")
    if not args.database_url and set(targets) & {"postgres", "two"}:
        print("(postgres and two skipped: give --database-url or set LEARNING_TEST_DATABASE_URL to a database this may wipe)")
        targets = [t for t in targets if t == "sqlite"]
    print(f"{psutil.cpu_count()} cores; {args.answers} answers a learner, think {low:g}-{high:g} s, sign-ins {args.ramp:g} s apart\n")
    print(header(), flush=True)
    levels: list[Level] = []
    with tempfile.TemporaryDirectory() as temporary:
        bank = prepare_course(Path(temporary), questions=args.answers)
        for target in targets:
            folder = Path(temporary) / target
            folder.mkdir()
            levels += run_target(target, args, folder, bank)
    summary(levels)


if __name__ == "__main__":
    main()
