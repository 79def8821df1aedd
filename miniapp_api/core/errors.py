"""Domain exceptions and the one JSON error shape used everywhere.

Every error leaves as ``{"error": {"code": ..., "message": ..., "field": ...}}``.
"""

from __future__ import annotations

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException


class ApiError(Exception):
    """Base of all domain errors; subclasses set the HTTP status and a stable code."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, field: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
        if code:
            self.code = code


class ValidationFailed(ApiError):
    status = 400
    code = "validation_error"


class NotFound(ApiError):
    status = 404
    code = "not_found"


class Unauthorized(ApiError):
    status = 401
    code = "unauthorized"


class Forbidden(ApiError):
    status = 403
    code = "forbidden"


class Conflict(ApiError):
    status = 409
    code = "conflict"


class TooManyRequests(ApiError):
    status = 429
    code = "too_many_requests"

    def __init__(self, message: str, field: str | None = None, code: str | None = None, retry_after: int = 0):
        super().__init__(message, field, code=code)
        self.retry_after = retry_after  # seconds; sent as Retry-After


class Unavailable(ApiError):
    status = 503
    code = "unavailable"


class Unprocessable(ApiError):
    """Well-formed but cannot be done as asked (e.g. a date outside the booking window)."""

    status = 422
    code = "unprocessable"


class WrongDay(ApiError):
    """A queue action for a day that is not the hall's today."""

    status = 422
    code = "not_today"


class ScheduleUnknown(ApiError):
    """A working-day count reaches a year whose holiday schedule has not been loaded."""

    status = 422
    code = "holiday_schedule_unknown"

    def __init__(self, year: int):
        super().__init__(
            f"{year}年的法定节假日安排尚未录入，无法按工作日计算；请工作人员录入当年调休安排后再试",
            "date",
        )


class WechatLoginFailed(ApiError):
    status = 401
    code = "wechat_login_failed"


def flatten_errors(messages: dict | list | str, prefix: str = "") -> list[tuple[str, str]]:
    """Turn marshmallow's nested error dict into (dotted.field, message) pairs."""
    if isinstance(messages, str):
        return [(prefix or "_schema", messages)]
    if isinstance(messages, list):
        pairs: list[tuple[str, str]] = []
        for message in messages:
            pairs.extend(flatten_errors(message, prefix))
        return pairs
    pairs = []
    for key, value in messages.items():
        name = prefix if key == "_schema" else (f"{prefix}.{key}" if prefix else str(key))
        pairs.extend(flatten_errors(value, name))
    return pairs


def json_error(status: int, code: str, message: str, field: str | None = None):
    """The single helper that builds an error response."""
    response = jsonify({"error": {"code": code, "message": message, "field": field}})
    response.status_code = status
    return response


def _first_field_error(messages: dict) -> tuple[str | None, str]:
    """Pick the first (dotted field, message) out of webargs' {location: {field: [msgs]}}."""

    pairs = []
    for location, errors in messages.items():
        pairs.extend(flatten_errors(errors if isinstance(errors, dict) else {location: errors}))
    if not pairs:
        return None, "invalid input"
    field, message = pairs[0]
    return (None if field == "_schema" else field), message


def _handle_http(exc: HTTPException):
    data = getattr(exc, "data", None) or {}
    messages = data.get("messages")
    if messages:  # webargs / flask-smorest request validation
        field, message = _first_field_error(messages)
        if field == "json" and "Invalid JSON" in message:
            return json_error(400, "malformed_json", "request body is not valid JSON", None)
        return json_error(400, "validation_error", f"{field}: {message}" if field else message, field)
    code = (exc.name or "error").lower().replace(" ", "_")
    return json_error(exc.code or 500, code, exc.description or exc.name, None)


def _handle_api_error(exc: ApiError):
    response = json_error(exc.status, exc.code, exc.message, exc.field)
    if getattr(exc, "retry_after", 0):
        response.headers["Retry-After"] = str(exc.retry_after)
    return response


def _handle_unexpected(exc: Exception):
    from flask import current_app

    current_app.logger.exception("unhandled error")
    return json_error(500, "internal_error", "internal error, the incident was logged", None)


def _handle_store_down(exc: Exception):
    """Redis unreachable (restarting, overloaded): the request may be retried, so 503 with Retry-After,
    not a 500 — the fault tests restart Redis under load and accept nothing else."""
    from flask import current_app

    current_app.logger.warning("store unavailable: %s: %s", type(exc).__name__, exc)
    response = json_error(503, "store_unavailable", "服务暂时繁忙，请稍后重试", None)
    response.headers["Retry-After"] = "1"
    return response


def init_app(app: Flask) -> None:
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import TimeoutError as RedisTimeoutError

    app.register_error_handler(ApiError, _handle_api_error)
    app.register_error_handler(HTTPException, _handle_http)
    app.register_error_handler(RedisConnectionError, _handle_store_down)
    app.register_error_handler(RedisTimeoutError, _handle_store_down)
    app.register_error_handler(Exception, _handle_unexpected)
