"""OpenAPI: Litestar's schema, plus the sync mutations (decoded by hand, so described by hand)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin

from app.sync import registry

REF = "#/components/schemas/{name}"


def _sync_request_schema() -> tuple[dict[str, Any], dict[str, Any]]:
    """JSON schema of the sync body with every registered mutation type, and its components."""
    mutation_union = registry.union_type()
    doc_type = msgspec.defstruct(
        "SyncRequest",
        [
            ("device_id", str),
            ("mutations", list[mutation_union]),  # type: ignore[valid-type]
            ("sent_at", str | None, None),
        ],
    )
    (schema,), components = msgspec.json.schema_components([doc_type], ref_template=REF)
    return schema, components


class SyncAwareJsonPlugin(JsonRenderPlugin):
    def render(self, request: Request, openapi_schema: dict[str, Any]) -> bytes:
        schema = dict(openapi_schema)
        body_schema, components = _sync_request_schema()
        schema.setdefault("components", {}).setdefault("schemas", {}).update(components)
        operation = schema.get("paths", {}).get("/api/sync", {}).get("post")
        if operation is not None:
            operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": body_schema}}}
        return super().render(request, schema)


def openapi_config() -> OpenAPIConfig:
    return OpenAPIConfig(
        title="客服中心 API",
        version="1.0",
        path="/schema",
        render_plugins=[SyncAwareJsonPlugin()],
    )
