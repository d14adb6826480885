"""The blocklist staff keep (the abuse shield's human half): GET /api/blocklist and POST /api/blocklist."""

from __future__ import annotations

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from pydantic import BaseModel, Field

from ackline import bootstrap
from ackline.domain.errors import StaffUnauthenticated
from ackline.observability import logger
from ackline.usecases.shield import block_author, blocked_authors

router = APIGatewayHttpRouter()  # type: ignore[no-untyped-call]  # Powertools leaves __init__ unannotated


class BlockSwitch(BaseModel):
    # the case's conversation_key: "<platform>#<brand account>#<author id>"
    author: Annotated[str, Field(min_length=3, max_length=600, pattern=r"^[a-z]+#[^#\s]*#[^\s]+$")]
    blocked: bool


class BlockedView(BaseModel):
    author: str
    blocked_by: str
    blocked_at: float


class Blocklist(BaseModel):
    authors: list[BlockedView]


def _staff() -> str:
    claims = router.current_event.request_context.authorizer.jwt_claim or {}
    who = claims.get("email") or claims.get("cognito:username") or claims.get("sub")
    if not who:
        raise StaffUnauthenticated("no verified identity on a staff route")
    return str(who)


def _view() -> Blocklist:
    authors = blocked_authors(bootstrap.author_shield())
    return Blocklist(
        authors=[BlockedView(author=b.author_key, blocked_by=b.blocked_by, blocked_at=b.blocked_at) for b in authors]
    )


@router.get("/api/blocklist", summary="Authors whose messages are stored but never answered")
def get_blocklist() -> Blocklist:
    _staff()
    return _view()


@router.post("/api/blocklist", summary="Block or unblock an author (by the case's conversation key)")
def post_blocklist(switch: Annotated[BlockSwitch, Body()]) -> Blocklist:
    staff = _staff()
    block_author(bootstrap.author_shield(), switch.author, switch.blocked, staff, bootstrap.clock())
    logger.warning("author blocklist changed", blocked=switch.blocked, staff=staff)
    return _view()
