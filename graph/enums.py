"""GraphQL enums for the API document's string unions; values are the stored strings."""
from __future__ import annotations

from enum import Enum

import strawberry


@strawberry.enum(description="What a job asks for.")
class Objective(Enum):
    TO_ANNOTATE = "to_annotate"
    TO_VALIDATE = "to_validate"
    TO_CORRECT = "to_correct"


@strawberry.enum(description="Where a data item stands within a task.")
class LabellingStatus(Enum):
    TO_ANNOTATE = "to_annotate"
    TO_VALIDATE = "to_validate"
    TO_CORRECT = "to_correct"
    DONE = "done"
    DISCARD = "discard"


@strawberry.enum(description="What one data item of a dataset is.")
class DataType(Enum):
    IMAGE = "image"
    PCL = "pcl"
    PCL_IMAGE = "pcl_image"
    SEQUENCE_PCL = "sequence_pcl"
    SEQUENCE_IMAGE = "sequence_image"
    SEQUENCE_PCL_IMAGE = "sequence_pcl_image"


@strawberry.enum(description="What a user may do: admins manage everything, users annotate.")
class Role(Enum):
    ADMIN = "admin"
    USER = "user"


@strawberry.enum(description="Result listing order: by status, by assignee, or by data order.")
class SortParam(Enum):
    STATUS = "status"
    ASSIGNED = "assigned"
    DATA = "data"
