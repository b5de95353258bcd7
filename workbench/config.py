"""Where things live: database URL, data and export folders."""

from __future__ import annotations

import os
from pathlib import Path

DATABASE_URL_ENV = "WORKBENCH_DATABASE_URL"
DATA_DIR = Path("data")
EXPORTS_DIR = Path("exports")
DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'workbench.db'}"
MAX_ARTICLE_CHARS = 1_000_000
"""Articles longer than this are refused at ingest (about 150,000 words)."""
MAX_FILE_BYTES = 50 * 1024 * 1024
"""Files (and uploads) larger than this are refused unread."""


def database_url() -> str:
    """The configured database URL: ``WORKBENCH_DATABASE_URL`` or the SQLite file in ``data/``."""
    return os.environ.get(DATABASE_URL_ENV) or DEFAULT_DATABASE_URL
