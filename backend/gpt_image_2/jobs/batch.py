"""Fan-out for providers without native ``n`` (spec/providers.md §2.3).

``n`` single-image calls run concurrently; their events share the job's stream
(one ``seq`` counter) and carry ``slot`` (1-based). All succeed → ``completed``;
some → ``partial_failed`` with the images that arrived and an ``error`` listing
the failed slots; none → the first slot's error is raised.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Protocol

from ..errors import AppError
from ..providers.base import ImageRequest, ImageResult, RunContext

__all__ = ["BatchOutcome", "fan_out"]


class _Runs(Protocol):
    async def run(self, request: ImageRequest, ctx: RunContext) -> ImageResult: ...


@dataclass
class BatchOutcome:
    result: ImageResult
    status: str
    error: dict[str, Any] | None


async def fan_out(
    provider: _Runs, request: ImageRequest, count: int, context: Callable[[int], RunContext]
) -> BatchOutcome:
    single = replace(request, n=None)
    results = await asyncio.gather(
        *(provider.run(single, context(slot)) for slot in range(1, count + 1)),
        return_exceptions=True,
    )
    done: list[ImageResult] = []
    failures: list[dict[str, Any]] = []
    first_error: AppError | None = None
    for slot, item in enumerate(results, start=1):
        if isinstance(item, ImageResult):
            done.append(item)
        elif isinstance(item, AppError):
            first_error = first_error or item
            failures.append({"index": slot - 1, **item.to_dict()})
        elif isinstance(item, BaseException):
            raise item
    if not done:
        assert first_error is not None
        raise first_error
    images = [image for result in done for image in result.images]
    family = "codex" if "delegated_image_model" in done[0].request_summary else "openai"
    merged = ImageResult(
        images=images,
        response={"batch_request_count": count, "image_count": len(images),
                  "revised_prompts": [p for r in done for p in r.revised_prompts]},
        revised_prompts=[p for r in done for p in r.revised_prompts],
        retry_count=sum(r.retry_count for r in done),
        auth=done[0].auth,
        request_summary={**done[0].request_summary, "batch_mode": "parallel-single-output",
                         "n": count, "provider": family},
    )
    if not failures:
        return BatchOutcome(merged, "completed", None)
    error = {
        "code": "batch_partial_failed",
        "message": f"{len(failures)} of {count} image requests failed: "
                   f"{failures[0].get('message')}",
        "items": failures,
    }
    return BatchOutcome(merged, "partial_failed", error)
