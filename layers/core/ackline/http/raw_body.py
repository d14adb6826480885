"""The request body exactly as the platform sent it: signatures are computed over these bytes."""

from __future__ import annotations

import base64
import binascii

from aws_lambda_powertools.utilities.data_classes import APIGatewayProxyEventV2

from ackline.domain.errors import AuthenticationFailed


def raw_body(event: APIGatewayProxyEventV2) -> bytes:
    body = event.body or ""
    if event.is_base64_encoded:
        try:
            return base64.b64decode(body, validate=True)
        except (binascii.Error, ValueError) as exc:
            # an undecodable body cannot carry a valid signature
            raise AuthenticationFailed("body is not valid base64") from exc
    return body.encode("utf-8")
