"""GraphQL enums for the API document's string unions; values are the stored strings."""
from __future__ import annotations

from enum import Enum
from typing import Any

import strawberry


def stored(value: str, description: str) -> Any:
    """`strawberry.enum_value`, typed Any: `@strawberry.enum` replaces each member's value by
    the stored string given here, which the enums declare (`_value_: str`) for the type checker
    (it would otherwise take every `.value` for the EnumValueDefinition written in the body)."""
    return strawberry.enum_value(value, description=description)


@strawberry.enum(description="What a job asks for.")
class Objective(Enum):
    _value_: str

    TO_ANNOTATE = stored("to_annotate", description="Annotate a new item.")
    TO_VALIDATE = stored("to_validate", description="Review an annotated item.")
    TO_CORRECT = stored(
        "to_correct", description="Correct an item a validator sent back (with comments).")


@strawberry.enum(description="Where a data item stands within a task.")
class LabellingStatus(Enum):
    _value_: str

    TO_ANNOTATE = stored("to_annotate", description="Waiting for an annotator.")
    TO_VALIDATE = stored(
        "to_validate", description="Annotated, waiting for a validator.")
    TO_CORRECT = stored(
        "to_correct", description="Rejected by a validator, back to its annotator.")
    DONE = stored("done", description="Validated: finished.")
    DISCARD = stored("discard", description="Set aside: not to be annotated.")


@strawberry.enum(description="What one data item of a dataset is.")
class DataType(Enum):
    _value_: str

    IMAGE = stored("image", description="One image.")
    PCL = stored("pcl", description="One point cloud.")
    PCL_IMAGE = stored("pcl_image", description="A point cloud and its image.")
    SEQUENCE_PCL = stored(
        "sequence_pcl", description="A sequence of point clouds (a folder).")
    SEQUENCE_IMAGE = stored(
        "sequence_image", description="A sequence of images (a folder).")
    SEQUENCE_PCL_IMAGE = stored(
        "sequence_pcl_image", description="A sequence of point cloud and image pairs.")


@strawberry.enum(description="What a user may do: admins manage everything, users annotate.")
class Role(Enum):
    _value_: str

    ADMIN = stored(
        "admin", description="Manages users, datasets, specs, tasks and results.")
    USER = stored("user", description="Annotates and validates.")


@strawberry.enum(description="Result listing order: by status, by assignee, or by data order.")
class SortParam(Enum):
    _value_: str

    STATUS = stored("status", description="By status, then data order.")
    ASSIGNED = stored("assigned", description="By annotator, then data order.")
    DATA = stored("data", description="Data order (by path).")


@strawberry.enum(description="What a worker asks `nextJob` for.")
class JobObjective(Enum):
    _value_: str

    ANNOTATE = stored(
        "to_annotate", description="Annotate: corrections sent back to you come first, then new "
                                   "items.")
    VALIDATE = stored("to_validate", description="Review annotated items.")
