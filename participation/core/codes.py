"""Short random codes people copy from paper: household codes, ballot receipts.

Ten Crockford base32 symbols (50 random bits) in two groups of five; only their SHA-256 is
stored. What people type back is folded to the canonical form first.
"""

from __future__ import annotations

import hashlib
import secrets
import unicodedata

# Crockford base32 without I, L, O, U: nothing an 83-year-old could misread on a paper slip.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 10 symbols x 5 bits = 50 bits of randomness
_CONFUSABLE = str.maketrans({"I": "1", "L": "1", "O": "0", "U": "V"})


def new_code() -> str:
    """A random code, shown as two groups of five: ``K7M2Q-9XH4D``."""
    # One draw of 50 bits, read five at a time (one call, not ten: receipts are made at the
    # rate ballots come in).
    bits = secrets.randbits(5 * CODE_LENGTH)
    raw = "".join(CODE_ALPHABET[(bits >> (5 * i)) & 31] for i in range(CODE_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


def normalise_code(text: str) -> str | None:
    """Canonical form of what a resident typed, or None if it cannot be a code."""
    # NFKC folds full-width letters typed on a Chinese keyboard (Ｋ７Ｍ２Ｑ) to ASCII.
    folded = unicodedata.normalize("NFKC", text[:100]).upper()
    cleaned = "".join(ch for ch in folded if ch not in " -\t").translate(_CONFUSABLE)
    if len(cleaned) != CODE_LENGTH or any(ch not in CODE_ALPHABET for ch in cleaned):
        return None
    return f"{cleaned[:5]}-{cleaned[5:]}"


def hash_code(code: str) -> str:
    """Codes carry 50 random bits, so an unsalted SHA-256 of the canonical form is enough."""
    return hashlib.sha256(code.encode()).hexdigest()
