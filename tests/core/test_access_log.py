"""The gunicorn access log keeps no WeChat signatures, lookup factors or ID/phone numbers."""

from __future__ import annotations

import datetime as dt
import logging
from types import SimpleNamespace

from gunicorn.config import Config

from miniapp_api.core.access_log import RedactingLogger, redact_query, redact_uri


def test_secret_parameters_are_replaced():
    query = "signature=abc123&timestamp=1764300000&nonce=987654&openid=oXYZ&encrypt_type=raw"
    assert redact_query(query) == "signature=***&timestamp=***&nonce=***&openid=***&encrypt_type=raw"
    assert redact_query("case_no=JC2026112800002&factor=2345") == "case_no=JC2026112800002&factor=***"
    assert redact_query("contact_last4=5678") == "contact_last4=***"


def test_id_and_phone_numbers_in_other_values_are_masked():
    redacted = redact_query("q=%E6%88%91%E7%9A%84%E6%89%8B%E6%9C%BA13812345678&k=3")
    assert "13812345678" not in redacted and "5678" not in redacted
    assert redacted.endswith("&k=3")
    assert redact_query("q=11010519491231002X+%E6%8D%A2%E8%AF%81").count("002X") == 0
    plain = "q=%E5%8A%9E%E6%8A%A4%E7%85%A7&k=3"  # nothing personal: left exactly as it was
    assert redact_query(plain) == plain


def test_uri_keeps_path_and_fragment():
    assert redact_uri("/wechat?signature=s&nonce=n") == "/wechat?signature=***&nonce=***"
    assert redact_uri("/api/v1/guides/GR-001") == "/api/v1/guides/GR-001"
    assert redact_uri("https://x/p?token=t#top") == "https://x/p?token=***#top"


def test_logger_line_has_no_secrets(caplog):
    cfg = Config()
    cfg.set("accesslog", "-")
    logger = RedactingLogger(cfg)
    environ = {"REQUEST_METHOD": "POST", "RAW_URI": "/wechat?signature=deadbeef&timestamp=1764300000&nonce=42",
               "PATH_INFO": "/wechat", "QUERY_STRING": "signature=deadbeef&timestamp=1764300000&nonce=42",
               "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
               "HTTP_REFERER": "http://x/cases/lookup?case_no=JC2026112800002&factor=2345"}  # fmt: skip
    resp = SimpleNamespace(status="200 OK", sent=7, headers=[])
    req = SimpleNamespace(headers=[])
    logger.access_log.propagate = True  # let caplog see gunicorn's own logger
    with caplog.at_level(logging.INFO, logger="gunicorn.access"):
        logger.access(resp, req, environ, dt.timedelta(milliseconds=3))
    line = caplog.messages[-1]
    assert '"POST /wechat?signature=***&timestamp=***&nonce=*** HTTP/1.1" 200 7' in line
    assert "deadbeef" not in line and "1764300000" not in line and "2345" not in line
