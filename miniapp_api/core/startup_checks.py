"""Settings the app refuses to start with, and why.

``SECRET_KEY`` keys the hashes of ID numbers and phones and the lookup factors: with the old published
default (or anything short) a copy of the database gives them away, so it must be set — always, not
only in production (``./scripts/run.sh`` generates a development secret). The development conveniences
(``DEV_LOGIN``: anyone logs in as anyone; ``BOOTSTRAP_ADMIN``: a password in the environment;
``DEV_CLOCK``: a fake hall clock) are refused as soon as a production setting is present: a MongoDB
server or real WeChat credentials. Tests (``TESTING``) are exempt: they run on throw-away stores.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping

KNOWN_DEFAULT_SECRETS = frozenset({"dev-only-change-me", "change-me", "secret", "dev", "development"})
MIN_SECRET_LENGTH = 32
# Any of these set means real residents' data or a real WeChat account is behind this process.
PRODUCTION_SETTINGS = ("MONGO_URI", "WECHAT_APP_ID", "WECHAT_APP_SECRET", "WECHAT_MP_TOKEN",
                       "WECHAT_MP_AES_KEY", "WECHAT_MP_APP_ID", "WECHAT_MP_APP_SECRET")  # fmt: skip
DEV_ONLY_SETTINGS = {
    "DEV_LOGIN": "lets anyone log in as any resident (POST /api/v1/auth/dev)",
    "BOOTSTRAP_ADMIN": "puts an admin password in the environment; create the admin with "
                       "`flask --app app staff create NAME --role admin` instead",
    "DEV_CLOCK": "replaces the hall's real clock",
}
SECRET_HINT = ("set SECRET_KEY to a random value of at least 32 characters, e.g. "
               "`python3 -c 'import secrets; print(secrets.token_urlsafe(48))'` "
               "(./scripts/run.sh generates one for development in var/dev-secret-key)")  # fmt: skip


FORM_KEY_HINT = ("set it to the output of `python3 -c 'from cryptography.fernet import Fernet; "
                 "print(Fernet.generate_key().decode())'` (comma-separated to rotate: the first encrypts, all decrypt)")


def _is_fernet_key(key: str) -> bool:
    try:
        return len(base64.urlsafe_b64decode(key.encode())) == 32
    except ValueError:
        return False


class UnsafeSettings(RuntimeError):
    """Raised by ``enforce``; the message lists every problem and what to do."""


def problems(config: Mapping) -> list[str]:
    """Every reason not to start with ``config`` (empty: fine)."""
    found = []
    secret = str(config.get("SECRET_KEY") or "")
    if not secret:
        found.append(f"SECRET_KEY is empty: {SECRET_HINT}")
    elif secret in KNOWN_DEFAULT_SECRETS:
        found.append(f"SECRET_KEY is the published default {secret!r}: {SECRET_HINT}")
    elif len(secret) < MIN_SECRET_LENGTH:
        found.append(f"SECRET_KEY has {len(secret)} characters, fewer than {MIN_SECRET_LENGTH}: {SECRET_HINT}")
    production = [name for name in PRODUCTION_SETTINGS if config.get(name)]
    if production:
        for name, why in DEV_ONLY_SETTINGS.items():
            if config.get(name):
                found.append(f"{name} is set next to production settings ({', '.join(production)}): it {why}; "
                             f"unset it (or set it empty)")  # fmt: skip
    return found


def form_key_problems(config: Mapping) -> list[str]:
    """``FORM_ID_KEY`` encrypts the ID numbers kept for printing application forms: required where they
    are stored for real (a MongoDB server); without one it is derived from SECRET_KEY (in-memory data)."""
    found = []
    form_keys = [k.strip() for k in str(config.get("FORM_ID_KEY") or "").split(",") if k.strip()]
    if config.get("MONGO_URI") and not form_keys:
        found.append(f"FORM_ID_KEY is empty next to MONGO_URI: it encrypts the ID numbers printed on "
                     f"application forms; {FORM_KEY_HINT}")  # fmt: skip
    if any(not _is_fernet_key(k) for k in form_keys):
        found.append(f"FORM_ID_KEY holds a value that is not a Fernet key; {FORM_KEY_HINT}")
    return found


def enforce(config: Mapping) -> None:
    """Raise UnsafeSettings unless ``config`` is safe to serve with (tests are exempt)."""
    if config.get("TESTING"):
        return
    found = problems(config) + form_key_problems(config)
    if found:
        raise UnsafeSettings("refusing to start:\n  - " + "\n  - ".join(found))
