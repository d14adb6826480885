"""PlatformReplier for Instagram (Instagram API with Instagram Login, graph.instagram.com).

A comment gets a public reply (`POST /{ig-comment-id}/replies`) or, when the brand prefers, a private
reply (`POST /{ig-id}/messages` with `recipient.comment_id`: one per comment, within 7 days); a DM gets
a DM (`POST /{ig-id}/messages` with `recipient.id`, inside 24 hours). Private replies open no 24-hour window.
"""

from __future__ import annotations

from ackline.adapters.graph_api import GraphBackedReplier
from ackline.adapters.platform_http import refuse_outside_window
from ackline.domain.errors import PermanentPlatformError
from ackline.domain.model import Interaction, Kind, Platform, Visibility


class InstagramReplier(GraphBackedReplier):
    def reply(self, interaction: Interaction, text: str, visibility: Visibility) -> str:
        if interaction.platform is not Platform.INSTAGRAM:
            raise PermanentPlatformError(f"not an Instagram interaction: {interaction.platform.value}")
        if interaction.kind is Kind.COMMENT and visibility is not Visibility.PRIVATE:
            body = self._graph.post(f"/{interaction.thread_id}/replies", {"message": text})
            return str(body.get("id", ""))
        if interaction.kind is Kind.COMMENT:
            # the comment itself (not its thread) is the recipient: one private reply per comment
            recipient = {"comment_id": interaction.external_id}
        elif interaction.kind is Kind.MESSAGE:
            recipient = {"id": interaction.author_id}
        else:
            raise PermanentPlatformError(f"nothing to reply to in an Instagram {interaction.kind.value}")
        refuse_outside_window(interaction, visibility, self._clock())
        body = self._graph.post(
            f"/{interaction.account_id}/messages", {"recipient": recipient, "message": {"text": text}}
        )
        return str(body.get("message_id", ""))
