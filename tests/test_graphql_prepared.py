"""/graphql runs documents through Strawberry's Schema.execute and the schema's guard (prepared once,
cached): the operation is picked by name (the first one when none is named, Strawberry's rule),
unknown names are refused, and the introspection policy holds per caller even once a document is
cached."""
from __future__ import annotations

from tests.client import Caller

TWO = "query A { me { username } } query B { me { role } }"


async def _post(caller: Caller, body: dict) -> tuple[int, dict | str]:
    response = await caller.http.post("/graphql", json=body, headers=caller.headers)
    text = await response.text()
    try:
        return response.status, await response.json()
    except Exception:  # noqa: BLE001 - a plain-text refusal
        return response.status, text


async def test_the_named_operation_of_a_document_runs(alice: Caller) -> None:
    for _ in range(2):  # the second time from the cache
        status, body = await _post(alice, {"query": TWO, "operationName": "B"})
        assert status == 200 and body == {"data": {"me": {"role": "USER"}}}
        status, body = await _post(alice, {"query": TWO, "operationName": "A"})
        assert status == 200 and body == {"data": {"me": {"username": "alice"}}}


async def test_an_unknown_operation_name_is_refused(alice: Caller) -> None:
    status, answer = await _post(alice, {"query": TWO, "operationName": "C"})
    assert status == 400 and "C" in str(answer), answer


async def test_introspection_stays_refused_to_users_once_an_admin_ran_it(admin: Caller,
                                                                         alice: Caller) -> None:
    query = "{ __schema { queryType { name } } }"
    assert (await admin.gql(query))["__schema"]["queryType"]["name"] == "Query"
    assert "introspection" in (await alice.gql_error(query)).message


async def test_without_operation_name_the_first_operation_runs(alice: Caller) -> None:
    status, answer = await _post(alice, {"query": TWO})
    assert status == 200 and answer == {"data": {"me": {"username": "alice"}}}, answer


async def test_strawberry_honours_the_guard_hooks(alice: Caller) -> None:
    """The document cache rests on two documented behaviours of Strawberry's `Schema.execute`: a
    document set on the execution context in `on_parse` is not parsed again, and an empty
    `pre_execution_errors` list skips validation. Plant a cached entry whose document differs from
    its text, and whose validation (introspection, refused to alice) was skipped: if an upgrade
    changes either behaviour, this fails loudly."""
    from graphql import parse

    from graph.guard import DOCUMENTS, Prepared

    text = "{ me { username } }"
    planted = parse("{ me { role } __schema { queryType { name } } }")
    DOCUMENTS.clear()  # an earlier test of this process may have cached the real document
    DOCUMENTS.put((text, False), Prepared(planted, {None: 0}))
    try:
        assert await alice.gql(text) == {"me": {"role": "USER"}, "__schema": {"queryType": {"name": "Query"}}}
    finally:
        DOCUMENTS.clear()
