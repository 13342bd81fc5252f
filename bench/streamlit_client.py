"""A Streamlit client without a browser: Streamlit's own websocket protocol, for load tests.

A browser talks to a Streamlit server over one websocket, ``/_stcore/stream``, in protobuf
messages (``streamlit.proto``):

- the browser sends ``BackMsg``; the one that matters here is ``rerun_script``, a
  ``ClientState`` holding the page (``page_script_hash``, or ``page_name``, the address's path),
  the address's query string, the widgets' values (``WidgetStates``) and, when the widget clicked
  lives in an ``st.fragment``, that fragment's id, so only the fragment runs again;
- the server answers every run with ``ForwardMsg``: ``new_session`` when the run starts (it names
  the page), a ``delta`` for each element drawn (an ``Element`` at a ``delta_path``, tagged with
  its fragment's id), ``navigation`` naming the page shown (with ``st.navigation``),
  ``page_info_changed`` when the query string changes, and ``script_finished``
  when the run ends (or stops early because the script asked to run again: then another run
  follows).

:class:`Session` keeps what a browser keeps (the page and query string to send back, and the
elements of the last run, as a :class:`Page`) and offers what a person does: open an address,
fill widgets and press a button, each returning the page once the server has finished its run.
Widgets are found by kind and label in the page, as a person finds them, and their ids come from
the elements the server sent. A browser first fetches ``/_stcore/health`` and
``/_stcore/host-config``; the server needs neither before the websocket (Streamlit 1.67). The
subprotocol header carries "streamlit" only: no XSRF token
(only needed for Streamlit's own sign-in cookie) and no earlier session id to resume.

Left out on purpose: the message cache (a browser reports the hashes of large elements it holds
and the server then sends only a reference; this client holds none, so every element comes
whole), heartbeats (the websockets library pings) and anything a script may ask the browser to
do by itself (``auto_rerun``).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState

FINISHED = ForwardMsg.ScriptFinishedStatus
DONE = {FINISHED.FINISHED_SUCCESSFULLY, FINISHED.FINISHED_FRAGMENT_RUN_SUCCESSFULLY, FINISHED.FINISHED_WITH_COMPILE_ERROR}
"""A run chain is over (a run that stopped early for a rerun is followed by another)."""

TEXT_FIELDS = ("alert", "markdown", "heading", "text", "caption", "exception")


class ProtocolError(Exception):
    """The server closed the connection, did not finish a run in time, or drew no such widget."""


@dataclass(frozen=True, eq=False)
class Shown:
    """One element the server drew: where, what, and in which fragment (``""``: none)."""

    path: tuple[int, ...]
    element: Element
    fragment_id: str
    at: float
    """When it arrived (``time.perf_counter()``)."""

    @property
    def kind(self) -> str:
        """The element's type, as in ``Element``: ``button``, ``radio``, ``alert``, ``markdown``..."""
        return self.element.WhichOneof("type") or ""

    @property
    def proto(self) -> Any:
        return getattr(self.element, self.kind)

    @property
    def label(self) -> str:
        return str(getattr(self.proto, "label", ""))

    @property
    def text(self) -> str:
        """The words shown: an alert's or Markdown's body, a heading, an exception's message."""
        proto = self.proto
        if self.kind == "exception":
            return f"{proto.type}: {proto.message}"
        return str(getattr(proto, "body", "")) if self.kind in TEXT_FIELDS else ""

    @property
    def widget_id(self) -> str:
        return str(getattr(self.proto, "id", ""))

    @property
    def form_id(self) -> str:
        return str(getattr(self.proto, "form_id", ""))


@dataclass
class Page:
    """The elements of the last run, in the order they were first drawn (a later delta at the same
    path replaces the earlier one, as in the browser)."""

    elements: dict[tuple[int, ...], Shown] = field(default_factory=dict)

    def add(self, shown: Shown) -> None:
        self.elements[shown.path] = shown

    def all(self, kind: str | None = None, *, form_id: str | None = None) -> list[Shown]:
        return [
            shown
            for shown in self.elements.values()
            if (kind is None or shown.kind == kind) and (form_id is None or shown.form_id == form_id)
        ]

    def find(self, kind: str, label: str) -> Shown | None:
        """The first element of ``kind`` whose label is ``label``, or None."""
        return next((shown for shown in self.all(kind) if shown.label == label), None)

    def get(self, kind: str, label: str) -> Shown:
        found = self.find(kind, label)
        if found is None:
            raise ProtocolError(f"no {kind} labelled {label!r} on the page; it shows: {self.summary()}")
        return found

    def texts(self) -> list[str]:
        return [shown.text for shown in self.elements.values() if shown.text]

    def summary(self, limit: int = 300) -> str:
        words = " | ".join([*(f"[{s.kind}] {s.label}" for s in self.elements.values() if s.label), *self.texts()])
        return words[:limit]


@dataclass(frozen=True)
class Run:
    """One request and the run chain it caused."""

    page: Page
    sent: float
    finished: float
    status: int

    @property
    def seconds(self) -> float:
        return self.finished - self.sent


def widget_state(shown: Shown, value: Any) -> WidgetState:
    """The ``WidgetState`` a browser sends for ``shown`` holding ``value``: a button's click
    (``True``), a radio's or select's option as shown, a box ticked, text typed or a number."""
    state = WidgetState(id=shown.widget_id)
    if shown.kind == "button":
        state.trigger_value = bool(value)
    elif shown.kind in ("radio", "selectbox", "text_input", "text_area"):
        state.string_value = str(value)
    elif shown.kind == "checkbox":
        state.bool_value = bool(value)
    elif shown.kind == "number_input":
        state.double_value = float(value)
    else:
        raise ProtocolError(f"this client cannot fill a {shown.kind}")
    return state


class Session:
    """One browser tab: a websocket to the app and what the tab remembers between runs.

    Use it as ``async with Session(url) as tab:``, then :meth:`open`, :meth:`press` and
    :meth:`submit`; each waits for the server's run to finish and returns it.
    """

    def __init__(self, url: str, *, timeout: float = 60.0) -> None:
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.page = Page()
        self.page_script_hash = ""
        self.query_string = ""
        self._socket: Any = None
        self._reader: asyncio.Task[None] | None = None
        self._finished: asyncio.Future[int] | None = None
        self._closed: BaseException | None = None
        self.received = 0
        """Bytes of ``ForwardMsg`` received so far."""

    async def __aenter__(self) -> Session:
        address = self.url.replace("http://", "ws://", 1).replace("https://", "wss://", 1) + "/_stcore/stream"
        self._socket = await websockets.connect(address, subprotocols=["streamlit"], max_size=None, open_timeout=self.timeout)  # type: ignore[list-item]
        self._reader = asyncio.create_task(self._read())
        return self

    async def __aexit__(self, *_: object) -> None:
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            self._reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._reader
        if self._finished is not None and self._finished.done() and not self._finished.cancelled():
            self._finished.exception()  # retrieved: a run cut short by a closed connection is reported by rerun

    # --- what a person does -----------------------------------------------------------------

    async def open(self, page_name: str = "", query_string: str = "") -> Run:
        """Load an address of the app, as typing it in the address bar (``quiz?quiz=ID``)."""
        self.page_script_hash, self.query_string = "", query_string
        return await self.rerun(page_name=page_name)

    async def press(self, button: Shown) -> Run:
        """Click a button (outside a form)."""
        return await self.rerun([widget_state(button, True)], fragment_id=button.fragment_id)

    async def submit(self, values: Mapping[Shown, Any] | Iterable[tuple[Shown, Any]], button: Shown) -> Run:
        """Fill a form's widgets and press its submit button: one run, as in the browser."""
        pairs = values.items() if isinstance(values, Mapping) else values
        states = [widget_state(shown, value) for shown, value in pairs]
        return await self.rerun([*states, widget_state(button, True)], fragment_id=button.fragment_id)

    # --- the protocol -------------------------------------------------------------------------

    async def rerun(self, widgets: Iterable[WidgetState] = (), *, fragment_id: str = "", page_name: str = "") -> Run:
        """Send ``rerun_script`` with the tab's page and query string, and wait for the run to finish."""
        if self._closed is not None:
            raise ProtocolError(f"the connection is closed: {self._closed}")
        state = ClientState(
            query_string=self.query_string,
            page_script_hash=self.page_script_hash,
            page_name=page_name,
            fragment_id=fragment_id,
        )
        state.widget_states.widgets.extend(widgets)
        state.context_info.timezone = "UTC"
        state.context_info.locale = "en-US"
        message = BackMsg(rerun_script=state)
        self._finished = asyncio.get_running_loop().create_future()
        sent = time.perf_counter()
        await self._socket.send(message.SerializeToString())
        try:
            status = await asyncio.wait_for(asyncio.shield(self._finished), self.timeout)
        except TimeoutError:
            raise ProtocolError(f"no end of the run within {self.timeout:g} s") from None
        return Run(page=self.page, sent=sent, finished=time.perf_counter(), status=status)

    async def _read(self) -> None:
        try:
            async for data in self._socket:
                self.received += len(data)
                self._receive(ForwardMsg.FromString(data), time.perf_counter())
        except Exception as error:  # a dropped connection ends every wait with this error
            self._closed = error
        else:
            self._closed = ProtocolError("the server closed the connection")
        if self._finished is not None and not self._finished.done():
            self._finished.set_exception(ProtocolError(f"the connection closed: {self._closed}"))

    def _receive(self, message: ForwardMsg, at: float) -> None:
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self.page = Page()  # a run (or a fragment's run) draws its elements again
            self.page_script_hash = message.new_session.page_script_hash
        elif kind == "navigation":  # with st.navigation, the page shown is named here
            self.page_script_hash = message.navigation.page_script_hash
        elif kind == "page_info_changed":
            self.query_string = message.page_info_changed.query_string
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            path = tuple(message.metadata.delta_path)
            self.page.add(Shown(path, message.delta.new_element, message.delta.fragment_id, at))
        elif kind == "script_finished" and message.script_finished in DONE and self._finished and not self._finished.done():
            self._finished.set_result(message.script_finished)
