"""Which DynamoDB failures are worth a retry and which would fail the same way again.

A retry helps only when DynamoDB (or the way to it) was the problem: throttling, its own 5xx, a connection
or timeout. A request DynamoDB refuses for what it holds (ValidationException: item over 400 KB, key too
long, number out of range) or that boto3 cannot even build (a value it cannot serialise) fails again on
every retry, so the caller keeps that entry another way instead of answering 5xx for ever.
"""

from __future__ import annotations

from botocore.exceptions import BotoCoreError, ClientError, ParamValidationError

from ackline.domain.errors import StoreRejected, StoreUnavailable

_TRANSIENT_CODES = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
        "LimitExceededException",
        "TransactionConflictException",
        "TransactionInProgressException",
    }
)


def settle(exc: Exception) -> StoreRejected | StoreUnavailable:
    """The domain's view of a failed write: retry later, or keep the entry another way."""
    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        status = int(exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        if code in _TRANSIENT_CODES or status >= 500:
            return StoreUnavailable(f"DynamoDB {code or status}")
        return StoreRejected(f"DynamoDB {code or status}")
    if isinstance(exc, ParamValidationError):
        return StoreRejected("request refused by boto3's parameter validation")
    if isinstance(exc, BotoCoreError):  # connection refused or reset, timeouts: DynamoDB never answered
        return StoreUnavailable(type(exc).__name__)
    # serialising the item failed before any request (TypeError, decimal.InvalidOperation, UnicodeEncodeError)
    return StoreRejected(type(exc).__name__)
