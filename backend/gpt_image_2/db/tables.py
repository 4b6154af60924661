"""The history schema shared with the reference CLI (spec/protocol.md §5.2).

Column names, types and keys must stay compatible: a ``history.sqlite`` written
by either implementation is read by the other. Extra columns are allowed but
none are needed.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKeyConstraint,
    Index,
    Integer,
    MetaData,
    PrimaryKeyConstraint,
    Table,
    Text,
)

__all__ = ["job_events", "jobs", "metadata", "output_uploads"]

metadata = MetaData()

jobs = Table(
    "jobs",
    metadata,
    Column("id", Text, primary_key=True),
    Column("command", Text, nullable=False),
    Column("provider", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("output_path", Text),
    Column("created_at", Text, nullable=False),
    Column("metadata", Text, nullable=False),
    Column("deleted_at", Text),
)
Index("idx_jobs_created_at_id", jobs.c.created_at.desc(), jobs.c.id.desc())
Index(
    "idx_jobs_status_created_at_id", jobs.c.status, jobs.c.created_at.desc(), jobs.c.id.desc()
)
Index(
    "idx_jobs_deleted_at_created_at",
    jobs.c.deleted_at,
    jobs.c.created_at.desc(),
    jobs.c.id.desc(),
)
# Ours (extra indexes are compatible): the exact-match history filters ?provider= / ?command=.
Index(
    "idx_jobs_provider_created_at_id", jobs.c.provider, jobs.c.created_at.desc(), jobs.c.id.desc()
)
Index("idx_jobs_command_created_at_id", jobs.c.command, jobs.c.created_at.desc(), jobs.c.id.desc())

output_uploads = Table(
    "output_uploads",
    metadata,
    Column("job_id", Text, nullable=False),
    Column("output_index", Integer, nullable=False),
    Column("target", Text, nullable=False),
    Column("target_type", Text, nullable=False),
    Column("status", Text, nullable=False),
    Column("url", Text),
    Column("error", Text),
    Column("bytes", Integer),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("updated_at", Text, nullable=False),
    Column("metadata", Text, nullable=False, server_default="{}"),
    PrimaryKeyConstraint("job_id", "output_index", "target"),
    ForeignKeyConstraint(["job_id"], ["jobs.id"], ondelete="CASCADE"),
)
Index("idx_output_uploads_job_output", output_uploads.c.job_id, output_uploads.c.output_index)

job_events = Table(
    "job_events",
    metadata,
    Column("job_id", Text, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", Text, nullable=False),
    Column("event_type", Text, nullable=False),
    Column("data", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    PrimaryKeyConstraint("job_id", "seq"),
    ForeignKeyConstraint(["job_id"], ["jobs.id"], ondelete="CASCADE"),
)
Index("idx_job_events_job_created", job_events.c.job_id, job_events.c.created_at)
