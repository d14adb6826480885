"""Typed domain errors -> HTTP answers, in one place. Bodies never echo the request.

Every 5xx leaves one ERROR line: the error's type, where it was raised and the traceback's frames (code
locations and source lines), never the request body; an unexpected error's message is left out too, because
a parser's message may quote the input (pydantic's does).
"""

from __future__ import annotations

import json
import logging
import traceback
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.depends import DependencyResolutionError
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from ackline.domain.errors import (
    AuthenticationFailed,
    AuthorBlocked,
    BadRequest,
    CaseConflict,
    CaseHeld,
    CaseNotFound,
    DispatchFailed,
    PayloadTooLarge,
    ReplyRefused,
    StaffUnauthenticated,
    StoreUnavailable,
    VerificationRejected,
)
from ackline.observability import logger

_STATUS: dict[type[Exception], tuple[HTTPStatus, str]] = {
    AuthenticationFailed: (HTTPStatus.UNAUTHORIZED, "invalid signature"),
    VerificationRejected: (HTTPStatus.FORBIDDEN, "verification token mismatch"),
    StaffUnauthenticated: (HTTPStatus.UNAUTHORIZED, "unauthorized"),
    BadRequest: (HTTPStatus.BAD_REQUEST, "bad request"),
    CaseNotFound: (HTTPStatus.NOT_FOUND, "case not found"),
    CaseConflict: (HTTPStatus.CONFLICT, "case changed state"),
    PayloadTooLarge: (HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "body too large"),
    AuthorBlocked: (HTTPStatus.CONFLICT, "the author is blocked"),
    # not stored / not queued: a 503 makes the platform retry, and its retry is our retry
    DispatchFailed: (HTTPStatus.SERVICE_UNAVAILABLE, "temporarily unavailable, retry"),
    StoreUnavailable: (HTTPStatus.SERVICE_UNAVAILABLE, "temporarily unavailable, retry"),
}

INTERNAL_ERROR: dict[str, Any] = {
    "statusCode": 500,
    "headers": {"Content-Type": content_types.APPLICATION_JSON},
    "body": '{"message":"internal error"}',
}


def _unwrapped(exc: BaseException) -> BaseException:
    """What a provider raised inside Powertools' `Depends` (which wraps it in DependencyResolutionError)."""
    while isinstance(exc, DependencyResolutionError) and exc.__cause__ is not None:
        exc = exc.__cause__
    return exc


def log_server_error(exc: BaseException, status: int, *, detail: str = "") -> None:
    """The one ERROR line a 5xx leaves: structured keys, the frames, never the body."""
    exc = _unwrapped(exc)  # a failing provider: its own error and frames
    frames = traceback.extract_tb(exc.__traceback__)
    where = f"{frames[-1].filename.rsplit('/', 1)[-1]}:{frames[-1].lineno}" if frames else ""
    logger.error(
        "request failed",
        error=type(exc).__name__,
        detail=detail,
        where=where,
        frames="".join(traceback.format_list(frames)),
        status=status,
    )


def _json(status: HTTPStatus, message: str) -> Response[str]:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=f'{{"message":"{message}"}}')


class _WithoutUnhandledRouteErrors(logging.Filter):
    """Powertools logs an unhandled route error with its message (which may quote the input) before re-raising it;
    `ackline.lambda_entry` catches it and writes the one ERROR line, so Powertools' copy is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno >= logging.ERROR and record.exc_info)


_POWERTOOLS_ROUTER_LOG = logging.getLogger("aws_lambda_powertools.event_handler.api_gateway")


def register_error_handlers(app: APIGatewayHttpResolver) -> None:
    if not any(isinstance(f, _WithoutUnhandledRouteErrors) for f in _POWERTOOLS_ROUTER_LOG.filters):
        _POWERTOOLS_ROUTER_LOG.addFilter(_WithoutUnhandledRouteErrors())
    for error_type, (status, message) in _STATUS.items():

        def handler(exc: Exception, status: HTTPStatus = status, message: str = message) -> Response[str]:
            # these messages are ackline's own (ids, counts, error codes), never customer content
            if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
                log_server_error(exc, int(status), detail=str(exc))
            else:
                logger.warning("request refused", error=type(exc).__name__, detail=str(exc), status=int(status))
            return _json(status, message)

        app.exception_handler(error_type)(handler)

    # These two say more than a fixed message: who holds the case (a staff name, never customer text), and why a
    # person's reply cannot go (our own wording from the domain, never the request's text).
    def held(exc: CaseHeld) -> Response[str]:
        logger.info("request refused", error="CaseHeld", holder=exc.holder, status=409)
        body = {"message": "someone else holds this case", "held_by": exc.holder}
        return Response(status_code=409, content_type=content_types.APPLICATION_JSON, body=json.dumps(body))

    def refused(exc: ReplyRefused) -> Response[str]:
        logger.info("reply refused", reason=exc.reason, status=422)
        body = {"message": "reply refused", "reason": exc.reason, "template_needed": exc.template_needed}
        return Response(status_code=422, content_type=content_types.APPLICATION_JSON, body=json.dumps(body))

    app.exception_handler(CaseHeld)(held)
    app.exception_handler(ReplyRefused)(refused)

    def invalid(exc: RequestValidationError) -> Response[str]:
        # The documented 422 body (HTTPValidationError: loc, msg, type). Powertools' own leaves `msg` out so as not
        # to leak Python or pydantic details; ours is the error type in words, never the input.
        detail = [
            {"loc": list(e["loc"]), "msg": str(e["type"]).replace("_", " "), "type": e["type"]} for e in exc.errors()
        ]
        logger.info("request refused", error="RequestValidationError", status=422, problems=len(detail))
        body = json.dumps({"statusCode": 422, "detail": detail})
        return Response(status_code=422, content_type=content_types.APPLICATION_JSON, body=body)

    app.exception_handler(RequestValidationError)(invalid)

    def from_provider(exc: DependencyResolutionError) -> Response[str]:
        # Powertools wraps what a `Depends` provider raises; a provider that refuses the request on purpose (the staff
        # identity: 401) is answered as that error would be; anything else stays a 5xx with its one ERROR line
        cause = _unwrapped(exc)
        known = next((t for t in type(cause).__mro__ if t in _STATUS), None)
        if known is None or _STATUS[known][0] >= HTTPStatus.INTERNAL_SERVER_ERROR:
            raise exc
        status, message = _STATUS[known]
        logger.warning("request refused", error=type(cause).__name__, detail=str(cause), status=int(status))
        return _json(status, message)

    app.exception_handler(DependencyResolutionError)(from_provider)
