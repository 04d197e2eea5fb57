"""GraphQL enums for the API document's string unions; values are the stored strings."""
from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="What a job asks for.")
class Objective(Enum):
    TO_ANNOTATE = strawberry.enum_value("to_annotate", description="Annotate a new item.")
    TO_VALIDATE = strawberry.enum_value("to_validate", description="Review an annotated item.")
    TO_CORRECT = strawberry.enum_value(
        "to_correct", description="Correct an item a validator sent back (with comments).")


@strawberry.enum(description="Where a data item stands within a task.")
class LabellingStatus(Enum):
    TO_ANNOTATE = strawberry.enum_value("to_annotate", description="Waiting for an annotator.")
    TO_VALIDATE = strawberry.enum_value(
        "to_validate", description="Annotated, waiting for a validator.")
    TO_CORRECT = strawberry.enum_value(
        "to_correct", description="Rejected by a validator, back to its annotator.")
    DONE = strawberry.enum_value("done", description="Validated: finished.")
    DISCARD = strawberry.enum_value("discard", description="Set aside: not to be annotated.")


@strawberry.enum(description="What one data item of a dataset is.")
class DataType(Enum):
    IMAGE = strawberry.enum_value("image", description="One image.")
    PCL = strawberry.enum_value("pcl", description="One point cloud.")
    PCL_IMAGE = strawberry.enum_value("pcl_image", description="A point cloud and its image.")
    SEQUENCE_PCL = strawberry.enum_value(
        "sequence_pcl", description="A sequence of point clouds (a folder).")
    SEQUENCE_IMAGE = strawberry.enum_value(
        "sequence_image", description="A sequence of images (a folder).")
    SEQUENCE_PCL_IMAGE = strawberry.enum_value(
        "sequence_pcl_image", description="A sequence of point cloud and image pairs.")


@strawberry.enum(description="What a user may do: admins manage everything, users annotate.")
class Role(Enum):
    ADMIN = strawberry.enum_value(
        "admin", description="Manages users, datasets, specs, tasks and results.")
    USER = strawberry.enum_value("user", description="Annotates and validates.")


@strawberry.enum(description="Result listing order: by status, by assignee, or by data order.")
class SortParam(Enum):
    STATUS = strawberry.enum_value("status", description="By status, then data order.")
    ASSIGNED = strawberry.enum_value("assigned", description="By annotator, then data order.")
    DATA = strawberry.enum_value("data", description="Data order (by path).")


@strawberry.enum(description="What a worker asks `nextJob` for.")
class JobObjective(Enum):
    ANNOTATE = strawberry.enum_value(
        "to_annotate", description="Annotate: corrections sent back to you come first, then new "
                                   "items.")
    VALIDATE = strawberry.enum_value("to_validate", description="Review annotated items.")
