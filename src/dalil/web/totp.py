"""Time-based one-time codes (RFC 6238) that work once, in their window.

Pure: the caller hands the time and the last step accepted for the account, and stores
the step returned. A code is accepted for the current 30-second step or one step either
side (a phone's clock drifts), and only for a step later than the last one accepted, so
a code seen over a shoulder or replayed from a log cannot be used a second time.
"""

from __future__ import annotations

import hmac
from datetime import datetime

import pyotp

ISSUER = "dalil"
DRIFT_STEPS = 1


def new_secret() -> str:
    return pyotp.random_base32()


def uri(secret: str, person: str, archive: str) -> str:
    """The otpauth:// URI an authenticator app reads (as text or a QR code)."""
    return pyotp.TOTP(secret).provisioning_uri(name=f"{person}@{archive}", issuer_name=ISSUER)


def code_at(secret: str, moment: datetime) -> str:
    return pyotp.TOTP(secret).at(moment)


def accept(secret: str, code: str, moment: datetime, last_step: int | None) -> int | None:
    """The step ``code`` belongs to, if it is valid now and not used before; else None."""
    totp = pyotp.TOTP(secret)
    typed = "".join(code.split())
    now = totp.timecode(moment)
    for step in range(now - DRIFT_STEPS, now + DRIFT_STEPS + 1):
        if last_step is not None and step <= last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), typed):
            return step
    return None
