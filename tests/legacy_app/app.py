"""`OldApp`: the original web app's actions (frontend/src/actions/*.js), one method each, making
the same HTTP calls with the same URLs, query strings and bodies, and keeping the same state.

`requests.js` sends every call with `Content-Type: application/json`, a JSON body for anything
but GET (DELETE included: `{}`), the URL through `encodeURI`; a 2xx answer is parsed as JSON
when its content type says so (else `{}`), an error rejects with the JSON body. `AppError`
stands for that rejection.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from aiohttp import ClientSession, CookieJar
from aiohttp.test_utils import TestClient
from yarl import URL

from tests.rest.legacy import check_documented_shape

#: Characters JavaScript's encodeURI leaves as they are.
ENCODE_URI_SAFE = ";,/?:@&=+$-_.!~*'()#"

#: application.js INITIAL_APP_STATE.filters
INITIAL_FILTERS = {"data_id": "", "path": "", "status": "", "in_progress": "", "user": ""}


class AppError(Exception):
    """A rejected request: the app shows `error.message` in a pop-up."""

    def __init__(self, status: int, body: Any) -> None:
        super().__init__(f"{status}: {body}")
        self.status, self.body = status, body

    @property
    def message(self) -> str:
        return self.body.get("message", "") if isinstance(self.body, dict) else ""


def encode_uri(url: str) -> str:
    return quote(url, safe=ENCODE_URI_SAFE)


@dataclass
class Sent:
    method: str
    url: str
    body: Any


@dataclass
class OldApp:
    """One browser tab of the old app (its own cookie jar), with the app's redux state."""

    http: TestClient
    task_name: str = ""
    tasks: list[dict[str, Any]] = field(default_factory=list)
    filters: dict[str, str] = field(default_factory=lambda: dict(INITIAL_FILTERS))
    job_id: str = ""
    data_id: str = ""
    media_info: dict[str, Any] = field(default_factory=dict)
    annotations: dict[str, Any] = field(default_factory=dict)  # `annotations.present`
    current_user: dict[str, Any] = field(default_factory=dict)
    users: list[dict[str, Any]] = field(default_factory=list)
    sent: list[Sent] = field(default_factory=list)  # every call made, in order
    popups: list[str] = field(default_factory=list)  # error pop-ups the app would show

    def __post_init__(self) -> None:
        self.session = ClientSession(cookie_jar=CookieJar(unsafe=True))

    async def close(self) -> None:
        await self.session.close()

    # -- requests.js --------------------------------------------------------------------------

    async def request(self, method: str, url: str, body: Any = None) -> Any:
        encoded = encode_uri(url)
        data = json.dumps(body) if body is not None and method != "GET" else None
        self.sent.append(Sent(method, encoded, body if method != "GET" else None))
        target = URL(str(self.http.make_url("/")).rstrip("/") + encoded, encoded=True)
        async with self.session.request(method, target, data=data,
                                        headers={"Content-Type": "application/json"}) as response:
            is_json = "application/json" in (response.headers.get("Content-Type") or "")
            text = await response.text()
            parsed = json.loads(text) if is_json and text else ({} if response.ok else None)
            if is_json and text:
                check_documented_shape(method, url.split("/api/v1", 1)[1], response.status,
                                       parsed)
            if not response.ok:
                raise AppError(response.status, parsed)
            return parsed

    async def GET(self, url: str) -> Any:  # noqa: N802 (the app's names)
        return await self.request("GET", url)

    async def POST(self, url: str, body: Any = None) -> Any:  # noqa: N802
        return await self.request("POST", url, {} if body is None else body)

    async def PUT(self, url: str, body: Any = None) -> Any:  # noqa: N802
        return await self.request("PUT", url, {} if body is None else body)

    async def DELETE(self, url: str, body: Any = None) -> Any:  # noqa: N802
        return await self.request("DELETE", url, {} if body is None else body)

    # -- user.js ------------------------------------------------------------------------------

    async def login_request(self, username: str, password: str) -> dict[str, Any]:
        res = await self.POST("/api/v1/login", {"password": password, "username": username})
        await self.get_tasks()
        self.current_user = res["user"]
        return res

    async def get_profile(self) -> dict[str, Any]:
        self.current_user = await self.GET("/api/v1/profile")
        return self.current_user

    async def logout(self) -> None:
        self.current_user = {}
        await self.GET("/api/v1/logout")

    async def get_users(self) -> list[dict[str, Any]]:
        self.users = await self.GET("/api/v1/users")
        return self.users

    async def signup(self, value: dict[str, Any]) -> list[dict[str, Any]]:
        await self.POST("/api/v1/users", value)
        return await self.get_users()

    async def delete_user(self, user_id: str) -> list[dict[str, Any]]:
        await self.DELETE(f"/api/v1/users/{user_id}")
        return await self.get_users()

    async def update_user(self, user: dict[str, Any]) -> list[dict[str, Any]]:
        await self.PUT(f"/api/v1/users/{user['username']}", user)
        return await self.get_users()

    # -- application.js -----------------------------------------------------------------------

    def navigate_home(self) -> str:
        """`navigate('/')`: the page a role lands on."""
        role = self.current_user.get("role", "")
        return {"admin": "dashboard-admin", "user": "dashboard-user"}.get(role, "login")

    async def get_tasks(self) -> list[dict[str, Any]]:
        self.tasks = await self.GET("/api/v1/tasks")
        if self.tasks and not self.task_name:
            self.task_name = self.tasks[0]["name"]
        return self.tasks

    def update_filter(self, key: str, value: str) -> None:
        """app-dashboard-admin.js `updateFilter` (then the grid is refreshed)."""
        self.filters = {**self.filters, key: value}

    async def fetch_range_results(self, page: Any, page_size: Any) -> dict[str, Any]:
        url = f"/api/v1/tasks/{self.task_name}/results?page={_js(page)}&count={_js(page_size)}"
        for key, value in self.filters.items():
            if value:
                url += f"&{key}={value}"
        return await self.GET(url)

    async def _update_result(self, result: dict[str, Any]) -> None:
        self.data_id = result.get("data_id", "")
        self.job_id = ""
        task = next(t for t in self.tasks if t["name"] == self.task_name)
        await self.get_data(task["dataset"]["id"], self.data_id)
        await self.get_labels(self.task_name, self.data_id)

    async def fetch_result(self, data_id: str) -> dict[str, Any]:
        result = await self.GET(f"/api/v1/tasks/{self.task_name}/results/{data_id}")
        await self._update_result(result)
        return result

    async def _fetch_next_result(self, forward: bool) -> dict[str, Any]:
        direction = "next" if forward else "previous"
        url = f"/api/v1/tasks/{self.task_name}/results/{self.data_id}/{direction}"
        url += "?" if self.filters else ""
        for key, value in self.filters.items():
            if value:
                url += f"&{key}={value}"
        result = await self.GET(url)
        if result.get("data_id"):
            await self._update_result(result)
        return result

    async def fetch_backward_result(self) -> dict[str, Any]:
        return await self._fetch_next_result(False)

    async def fetch_forward_result(self) -> dict[str, Any]:
        return await self._fetch_next_result(True)

    async def fetch_new_job(self, objective: str) -> dict[str, Any]:
        """Resolves with the job, or raises LookupError('No more job') as the app rejects."""
        job = await self.GET(f"/api/v1/tasks/{self.task_name}/jobs/next?objective={objective}")
        if job.get("id"):
            self.data_id = ""
            self.job_id = job["id"]
            task = next(t for t in self.tasks if t["name"] == self.task_name)
            await self.get_data(task["dataset"]["id"], job["data_id"])
            await self.get_labels(self.task_name, job["data_id"])
            return job
        self.data_id = self.job_id = ""
        self.media_info, self.annotations = {}, {}
        raise LookupError("No more job")

    async def put_job(self, status: str | None = None) -> Any:
        body = {"status": status} if status else {}
        if not (self.task_name and self.job_id):
            raise AppError(0, {"message": f"Job {self.job_id} is dead."})
        return await self.PUT(f"/api/v1/tasks/{self.task_name}/jobs/{self.job_id}", body)

    async def interrupt_job(self) -> Any:
        if self.task_name and self.job_id:
            return await self.PUT(f"/api/v1/tasks/{self.task_name}/jobs/{self.job_id}",
                                  {"interrupt": True})
        return "failure"

    async def put_result_status(self, data_ids: list[str], new_status: str) -> Any:
        return await self.PUT(f"/api/v1/tasks/{self.task_name}/results/",
                              {"data_ids": data_ids, "status": new_status})

    async def reset_result_status(self, data_ids: list[str]) -> Any:
        return await self.PUT(f"/api/v1/tasks/{self.task_name}/results/", {"data_ids": data_ids})

    async def snapshot_project(self) -> Any:
        return await self.POST("/api/v1/project/snapshot")

    async def export_tasks(self, path: str, is_url: bool = False) -> Any:
        return await self.POST("/api/v1/tasks/export", {"url": path} if is_url else {"path": path})

    async def import_tasks(self, path: str, is_url: bool = False) -> Any:
        return await self.POST("/api/v1/tasks/import", {"url": path} if is_url else {"path": path})

    async def post_task(self, task: dict[str, Any]) -> dict[str, Any]:
        new_task = await self.POST("/api/v1/tasks", task)
        self._update_task(new_task)
        self.task_name = new_task["name"]
        return new_task

    async def put_task(self, task: dict[str, Any]) -> dict[str, Any]:
        await self.PUT(f"/api/v1/tasks/{task['name']}", task)
        self._update_task(task)
        self.task_name = task["name"]
        return task

    async def delete_task(self, task_name: str) -> list[dict[str, Any]]:
        await self.DELETE(f"/api/v1/tasks/{task_name}", {})
        self.tasks = [t for t in self.tasks if t["name"] != task_name]
        self.task_name = self.tasks[0]["name"] if self.tasks else ""
        return self.tasks

    def _update_task(self, task: dict[str, Any]) -> None:
        for i, known in enumerate(self.tasks):
            if known["name"] == task["name"]:
                self.tasks[i] = task
                return
        self.tasks.append(task)

    # -- media.js, annotations.js -------------------------------------------------------------

    async def get_data(self, dataset_id: str, data_id: str) -> dict[str, Any]:
        self.media_info = await self.GET(f"/api/v1/datasets/{dataset_id}/data/{data_id}")
        return self.media_info

    async def get_labels(self, task_name: str, data_id: str) -> dict[str, Any]:
        labels = await self.GET(f"/api/v1/tasks/{task_name}/labels/{data_id}") or {}
        self.annotations = {k: v for k, v in labels.items() if k not in ("data_id", "task_name")}
        return labels

    async def put_labels(self) -> Any:
        data_id = self.media_info["id"]
        labels = {"task_name": self.task_name, "data_id": data_id, **self.annotations}
        return await self.PUT(f"/api/v1/tasks/{self.task_name}/labels/{data_id}", labels)

    # -- views/app-label.js ---------------------------------------------------------------------

    def draw(self, *shapes: dict[str, Any]) -> None:
        """What a plugin does to the annotations state as the user draws."""
        self.annotations = {**self.annotations,
                            "annotations": [*self.annotations.get("annotations", []), *shapes]}

    async def save(self) -> None:
        """The save button (Ctrl+S): a heartbeat, then the labels."""
        await self.put_job()
        await self.put_labels()

    async def submission(self, objective: str, page_objective: str) -> dict[str, Any] | None:
        """`_submissionHelper`: end the job with the new status, *then* save the labels; an
        error of either shows a pop-up (returned here as `self.popups`), and the next job is
        fetched anyway. Returns the next job, or None at the end of the queue."""
        try:
            await self.put_job(objective)
            await self.put_labels()
        except AppError as err:
            self.popups.append(err.message)
        try:
            return await self.fetch_new_job(page_objective)
        except LookupError:
            return None


def _js(value: Any) -> str:
    """A value interpolated into a JavaScript template string (`${undefined}` is 'undefined')."""
    return "undefined" if value is None else str(value)
