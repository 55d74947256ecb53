"""Errors the server answers with: an HTTP status and an OpenAI-style body a client can act on.

The body is ``{"error": {"message", "type", "param", "code"}}`` as OpenAI's API sends it (so the
``openai`` client raises its matching exception), plus ``valid`` listing the accepted values where a
request named something unknown (a model, voice, language...).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

ERROR_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    404: "not_found_error",
    408: "timeout_error",
    413: "invalid_request_error",
    415: "invalid_request_error",
    422: "invalid_request_error",
    429: "rate_limit_error",
    503: "server_busy_error",
    504: "timeout_error",
}


class ApiError(Exception):
    """A request that cannot be served as sent (4xx) or not now (503/504)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        param: str | None = None,
        valid: Sequence[str] | None = None,
        headers: dict[str, str] | None = None,
    ):
        self.status = status
        self.code = code
        self.message = message
        self.param = param
        self.valid = None if valid is None else list(valid)
        self.headers = headers or {}
        super().__init__(f"{status} {code}: {message}")

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {
            "message": self.message,
            "type": ERROR_TYPES.get(self.status, "invalid_request_error"),
            "param": self.param,
            "code": self.code,
        }
        if self.valid is not None:
            error["valid"] = self.valid
        return {"error": error}


def unknown_value(param: str, value: object, valid: Sequence[str], what: str | None = None) -> ApiError:
    """422 for a value that is not one of ``valid``, listing them."""
    listed = ", ".join(valid) if valid else "none"
    return ApiError(
        422,
        f"unknown_{param}",
        f"unknown {what or param} '{value}'; valid: {listed}",
        param=param,
        valid=valid,
    )
