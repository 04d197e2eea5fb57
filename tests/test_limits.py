"""GraphQL limits (issue 11): each attack of the probe campaign, now refused before it can do harm.

Every refusal here happens before execution (the task named does not exist: had the operation run,
its answer would say NOT_FOUND), and the limits are asserted as such, never as timings.
"""
from __future__ import annotations

from dataclasses import replace

import pytest

from graph.guard import DOCUMENTS
from graph.settings import MAX_PAGE_SIZE, GraphQLLimits, Settings
from tests.client import Caller
from tests.files import make_images
from tests.workflow.gql import create_task

LIMITS = GraphQLLimits()
BOMB_FIELD = 'results(taskName: "cars", first: 1000) { nodes { thumbnail data { thumbnail path } } }'


@pytest.fixture
def settings(settings: Settings, request: pytest.FixtureRequest) -> Settings:
    """The suite's settings; a test parametrized indirectly gets that plain-user budget."""
    budget = getattr(request, "param", None)
    return replace(settings, graphql=GraphQLLimits(user_budget=budget)) if budget else settings


async def _post(caller: Caller, body: object) -> tuple[int, dict]:
    response = await caller.http.post("/graphql", json=body, headers=caller.headers)
    return response.status, await response.json()


def _only_error(body: dict) -> dict:
    assert body.get("data") is None, body
    assert len(body["errors"]) == 1, body
    return body["errors"][0]


async def test_normal_documents_run(alice: Caller) -> None:
    assert (await alice.gql("{ me { username } }"))["me"]["username"] == "alice"


async def test_the_alias_bomb_of_a_plain_user_is_refused_with_its_cost(alice: Caller) -> None:
    aliases = " ".join(f"a{i}: {BOMB_FIELD}" for i in range(200))
    status, body = await _post(alice, {"query": f"{{ {aliases} }}"})
    error = _only_error(body)
    assert status == 200 and error["extensions"]["code"] == "COST_LIMIT_EXCEEDED"
    # 200 aliases × 1,000 results × (result 1 + thumbnail 50 + data 1 + thumbnail 50 + path 1)
    assert error["extensions"]["cost"] == 200 * (1 + 1000 * (1 + 50 + 1 + 50 + 1))
    assert error["extensions"]["budget"] == LIMITS.user_budget
    assert str(error["extensions"]["cost"]) in error["message"]


async def test_budgets_differ_for_users_and_admins(alice: Caller, admin: Caller) -> None:
    field = f'results(taskName: "cars", first: {MAX_PAGE_SIZE}) {{ nodes {{ thumbnail data {{ thumbnail }} }} }}'
    query = "{ " + " ".join(f"a{i}: {field}" for i in range(3)) + " }"
    refused = await alice.gql_error(query)
    assert refused.code == "COST_LIMIT_EXCEEDED"
    assert LIMITS.user_budget < refused.errors[0]["extensions"]["cost"] <= LIMITS.admin_budget
    assert (await admin.gql_error(query)).code == "NOT_FOUND"  # within budget: it ran


async def test_the_cost_uses_the_variables_and_counts_fragments(alice: Caller) -> None:
    query = """query Q($n: Int) { a: results(taskName: "cars", first: $n) { ...R }
                                  b: results(taskName: "cars", first: $n) { ...R }
                                  c: results(taskName: "cars", first: $n) { ...R } }
               fragment R on ResultConnection { nodes { thumbnail data { thumbnail } } }"""
    assert (await alice.gql_error(query, {"n": 10})).code == "NOT_FOUND"  # 3 × 1,021: it ran
    refused = await alice.gql_error(query, {"n": MAX_PAGE_SIZE})
    assert refused.code == "COST_LIMIT_EXCEEDED"
    assert refused.errors[0]["extensions"]["cost"] == 3 * (1 + MAX_PAGE_SIZE * (1 + 50 + 1 + 50))


async def test_pages_over_the_maximum_are_refused_before_running(alice: Caller) -> None:
    for query, variables in (
            (f'{{ results(taskName: "cars", first: {MAX_PAGE_SIZE + 1}) {{ totalCount }} }}', None),
            ('query($n: Int) { results(taskName: "cars", first: $n) { totalCount } }',
             {"n": MAX_PAGE_SIZE + 1}),
            (f'{{ dataItems(datasetId: "x", first: {MAX_PAGE_SIZE + 1}) {{ totalCount }} }}', None)):
        error = await alice.gql_error(query, variables)
        assert error.code == "BAD_USER_INPUT" and str(MAX_PAGE_SIZE) in error.message, query


async def test_forty_different_10_mb_anonymous_documents_are_refused_before_parsing(
        anonymous: Caller) -> None:
    cached = (len(DOCUMENTS), DOCUMENTS.bytes)
    for index in range(40):
        query = "{ me { username } } #" + str(index) + "x" * (10 * 1024 * 1024)
        status, body = await _post(anonymous, {"query": query})
        error = _only_error(body)
        assert error["extensions"]["code"] == "DOCUMENT_TOO_LARGE", error
        assert error["extensions"]["maximum"] == LIMITS.max_document_bytes
    assert (len(DOCUMENTS), DOCUMENTS.bytes) == cached


async def test_only_documents_that_validated_are_cached_within_a_byte_bound(
        anonymous: Caller, alice: Caller, monkeypatch: pytest.MonkeyPatch) -> None:
    DOCUMENTS.clear()
    invalid = ["{ nope }", "{ me { username ", "query($x: Int) { me { username } }",
               "{ __schema { types { name } } }"]  # unknown field, syntax, unused variable, introspection
    for query in invalid:
        assert (await _post(anonymous, {"query": query}))[1]["errors"]
    assert len(DOCUMENTS) == 0
    monkeypatch.setattr(DOCUMENTS, "max_bytes", 1000)
    for index in range(100):
        await alice.gql(f"{{ me {{ username }} }} # {index:04d}")
    assert DOCUMENTS.bytes <= 1000 and 20 < len(DOCUMENTS) < 100


async def test_three_thousand_duplicate_aliases_are_refused_before_validation(anonymous: Caller) -> None:
    aliases = " ".join("a: me { username }" for _ in range(3000))
    status, body = await _post(anonymous, {"query": f"{{ {aliases} }}"})
    error = _only_error(body)
    assert error["extensions"] == {"code": "QUERY_LIMIT_EXCEEDED", "limit": "aliases",
                                   "maximum": LIMITS.max_aliases, "found": 3000}
    repeated = " ".join("me { username }" for _ in range(3000))
    error = _only_error((await _post(anonymous, {"query": f"{{ {repeated} }}"}))[1])
    assert error["extensions"]["limit"] == "repeatedFields"
    fragments = ("{ ...F } fragment F on Query { " + " ".join("me { role }" for _ in range(3000)) + " }")
    error = _only_error((await _post(anonymous, {"query": fragments}))[1])
    assert error["extensions"]["limit"] == "repeatedFields"


async def test_deep_documents_are_refused(alice: Caller) -> None:
    deep = "{ " + "result(taskName: \"t\", dataId: \"d\") { data { " * 8 + "id" + " } }" * 8 + " }"
    error = await alice.gql_error(deep)
    assert error.code == "QUERY_LIMIT_EXCEEDED" and error.errors[0]["extensions"]["limit"] == "depth"
    absurd = "{ me " + "{ me " * 3000 + "}" * 3001  # graphql-core's parser stops it itself
    assert "nested too deeply" in (await alice.gql_error(absurd)).message


async def test_two_hundred_aliased_save_labels_are_refused(admin: Caller) -> None:
    def saves(count: int) -> str:
        return "mutation { " + " ".join(
            f's{i}: saveLabels(input: {{taskName: "cars", dataId: "d{i}", annotations: []}}) '
            f'{{ labels {{ dataId }} }}'
            for i in range(count)) + " }"

    assert (await admin.gql_error(saves(200))).errors[0]["extensions"]["limit"] == "aliases"
    over = LIMITS.max_root_mutations + 1
    error = await admin.gql_error(saves(over))
    assert error.errors[0]["extensions"] == {"code": "QUERY_LIMIT_EXCEEDED", "limit": "rootMutations",
                                             "maximum": LIMITS.max_root_mutations, "found": over}
    ran = await admin.gql_error(saves(2))  # within the limits: it runs (and the task is unknown)
    assert ran.code == "NOT_FOUND"


@pytest.mark.parametrize("protocol", ["graphql-transport-ws", "graphql-ws"])
async def test_websocket_upgrades_reach_only_the_live_door(anonymous: Caller, protocol: str) -> None:
    """Only graphql-transport-ws, and only once authenticated (tests/live/ checks the rest)."""
    ws = await anonymous.http.ws_connect("/graphql", protocols=[protocol])
    await ws.send_json({"type": "connection_init"})
    await ws.receive()
    assert ws.close_code == (4401 if protocol == "graphql-transport-ws" else 4406)


async def test_rest_pages_have_the_same_maximum(alice: Caller) -> None:
    for route in ("/tasks/cars/results", "/tasks/cars/jobs", "/datasets/x/data"):
        status, body = await alice.rest("GET", f"{route}?page=1&count={MAX_PAGE_SIZE + 1}")
        assert (status, body["type"]) == (400, "bad_user_input"), route
        assert f"at most {MAX_PAGE_SIZE}" in body["message"]


@pytest.mark.parametrize("settings", [2000], indirect=True)
async def test_rest_routes_run_under_the_same_budget(admin: Caller, alice: Caller, workspace) -> None:
    """The budget is a setting, and REST routes run through it like /graphql: with a plain-user
    budget of 2,000, a page of 10 results with thumbnails fits, a page of 200 does not."""
    make_images(workspace / "images", [f"{i}.jpg" for i in range(12)])
    await create_task(admin)
    status, page = await alice.rest("GET", "/tasks/cars/results?page=1&count=10")
    assert status == 200 and len(page["results"]) == 10
    status, body = await alice.rest("GET", f"/tasks/cars/results?page=1&count={MAX_PAGE_SIZE}")
    assert (status, body["type"]) == (400, "cost_limit_exceeded") and "2000" in body["message"]
    assert (await admin.rest("GET", f"/tasks/cars/results?page=1&count={MAX_PAGE_SIZE}"))[0] == 200


async def test_fragment_chains_and_fans_are_measured_without_blowing_up(alice: Caller) -> None:
    """Fragments are measured once each: a chain of 1,500 spreads is refused as too deep, and a
    fan of fragments each spreading the next one twice is costed in linear time."""
    chain = "{ ...F0 } " + " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(1500)) \
        + " fragment F1500 on Query { me { username } }"
    error = await alice.gql_error(chain)
    assert error.code == "QUERY_LIMIT_EXCEEDED" and "nested" in error.message, error.errors
    fan = ('query($n: Int) { ...G0 } '
           + " ".join(f"fragment G{i} on Query {{ ...G{i + 1} ...G{i + 1} }}" for i in range(60))
           + ' fragment G60 on Query { results(taskName: "cars", first: $n) { totalCount } }')
    assert (await alice.gql_error(fan, {"n": 5})).code == "NOT_FOUND"  # cheap: it ran
