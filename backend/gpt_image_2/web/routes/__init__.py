"""Thin route modules: parse input, call one service method, return a typed model."""

from fastapi import APIRouter

from . import (
    config,
    console,
    images,
    jobs,
    logs,
    notifications,
    relay,
    session,
    storage,
    transparent,
)

__all__ = ["api_router"]

api_router = APIRouter()
api_router.include_router(session.router)
api_router.include_router(images.router)
api_router.include_router(jobs.router)
api_router.include_router(config.router)
api_router.include_router(console.router)
api_router.include_router(notifications.router)
api_router.include_router(storage.router)
api_router.include_router(logs.router)
api_router.include_router(relay.router)
api_router.include_router(transparent.router)
