"""How every HTTP-triggered function is put together: its routers, the one error mapping, and Powertools'
logger (with the API Gateway request id as correlation id), tracer and metrics around the resolver."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver
from aws_lambda_powertools.event_handler.router import APIGatewayHttpRouter
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from ackline.http.errors import register_error_handlers
from ackline.observability import logger, metrics, tracer

LambdaHandler = Callable[[dict[str, Any], LambdaContext], dict[str, Any]]


def http_app(*routers: APIGatewayHttpRouter, validation: bool = False) -> APIGatewayHttpResolver:
    app = APIGatewayHttpResolver(enable_validation=validation)
    for router in routers:
        app.include_router(router)
    register_error_handlers(app)
    return app


def http_handler(app: APIGatewayHttpResolver) -> LambdaHandler:
    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
    @tracer.capture_lambda_handler
    @metrics.log_metrics
    def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
        return app.resolve(event, context)

    return lambda_handler
