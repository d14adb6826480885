"""The request body exactly as the platform sent it: signatures are computed over these bytes.

Bodies over `MAX_BODY_BYTES` are refused (413) before anything else is done with them — no decoding, no
HMAC, no parsing. One MiB is well above the largest delivery a platform sends (Meta batches up to 1,000
updates, about 410 KB) and well below the 6 MB Lambda accepts, so a flood of huge bodies costs little.
"""

from __future__ import annotations

import base64
import binascii

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from ackline.domain.errors import AuthenticationFailed, PayloadTooLarge

MAX_BODY_BYTES = 1024 * 1024


def raw_body(event: APIGatewayProxyEventV2) -> bytes:
    body = event.body or ""
    if event.is_base64_encoded:
        # base64 carries 3 bytes in 4 characters: check before decoding anything
        if len(body) > (MAX_BODY_BYTES + 2) // 3 * 4 + 4:
            raise PayloadTooLarge(f"base64 body of {len(body)} characters")
        try:
            data = base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError) as exc:
            # an undecodable body cannot carry a valid signature
            raise AuthenticationFailed("body is not valid base64") from exc
    else:
        if len(body) > MAX_BODY_BYTES:  # a character is at least one byte
            raise PayloadTooLarge(f"body of {len(body)} characters")
        # API Gateway hands text bodies over as str; a lone surrogate cannot have come from valid UTF-8 bytes,
        # so it is passed through (and fails the signature) rather than raising
        data = body.encode("utf-8", "surrogatepass")
    if len(data) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"body of {len(data)} bytes")
    return data
