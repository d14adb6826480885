"""Reply texts: professional, warm, never humorous, never echoing customer-supplied text.

The only customer-derived thing a reply may carry is a first name, and only when it is plainly a
name (letters, at most 30 of them); anything else ("@everyone visit evil.example") is dropped.
Variants are chosen from the interaction id so replies vary without randomness in tests.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

TEMPLATES: dict[str, tuple[str, ...]] = {
    "praise": (
        "Thank you{name}! We're so glad to hear that.",
        "That's lovely to hear{name}, thank you for sharing it with us.",
        "Thank you for the kind words{name}. It means a lot to the team.",
    ),
    "complaint": (
        "We're sorry to hear this{name}. We'd like to put it right: please send us a private message "
        "or email us so a member of our team can look into it personally.",
        "We're sorry{name}, this isn't the experience we want for you. Please message us privately "
        "so someone from our team can help you directly.",
    ),
    "question": (
        "Thanks for your question{name}. A member of our team will get back to you shortly.",
        "Thank you for getting in touch{name}. We've passed this to our team and someone will reply soon.",
    ),
    "crisis": (
        "Thank you for letting us know{name}. We take this very seriously and a member of our team "
        "will contact you as a priority. Please send us a private message with your details.",
    ),
    "general": (
        "Thanks for reaching out{name}. We've received your message and our team is here if you need anything.",
        "Thank you for your message{name}. We've passed it on to our team.",
    ),
}

_NAME = re.compile(r"^[^\W\d_]{1,30}$")


def safe_first_name(display_name: str) -> str:
    """The first word of a display name if it is only letters; otherwise nothing at all."""
    normalised = unicodedata.normalize("NFKC", display_name).strip()
    first = normalised.split(" ", 1)[0] if normalised else ""
    return first if _NAME.match(first) else ""


def render_reply(template: str, variant_seed: str, display_name: str = "") -> str:
    """Pick a variant deterministically and address the customer by first name where that is safe."""
    variants = TEMPLATES[template]
    index = int(hashlib.sha256(variant_seed.encode()).hexdigest(), 16) % len(variants)
    name = safe_first_name(display_name)
    return variants[index].format(name=f", {name}" if name else "")
