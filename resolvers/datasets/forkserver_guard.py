"""Preloaded by the thumbnail forkserver only (`ingest._process_pool`): importing it ties the
forkserver's life to the server process that started it (see `orphans.py`). Nothing else imports
this module."""
from __future__ import annotations

from resolvers.datasets.orphans import die_with_parent

die_with_parent()
