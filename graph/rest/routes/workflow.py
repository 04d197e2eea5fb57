"""The annotation workflow of a task: jobs, results (listing, navigation, batch updates), labels."""
from __future__ import annotations

from typing import Any

from graph.node import encode_global_id
from graph.rest.errors import RestError
from graph.rest.shapes import (ANY, BOOLEAN, JOB_FRAGMENT, LABELS_FRAGMENT, OBJECTIVES, RESULT_FIELDS,
                               RESULT_FRAGMENT, SORTS, STATUSES, STRING, STRINGS, array_of, db_job,
                               comment_texts, db_label, db_result, enum_schema, obj, ref,
                               to_enum)
from graph.rest.spec import Body, Call, Field, Param, Route
from graph.settings import MAX_PAGE_SIZE

LEGACY_GET_NOTE = ("A GET that changes state (it claims a job), kept for the old web app: with "
                   "the session cookie it is refused (403) when the browser marks it as "
                   "cross-site (`Sec-Fetch-Site`, `Origin`); see docs/security.md.")

EMPTY = obj({}, description="nothing")
EMPTY["maxProperties"] = 0


def or_empty(name: str) -> dict[str, Any]:
    return {"oneOf": [ref(name), EMPTY]}


# ---- query parameters: filters of results ----
# As on the original server, a filter keeps a result when the field's JSON text (a string in
# quotes: `annotator="alice"` is alice exactly) contains the value, and `;` separates
# alternatives. status and in_progress then use the indexes; the text fields scan the task.

ALTERNATIVES = "; `a;b`: either"
STATUS = Param("status", "keep statuses containing this (`to_validate;done`: either; `to_`: "
               "to_annotate, to_validate, to_correct)")
WORKER = Param("worker", "keep items whose annotator or validator contains this" + ALTERNATIVES)
ANNOTATOR = Param("annotator", "keep items whose last annotator contains this" + ALTERNATIVES)
VALIDATOR = Param("validator", "keep items whose last validator contains this" + ALTERNATIVES)
IN_PROGRESS = Param("in_progress", "`true`: items someone is working on; `false`: idle items")
DATA_ID = Param("data_id", "keep items whose data id contains this" + ALTERNATIVES)
PATH = Param("path", "keep items whose path (relative to the workspace, e.g. "
             "`images/cat.jpg`) contains this" + ALTERNATIVES)
CURRENT_JOB_ID = Param("current_job_id", "keep items whose current job id contains this"
                       + ALTERNATIVES)
SORT = Param("sort", "order: `status`, `assigned`, or data order (default)",
             enum=(*SORTS, "data"))
PAGE = Param("page", "page number, from 1 (default 1; `undefined` = not given)", "integer",
             minimum=1)
COUNT = Param("count", "results per page (default 10; `undefined` = not given)", "integer",
              minimum=1, maximum=MAX_PAGE_SIZE)
JOBS_COUNT = Param("count", "results per page (default 50; `undefined` = not given)", "integer",
                   minimum=1, maximum=MAX_PAGE_SIZE)
FILTERS = (STATUS, WORKER, ANNOTATOR, VALIDATOR, IN_PROGRESS, DATA_ID, PATH, CURRENT_JOB_ID)
OBJECTIVE = Param("objective", "`to_annotate` (also serves corrections, first) or `to_validate`; "
                  "default `to_annotate`", enum=tuple(OBJECTIVES))
#: Query parameter -> field of the GraphQL ResultContains input.
CONTAINS_KEYS = {STATUS: "status", WORKER: "worker", ANNOTATOR: "annotator",
                 VALIDATOR: "validator", IN_PROGRESS: "inProgress", DATA_ID: "dataId",
                 PATH: "path", CURRENT_JOB_ID: "currentJobId"}


def result_filter(call: Call) -> dict[str, Any] | None:
    """The ResultFilter of the query string: every filter is a legacy contains-filter."""
    contains = {}
    for param, key in CONTAINS_KEYS.items():
        values = [v for v in (call.params.get(param.name) or "").split(";") if v]
        if values:
            contains[key] = values
    return {"contains": contains} if contains else None


def sort(call: Call) -> str:
    return to_enum(call.params.get("sort") or "data")


def _listing(call: Call, default_count: int) -> dict[str, Any]:
    page = call.params["page"] or 1
    count = call.params["count"] or default_count
    return {"taskName": call.path["task_name"], "filter": result_filter(call), "sort": sort(call),
            "first": count, "offset": (page - 1) * count}


def _legacy_results(data: dict[str, Any], call: Call) -> dict[str, Any]:
    connection = data["results"]
    return {"results": [db_result(r) for r in connection["nodes"]],
            "counter": connection["totalCount"], "globalCounter": connection["globalCount"],
            "doneCounter": connection["statusCounts"]["done"],
            "toValidateCounter": connection["statusCounts"]["toValidate"]}


def _neighbour(direction: str) -> Route:
    field = f"{direction}Result"
    return Route(
        name=f"{direction}Result", method="GET", path=f"/tasks/{{task_name}}/results/{{data_id}}/{direction}",
        tag="results",
        summary=f"The result just {'before' if direction == 'previous' else 'after'} this data item "
                "in the sort order (data order by default), honouring the filters; `{}` when there is none.",
        document=RESULT_FRAGMENT + f"""
query Neighbour($taskName: String!, $dataId: ID!, $filter: ResultFilter, $sort: SortParam) {{
  {field}(taskName: $taskName, dataId: $dataId, filter: $filter, sort: $sort) {{ ...DbResult }} }}""",
        params=(*FILTERS, SORT),
        variables=lambda call: {"taskName": call.path["task_name"], "dataId": call.path["data_id"],
                                "filter": result_filter(call), "sort": sort(call)},
        result=lambda data, call: db_result(data[field]) if data[field] else {},
        response=or_empty("DbResult"), errors=(400, 401, 404),
    )


# ---- bodies ----

NEW_STATUS = Field("status", enum_schema(STATUSES), aliases=("objective",),
                   description="the item's new status (the API document calls it `objective`)")
JOB_UPDATE_BODY = Body("RestJobUpdate", (
    NEW_STATUS,
    Field("interrupt", BOOLEAN, description="the page was left: time is counted, the job is kept"),
    Field("comments", ANY, description="kept on the job (a validator's reasons for a "
                                       "rejection): a text or a list of texts (other JSON is "
                                       "kept as its JSON text); `null` or `[]` removes them",
          example=["the box is too large"]),
), "No status and no interrupt: a save heartbeat.")
BATCH_JOB_BODY = Body("RestBatchJobUpdate", (
    Field("job_ids", STRINGS, required=True),
    Field("objective", enum_schema(STATUSES), required=True, aliases=("status",)),
))
BATCH_RESULT_BODY = Body("RestBatchResultUpdate", (
    Field("data_ids", STRINGS, required=True),
    Field("status", enum_schema(STATUSES), aliases=("objective",),
          description="omit it to only unassign the items"),
))
LABELS_BODY = Body("DbLabel", (
    Field("task_name", STRING, required=True, description="must be the URL's task",
          example="cars"),
    Field("data_id", STRING, required=True, description="must be the URL's data item",
          example="a1b2c3"),
    Field("annotations", ANY, required=True, description="free JSON, usually a list of objects",
          example=[{"id": "1", "category": "car", "geometry": {"type": "rectangle",
                                                                "vertices": [0.1, 0.1, 0.4, 0.5]}}]),
))


#: The legacy objectives of GET jobs/next as nextJob's: `to_correct` always meant annotating
#: (corrections are served first); anything else goes on as is, for the schema to refuse.
NEXT_OBJECTIVES = {"to_annotate": "ANNOTATE", "to_correct": "ANNOTATE", "to_validate": "VALIDATE"}

#: PUT jobs/{job_id} is one of three mutations, chosen by the body: the unused ones are skipped
#: with @include, and their inputs default to placeholders that are never executed.
UPDATE_JOB = """mutation UpdateJob($submits: Boolean!, $interrupts: Boolean!, $touches: Boolean!,
  $submit: SubmitJobInput = {jobId: "", status: DONE},
  $interrupt: InterruptJobInput = {jobId: ""}, $touch: TouchJobInput = {jobId: ""}) {
  submitJob(input: $submit) @include(if: $submits) { job { jobId } }
  interruptJob(input: $interrupt) @include(if: $interrupts) { job { jobId } }
  touchJob(input: $touch) @include(if: $touches) { job { jobId } } }"""


def _job_update(call: Call) -> dict[str, Any]:
    """A status ends the job (submitJob); else `interrupt: true` pauses it; else a heartbeat."""
    job_id = encode_global_id("Job", call.path["task_name"], call.path["job_id"])
    job: dict[str, Any] = {"jobId": job_id}
    if "comments" in call.body:
        job["comments"] = comment_texts(call.body["comments"])
    submits = "status" in call.body
    interrupts = not submits and bool(call.body.get("interrupt"))
    touches = not submits and not interrupts
    variables: dict[str, Any] = {"submits": submits, "interrupts": interrupts,
                                 "touches": touches}
    if submits:
        variables["submit"] = {**job, "status": to_enum(call.body["status"])}
    else:
        variables["interrupt" if interrupts else "touch"] = job
    return variables


def _labels(call: Call) -> dict[str, Any]:
    task, item = call.path["task_name"], call.path["data_id"]
    if call.body["task_name"] != task or call.body["data_id"] != item:
        raise RestError.bad_input(
            f"the body's task_name/data_id ({call.body['task_name']!r}, {call.body['data_id']!r}) "
            f"must be the URL's ({task!r}, {item!r})")
    return {"input": {"taskName": task, "dataId": item,
                      "annotations": call.body["annotations"]}}


TASK_AND_ITEM = lambda call: {"taskName": call.path["task_name"], "dataId": call.path["data_id"]}  # noqa: E731

LISTING = """query Results($taskName: String!, $filter: ResultFilter, $sort: SortParam,
                      $first: Int, $offset: Int) {
  results(taskName: $taskName, filter: $filter, sort: $sort, first: $first, offset: $offset) {
    totalCount globalCount statusCounts { done toValidate }
    nodes { %s } } }"""

ROUTES: tuple[Route, ...] = (
    Route(
        name="listJobs", method="GET", path="/tasks/{task_name}/jobs", tag="results",
        summary="A page of the task's results (DbResult[]), filtered and sorted.",
        document=RESULT_FRAGMENT + "\n" + LISTING % "...DbResult",
        params=(PAGE, JOBS_COUNT, *FILTERS, SORT), variables=lambda call: _listing(call, 50),
        result=lambda data, call: [db_result(r) for r in data["results"]["nodes"]],
        response=array_of(ref("DbResult")), errors=(400, 401, 404),
    ),
    Route(
        name="nextJob", method="GET", path="/tasks/{task_name}/jobs/next", tag="jobs",
        summary="Take the next job for an objective: your unfinished one, a correction queued for "
                "you, then the first free item. `{}` when there is nothing to do.",
        document=JOB_FRAGMENT + """
mutation NextJob($input: NextJobInput!) { nextJob(input: $input) { job { ...DbJob } } }""",
        params=(OBJECTIVE,),
        variables=lambda call: {"input": {
            "taskName": call.path["task_name"],
            "objective": NEXT_OBJECTIVES.get(call.params["objective"] or "to_annotate",
                                             call.params["objective"])}},
        result=lambda data, call: db_job(data["nextJob"]["job"]) if data["nextJob"]["job"] else {},
        response=or_empty("DbJob"), errors=(400, 401, 403, 404),
        description=LEGACY_GET_NOTE,
    ),
    Route(
        name="updateJob", method="PUT", path="/tasks/{task_name}/jobs/{job_id}", tag="jobs",
        summary="Save heartbeat, interruption, or end of a job with the item's new status; 410 "
                "`job_denied` when the job is not (or no longer) yours.",
        document=UPDATE_JOB, body=JOB_UPDATE_BODY, variables=_job_update, status=204,
        errors=(400, 401, 404, 410),
    ),
    Route(
        name="updateJobs", method="PUT", path="/tasks/{task_name}/jobs", tag="jobs",
        summary="Give these jobs' items a new status (admins): each item's current job is "
                "replaced, holds and queues are released.",
        document="""mutation UpdateJobs($input: UpdateJobsInput!) {
  updateJobs(input: $input) { count } }""",
        body=BATCH_JOB_BODY,
        variables=lambda call: {"input": {"taskName": call.path["task_name"],
                                          "jobIds": call.body["job_ids"],
                                          "objective": to_enum(call.body["objective"])}},
        status=204,
    ),
    Route(
        name="listResults", method="GET", path="/tasks/{task_name}/results", tag="results",
        summary="One page of the task's results, each with its item's thumbnail, and counters.",
        description="Legacy listing of the old frontend: `page` starts at 1; a filter keeps the "
                    "results whose field contains its value, `;` separates alternatives "
                    "(`status=to_validate;done`, `path=img_001;img_002`).",
        document=LISTING % (RESULT_FIELDS + " thumbnail"),
        params=(PAGE, COUNT, *FILTERS, SORT), variables=lambda call: _listing(call, 10),
        result=_legacy_results, response=ref("ResultPage"), errors=(400, 401, 404),
    ),
    Route(
        name="updateResults", method="PUT", path="/tasks/{task_name}/results", tag="results",
        summary="Give these items a new status (admins), or only unassign them when no status "
                "is given.",
        document="""mutation UpdateResults($input: UpdateResultsInput!) {
  updateResults(input: $input) { count } }""",
        body=BATCH_RESULT_BODY,
        variables=lambda call: {"input": {"taskName": call.path["task_name"],
                                          "dataIds": call.body["data_ids"],
                                          "status": to_enum(call.body.get("status"))}},
        status=204,
    ),
    Route(
        name="getResult", method="GET", path="/tasks/{task_name}/results/{data_id}", tag="results",
        summary="Where one data item stands in the task.",
        document=RESULT_FRAGMENT + """
query Result($taskName: String!, $dataId: ID!) { result(taskName: $taskName, dataId: $dataId) { ...DbResult } }""",
        variables=TASK_AND_ITEM, result=lambda data, call: db_result(data["result"]),
        response=ref("DbResult"), errors=(401, 404),
    ),
    _neighbour("previous"),
    _neighbour("next"),
    Route(
        name="getLabels", method="GET", path="/tasks/{task_name}/labels/{data_id}", tag="labels",
        summary="The labels of a data item; `{}` when there are none.",
        document=LABELS_FRAGMENT + """
query Labels($taskName: String!, $dataId: ID!) { labels(taskName: $taskName, dataId: $dataId) { ...DbLabel } }""",
        variables=TASK_AND_ITEM,
        result=lambda data, call: db_label(data["labels"]) if data["labels"] else {},
        response=or_empty("DbLabel"), errors=(401, 404),
    ),
    Route(
        name="saveLabels", method="PUT", path="/tasks/{task_name}/labels/{data_id}", tag="labels",
        summary="Replace the labels of a data item: the holder of its current job, or an admin.",
        document="""mutation SaveLabels($input: SaveLabelsInput!) {
  saveLabels(input: $input) { labels { dataId } } }""",
        body=LABELS_BODY, variables=_labels, status=204,
    ),
)
