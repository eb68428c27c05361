"""Check sandbox exchanges against GitHub's OpenAPI description (tests/fixtures/openapi)."""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import validators
from jsonschema._keywords import enum as _enum
from openapi_schema_validator import OAS30Validator as _OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from ghcommunity_sandbox.http import Exchange

SPEC_PATH = Path(__file__).parent / "fixtures" / "openapi" / "api.github.com.json.gz"
SPEC_URI = "urn:github-openapi"


def _nullable_enum(validator: Any, enums: Any, instance: Any, schema: dict[str, Any]) -> Any:
    # OpenAPI 3.0: `nullable: true` admits null even when `enum` does not list it, and GitHub
    # does send e.g. `"state_reason": null`.
    if instance is None and schema.get("nullable"):
        return
    yield from _enum(validator, enums, instance, schema)


OAS30Validator = validators.extend(_OAS30Validator, {"enum": _nullable_enum})


# Where GitHub's description says less than GitHub does (seen with clients written by others):
# a search result's `body` is null for an issue without one, as `GET /issues/{n}` answers
# (github3.py reads it and fails without the key).
NULLABLE = [("issue-search-result-item", "body")]


@cache
def spec() -> dict[str, Any]:
    with gzip.open(SPEC_PATH) as fh:
        data: dict[str, Any] = json.load(fh)
    schemas = data["components"]["schemas"]
    for schema, prop in NULLABLE:
        schemas[schema]["properties"][prop]["nullable"] = True
    return data


@cache
def registry() -> Registry:  # type: ignore[type-arg]
    resource = Resource.from_contents(spec(), default_specification=DRAFT4)
    return Registry().with_resource(SPEC_URI, resource)


def operation(method: str, template: str) -> dict[str, Any] | None:
    path = spec()["paths"].get(template)
    if path is None:
        return None
    op = path.get(method.lower())
    return op if isinstance(op, dict) else None


def _pointer(*parts: str) -> str:
    return "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def _resolve_response(response: dict[str, Any]) -> tuple[dict[str, Any], str | None]:
    """(response object, JSON pointer of it) following a components/responses $ref."""
    ref = response.get("$ref")
    if ref:
        name = ref.rsplit("/", 1)[-1]
        return spec()["components"]["responses"][name], f"/components/responses/{_pointer(name)}"
    return response, None


@cache
def validator_for(method: str, template: str, status: int) -> OAS30Validator | str | None:
    """A validator for this operation's response schema; None when the response has no JSON
    body; a string saying why when the status is not documented."""
    op = operation(method, template)
    if op is None:
        return f"{method} {template} is not in GitHub's OpenAPI description"
    responses = op.get("responses", {})
    key = str(status)
    if key not in responses:
        if status >= 400 or status == 304:
            return (
                OAS30Validator(
                    {"$ref": f"{SPEC_URI}#/components/schemas/basic-error"}, registry=registry()
                )
                if status != 304
                else None
            )
        return f"{method} {template} does not document status {status}"
    response, pointer = _resolve_response(responses[key])
    content = response.get("content", {})
    media = next((m for m in content if "json" in m), None)
    if media is None or "schema" not in content[media]:
        return None
    if pointer is None:
        pointer = "/" + _pointer("paths", template, method.lower(), "responses", key)
    ref = f"{SPEC_URI}#{pointer}/content/{_pointer(media)}/schema"
    return OAS30Validator({"$ref": ref}, registry=registry())


def problems(exchange: Exchange) -> list[str]:
    """What is wrong with one exchange, as GitHub's description sees it (empty: nothing)."""
    if exchange.template == "/graphql":
        return []
    where = f"{exchange.method} {exchange.path} → {exchange.status}"
    validator = validator_for(exchange.method, exchange.template, exchange.status)
    if isinstance(validator, str):
        return [f"{where}: {validator}"]
    if validator is None or not exchange.body:
        return []
    if "json" not in exchange.headers.get("content-type", "json"):
        return []
    data = json.loads(exchange.body)
    out = []
    for error in sorted(validator.iter_errors(data), key=lambda e: list(e.path))[:5]:
        if error.validator == "oneOf" and _one_of_holds(error, data):
            continue
        location = "/".join(str(p) for p in error.absolute_path)
        out.append(f"{where}: at /{location}: {error.message[:300]}")
    return out


def _one_of_holds(error: Any, instance: Any) -> bool:
    """True for two known limits of validating GitHub's description, not sandbox faults:
    a `oneOf` whose branches cannot be told apart (every error body matches both
    `basic-error` and `repository-rule-violation-error`), and a `discriminator` over a
    `oneOf` that includes an array (contents: a directory listing)."""
    if "is valid under each of" in error.message:
        return True
    branches = error.schema.get("oneOf") or []
    matches = 0
    for branch in branches:
        v = OAS30Validator(
            {"$ref": SPEC_URI + branch["$ref"]} if "$ref" in branch else branch, registry=registry()
        )
        if v.is_valid(instance):
            matches += 1
    return matches == 1
