"""Checks on spec input, shared by create, update and task creation."""
from __future__ import annotations

import re
from typing import Any

from graph.errors import ApiError, ErrorCode
from resolvers.datasets.scan import check_data_type
from store.records import SpecRecord

_PLUGIN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def check_plugin_name(plugin_name: str) -> str:
    if not _PLUGIN.match(plugin_name or ""):
        raise ApiError(ErrorCode.BAD_USER_INPUT,
                       "pluginName must be 1-64 characters: letters, digits, '_', '.' or '-' "
                       "(e.g. 'rectangle', 'polygon', 'cuboid-editor')", field="pluginName")
    return plugin_name


def check_label_schema(label_schema: Any) -> dict:
    if not isinstance(label_schema, dict):
        raise ApiError(ErrorCode.BAD_USER_INPUT,
                       "labelSchema must be a JSON object, e.g. {\"category\": [{\"name\": "
                       "\"car\", \"color\": \"green\", \"properties\": []}], \"default\": \"car\"}",
                       field="labelSchema")
    return label_schema


def spec_record(spec_id: str, plugin_name: str, data_type: str, label_schema: Any,
                settings: Any) -> SpecRecord:
    """A checked DbSpec; `settings` is stored only when given."""
    record: SpecRecord = {"id": spec_id, "plugin_name": check_plugin_name(plugin_name),
                          "data_type": check_data_type(data_type),
                          "label_schema": check_label_schema(label_schema)}
    if settings is not None:
        record["settings"] = settings
    return record
