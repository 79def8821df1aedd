"""Configuration from environment variables (one class; tests pass overrides to create_app)."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


class Config:
    """Every setting the API reads, with the embedded zero-setup defaults."""

    def __init__(self) -> None:
        env = os.environ.get
        # Empty MONGO_URI means an in-memory mongomock database: demo data is lost on restart.
        self.MONGO_URI: str = env("MONGO_URI", "")
        self.MONGO_DB: str = env("MONGO_DB", "govservice")
        self.REDIS_URL: str = env("REDIS_URL", "redis://127.0.0.1:6379/0")
        # Every Redis key starts with this, so tests and several deployments can share one server.
        self.REDIS_PREFIX: str = env("REDIS_PREFIX", "gs:")
        self.SECRET_KEY: str = env("SECRET_KEY", "dev-only-change-me")
        # Encrypts the ID numbers (and phones) kept for printing application forms: comma-separated Fernet keys
        # (`python3 -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'`), the
        # first encrypts, all decrypt. Required in production; empty elsewhere: derived from SECRET_KEY.
        self.FORM_ID_KEY: str = env("FORM_ID_KEY", "")
        self.GUIDES_DIR: str = env("GUIDES_DIR", str(ROOT / "guides"))
        # The jieba user dictionary the knowledge base writes and the Rasa bot loads.
        self.JIEBA_DICT_DIR: str = env("JIEBA_DICT_DIR", str(ROOT / "bot" / "jieba_dict"))
        self.SYNONYMS_FILE: str = env("SYNONYMS_FILE", str(ROOT / "guides" / "kb" / "synonyms.yaml"))
        self.DOMAIN_TERMS_FILE: str = env(
            "DOMAIN_TERMS_FILE", str(ROOT / "guides" / "kb" / "domain_terms.txt")
        )
        # Catalogue imports: the alias rules staff extend, and the folder the staff API imports files from.
        self.ALIAS_RULES_FILE: str = env("ALIAS_RULES_FILE", str(ROOT / "guides" / "kb" / "alias_rules.yaml"))
        self.CATALOGUE_IMPORT_DIR: str = env("CATALOGUE_IMPORT_DIR", str(ROOT / "imports"))
        self.MAX_CONTENT_LENGTH: int = int(env("MAX_CONTENT_LENGTH", str(256 * 1024)))
        self.STAFF_TOKEN_TTL: int = int(env("STAFF_TOKEN_TTL", str(12 * 3600)))
        # Failed staff sign-ins allowed per account and per client address in the window, then locked until it ends.
        self.STAFF_LOGIN_MAX_FAILURES: int = int(env("STAFF_LOGIN_MAX_FAILURES", "5"))
        self.STAFF_LOGIN_MAX_FAILURES_PER_IP: int = int(env("STAFF_LOGIN_MAX_FAILURES_PER_IP", "20"))
        self.STAFF_LOGIN_WINDOW_SECONDS: int = int(env("STAFF_LOGIN_WINDOW_SECONDS", "900"))
        # "user:password": creates the first admin at start-up when no staff account exists
        # (needed with the in-memory store, where `flask staff create` cannot reach the server).
        self.BOOTSTRAP_ADMIN: str = env("BOOTSTRAP_ADMIN", "")
        # How often a worker checks Redis for a newer published edition (seconds).
        self.KB_SYNC_INTERVAL: float = float(env("KB_SYNC_INTERVAL", "0.25"))
        # The web app builds the knowledge base at start instead of on the first request.
        self.KB_WARM: bool = _env_bool("KB_WARM", True)
        self.TESTING: bool = _env_bool("TESTING")
        # --- Residents and appointments ---
        self.RESIDENT_SESSION_TTL: int = int(env("RESIDENT_SESSION_TTL", str(7 * 24 * 3600)))
        # Development login with any openid (POST /api/v1/auth/dev). Never turn on in production.
        self.DEV_LOGIN: bool = _env_bool("DEV_LOGIN")
        # Development clock: hall-local time the app starts at (e.g. 2026-11-30T09:00), running on from
        # there, so the hall's day (check-in, numbers, lamps) can be tried on a weekend. Never in production.
        self.DEV_CLOCK: str = env("DEV_CLOCK", "")
        self.WECHAT_APP_ID: str = env("WECHAT_APP_ID", "")
        self.WECHAT_APP_SECRET: str = env("WECHAT_APP_SECRET", "")
        self.WECHAT_TIMEOUT: float = float(env("WECHAT_TIMEOUT", "5"))
        self.HALL_TIMEZONE: str = env("HALL_TIMEZONE", "Asia/Shanghai")
        self.BOOKING_DAYS_AHEAD: int = int(env("BOOKING_DAYS_AHEAD", "7"))  # working days, today excluded
        self.BOOKING_RELEASE_HOUR: int = int(env("BOOKING_RELEASE_HOUR", "8"))  # the newest day opens then
        self.BOOKING_CANCEL_CUTOFF_MINUTES: int = int(env("BOOKING_CANCEL_CUTOFF_MINUTES", "60"))
        # A booking made inside the cut-off may still be cancelled this long after it was made (slot not begun).
        self.BOOKING_CANCEL_GRACE_MINUTES: int = int(env("BOOKING_CANCEL_GRACE_MINUTES", "15"))
        self.BOOKING_DAILY_CAP: int = int(env("BOOKING_DAILY_CAP", "2"))  # bookings per person per day
        self.NO_SHOW_LIMIT: int = int(env("NO_SHOW_LIMIT", "3"))
        self.NO_SHOW_WINDOW_DAYS: int = int(env("NO_SHOW_WINDOW_DAYS", "90"))
        self.NO_SHOW_BLOCK_DAYS: int = int(env("NO_SHOW_BLOCK_DAYS", "30"))
        # A seat taken but not yet saved (or a cancel under way) is settled by the sweeper after this long:
        # more than gunicorn's --timeout, so a request still alive is never swept.
        self.BOOKING_PENDING_SECONDS: int = int(env("BOOKING_PENDING_SECONDS", "60"))
        self.BOOKING_SWEEP_INTERVAL: float = float(env("BOOKING_SWEEP_INTERVAL", "5"))
        # Background jobs of the web process (booking sweeper, notification results and reminders):
        # started by startup.start_web; tests run them by hand.
        self.BACKGROUND_JOBS: bool = _env_bool("BACKGROUND_JOBS", True)
        # --- Queue numbers 取号 ---
        self.QUEUE_SERVICE_SAMPLES: int = int(env("QUEUE_SERVICE_SAMPLES", "20"))  # rolling average of N
        self.QUEUE_DEFAULT_SERVICE_MINUTES: float = float(env("QUEUE_DEFAULT_SERVICE_MINUTES", "8"))  # until samples
        self.QUEUE_NEAR_POSITION: int = int(env("QUEUE_NEAR_POSITION", "3"))  # "your number is 3 away"
        self.QUEUE_TICKET_TTL_DAYS: int = int(env("QUEUE_TICKET_TTL_DAYS", "2"))  # live state in Redis
        # --- Chat channels, hotline agent assist, appeals and handoffs ---
        self.RASA_URL: str = env("RASA_URL", "http://127.0.0.1:5005")
        # Shared secrets of the bot's three hops: API → Rasa (Rasa's --auth-token and our REST channel),
        # action server → API (acting for the resident of a live chat turn). Empty: the bot cannot act for anyone.
        self.RASA_TOKEN: str = env("RASA_TOKEN", "")
        self.BOT_API_TOKEN: str = env("BOT_API_TOKEN", "")
        # How long a chat turn's record (who the bot may act for) lives: longer than any turn runs.
        self.CHAT_TURN_TTL: int = int(env("CHAT_TURN_TTL", "30"))
        # Seconds to wait for Rasa before answering from the knowledge base instead.
        self.CHAT_RASA_TIMEOUT: float = float(env("CHAT_RASA_TIMEOUT", "2.5"))
        # WeChat drops a passive reply after 5 s, so Rasa gets 3.5 s and the KB fallback the rest.
        self.WECHAT_RASA_TIMEOUT: float = float(env("WECHAT_RASA_TIMEOUT", "3.5"))
        self.AGENT_RASA_TIMEOUT: float = float(env("AGENT_RASA_TIMEOUT", "1.0"))
        # Reverse proxies in front of the API (0: none). Only trusted hops' X-Forwarded-For is believed;
        # the per-address limits (chat, appeals, case lookup) need the real client address.
        self.PROXY_HOPS: int = int(env("PROXY_HOPS", "0"))
        self.CHAT_PER_SESSION_PER_MINUTE: int = int(env("CHAT_PER_SESSION_PER_MINUTE", "30"))  # a fast typist: ~10
        self.CHAT_PER_IP_PER_MINUTE: int = int(env("CHAT_PER_IP_PER_MINUTE", "300"))  # offices share one NAT
        self.CHAT_CONTEXT_TTL: int = int(env("CHAT_CONTEXT_TTL", str(30 * 60)))  # topic carry-over
        self.AGENT_CALL_TTL: int = int(env("AGENT_CALL_TTL", str(4 * 3600)))  # a call's transcript
        # WeChat official account (公众号) server settings: Token, EncodingAESKey (安全模式), AppID.
        self.WECHAT_MP_TOKEN: str = env("WECHAT_MP_TOKEN", "")
        self.WECHAT_MP_AES_KEY: str = env("WECHAT_MP_AES_KEY", "")
        self.WECHAT_MP_APP_ID: str = env("WECHAT_MP_APP_ID", "")
        # With the secret, a new follower's unionid is fetched (user/info) to find their mini-program resident.
        self.WECHAT_MP_APP_SECRET: str = env("WECHAT_MP_APP_SECRET", "")
        # Requests per minute: per session (resident) and per client address (the bot shares one).
        self.APPEALS_PER_SESSION_PER_MINUTE: int = int(env("APPEALS_PER_SESSION_PER_MINUTE", "5"))
        self.APPEALS_PER_IP_PER_MINUTE: int = int(env("APPEALS_PER_IP_PER_MINUTE", "300"))
        # --- Cases 办件进度, notifications, ratings ---
        # Case lookup by number + last 4 digits: failures allowed per client IP and per case number per window.
        self.CASE_LOOKUP_MAX_FAILURES: int = int(env("CASE_LOOKUP_MAX_FAILURES", "5"))
        self.CASE_LOOKUP_WINDOW_SECONDS: int = int(env("CASE_LOOKUP_WINDOW_SECONDS", "900"))
        # Appeal lookup by number + contact digits: failures per appeal, address, chat session and resident.
        self.APPEAL_LOOKUP_MAX_FAILURES: int = int(env("APPEAL_LOOKUP_MAX_FAILURES", "5"))
        self.APPEAL_LOOKUP_WINDOW_SECONDS: int = int(env("APPEAL_LOOKUP_WINDOW_SECONDS", "900"))
        # Demo cases (one red, one yellow, one green lamp, relative to today), seeded at start.
        self.CASES_DEMO_SEED: bool = _env_bool("CASES_DEMO_SEED", True)
        # Subscribe-message template ids (mini-program console); an unset id records the message as skipped.
        self.WECHAT_TEMPLATE_CASE_STATUS: str = env("WECHAT_TEMPLATE_CASE_STATUS", "")
        self.WECHAT_TEMPLATE_APPOINTMENT_REMINDER: str = env("WECHAT_TEMPLATE_APPOINTMENT_REMINDER", "")
        self.WECHAT_TEMPLATE_QUEUE_NEAR: str = env("WECHAT_TEMPLATE_QUEUE_NEAR", "")
        self.WECHAT_TEMPLATE_APPEAL_REPLY: str = env("WECHAT_TEMPLATE_APPEAL_REPLY", "")
        self.WECHAT_TEMPLATE_DELIVERY_SENT: str = env("WECHAT_TEMPLATE_DELIVERY_SENT", "")
        # RQ retries of a failed send: seconds before each retry (3 retries → 4 attempts in all).
        self.NOTIFY_RETRY_INTERVALS: str = env("NOTIFY_RETRY_INTERVALS", "10,30,60")
        self.NOTIFY_JOB_TIMEOUT: int = int(env("NOTIFY_JOB_TIMEOUT", "30"))
        # The web process queues tomorrow's appointment reminders from this hall-local hour on (every
        # NOTIFY_REMINDER_INTERVAL seconds, so late bookings are reminded too; each booking once).
        self.NOTIFY_REMINDER_HOUR: int = int(env("NOTIFY_REMINDER_HOUR", "17"))
        self.NOTIFY_REMINDER_INTERVAL: float = float(env("NOTIFY_REMINDER_INTERVAL", "600"))
        # Base URL of the WeChat API for subscribe messages (default WeChat's own; e.g. an egress gateway).
        self.WECHAT_API_BASE: str = env("WECHAT_API_BASE", "")
        # --- Staff consoles in the browser and the live-update server ---
        self.WEB_IDLE_MINUTES: int = int(env("WEB_IDLE_MINUTES", "30"))  # console sign-out after this idle time
        # Force the Secure flag on console cookies (it is set anyway when the request came over HTTPS).
        self.WEB_COOKIE_SECURE: bool = _env_bool("WEB_COOKIE_SECURE")
        self.LIVE_PORT: int = int(env("LIVE_PORT", "5001"))  # the live server (Procfile live:)
        # Where browsers reach the live server; empty: this page's host on LIVE_PORT. Behind a proxy
        # that routes /live/ to it, the site's own origin (e.g. https://zw.example.gov.cn).
        self.LIVE_PUBLIC_URL: str = env("LIVE_PUBLIC_URL", "")
        self.LIVE_TICKET_TTL: int = int(env("LIVE_TICKET_TTL", "300"))  # seconds a page's ticket stays usable
        # flask-smorest / OpenAPI
        self.API_TITLE = "江川政务服务 API"
        self.API_VERSION = "v1"
        self.OPENAPI_VERSION = "3.0.3"
        self.OPENAPI_URL_PREFIX = "/api"
        self.OPENAPI_JSON_PATH = "openapi.json"
        self.JSON_AS_ASCII = False

    def as_dict(self) -> dict:
        return {k: v for k, v in vars(self).items() if k.isupper()}
