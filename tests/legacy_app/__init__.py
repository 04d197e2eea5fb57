"""The original Pixano web app (pixano-app `frontend/`), replayed call for call.

`app.OldApp` makes exactly the requests the app's actions make (`frontend/src/actions/*.js`:
the URL as it builds it, through `encodeURI`, the JSON body it sends, the fields it reads from the
answer), with the app's own state (task name, filters, job id, data id, media info, annotations);
each test module replays one screen (`frontend/src/views/*.js`) in the order the screen calls
them, and asserts what that screen needs from the answers.

Screens: login (test_login), admin dashboard and its table (test_admin_dashboard), user manager
(test_user_manager), task manager create/save/delete (test_task_manager), annotator dashboard
(test_annotator_dashboard), label page and explore page (test_label_page). The task manager's
import, export and snapshot buttons (`importTasks`, `exportTasks`, `snapshotProject`, also in
`OldApp`) are tested with those features (tests/transfer/ for import and export); a replay of
them belongs in `test_task_manager_io.py` here.
"""
