"""Console routes behind ``doctor``, ``auth inspect``, ``models list`` and ``secret *``."""

from __future__ import annotations

from fastapi import APIRouter

from ...console.models import (
    AuthInspectPayload,
    AuthRefreshPayload,
    DoctorPayload,
    ModelsPayload,
    SecretDeletePayload,
    SecretSetBody,
    SecretSetPayload,
    SecretStatusPayload,
)
from ..deps import Console, Overrides

router = APIRouter(tags=["console"])


@router.get("/doctor", response_model=DoctorPayload)
async def doctor(console: Console, overrides: Overrides, provider: str = "auto") -> DoctorPayload:
    """Selection, credentials and reachability; never an error for a broken setup."""
    return await console.doctor(provider, overrides)


@router.get("/auth", response_model=AuthInspectPayload)
async def auth_inspect(
    console: Console, overrides: Overrides, provider: str = "auto"
) -> AuthInspectPayload:
    """Every provider's credential status (never the secret)."""
    return await console.auth_inspect(provider, overrides)


@router.post("/auth/refresh", response_model=AuthRefreshPayload)
async def auth_refresh(
    console: Console, overrides: Overrides, provider: str | None = None
) -> AuthRefreshPayload:
    """Refresh a Codex provider's OAuth tokens now and rewrite them where they live."""
    return await console.auth_refresh(provider, overrides)


@router.get("/models", response_model=ModelsPayload)
async def models(console: Console) -> ModelsPayload:
    return console.models()


@router.get("/secrets/{provider}/{name}", response_model=SecretStatusPayload)
async def secret_status(provider: str, name: str, console: Console) -> SecretStatusPayload:
    """Redacted status of one credential (``secret get --status``)."""
    return await console.secret_status(provider, name)


@router.put("/secrets/{provider}/{name}", response_model=SecretSetPayload)
async def secret_set(
    provider: str, name: str, body: SecretSetBody, console: Console
) -> SecretSetPayload:
    return await console.secret_set(provider, name, body)


@router.delete("/secrets/{provider}/{name}", response_model=SecretDeletePayload)
async def secret_delete(provider: str, name: str, console: Console) -> SecretDeletePayload:
    return await console.secret_delete(provider, name)
