"""``zhpolicy serve``: the pipeline as an HTTP service (FastAPI on uvicorn).

Endpoints (OpenAPI at ``/openapi.json``, Swagger UI at ``/docs``, ReDoc at ``/redoc``, both
served from the ``fastapi-offline`` package's files, so no page fetches anything from a CDN):

- ``GET /health`` -> ``{"status": "ok", "version", "pipeline": [stage names]}``
- ``POST /v1/records`` with JSON ``{"text": ..., "source": ...}`` -> the record ``zhpolicy run``
  writes for that text read from that source (``pipeline.api.record_of_text``)
- ``POST /v1/records/file``, multipart field ``file`` (``.txt .html .htm .docx .pdf``, optional
  form field ``source``, default the file's name) -> the record of that file

Errors are JSON ``{"error": "one line"}`` (``detail`` added for validation errors): 413 for a
body over ``max_bytes`` (by Content-Length and by the bytes actually received), 422 for
malformed JSON, a missing, empty or mistyped field, or a file the readers cannot read (the
reader's message), 504 when a request takes longer than ``timeout`` seconds.

Concurrency: the pipeline is loaded once (at startup when ``create_app`` is not given one) and
shared.  Each request runs in a worker thread, so the event loop keeps answering (``/health``
while a long report is processed).  ``serialise=True`` (the default) runs one document at a
time through a lock: the stages are not all reentrant yet (the targets stage keeps
per-document state on the component, so two threads mix their documents), and the lock is
the fallback until they are.  Under the lock each document runs in a spaCy memory zone, so the
vocab of a long-running server does not grow with every report's numbers and names.  A request
that times out is answered at once; its document, if already running, finishes in the
background and is thrown away (Python threads cannot be stopped); one still waiting for the
lock is dropped without running.
"""
from __future__ import annotations

import asyncio
import os
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, nullcontext
from pathlib import Path
from typing import Any, Callable, Optional

from fastapi import File, Form, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, Field, StrictStr, field_validator
from starlette.exceptions import HTTPException

from . import __version__
from .readers import SUFFIXES, ReadError, read_file

MAX_BYTES = 10 * 2**20
TIMEOUT = 60.0
THREADS = 4


class TextIn(BaseModel):
    """A report's text and where it was read from (the record's ``source``; its stem starts the
    ``doc_id``)."""
    model_config = {"extra": "forbid"}

    text: StrictStr = Field(..., description="The report's text, as read (any script; PDF-style wraps are fine).")
    source: StrictStr = Field("<text>", description="Where the text comes from, e.g. its file name.")

    @field_validator("text")
    @classmethod
    def _not_blank(cls, v: str) -> str:
        if not v.strip():
            raise ValueError("text is empty")
        return v


class Error(BaseModel):
    error: str = Field(..., description="What went wrong, in one line.")


class Entity(BaseModel):
    start: int
    end: int
    label: str
    text: str
    kb_id: Optional[str] = None
    canonical: Optional[str] = None


class Target(BaseModel):
    start: int
    end: int
    text: str
    value: float
    value_high: Optional[float] = None
    unit: Optional[str] = None
    approx: bool = False
    comparator: str = "="
    kind: Optional[str] = None
    indicator: Optional[str] = None
    task_id: Optional[str] = None


class Task(BaseModel):
    id: str
    start: int
    end: int
    title: Optional[str] = None
    part: Optional[str] = None
    themes: list[str] = []
    scores: dict[str, float] = {}


class Ignored(BaseModel):
    start: int
    end: int
    reason: str


class Record(BaseModel):
    """The output record (ANNOTATION.md section 5); offsets are code points into ``text``."""
    doc_id: str
    source: str
    text: str
    meta: dict[str, Optional[str]]
    duplicate_of: Optional[str] = None
    ignored: list[Ignored]
    entities: list[Entity]
    targets: list[Target]
    tasks: list[Task]


class _Expired(Exception):
    """The request's time ran out before its document started."""


class _Unreadable(Exception):
    """An upload the readers cannot read; ``str()`` is the one-line message."""


class _TooLarge(HTTPException):
    def __init__(self, max_bytes: int):
        super().__init__(413, f"request body over the limit of {max_bytes} bytes")


class BodyLimit:
    """ASGI middleware: 413 for a body over ``max_bytes``, by its Content-Length header before
    anything is read, and by the bytes actually received (chunked or lying uploads)."""

    def __init__(self, app, max_bytes: int):
        self.app, self.max_bytes = app, max_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = dict(scope.get("headers") or ()).get(b"content-length")
        if length is not None:
            if not length.strip().isdigit():
                return await _error(400, "malformed Content-Length header")(scope, receive, send)
            if int(length) > self.max_bytes:
                return await _error(413, str(_TooLarge(self.max_bytes).detail))(scope, receive, send)
        received = 0
        started = False

        async def limited_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _TooLarge(self.max_bytes)
            return message

        async def tracking_send(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge as err:        # raised where no exception handler caught it
            if started:
                raise
            await _error(413, str(err.detail))(scope, receive, send)


def _error(status: int, message: str, **extra) -> JSONResponse:
    return JSONResponse({"error": message, **extra}, status_code=status)


def _validation_message(errors: list[dict]) -> str:
    """One line for pydantic's list of errors: ``body.text: Field required; ...``."""
    parts = []
    for e in errors:
        where = ".".join(str(x) for x in e.get("loc", ()) if x != "body") or "body"
        if list(e.get("loc", ())) == ["body"] and e.get("type") in ("model_attributes_type", "dict_type"):
            parts.append('the body must be a JSON object {"text": ..., "source": ...}')
        elif e.get("type") == "json_invalid":
            ctx = (e.get("ctx") or {}).get("error", "")
            parts.append(f"malformed JSON: {ctx}".rstrip(": "))
        else:
            parts.append(f"{where}: {e.get('msg', 'invalid')}".replace("Value error, ", ""))
    return "; ".join(parts) or "invalid request"


class _Runner:
    """The worker threads and, with ``serialise``, the lock that runs one document at a time."""

    def __init__(self, threads: int, serialise: bool):
        self.executor = ThreadPoolExecutor(threads, thread_name_prefix="zhpolicy-worker")
        self.lock = threading.Lock() if serialise else None

    def _call(self, nlp, fn: Callable, args: tuple, deadline: float):
        if self.lock is None:
            return fn(nlp, *args)
        if not self.lock.acquire(timeout=max(0.0, deadline - time.monotonic())):
            raise _Expired()
        try:
            if time.monotonic() >= deadline:
                raise _Expired()
            zone = nlp.memory_zone() if hasattr(nlp, "memory_zone") else nullcontext()
            with zone:
                return fn(nlp, *args)
        finally:
            self.lock.release()

    async def run(self, nlp, fn: Callable, *args, timeout: float):
        deadline = time.monotonic() + timeout
        fut = asyncio.get_running_loop().run_in_executor(self.executor, self._call, nlp, fn, args, deadline)
        try:
            return await asyncio.wait_for(fut, timeout)
        except (asyncio.TimeoutError, _Expired):
            raise HTTPException(504, f"no record within the time limit of {timeout:g} s") from None

    def close(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


def _text_record(nlp, text: str, source: str) -> dict:
    from .api import record_of_text

    return record_of_text(nlp, text, source)


def _upload_record(nlp, data: bytes, name: str, source: str) -> dict:
    """Write the upload to a temporary file with its suffix, read it as ``zhpolicy run`` reads
    a file, and process it; reader errors name the upload, not the temporary file."""
    fd, tmp = tempfile.mkstemp(suffix=Path(name).suffix.lower(), prefix="zhpolicy-upload-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        try:
            text = read_file(tmp)
        except ReadError as err:
            raise _Unreadable(f"{name}: {err.problem.replace(tmp, name)}") from None
        except Exception as err:     # a reader bug on one file is still that file's problem
            raise _Unreadable(f"{name}: cannot read: {type(err).__name__}: {str(err).replace(tmp, name)}") from None
    finally:
        os.unlink(tmp)
    return _text_record(nlp, text, source)


def _warm_up(nlp) -> None:
    """Run one short report, so the first request does not pay for lazy set-up."""
    _text_record(nlp, "某某县教育局2024年工作要点\n\n一、新建幼儿园3所，新增学位900个。\n", "<warm-up>")


def create_app(nlp=None, max_bytes: int = MAX_BYTES, timeout: float = TIMEOUT,
               threads: int = THREADS, serialise: bool = True):
    """The FastAPI app.

    ``nlp``: the pipeline to share (default: ``pipeline.load()`` once, at startup, then one
    warm-up document); ``max_bytes``: largest request body; ``timeout``: seconds per request
    before 504; ``threads``: worker threads; ``serialise``: one document at a time (see the
    module docstring for why this is the default).  Serve it with uvicorn, e.g.
    ``uvicorn --factory pipeline.service:create_app``.
    """
    @asynccontextmanager
    async def lifespan(app):
        state = app.state
        if state.nlp is None:
            from .api import load as load_pipeline

            state.nlp = await asyncio.to_thread(load_pipeline)
            await asyncio.to_thread(_warm_up, state.nlp)
        state.runner = _Runner(threads, serialise)
        try:
            yield
        finally:
            state.runner.close()

    app = FastAPIOffline(title="zhpolicy", version=__version__, lifespan=lifespan,
                         description="Structured records from Chinese education-bureau reports "
                                     "(ANNOTATION.md section 5).")
    app.state.nlp, app.state.max_bytes, app.state.timeout = nlp, max_bytes, timeout
    app.add_middleware(BodyLimit, max_bytes=max_bytes)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError):
        errors = exc.errors()
        return _error(422, _validation_message(errors),
                      detail=[{k: e.get(k) for k in ("loc", "msg", "type")} for e in errors])

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException):
        return _error(exc.status_code, str(exc.detail))

    errors = {413: {"model": Error}, 422: {"model": Error}, 504: {"model": Error}}

    @app.get("/health", summary="Is the service up", responses={200: {"content": {"application/json": {
        "example": {"status": "ok", "version": __version__, "pipeline": ["chrome", "structure"]}}}}})
    async def health(request: Request) -> dict[str, Any]:
        nlp = request.app.state.nlp
        return {"status": "ok", "version": __version__, "pipeline": list(getattr(nlp, "pipe_names", []))}

    @app.post("/v1/records", summary="The record of a text", response_model=Record, responses=errors)
    async def record_of_text(body: TextIn, request: Request):
        """The record ``zhpolicy run`` gives for ``text`` read from ``source``."""
        state = request.app.state
        rec = await state.runner.run(state.nlp, _text_record, body.text, body.source, timeout=state.timeout)
        return JSONResponse(rec)

    @app.post("/v1/records/file", summary="The record of an uploaded file", response_model=Record,
              responses=errors)
    async def record_of_file(request: Request,
                             file: UploadFile = File(..., description="A report: " + " ".join(SUFFIXES)),
                             source: Optional[str] = Form(None, description="The record's source (default: the file's name).")):
        """The record of an uploaded report file, read as ``zhpolicy run`` reads it."""
        state = request.app.state
        name = Path(file.filename or "upload").name or "upload"
        if Path(name).suffix.lower() not in SUFFIXES:
            return _error(422, f"{name}: unsupported file type {Path(name).suffix or '(none)'!r}; "
                               f"supported: {', '.join(SUFFIXES)}")
        data = await file.read()
        try:
            rec = await state.runner.run(state.nlp, _upload_record, data, name, source or name,
                                         timeout=state.timeout)
        except _Unreadable as err:
            return _error(422, str(err))
        return JSONResponse(rec)

    return app
