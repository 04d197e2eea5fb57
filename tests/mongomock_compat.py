"""mongomock (4.3.0, the latest) predates pymongo 4.11, which passes `sort` to every update of a
`bulk_write`: the stand-in's bulk builder refuses the argument. Taught here to accept it when it
is None (our bulk updates name one document by `_id`, never a sort); a real server needs none of
this. Installed once, by tests/conftest.py."""
from __future__ import annotations

import inspect
from typing import Any


def accept_bulk_update_sort() -> None:
    from mongomock.collection import BulkOperationBuilder

    original = BulkOperationBuilder.add_update
    if "sort" in inspect.signature(original).parameters:
        return  # a mongomock that knows it

    def add_update(self: Any, selector: Any, doc: Any, multi: bool = False, upsert: bool = False,
                   collation: Any = None, array_filters: Any = None, hint: Any = None,
                   sort: Any = None) -> Any:
        if sort is not None:
            raise NotImplementedError("mongomock cannot sort the target of a bulk update")
        return original(self, selector, doc, multi, upsert, collation, array_filters, hint)

    BulkOperationBuilder.add_update = add_update  # type: ignore[method-assign]
