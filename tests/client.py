"""One client interface for the tests: a caller (anonymous or logged in) speaking GraphQL or REST.

Each caller carries its own `Authorization: Bearer` token, so many users can share one test server
and fire requests concurrently without mixing cookie jars.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from aiohttp.test_utils import TestClient


class GraphQLFailure(AssertionError):
    def __init__(self, errors: list[dict[str, Any]]) -> None:
        super().__init__(f"GraphQL errors: {errors}")
        self.errors = errors

    @property
    def code(self) -> str | None:
        return (self.errors[0].get("extensions") or {}).get("code")

    @property
    def message(self) -> str:
        return self.errors[0]["message"]


@dataclass
class Caller:
    http: TestClient
    token: str | None = None
    username: str | None = None

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    async def raw_gql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.http.post("/graphql", json={"query": query, "variables": variables or {}},
                                        headers=self.headers)
        assert response.status == 200, await response.text()
        return await response.json()

    async def gql(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """The `data` of a successful operation; raises GraphQLFailure on any error."""
        body = await self.raw_gql(query, variables)
        if body.get("errors"):
            raise GraphQLFailure(body["errors"])
        return body["data"]

    async def gql_error(self, query: str, variables: dict[str, Any] | None = None) -> GraphQLFailure:
        """The failure of an operation that must fail (asserts it does)."""
        body = await self.raw_gql(query, variables)
        assert body.get("errors"), f"expected an error, got {body}"
        return GraphQLFailure(body["errors"])

    async def rest(self, method: str, path: str, **kwargs: Any) -> tuple[int, Any]:
        """(status, JSON body or None) of a REST call under /api/v1."""
        headers = {**self.headers, **kwargs.pop("headers", {})}
        response = await self.http.request(method, f"/api/v1{path}", headers=headers, **kwargs)
        text = await response.text()
        if not text:
            return response.status, None
        try:
            return response.status, await response.json(content_type=None)
        except ValueError:
            return response.status, text


LOGIN = """mutation Login($username: String!, $password: String!) {
  login(input: {username: $username, password: $password}) { token user { username role } }
}"""

CREATE_USER = """mutation CreateUser($input: CreateUserInput!) {
  createUser(input: $input) { user { username role } }
}"""


async def login(http: TestClient, username: str, password: str) -> Caller:
    anonymous = Caller(http)
    data = await anonymous.gql(LOGIN, {"username": username, "password": password})
    http.session.cookie_jar.clear()  # callers authenticate by their own Bearer token only
    return Caller(http, token=data["login"]["token"], username=username)
