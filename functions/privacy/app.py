"""Privacy: Meta's data-deletion callback (erase a person's data) and its public status page."""

from ackline.http.lambda_entry import http_app, http_handler
from ackline.http.privacy_routes import router

app = http_app(router)
lambda_handler = http_handler(app)
