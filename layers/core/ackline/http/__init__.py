"""HTTP entry points: Powertools routers for the webhooks and the staff API, and the error mapping."""
