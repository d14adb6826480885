"""Meta's data-deletion callback and the status page it points people to.

Meta POSTs a form with `signed_request` (HMAC-SHA256 with the app secret) when a person asks for their data
to be deleted, and expects `{"url": <status page>, "confirmation_code": <code>}` back.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated
from urllib.parse import parse_qs

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.depends import Depends
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter

from ackline import bootstrap
from ackline.domain.erasure import person_key
from ackline.domain.errors import BadRequest, StoreUnavailable
from ackline.domain.model import Platform
from ackline.domain.signed_request import SignedRequestUnreadable, read_signed_payload, verify_signed_request
from ackline.http.raw_body import raw_body
from ackline.observability import logger
from ackline.ports import Dispatcher, ErasureStore, InteractionStore, WebhookSecrets
from ackline.usecases.erase_person import erase_person, erasure_status, refer_unreadable_request

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]  # Powertools leaves __init__ unannotated

STATUS_PATH = "/privacy/deletion-status"
_CODE = re.compile(r"[0-9a-f]{20}")
_MAX_FORM_FIELDS = 20  # Meta posts one field


@dataclass(frozen=True)
class PrivacyPorts:
    """What the privacy routes touch; received through Powertools' `Depends` (see webhook_routes.IngestPorts)."""

    interactions: InteractionStore
    erasure: ErasureStore
    follow_ups: Dispatcher
    clock: Callable[[], float]


def privacy_ports() -> PrivacyPorts:
    return PrivacyPorts(
        interactions=bootstrap.interaction_store(),
        erasure=bootstrap.erasure_store(),
        follow_ups=bootstrap.follow_up_dispatcher(),
        clock=bootstrap.clock,
    )


Ports = Annotated[PrivacyPorts, Depends(privacy_ports)]
Secrets = Annotated[WebhookSecrets, Depends(bootstrap.secrets)]


def _json(status: int, body: dict[str, object]) -> Response[str]:
    return Response(status_code=status, content_type=content_types.APPLICATION_JSON, body=json.dumps(body))


@router.post("/webhooks/meta/data-deletion")
def meta_data_deletion(ports: Ports, secrets: Secrets) -> Response[str]:
    body = raw_body(router.current_event)
    try:
        form = parse_qs(body.decode("utf-8", "replace"), max_num_fields=_MAX_FORM_FIELDS)
    except ValueError:
        raise BadRequest("form has too many fields") from None
    signed = (form.get("signed_request") or [""])[0]
    # the signature first: nothing unsigned is decoded or parsed
    encoded_payload = verify_signed_request(signed, secrets.meta_app_secrets())
    try:
        payload = read_signed_payload(encoded_payload)
    except SignedRequestUnreadable as exc:
        return _refer_to_person(encoded_payload, str(exc), ports)
    person = person_key(Platform.FACEBOOK, str(payload["user_id"]))
    done = erase_person(person, ports.interactions, ports.erasure, ports.clock)
    logger.info(
        "personal data erased",
        confirmation_code=done.confirmation_code,
        interactions=done.interactions_erased,
        cases=done.cases_scrubbed,
    )
    return _confirmation(done.confirmation_code)


def _refer_to_person(encoded_payload: str, why: str, ports: PrivacyPorts) -> Response[str]:
    request, result = refer_unreadable_request(
        encoded_payload, why, ports.interactions, ports.follow_ups, ports.erasure, ports.clock
    )
    if not result.complete:
        raise StoreUnavailable(f"unreadable deletion request not stored ({result.retry_cause})")
    logger.warning("deletion request referred to a person", confirmation_code=request.confirmation_code, why=why)
    return _confirmation(request.confirmation_code)


def _confirmation(code: str) -> Response[str]:
    event = router.current_event
    # API Gateway says how it was reached; the status page lives on this same API
    scheme = event.headers.get("x-forwarded-proto", "https")
    scheme = scheme if scheme in ("http", "https") else "https"
    url = f"{scheme}://{event.request_context.domain_name}{STATUS_PATH}?code={code}"
    return _json(200, {"url": url, "confirmation_code": code})


@router.get(STATUS_PATH)
def deletion_status(ports: Ports) -> Response[str]:
    code = (router.current_event.query_string_parameters or {}).get("code", "")
    if not _CODE.fullmatch(code):
        raise BadRequest("confirmation code malformed")
    request = erasure_status(code, ports.erasure)
    if request is None:
        return _json(404, {"message": "no deletion request with that confirmation code"})
    return _json(
        200,
        {
            "confirmation_code": request.confirmation_code,
            "status": request.status.value,
            "requested_at": request.requested_at,
            "completed_at": request.completed_at,
        },
    )
