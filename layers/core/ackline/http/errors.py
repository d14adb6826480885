"""Typed domain errors -> HTTP answers, in one place. Bodies never echo the request."""

from __future__ import annotations

from http import HTTPStatus

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types

from ackline.domain.errors import (
    AuthenticationFailed,
    BadRequest,
    CaseConflict,
    CaseNotFound,
    DispatchFailed,
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
    # not stored / not queued: a 503 makes the platform retry, and its retry is our retry
    DispatchFailed: (HTTPStatus.SERVICE_UNAVAILABLE, "temporarily unavailable, retry"),
}


def _json(status: HTTPStatus, message: str) -> Response[str]:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=f'{{"message":"{message}"}}')


def register_error_handlers(app: APIGatewayHttpResolver) -> None:
    for error_type, (status, message) in _STATUS.items():

        def handler(exc: Exception, status: HTTPStatus = status, message: str = message) -> Response[str]:
            if status >= HTTPStatus.INTERNAL_SERVER_ERROR:
                # our failure, not the caller's: an ERROR with the exception, so no 5xx goes unexplained in the logs
                logger.exception("request failed", error=type(exc).__name__, status=int(status))
            else:
                logger.warning("request refused", error=type(exc).__name__, detail=str(exc), status=int(status))
            return _json(status, message)

        app.exception_handler(error_type)(handler)
