"""Typed domain errors -> HTTP answers, in one place. Bodies never echo the request."""

from __future__ import annotations

import json
from http import HTTPStatus

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestValidationError

from ackline.domain.errors import (
    AuthenticationFailed,
    AuthorBlocked,
    BadRequest,
    CaseConflict,
    CaseHeld,
    CaseNotFound,
    DispatchFailed,
    ReplyRefused,
    StaffUnauthenticated,
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
    AuthorBlocked: (HTTPStatus.CONFLICT, "the author is blocked"),
    # not stored / not queued: a 503 makes the platform retry, and its retry is our retry
    DispatchFailed: (HTTPStatus.SERVICE_UNAVAILABLE, "temporarily unavailable, retry"),
}


def _json(status: HTTPStatus, message: str) -> Response[str]:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=f'{{"message":"{message}"}}')


def register_error_handlers(app: APIGatewayHttpResolver) -> None:
    for error_type, (status, message) in _STATUS.items():

        def handler(exc: Exception, status: HTTPStatus = status, message: str = message) -> Response[str]:
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
