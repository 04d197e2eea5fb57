"""What a GraphQL document asks for, measured from its syntax tree before it is validated or run.

Two measures, both linear in the document (fragments are measured once and reused):
- its shape (`measure_shape`): aliases, fields repeated under one response name, nesting depth,
  root fields of a mutation. Validation compares every pair of fields sharing a response name
  (OverlappingFieldsCanBeMerged), so a document with thousands of them is refused here, before
  validation could take seconds;
- its cost (`plan_cost`, then `CostPlan.evaluate` with the request's variables): every selected
  field costs 1 (a thumbnail `FIELD_COSTS`, a root mutation field `MUTATION_COST`), and a list
  multiplies what it holds by its page size. The page size is read from any size argument
  (`SIZE_ARGUMENTS`) of the list field, or of the field holding it (a connection: `items`,
  `edges`, `nodes` take their parent's `first`), with the schema's default when it is not given;
  a list without one counts as `UNSIZED_LIST` items. Aliases and fragment spreads are counted
  every time they appear, so they multiply the cost as they multiply the work.

The plan is built once per document (cached with it); evaluating it for a request's variables
only walks the parts that depend on a variable.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableNode,
)

from graph.settings import MAX_PAGE_SIZE

#: Arguments that say how many items a list (or the connection holding it) returns.
SIZE_ARGUMENTS = ("first", "last", "count", "limit")
#: How many items a list without a size argument is assumed to hold (users, datasets, frames …).
UNSIZED_LIST = 20
#: Fields costlier than one unit: a thumbnail is ~5 KB of base64 JPEG, ~50 ordinary fields; a
#: worker statistic is an aggregation over a task's results and job history.
FIELD_COSTS: Mapping[tuple[str, str], int] = {
    ("DataItem", "thumbnail"): 50, ("Result", "thumbnail"): 50,
    ("Task", "workerStatistics"): 50, ("User", "statistics"): 50}
#: Each root field of a mutation is a write.
MUTATION_COST = 10


# ---------------------------------------------------------------- shape

@dataclass(frozen=True)
class Shape:
    aliases: int
    repeated_fields: int  # fields beyond the first under one response name, summed over the document
    depth: int  # deepest nesting of fields (introspection fields not counted)
    root_mutations: int  # root fields of the largest mutation operation


def measure_shape(document: DocumentNode) -> Shape:
    """The document's shape; RecursionError for absurdly nested fragments (the caller refuses)."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    names_of: dict[str, list[str]] = {}
    depth_of: dict[str, int] = {}

    def response_names(selection_set: SelectionSetNode, seen: set[str]) -> list[str]:
        """Response names at this level, through inline fragments and (distinct) spreads."""
        names: list[str] = []
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                names.append((selection.alias or selection.name).value)
            elif isinstance(selection, InlineFragmentNode):
                names.extend(response_names(selection.selection_set, seen))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in seen or name not in fragments:
                    continue
                seen.add(name)
                if name not in names_of:
                    names_of[name] = response_names(fragments[name].selection_set, {name})
                names.extend(names_of[name])
        return names

    def depth(selection_set: SelectionSetNode | None, active: frozenset[str]) -> int:
        deepest = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                if not selection.name.value.startswith("__"):
                    deepest = max(deepest, 1 + depth(selection.selection_set, active))
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, depth(selection.selection_set, active))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in active or name not in fragments:
                    continue  # a cycle: validation refuses it
                if name not in depth_of:
                    depth_of[name] = depth(fragments[name].selection_set, active | {name})
                deepest = max(deepest, depth_of[name])
        return deepest

    aliases = repeated = deepest = root_mutations = 0
    stack: list[SelectionSetNode] = []
    for definition in document.definitions:
        if isinstance(definition, (OperationDefinitionNode, FragmentDefinitionNode)):
            stack.append(definition.selection_set)
        if isinstance(definition, OperationDefinitionNode):
            deepest = max(deepest, depth(definition.selection_set, frozenset()))
            if definition.operation == OperationType.MUTATION:
                root_mutations = max(root_mutations, len(response_names(definition.selection_set, set())))
    while stack:
        selection_set = stack.pop()
        names = response_names(selection_set, set())
        repeated += len(names) - len(set(names))
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode) and selection.alias is not None:
                aliases += 1
            if isinstance(selection, (FieldNode, InlineFragmentNode)) and selection.selection_set:
                stack.append(selection.selection_set)
    return Shape(aliases, repeated, deepest, root_mutations)


# ---------------------------------------------------------------- cost

@dataclass(frozen=True)
class Size:
    """A page size: a literal, or a variable with the value to use when it is not given."""

    argument: str
    variable: str | None
    fallback: int  # the literal, the variable's default or the schema's default, else MAX_PAGE_SIZE

    def value(self, variables: Mapping[str, Any], oversized: list[str]) -> int:
        raw = variables.get(self.variable, self.fallback) if self.variable else self.fallback
        if raw is None or isinstance(raw, bool) or not isinstance(raw, int):
            return self.fallback  # not an Int: coercing the variables refuses it later
        if not 0 <= raw <= MAX_PAGE_SIZE:
            oversized.append(f"{self.argument} must be between 0 and {MAX_PAGE_SIZE}, got {raw}")
        return max(raw, 0)


@dataclass(frozen=True)
class Node:
    """multiplier × (weight + Σ children): one field whose cost depends on a variable."""

    multiplier: int | Size
    weight: int
    children: tuple[CostPlan, ...] = field(default=())

    def evaluate(self, variables: Mapping[str, Any], oversized: list[str],
                 memo: dict[int, int]) -> int:
        """Fragments make the plan a graph whose nodes are shared: each is evaluated once."""
        known = memo.get(id(self))
        if known is not None:
            return known
        multiplier = (self.multiplier if isinstance(self.multiplier, int)
                      else self.multiplier.value(variables, oversized))
        inner = self.weight + sum(c if isinstance(c, int) else c.evaluate(variables, oversized, memo)
                                  for c in self.children)
        memo[id(self)] = multiplier * inner
        return memo[id(self)]


CostPlan = int | Node


def evaluate(plan: CostPlan, variables: Mapping[str, Any] | None) -> tuple[int, list[str]]:
    """The cost for these variables, and the page sizes over the maximum (messages)."""
    oversized: list[str] = []
    if not isinstance(variables, Mapping):
        variables = {}  # not an object: Strawberry refuses it when coercing
    cost = plan if isinstance(plan, int) else plan.evaluate(variables, oversized, {})
    return cost, oversized


def _make(multiplier: int | Size, weight: int, children: Iterable[CostPlan]) -> CostPlan:
    """A Node, or its value when nothing in it depends on a variable (literal sizes are still
    recorded, so an oversized literal is reported)."""
    parts = list(children)
    dynamic = [c for c in parts if isinstance(c, Node)]
    constant = weight + sum(c for c in parts if isinstance(c, int))
    if isinstance(multiplier, Size) and multiplier.variable is None and not (
            0 <= multiplier.fallback <= MAX_PAGE_SIZE):
        return Node(multiplier, constant, tuple(dynamic))
    if not dynamic and not isinstance(multiplier, Size):
        return multiplier * constant
    if not dynamic and isinstance(multiplier, Size) and multiplier.variable is None:
        return multiplier.fallback * constant
    return Node(multiplier, constant, tuple(dynamic))


def _unwrap(type_: Any) -> tuple[bool, Any]:
    is_list = False
    while isinstance(type_, (GraphQLNonNull, GraphQLList)):
        is_list = is_list or isinstance(type_, GraphQLList)
        type_ = type_.of_type
    return is_list, type_


def plan_cost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode) -> CostPlan:
    """The cost plan of one operation of `document` (which need not be valid: unknown fields and
    types cost nothing here; validation refuses them afterwards)."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    defaults = {d.variable.name.value: d.default_value for d in operation.variable_definitions or ()}
    memo: dict[tuple[str, int, int], CostPlan] = {}

    def size_of(node: FieldNode, definition: Any) -> Size | None:
        for name in SIZE_ARGUMENTS:
            if name not in definition.args:
                continue
            schema_default = definition.args[name].default_value
            fallback = schema_default if isinstance(schema_default, int) else MAX_PAGE_SIZE
            given = next((a.value for a in node.arguments or () if a.name.value == name), None)
            if isinstance(given, IntValueNode):
                return Size(name, None, int(given.value))
            if isinstance(given, VariableNode):
                default = defaults.get(given.name.value)
                if isinstance(default, IntValueNode):
                    fallback = int(default.value)
                return Size(name, given.name.value, fallback)
            return Size(name, None, fallback)
        return None

    def walk(selection_set: SelectionSetNode | None, parent: Any, inherited: Size | None,
             root_weight: int, active: frozenset[str]) -> list[CostPlan]:
        plans: list[CostPlan] = []
        if selection_set is None:
            return plans
        spread: set[str] = set()  # a fragment spread twice at one level runs once
        for selection in selection_set.selections:
            if isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                target = schema.get_type(condition.name.value) if condition else parent
                plans.extend(walk(selection.selection_set, target, inherited, root_weight, active))
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = fragments.get(name)
                if fragment is None or name in active or name in spread:
                    continue
                spread.add(name)
                key = (name, id(inherited), root_weight)
                if key not in memo:
                    target = schema.get_type(fragment.type_condition.name.value)
                    memo[key] = _make(1, 0, walk(fragment.selection_set, target, inherited,
                                                 root_weight, active | {name}))
                plans.append(memo[key])
            elif isinstance(selection, FieldNode):
                name = selection.name.value
                if name.startswith("__") or not isinstance(parent, (GraphQLObjectType,
                                                                    GraphQLInterfaceType)):
                    continue  # introspection has its own policy; unknown: validation refuses
                definition = parent.fields.get(name)
                if definition is None:
                    continue
                is_list, target = _unwrap(definition.type)
                size = size_of(selection, definition)
                weight = root_weight or FIELD_COSTS.get((parent.name, name), 1)
                if is_list:
                    multiplier: int | Size = size or inherited or UNSIZED_LIST
                    passed = None
                else:
                    multiplier, passed = 1, size
                children = walk(selection.selection_set, target, passed, 0, active)
                plans.append(_make(multiplier, weight, children))
        return plans

    root = schema.get_root_type(operation.operation)
    root_weight = MUTATION_COST if operation.operation == OperationType.MUTATION else 0
    return _make(1, 0, walk(operation.selection_set, root, None, root_weight, frozenset()))
