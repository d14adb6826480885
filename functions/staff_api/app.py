"""Staff API and queue page: the queue of cases, with its OpenAPI document at /api/openapi.json."""

from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response, content_types
from aws_lambda_powertools.logging import correlation_paths
from aws_lambda_powertools.utilities.typing import LambdaContext

from ackline.http import queue_page, staff_routes
from ackline.http.errors import register_error_handlers
from ackline.observability import logger, metrics, tracer

app = APIGatewayHttpResolver(enable_validation=True)
app.include_router(staff_routes.router)
app.include_router(queue_page.router)
register_error_handlers(app)


@app.get("/api/openapi.json", include_in_schema=False)
def openapi_document() -> Response[str]:
    schema = app.get_openapi_json_schema(
        title="ackline staff API", version="1.0.0", description="Cases that need a person, most urgent first."
    )
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=schema)


@logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
@tracer.capture_lambda_handler
@metrics.log_metrics
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
