"""Staff API and queue page: the queue of cases, with its OpenAPI document at /api/openapi.json."""

from aws_lambda_powertools.event_handler import Response, content_types

from ackline.http import crisis_routes, queue_page, staff_routes
from ackline.lambda_entry import http_app, http_handler

app = http_app(staff_routes.router, queue_page.router, crisis_routes.router, validation=True)


@app.get("/api/openapi.json", include_in_schema=False)
def openapi_document() -> Response[str]:
    schema = app.get_openapi_json_schema(
        title="ackline staff API", version="1.0.0", description="Cases that need a person, most urgent first."
    )
    return Response(status_code=200, content_type=content_types.APPLICATION_JSON, body=schema)


lambda_handler = http_handler(app)
