"""``/api/session``: auth status and token → HttpOnly cookie exchange (spec/web.md §4.3)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel

from ...errors import AppError
from ..deps import Policy
from ..security import SESSION_COOKIE, SESSION_MAX_AGE

router = APIRouter(tags=["session"])


class SessionStatus(BaseModel):
    auth_required: bool
    authorized: bool


class SessionLogin(BaseModel):
    token: str = ""


@router.get("/session", response_model=SessionStatus)
async def get_session(request: Request, policy: Policy) -> SessionStatus:
    headers = {k.lower(): v for k, v in request.headers.items()}
    authorized, _ = policy.authorized(headers)
    return SessionStatus(auth_required=policy.token is not None, authorized=authorized)


@router.post("/session", status_code=204, response_class=Response)
async def post_session(body: SessionLogin, request: Request, policy: Policy) -> Response:
    response = Response(status_code=204)
    if policy.token is None:
        return response
    if not body.token.strip() or not policy.token_matches(body.token):
        raise AppError("unauthorized", "Invalid access token.", http_status=401)
    response.set_cookie(
        SESSION_COOKIE, policy.session_value, max_age=SESSION_MAX_AGE, httponly=True,
        samesite="strict", path="/", secure=request.url.scheme == "https",
    )
    return response


@router.delete("/session", status_code=204, response_class=Response)
async def delete_session() -> Response:
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
