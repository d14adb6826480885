"""Ingest: platform webhooks in. Answered 2xx only once every interaction is stored and its work queued."""

from ackline.http.lambda_entry import http_app, http_handler
from ackline.http.webhook_routes import router

app = http_app(router)
lambda_handler = http_handler(app)
