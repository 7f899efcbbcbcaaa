"""Forms of the pages: what a browser posts becomes the same pydantic models the API takes,
and what the API would answer as problems is shown next to the fields, translated.

Field names are the API's dotted names (``address.postal_code``), so one set of rules and
messages serves the API and the pages.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ValidationError

from cus_shared.errors import DomainError, FieldProblem
from cus_shared.i18n.language import current_language
from cus_shared.messages import translate

if TYPE_CHECKING:
    from collections.abc import Mapping

    from litestar import Request

Model = TypeVar("Model", bound=BaseModel)

#: pydantic error types and the catalogue keys that explain them.
_PYDANTIC_KEYS = {
    "missing": "field.required",
    "extra_forbidden": "field.unknown",
    "string_too_long": "field.too_long",
    "string_too_short": "field.too_short",
    "too_short": "field.too_short",
    "date_parsing": "field.date",
    "date_from_datetime_parsing": "field.date",
    "date_type": "field.date",
    "enum": "field.choice",
    "literal_error": "field.choice",
}


@dataclass
class FormErrors:
    """Translated messages per field, and the list the error summary shows."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    summary: list[tuple[str | None, str]] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.summary)

    def of(self, name: str) -> list[str]:
        """Messages for one field (empty when it is fine)."""
        return self.fields.get(name, [])


def problems_from_validation(exc: ValidationError) -> list[FieldProblem]:
    """pydantic's errors as the API's field problems (same keys as the problem details)."""
    problems: list[FieldProblem] = []
    for error in exc.errors(include_input=False):
        name = ".".join(str(part) for part in error["loc"])
        key = _PYDANTIC_KEYS.get(error["type"], "field.invalid")
        context = error.get("ctx") or {}
        params: dict[str, str | int] = {}
        if key == "field.too_long" and "max_length" in context:
            params["max"] = int(context["max_length"])
        if key == "field.too_short" and "min_length" in context:
            params["min"] = int(context["min_length"])
        problems.append(FieldProblem(field=name, key=key, params=params))
    return problems


def form_errors(error: DomainError | ValidationError | list[FieldProblem]) -> FormErrors:
    """Messages in the current language for a domain error, a validation error or problems."""
    language = current_language()
    errors = FormErrors()
    if isinstance(error, ValidationError):
        problems = problems_from_validation(error)
    elif isinstance(error, DomainError):
        problems = error.problems
        if not problems:
            errors.summary.append((None, translate(error.key, language, error.params)))
    else:
        problems = error
    for problem in problems:
        message = translate(problem.key, language, problem.params)
        errors.fields.setdefault(problem.field, []).append(message)
        errors.summary.append((problem.field, message))
    return errors


def error_status(error: DomainError | ValidationError) -> int:
    """The status of a form answered with its problems: the service's, or 422 for rules of the
    input's shape (the page is whole; what was typed breaks a rule)."""
    return error.status_code if isinstance(error, DomainError) else 422


def error_summary(error: DomainError | ValidationError) -> str:
    """Every problem of a refusal in one sentence, for a flash message on the page returned to."""
    return " ".join(message for _field, message in form_errors(error).summary)


async def read_form(request: Request[Any, Any, Any]) -> dict[str, str]:
    """The posted form as plain strings (last value wins), without the CSRF token."""
    form = await request.form()
    return {
        str(k): str(v).strip() for k, v in form.items() if k != "_csrf_token" and isinstance(v, str)
    }


def nest(flat: Mapping[str, str]) -> dict[str, Any]:
    """``{"address.city": "Konin"}`` → ``{"address": {"city": "Konin"}}``; empty inputs are
    left out (an optional field not filled in)."""
    nested: dict[str, Any] = {}
    for name, value in flat.items():
        if value == "":
            continue
        target = nested
        *parents, leaf = name.split(".")
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = value
    return nested


def parse_form(model: type[Model], flat: Mapping[str, str]) -> Model:
    """Validate posted fields with the API's model (raises pydantic's ValidationError)."""
    return model.model_validate(nest(flat))
