"""Typed domain errors; `ackline.http.errors` maps each to an HTTP status in one place."""


class AcklineError(Exception):
    """Base class of every error the domain raises on purpose."""


class AuthenticationFailed(AcklineError):
    """A webhook's signature or secret did not verify: answer 401 and store nothing."""


class VerificationRejected(AcklineError):
    """A subscription handshake asked with the wrong verify token: answer 403."""


class BadRequest(AcklineError):
    """Authenticated but unusable input (e.g. a body that is not JSON)."""


class CaseNotFound(AcklineError):
    """No case with that id."""


class CaseConflict(AcklineError):
    """The case is not in a state that allows the requested transition."""


class CaseHeld(CaseConflict):
    """Someone else holds (has claimed) the case: the caller may not take or release it."""

    def __init__(self, case_id: str, holder: str) -> None:
        super().__init__(f"case {case_id} is held by {holder}")
        self.holder = holder


class ReplyRefused(AcklineError):
    """A person's reply cannot be sent as written or right now (window closed, too long, empty): the reason says why."""

    def __init__(self, reason: str, *, template_needed: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.template_needed = template_needed


class AuthorBlocked(AcklineError):
    """The author is blocked: nothing is sent to them until a person unblocks them."""


class PlatformError(AcklineError):
    """A platform API refused or failed a call."""

    def __init__(self, message: str, *, status: int | None = None, code: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.code = code


class RateLimited(PlatformError):
    """Try again later; nothing was sent."""

    def __init__(self, message: str, *, retry_after: float, status: int | None = None, code: str = "") -> None:
        super().__init__(message, status=status, code=code)
        self.retry_after = retry_after


class TransientPlatformError(PlatformError):
    """A failure where the platform did not accept the message (5xx, connection refused): safe to retry."""


class PermanentPlatformError(PlatformError):
    """The platform will never accept this message (window closed, permission missing, deleted content)."""


class OutcomeUnknown(PlatformError):
    """The request may have reached the platform (a read timeout): retrying could post twice."""


class StaffUnauthenticated(AcklineError):
    """A staff route reached without verified identity claims (the authorizer should have stopped it)."""


class DispatchFailed(AcklineError):
    """The queue did not accept every message: the webhook must not be answered 2xx (the platform retries)."""


class StoreRejected(AcklineError):
    """The store refused an item itself (too large, a key too long, a number it cannot hold): the same write
    would fail again, so the entry is kept another way (a raw problem record)."""


class StoreUnavailable(AcklineError):
    """The store throttled, failed or did not answer: the webhook answers 503 so the platform retries, after the
    work of everything already stored is queued."""


class PayloadTooLarge(AcklineError):
    """A request body over the documented limit: refused with 413 before any other work."""
