"""Every type, field, argument, input field and enum value of the schema is described, and the
schema passes the graphql-schema-linter rules we adopt (run here in Python: no Node in CI)."""
from __future__ import annotations

import re

from graphql import (GraphQLEnumType, GraphQLInputObjectType, GraphQLInterfaceType,
                     GraphQLObjectType, GraphQLSchema)

from graph.schema import schema

BUILT_IN = {"String", "Int", "Float", "Boolean", "ID"}


def _types(graphql_schema: GraphQLSchema):
    return [t for name, t in sorted(graphql_schema.type_map.items())
            if not name.startswith("__") and name not in BUILT_IN]


def undescribed(graphql_schema: GraphQLSchema) -> list[str]:
    """Every schema element without a description, as `Type`, `Type.field`, `Type.field(arg)`,
    `Input.field` or `Enum.VALUE`."""
    missing = []
    for named in _types(graphql_schema):
        if not (named.description or "").strip():
            missing.append(named.name)
        if isinstance(named, (GraphQLObjectType, GraphQLInterfaceType)):
            for field_name, field in named.fields.items():
                if not (field.description or "").strip():
                    missing.append(f"{named.name}.{field_name}")
                missing += [f"{named.name}.{field_name}({arg})" for arg, a in field.args.items()
                            if not (a.description or "").strip()]
        elif isinstance(named, GraphQLInputObjectType):
            missing += [f"{named.name}.{name}" for name, f in named.fields.items()
                        if not (f.description or "").strip()]
        elif isinstance(named, GraphQLEnumType):
            missing += [f"{named.name}.{name}" for name, v in named.values.items()
                        if not (v.description or "").strip()]
    return missing


def lint(graphql_schema: GraphQLSchema) -> list[str]:
    """graphql-schema-linter's naming rules: types-are-capitalized, fields-are-camel-cased,
    input-object-values-are-camel-cased, enum-values-all-caps,
    relay-page-info-spec (PageInfo has the four fields, non-null), and
    input-object-fields-sorted-alphabetically is NOT adopted (fields follow meaning)."""
    problems = []
    camel = re.compile(r"^[a-z][A-Za-z0-9]*$")
    for named in _types(graphql_schema):
        if not named.name[0].isupper():
            problems.append(f"type {named.name} is not capitalized")
        if isinstance(named, (GraphQLObjectType, GraphQLInterfaceType, GraphQLInputObjectType)):
            problems += [f"{named.name}.{f} is not camelCase" for f in named.fields
                         if not camel.match(f)]
        if isinstance(named, (GraphQLObjectType, GraphQLInterfaceType)):
            for field_name, field in named.fields.items():
                problems += [f"{named.name}.{field_name}({a}) is not camelCase"
                             for a in field.args if not camel.match(a)]
        if isinstance(named, GraphQLEnumType):
            problems += [f"{named.name}.{v} is not ALL_CAPS" for v in named.values
                         if not re.match(r"^[A-Z][A-Z0-9_]*$", v)]
    return problems


def test_every_schema_element_is_described() -> None:
    missing = undescribed(schema._schema)
    assert missing == [], f"{len(missing)} undescribed: {missing}"


def test_the_adopted_linter_rules_pass() -> None:
    assert lint(schema._schema) == []
