"""Reviewers and collections looked up by name: one rule everywhere, case and surrounding spaces ignored.

Account creation already refuses a name that differs from another only in case, so a name finds
at most one account. Each look-up is one query (two when it fails, to list known names).
"""

from __future__ import annotations

from typing import TypeVar

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from workbench.errors import WorkbenchError
from workbench.models import Collection, Reviewer

Named = TypeVar("Named", Reviewer, Collection)
KNOWN_NAMES_SHOWN = 10


class NameNotFound(WorkbenchError):
    """No reviewer or collection is called what was asked."""


def same_name(column: InstrumentedAttribute[str], name: str) -> ColumnElement[bool]:
    """``column`` equals ``name``, ignoring case and surrounding spaces."""
    return func.lower(column) == name.strip().lower()


def find_named(session: Session, model: type[Named], name: str) -> Named | None:
    """The reviewer or collection called ``name`` (any case), or ``None``."""
    return session.scalar(select(model).where(same_name(model.name, name)).order_by(model.id).limit(1))


def require_named(session: Session, model: type[Named], name: str) -> Named:
    """The reviewer or collection called ``name`` (any case); :class:`NameNotFound` lists known names."""
    found = find_named(session, model, name)
    if found is None:
        what = model.__tablename__
        known = session.scalars(select(model.name).order_by(model.name).limit(KNOWN_NAMES_SHOWN)).all()
        hint = f"Known {what}s: {', '.join(known)}." if known else f"There are no {what}s yet."
        raise NameNotFound(f"No {what} called {name.strip()!r}. {hint}")
    return found
