"""History database: SQLAlchemy async engine, the shared schema, repositories."""

from .engine import create_engine_for, open_database
from .repository import EventRow, HistoryRepository, JobPage, JobRow

__all__ = [
    "EventRow",
    "HistoryRepository",
    "JobPage",
    "JobRow",
    "create_engine_for",
    "open_database",
]
