"""The OpenAPI document is a valid OpenAPI 3.1 document, as a client generator reads it (the JSON
served at /api/openapi.json), and names every router's operations with unique operation ids."""

import json

import pytest
from django.core.serializers.json import DjangoJSONEncoder

from xindang.api.api import api

validator = pytest.importorskip("openapi_spec_validator")


def _served_schema() -> dict:
    return json.loads(json.dumps(api.get_openapi_schema(), cls=DjangoJSONEncoder))


def test_the_openapi_document_is_valid():
    validator.validate(_served_schema())


def test_operation_ids_are_unique_and_the_wide_routes_are_there():
    schema = _served_schema()
    ids = [op["operationId"] for ops in schema["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))
    for path in ("/api/documents/{document_id}/download", "/api/contracts", "/api/credit/grants/{grant_id}"):
        assert path in schema["paths"]


def test_an_invalid_document_is_refused():
    """The check can fail: a response without its description is not OpenAPI."""
    schema = _served_schema()
    op = schema["paths"]["/api/contracts"]["get"]
    op["responses"]["200"].pop("description")
    with pytest.raises(Exception, match="description"):
        validator.validate(schema)


def test_no_object_of_the_document_has_a_key_twice():
    # 200 and "200" are two keys of a Python dict but one key twice in the JSON, which Swagger UI
    # refuses to render ("duplicated mapping key")
    from xindang.api.api import api

    def twice(node, path="#"):
        if isinstance(node, dict):
            names = [str(k) for k in node]
            found = [f"{path}: {n}" for n in set(names) if names.count(n) > 1]
            return found + [d for k, v in node.items() for d in twice(v, f"{path}/{k}")]
        if isinstance(node, list):
            return [d for i, v in enumerate(node) for d in twice(v, f"{path}/{i}")]
        return []

    assert twice(api.get_openapi_schema(path_prefix="/api")) == []
