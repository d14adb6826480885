"""Wire formats: inbound webhook payloads per platform and the versioned queue envelopes."""
