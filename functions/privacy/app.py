"""Privacy: Meta's data-deletion callback (erase a person's data) and its public status page."""

from ackline.http.privacy_routes import router
from ackline.lambda_entry import http_app, http_handler

app = http_app(router)
lambda_handler = http_handler(app)
