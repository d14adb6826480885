"""One PlatformReplier that hands each interaction to its platform's reply client."""

from __future__ import annotations

from collections.abc import Mapping

from ackline.domain.errors import PermanentPlatformError, PlatformError
from ackline.domain.model import Interaction, Platform, Visibility
from ackline.observability import record_platform_error
from ackline.ports import PlatformReplier


class PlatformRouter:
    def __init__(self, repliers: Mapping[Platform, PlatformReplier]) -> None:
        self._repliers = dict(repliers)

    def reply(self, interaction: Interaction, text: str, visibility: Visibility) -> str:
        replier = self._repliers.get(interaction.platform)
        if replier is None:
            raise PermanentPlatformError(f"no reply client for {interaction.platform.value}")
        try:
            return replier.reply(interaction, text, visibility)
        except PlatformError as error:
            # every platform refusal, by code (HTTP status when the platform gives no code of its own)
            record_platform_error(interaction.platform.value, error.code or str(error.status or ""))
            raise
