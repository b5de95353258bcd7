"""The app's pages: (script name, title, icon), for reviewers and for leads.

Kept apart from ``main.py``, which runs the app when imported, so tests can read the list.
"""

from __future__ import annotations

REVIEW_PAGES = [
    ("queue", "Review queue", ":material/task_alt:"),
    ("my_verdicts", "My verdicts", ":material/history:"),
    ("articles", "Articles", ":material/article:"),
    ("guidelines", "Guidelines", ":material/menu_book:"),
]
LEAD_PAGES = [
    ("import_articles", "Import", ":material/upload_file:"),
    ("team", "Reviewers & assignment", ":material/group:"),
    ("agreement", "Agreement", ":material/insights:"),
    ("adjudication", "Adjudication", ":material/gavel:"),
    ("matches", "Matches", ":material/join_inner:"),
    ("export", "Export", ":material/download:"),
]
LEAD_PAGE_PATHS = frozenset(name for name, _, _ in LEAD_PAGES)
