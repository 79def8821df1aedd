"""Staff password policy and user-name rules (pure: no Flask, no stores).

Passwords: at least ``MIN_LENGTH`` characters and a zxcvbn score of at least ``MIN_SCORE`` (zxcvbn is
Dropbox's maintained estimator: it knows common passwords, keyboard walks, dates, repeats and l33t),
with the user name and a few words every guesser of a Chinese government office would try first
(pinyin of 我爱你, the city's name, 政务…) as extra dictionary words. Unicode passwords are compared
in NFKC, so a full-width ``ａ`` and ``a`` are the same password on every keyboard.

User names: NFKC, trimmed, case-folded, then restricted to ASCII letters, digits and ``. _ -`` —
which turns ``Admin``, ``admin `` and full-width ``ａｄｍｉｎ`` into ``admin`` and refuses Cyrillic
``аdmin``, NUL and spaces. ``username_skeleton`` catches the ASCII look-alikes left (``adm1n``,
``rnike``/``mike``) so that an account cannot be created next to one it imitates.
"""

from __future__ import annotations

import re
import unicodedata

MIN_LENGTH = 10
MAX_LENGTH = 128
MIN_SCORE = 3  # zxcvbn 3: "safely unguessable", ~10^10 guesses
_ZXCVBN_MAX = 72  # zxcvbn refuses longer input; the first 72 characters decide
# Words a guesser tries first here; zxcvbn's own lists are English.
LOCAL_WORDS = ("woaini", "aini", "5201314", "1314", "520", "woaiwojia", "zhongguo", "china", "jiangchuan",
               "zhengwu", "zhengfu", "minsheng", "shimin", "fuwu", "12345", "mima", "weixin", "wechat", "qq",
               "admin", "govservice", "wang", "zhang", "chen", "yang", "huang", "zhao", "zhou", "liu")  # fmt: skip

USERNAME_MAX = 32
_USERNAME_RE = re.compile(r"[a-z0-9](?:[a-z0-9._-]{0,30}[a-z0-9])?")
# ASCII look-alikes folded to one representative; multi-letter ones first.
_SKELETON_PAIRS = (("rn", "m"), ("vv", "w"), ("cl", "d"), ("0", "o"), ("1", "l"), ("i", "l"), ("5", "s"))


class PolicyError(ValueError):
    """A refused password or user name; ``code`` and ``field`` map onto the API's ValidationFailed."""

    def __init__(self, message: str, field: str, code: str):
        super().__init__(message)
        self.message, self.field, self.code = message, field, code


def normalise_password(password: str) -> str:
    """What is hashed and compared: NFKC, so the same password typed on any keyboard matches."""
    return unicodedata.normalize("NFKC", password)


def check_password(password: object, *, user_inputs: tuple[str, ...] = ()) -> str:
    """The normalised password if the policy accepts it, else PolicyError (field "password").

    ``user_inputs``: words specific to this account (its name, role) that must not carry the strength.
    """
    if not isinstance(password, str):
        raise PolicyError("password must be a string", "password", "weak_password")
    value = normalise_password(password)
    if len(value) < MIN_LENGTH:
        raise PolicyError(f"password needs at least {MIN_LENGTH} characters", "password", "weak_password")
    if len(value) > MAX_LENGTH:
        raise PolicyError(f"password may have at most {MAX_LENGTH} characters", "password", "weak_password")
    if any(unicodedata.category(ch) == "Cc" for ch in value):
        raise PolicyError("password must not contain control characters", "password", "weak_password")
    from zxcvbn import zxcvbn  # imported on first use: its dictionaries take ~50 ms to load

    words = [w for w in (*user_inputs, *LOCAL_WORDS) if w]
    result = zxcvbn(value[:_ZXCVBN_MAX], user_inputs=words)
    if result["score"] < MIN_SCORE:
        feedback = result.get("feedback") or {}
        hint = " ".join(filter(None, [feedback.get("warning"), *(feedback.get("suggestions") or [])]))
        message = "password is too easy to guess" + (f": {hint}" if hint else "")
        raise PolicyError(message, "password", "weak_password")
    return value


def normalise_username(raw: object) -> str:
    """The canonical user name (NFKC, trimmed, case-folded) or PolicyError (field "username")."""
    if not isinstance(raw, str):
        raise PolicyError("username must be a string", "username", "invalid_username")
    name = unicodedata.normalize("NFKC", raw).strip().casefold()
    # casefold can leave non-NFKC text (e.g. "ß" → "ss" is fine, but some letters decompose): normalise again
    name = unicodedata.normalize("NFKC", name)
    if not name:
        raise PolicyError("username is empty", "username", "invalid_username")
    if len(name) > USERNAME_MAX:
        raise PolicyError(f"username may have at most {USERNAME_MAX} characters", "username", "invalid_username")
    if not _USERNAME_RE.fullmatch(name):
        raise PolicyError("username may only hold ASCII letters, digits and . _ - (starting and ending with a "
                          "letter or digit)", "username", "invalid_username")  # fmt: skip
    return name


def username_skeleton(name: str) -> str:
    """A form shared by names that look alike (``adm1n`` ~ ``admin`` ~ ``ad-min``): refuse a new account whose
    skeleton equals an existing one's. Expects a name already through ``normalise_username``."""
    skeleton = name.replace(".", "").replace("_", "").replace("-", "")
    for old, new in _SKELETON_PAIRS:
        skeleton = skeleton.replace(old, new)
    return skeleton
