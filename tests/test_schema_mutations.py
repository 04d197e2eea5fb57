"""Every mutation has the house shape of GitHub's and Saleor's APIs: `name(input: NameInput!):
NamePayload!`, one input object in, one payload of the changed objects out, so clients evolve an
operation by adding fields, never by reshuffling arguments."""
from __future__ import annotations

from graph.schema import schema

#: Mutations with nothing to say: they act on the caller's own session.
WITHOUT_INPUT = {"logout"}


def shape_problems() -> list[str]:
    mutation = schema._schema.mutation_type
    assert mutation is not None
    problems = []
    for name, field in sorted(mutation.fields.items()):
        stem = name[0].upper() + name[1:]
        if str(field.type) != f"{stem}Payload!":
            problems.append(f"{name} returns {field.type}, not {stem}Payload!")
        arguments = {arg: str(a.type) for arg, a in field.args.items()}
        expected = {} if name in WITHOUT_INPUT else {"input": f"{stem}Input!"}
        if arguments != expected:
            problems.append(f"{name} takes {arguments}, not {expected}")
    return problems


def test_every_mutation_takes_its_input_and_returns_its_payload() -> None:
    assert shape_problems() == []


def test_deleted_objects_are_named_by_global_id_and_natural_key() -> None:
    """A delete payload gives the id clients evict from their caches and the natural key."""
    types = schema._schema.type_map
    for payload, key in (("DeleteUserPayload", "deletedUsername"),
                         ("DeleteDatasetPayload", "deletedDatasetId"),
                         ("DeleteSpecPayload", "deletedSpecId"),
                         ("DeleteTaskPayload", "deletedTaskName")):
        fields = types[payload].fields  # type: ignore[union-attr]
        assert str(fields["deletedId"].type) == "ID!" and key in fields, payload
