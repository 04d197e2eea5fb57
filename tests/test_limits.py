"""Document size limit: a huge document is refused before it is even fully parsed."""
from __future__ import annotations

from tests.client import Caller


async def test_oversized_documents_are_refused_and_normal_ones_run(admin: Caller) -> None:
    assert (await admin.gql("{ me { username } }"))["me"]["username"] == "admin"
    aliases = " ".join(f"a{i}: me {{ username }}" for i in range(5000))
    failure = await admin.gql_error(f"{{ {aliases} }}")
    assert "token" in failure.message.lower()
