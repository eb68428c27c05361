"""The one exception the sandbox raises for anything GitHub would answer with an error."""

from __future__ import annotations

from typing import Any

DOCS = "https://docs.github.com/rest"


class ApiError(Exception):
    """An error GitHub would return: a status, GitHub's message and, for 422, `errors`.

    State helpers raise it too, so a test that arranges something impossible learns why.
    """

    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        documentation_url: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(f"{status} {message}")
        self.status = status
        self.message = message
        self.errors = errors
        self.documentation_url = documentation_url
        self.headers = headers or {}

    def body(self, documentation_url: str | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"message": self.message}
        if self.errors is not None:
            out["errors"] = self.errors
        out["documentation_url"] = self.documentation_url or documentation_url or DOCS
        out["status"] = str(self.status)
        return out


def not_found() -> ApiError:
    return ApiError(404, "Not Found")


def invalid(resource: str, field: str, code: str = "invalid", **extra: Any) -> ApiError:
    """422 Validation Failed with one `errors` entry, as GitHub writes it."""
    error: dict[str, Any] = {"resource": resource, "code": code, "field": field, **extra}
    return ApiError(422, "Validation Failed", errors=[error])


def custom(resource: str, message: str) -> ApiError:
    """422 Validation Failed with a `custom` error that carries its own message."""
    return ApiError(
        422,
        "Validation Failed",
        errors=[{"resource": resource, "code": "custom", "message": message}],
    )
