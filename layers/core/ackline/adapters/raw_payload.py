"""The raw webhook as stored: zlib-compressed with a preset dictionary of the platforms' own field names.

A single comment's webhook is a few hundred bytes of JSON, mostly field names every webhook repeats; plain zlib
has nothing to refer back to in so little text, so a preset dictionary of those names (zlib's `zdict`) roughly
halves what plain zlib leaves. That keeps a typical interaction item under DynamoDB's 1 KB write unit.

zlib records the dictionary's Adler-32 in the stream header, so a stored payload names the dictionary it needs:
reading picks it by that id. A new dictionary must therefore be added beside the old ones, never edited in place.
"""

from __future__ import annotations

import zlib

# Version 1: the field names and fixed values of Meta (Page feed, Messenger, Instagram, WhatsApp), X and Telegram
# webhooks, most frequent last (zlib finds the end of a dictionary cheapest to refer to).
_DICTIONARY_V1 = (
    b'"update_id":"message_id":"chat":{"type":"private","first_name":"last_name":"username":"is_bot":false,'
    b'"date":"reply_to_message":"for_user_id":"tweet_create_events":[{"id_str":"in_reply_to_status_id_str":'
    b'"user":{"screen_name":"direct_message_events":[{"type":"message_create","message_create":{"target":'
    b'{"recipient_id":"sender_id":"message_data":{"text":"entities":"hashtags":[],"user_mentions":[],"urls":[]'
    b'"messaging_product":"whatsapp","metadata":{"display_phone_number":"phone_number_id":"contacts":[{"profile":'
    b'{"name":"wa_id":"messages":[{"from":"timestamp":"type":"text","text":{"body":"statuses":[{"status":'
    b'"recipient_id":"field":"messages","value":{"object":"whatsapp_business_account","entry":[{"id":"'
    b'"messaging":[{"sender":{"id":"recipient":{"id":"timestamp":"message":{"mid":"text":"is_echo":true,'
    b'"object":"instagram","field":"comments","value":{"from":{"id":"username":"media":{"id":"media_product_type":'
    b'"FEED","parent_id":"text":"id":"object":"page","entry":[{"id":"time":"changes":[{'
    b'{"field":"feed","value":{"comment_id":"created_time":"from":{"id":"name":"item":"comment","message":"'
    b'"parent_id":"post":{"id":"is_published":true,"status_type":"added_photos"},"post_id":"verb":"add"}}'
)
_DICTIONARIES = {zlib.adler32(_DICTIONARY_V1): _DICTIONARY_V1}
_CURRENT = _DICTIONARY_V1


def pack(raw: str) -> bytes:
    compressor = zlib.compressobj(9, zdict=_CURRENT)
    return compressor.compress(raw.encode("utf-8")) + compressor.flush()


def unpack(packed: bytes) -> str:
    # a zlib header with FDICT set carries the dictionary's Adler-32 in bytes 2-5; without it, plain zlib
    if len(packed) >= 6 and packed[1] & 0x20:
        dictionary = _DICTIONARIES[int.from_bytes(packed[2:6], "big")]
        decompressor = zlib.decompressobj(zdict=dictionary)
        return (decompressor.decompress(packed) + decompressor.flush()).decode("utf-8")
    return zlib.decompress(packed).decode("utf-8")
