"""Jobs: queue, runner, event bus and the service facade the routes call."""

from .bus import EventBus
from .queue import JobQueue
from .runner import JobRunner
from .service import JobService, new_job_id

__all__ = ["EventBus", "JobQueue", "JobRunner", "JobService", "new_job_id"]
