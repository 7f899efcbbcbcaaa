"""Domain errors: a code, a message key and safe parameters, never personal data.

One place (``cus_shared.web.problems``) turns them into RFC 9457 problem-details responses
in the caller's language.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import ClassVar


@dataclass(frozen=True, slots=True)
class FieldProblem:
    """One thing wrong with one field of the input."""

    field: str
    key: str
    params: dict[str, str | int] = dataclasses.field(default_factory=dict)


class DomainError(Exception):
    """Base of errors the API explains to its caller.

    ``key`` selects the translated message; ``params`` may only hold values that are safe to
    show and log (limits, field names, codes), never what the caller typed about a person.
    """

    status_code: ClassVar[int] = 400
    code: ClassVar[str] = "error"

    def __init__(
        self,
        key: str | None = None,
        *,
        field: str | None = None,
        params: dict[str, str | int] | None = None,
        problems: list[FieldProblem] | None = None,
    ) -> None:
        self.key = key or self.code
        self.params = params or {}
        self.problems = list(problems or [])
        if field is not None:
            self.problems.append(FieldProblem(field=field, key=self.key, params=self.params))
        super().__init__(self.key)


class NotFoundError(DomainError):
    """The object does not exist for this caller (also: it belongs to another tenant)."""

    status_code = 404
    code = "not_found"


class MalformedRequestError(DomainError):
    """A request no page or client of ours makes (a broken id or offset in a URL): 400."""

    status_code = 400
    code = "invalid_input"


class ConflictError(DomainError):
    """The request clashes with what is stored (duplicate, stale version)."""

    status_code = 409
    code = "conflict"


class InputError(DomainError):
    """The input is well-formed but breaks a rule."""

    status_code = 422
    code = "invalid_input"


class AuthenticationError(DomainError):
    """No valid credentials."""

    status_code = 401
    code = "auth.required"


class PermissionDeniedError(DomainError):
    """Authenticated, but the role does not allow this (outside tenant lookups, which 404)."""

    status_code = 403
    code = "auth.forbidden"


def first_line(exc: BaseException) -> str:
    """What a fleet job (migrations, snapshots) records of one tenant's failure: the driver's
    own error when SQLAlchemy wraps one, first line only (PostgreSQL's DETAIL line, which
    may quote the values of a row, is left out), at most 300 characters."""
    orig = getattr(exc, "orig", None)
    message = str(orig if orig is not None else exc)
    return message.splitlines()[0][:300] if message else ""
