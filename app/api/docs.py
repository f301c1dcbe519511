"""The API documentation page's content, read from the OpenAPI document itself.

flask-smorest's Swagger UI, ReDoc and RapiDoc load scripts from a CDN, which the site's
Content-Security-Policy refuses; this page is drawn on the server instead, so it always
lists what openapi.json says.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import current_app

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass(frozen=True)
class Parameter:
    name: str
    location: str  # path or query
    kind: str
    required: bool
    description: str


@dataclass(frozen=True)
class Endpoint:
    method: str
    path: str
    summary: str
    description: str
    parameters: list[Parameter] = field(default_factory=list)
    responses: list[tuple[str, str]] = field(default_factory=list)
    body: list[Parameter] = field(default_factory=list)  # location: the media type

    @property
    def anchor(self) -> str:
        slug = "".join(c if c.isalnum() else "-" for c in self.path.strip("/"))
        return f"{self.method.lower()}-{slug}".strip("-")


def api_document() -> dict[str, Any]:
    """The application's OpenAPI document, as served at /api/v1/openapi.json."""
    api = current_app.extensions["flask-smorest"]["apis"][""]["ext_obj"]
    return api.spec.to_dict()


def _kind(schema: dict[str, Any]) -> str:
    kind = schema.get("type", "string")
    if isinstance(kind, list):
        kind = " or ".join(k for k in kind if k != "null")
    if kind == "array":
        return f"list of {_kind(schema.get('items', {}))}"
    if "enum" in schema:
        return f"{kind}: one of {', '.join(str(v) for v in schema['enum'])}"
    if "minimum" in schema or "maximum" in schema:
        return f"{kind}, {schema.get('minimum', '…')} to {schema.get('maximum', '…')}"
    return str(kind)


def _parameter(raw: dict[str, Any]) -> Parameter:
    schema = raw.get("schema", {})
    description = raw.get("description") or schema.get("description", "")
    if "default" in schema:
        description = f"{description} Default {schema['default']}.".strip()
    return Parameter(raw["name"], raw["in"], _kind(schema), bool(raw.get("required")), description)


def _resolved(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """A schema, or the component its ``$ref`` names."""
    ref = schema.get("$ref", "")
    if not ref.startswith("#/components/schemas/"):
        return schema
    return document.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[-1], {})


def _body(document: dict[str, Any], body: dict[str, Any] | None) -> list[Parameter]:
    """The fields of a request body, for each media type it accepts."""
    found = []
    for media, content in (body or {}).get("content", {}).items():
        schema = _resolved(document, content.get("schema", {}))
        required = set(schema.get("required", ()))
        for name, raw in schema.get("properties", {}).items():
            prop = _resolved(document, raw)
            kind = "object" if "$ref" in raw else _kind(prop)
            description = raw.get("description") or prop.get("description", "")
            found.append(Parameter(name, media, kind, name in required, description))
    return found


def endpoints(document: dict[str, Any]) -> list[Endpoint]:
    """Every operation of the document, in path order, with its parameters and responses."""
    found: list[Endpoint] = []
    for path, item in sorted(document.get("paths", {}).items()):
        shared = [_parameter(p) for p in item.get("parameters", [])]
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            responses = [
                (code, str(response.get("description", "")))
                for code, response in operation.get("responses", {}).items()
                if "$ref" not in response
            ]
            responses += [
                (code, response["$ref"].rsplit("/", 1)[-1].replace("_", " ").capitalize())
                for code, response in operation.get("responses", {}).items()
                if "$ref" in response
            ]
            found.append(
                Endpoint(
                    method=method.upper(),
                    path=path,
                    summary=operation.get("summary", ""),
                    description=operation.get("description", ""),
                    parameters=shared + [_parameter(p) for p in operation.get("parameters", [])],
                    responses=sorted(responses),
                    body=_body(document, operation.get("requestBody")),
                )
            )
    return found
