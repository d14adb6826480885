"""Ingest: platform webhooks in. Answered 2xx only once every interaction is stored and its work queued."""

from ackline.http.webhook_routes import router
from ackline.lambda_entry import http_app, http_handler

app = http_app(router)
lambda_handler = http_handler(app)
