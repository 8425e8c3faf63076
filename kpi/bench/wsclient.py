"""A small client of Streamlit's own protocol, for many sessions at once without a browser.

What the browser does for a page view, over the session's websocket:

1. ``GET /`` (through nginx: that is where the ``tpbis_srv`` sticky cookie is set), keeping
   the cookies the way a browser does;
2. open ``ws://HOST/_stcore/stream`` (subprotocol ``streamlit``, the cookies, an Origin of the
   same host, as the browser sends them);
3. send a ``BackMsg`` whose ``rerun_script`` is a ``ClientState`` naming the page
   (``page_name``: the page's URL path, "" for the default page) and the query string;
4. read ``ForwardMsg``s: a run starts with ``new_session`` and ends with ``script_finished``;
   ``FINISHED_EARLY_FOR_RERUN`` means the app reran itself (another run follows), the view
   ends at ``FINISHED_SUCCESSFULLY`` of the run its ``new_session`` started (both carry the
   run's id; a fragment's own finish does not end it). An element ``exception`` (a
   traceback), an ``alert`` of format ERROR (``st.error``), ``page_not_found``, a compile
   error, a closed socket or a timeout count as the view's errors.

A view's time runs from sending the BackMsg until its run has finished on the server and
reached the client (nothing drawn: what a browser adds is in ``python -m kpi bench browser``).
Streamlit imports are only its generated protobuf modules; websockets is a test requirement.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import time
import urllib.request
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from websockets.asyncio.client import ClientConnection

VIEW_TIMEOUT = 60.0  # s: a view that has not finished by then is an error


@dataclass
class View:
    """One page view: which page, how long, and what went wrong (empty: nothing)."""

    page: str
    seconds: float
    errors: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)  # headings, markdown, choices, metrics

    @property
    def ok(self) -> bool:
        return not self.errors


def _cookies_of(base_url: str, jar: dict[str, str], timeout: float = 30.0) -> None:
    """GET the page as a browser does first, keeping its cookies (the sticky one above all)."""
    request = urllib.request.Request(base_url)
    if jar:
        request.add_header("Cookie", "; ".join(f"{k}={v}" for k, v in jar.items()))
    with urllib.request.urlopen(request, timeout=timeout) as response:  # loopback only
        response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            parsed: SimpleCookie = SimpleCookie()
            parsed.load(header)
            for key, morsel in parsed.items():
                jar[key] = morsel.value


class Session:
    """One Streamlit session: ``await open()``, ``await view(page)`` as often as wanted,
    ``await close()``. ``cookies`` may be given to continue as a returning browser."""

    def __init__(self, base_url: str, cookies: dict[str, str] | None = None) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.cookies: dict[str, str] = dict(cookies or {})
        self._ws: ClientConnection | None = None

    async def open(self) -> None:
        from websockets.asyncio.client import connect

        await asyncio.to_thread(_cookies_of, self.base_url, self.cookies)
        parts = urlsplit(self.base_url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        headers = {"Origin": f"{parts.scheme}://{parts.netloc}"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self._ws = await connect(
            f"{scheme}://{parts.netloc}{parts.path}_stcore/stream",
            subprotocols=["streamlit"],  # type: ignore[list-item]
            additional_headers=headers,
            max_size=None,
            open_timeout=30,
            ping_interval=None,
        )

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()
            self._ws = None

    async def view(self, page: str = "", query: str = "", timeout: float = VIEW_TIMEOUT) -> View:
        """Run the app for ``page`` (its URL path) and wait for the run's end."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        ws = self._ws
        if ws is None:
            raise RuntimeError("Session.open() first")
        msg = BackMsg()
        msg.rerun_script.query_string = query
        msg.rerun_script.page_name = page
        t0 = time.perf_counter()
        result = View(page=page, seconds=0.0)
        try:
            await ws.send(msg.SerializeToString())
            await asyncio.wait_for(self._until_finished(result), timeout)
        except TimeoutError:
            result.errors.append(f"timeout after {timeout:.0f} s")
        except Exception as exc:  # a closed socket, a server gone: the view failed
            result.errors.append(f"{type(exc).__name__}: {exc}")
        result.seconds = time.perf_counter() - t0
        return result

    async def _until_finished(self, result: View) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        ws = self._ws
        assert ws is not None
        started = False
        run_id = ""  # the run this view waits for (Streamlit tags its lifecycle messages)
        while True:
            data = await ws.recv()
            fwd = ForwardMsg()
            fwd.ParseFromString(data)
            kind = fwd.WhichOneof("type")
            if kind == "new_session":
                started = True
                run_id = fwd.metadata.run.script_run_id
            elif kind == "delta" and started:
                read_element(fwd, result)
            elif kind == "page_not_found":
                result.errors.append(f"page not found: {fwd.page_not_found.page_name!r}")
            elif kind == "script_finished" and started:
                status = ForwardMsg.ScriptFinishedStatus.Name(fwd.script_finished)
                finished = fwd.metadata.run.script_run_id
                if run_id and finished and finished != run_id:
                    continue  # the end of another run (one retained from before this one)
                if status == "FINISHED_EARLY_FOR_RERUN":
                    started = False  # the app reran itself: wait for the next run
                    continue
                if status == "FINISHED_FRAGMENT_RUN_SUCCESSFULLY":
                    continue  # a fragment's own run: the page's run goes on
                if status == "FINISHED_WITH_COMPILE_ERROR":
                    result.errors.append("compile error")
                return


def read_element(fwd: object, result: View) -> None:
    """An element of a delta: errors and tracebacks go to ``errors``, texts to ``texts``."""
    delta = fwd.delta  # type: ignore[attr-defined]
    if delta.WhichOneof("type") != "new_element":
        return
    element = delta.new_element
    kind = element.WhichOneof("type")
    if kind == "exception":
        result.errors.append(f"exception: {element.exception.type}: {element.exception.message}")
    elif kind == "alert" and element.alert.format == 1:  # Alert.Format.ERROR
        result.errors.append(f"st.error: {element.alert.body}")
    elif kind == "heading":
        result.texts.append(element.heading.body)
    elif kind == "markdown":
        result.texts.append(element.markdown.body)
    elif kind == "selectbox":  # its choices (the import history's batches, for one)
        result.texts.extend(element.selectbox.options)
    elif kind == "metric":  # a figure, as "label: value"
        result.texts.append(f"{element.metric.label}: {element.metric.body}")


async def session_views(
    base_url: str, pages: Sequence[str], *, query: str = "", repeat: int = 1
) -> list[View]:
    """A new session that views each page in turn, ``repeat`` rounds; opening failures are
    a failed view of the first page."""
    session = Session(base_url)
    t0 = time.perf_counter()
    try:
        await session.open()
    except Exception as exc:
        return [View(page=pages[0], seconds=time.perf_counter() - t0, errors=[repr(exc)])]
    views = []
    try:
        for _ in range(repeat):
            for page in pages:
                views.append(await session.view(page, query))
    finally:
        with contextlib.suppress(Exception):  # the server went away: nothing to close
            await session.close()
    return views


async def many_sessions(
    base_url: str, count: int, pages: Sequence[str], *, query: str = "", repeat: int = 1
) -> list[View]:
    """``count`` sessions at once, each viewing ``pages`` (rotated so the sessions do not all
    ask for the same page at the same moment when there are several)."""

    def rotated(i: int) -> list[str]:
        k = i % len(pages)
        return [*pages[k:], *pages[:k]]

    runs = await asyncio.gather(
        *(session_views(base_url, rotated(i), query=query, repeat=repeat) for i in range(count))
    )
    return [view for views in runs for view in views]


async def until_shown(session: Session, page: str, text: str, limit: float) -> float:
    """Seconds until a view of ``page`` shows ``text`` (its views must not fail); raises
    TimeoutError after ``limit`` seconds."""
    t0 = time.perf_counter()
    while True:
        view = await session.view(page)
        if view.errors:
            raise RuntimeError(f"{page!r}: {view.errors}")
        if any(text in t for t in view.texts):
            return time.perf_counter() - t0
        if time.perf_counter() - t0 > limit:
            raise TimeoutError(f"{text!r} not shown on {page!r} after {limit} s")
        await asyncio.sleep(0.1)


T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(coro)`` in a thread of its own, so that it also works where this thread
    already runs an event loop (Playwright's sync API leaves one running in a test process)."""
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="wsclient") as pool:
        return pool.submit(asyncio.run, coro).result()
