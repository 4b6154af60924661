"""History database: SQLAlchemy async engine, the shared schema, repositories."""

from .engine import Database, open_database
from .repository import EventRow, HistoryRepository, JobPage, JobRow

__all__ = [
    "Database",
    "EventRow",
    "HistoryRepository",
    "JobPage",
    "JobRow",
    "open_database",
]
