"""`/admin`: the HR maintainers' console, as a blueprint on the web app.

Mounted only when ADMIN_TOKEN is set (otherwise every /admin URL is 404). Access by
`Authorization: Bearer <token>` or by the login form, which sets an HttpOnly,
SameSite=Strict session cookie scoped to /admin. Insights are computed off the event
loop and cached (bot.insights.cache); pages, JSON and CSV never leave the browser's
cache (`no-store`).
"""

from __future__ import annotations

import asyncio
import os
from dataclasses import asdict
from typing import Any, Dict

from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.insights.cache import InsightsCache
from bot.insights.events import tracker_db_url
from bot.insights.tables import TABLES, to_csv
from bot.web import admin_auth, admin_page

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
FAILED_LOGIN_DELAY_S = 0.5
DEFAULT_REFRESH_S = 30  # recompute at most this often while new events keep arriving
PRIVATE = {"Cache-Control": "no-store", "Content-Security-Policy": CSP, "X-Frame-Options": "DENY"}


def _page_number(request: Request) -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


def admin_blueprint(token: str, db_url: str | None = None, salt: str | None = None) -> Blueprint:
    """The console for the tracker store at `db_url` (default: $TRACKER_DB_URL, see
    bot.insights.events), guarded by `token`; sender ids are hashed with `salt`
    (default: $INSIGHTS_SALT); figures are recomputed at most every $INSIGHTS_REFRESH_S."""
    if not token:
        raise ValueError("the HR console needs a non-empty ADMIN_TOKEN")
    bp = Blueprint("hr_admin", url_prefix="/admin")
    salt = os.environ.get("INSIGHTS_SALT", "") if salt is None else salt
    interval = float(os.environ.get("INSIGHTS_REFRESH_S", DEFAULT_REFRESH_S))
    cache = InsightsCache(db_url or tracker_db_url(), salt=salt, min_interval_s=interval)

    def authorized(request: Request) -> bool:
        return admin_auth.bearer_ok(
            token, request.headers.get("Authorization")
        ) or admin_auth.session_ok(token, request.cookies.get(admin_auth.COOKIE))

    async def insights() -> Any:
        return await asyncio.get_running_loop().run_in_executor(None, cache.get_nowait)

    def denied(json: bool = False) -> HTTPResponse:
        if json:
            return response.json({"error": "unauthorized"}, status=401, headers=PRIVATE)
        return response.html(admin_page.login_page(), status=401, headers=PRIVATE)

    @bp.after_server_start
    async def warm(app: Any, loop: Any) -> None:
        cache.refresh_in_background()  # the first page view should not wait

    @bp.get("")
    async def dashboard(request: Request) -> HTTPResponse:
        if not authorized(request):
            return denied()
        value, fresh = await insights()
        html = admin_page.dashboard(value, _page_number(request), fresh)
        return response.html(html, headers=PRIVATE)

    @bp.post("/login")
    async def login(request: Request) -> HTTPResponse:
        if not admin_auth.token_matches(token, request.form.get("token")):
            await asyncio.sleep(FAILED_LOGIN_DELAY_S)  # slows guessing down
            page = admin_page.login_page("令牌不正确。")
            return response.html(page, status=401, headers=PRIVATE)
        resp = response.redirect("/admin", status=303, headers=PRIVATE)
        _set_cookie(resp, admin_auth.session_value(token), request.scheme == "https")
        return resp

    @bp.post("/logout")
    async def logout(request: Request) -> HTTPResponse:
        resp = response.redirect("/admin", status=303, headers=PRIVATE)
        _set_cookie(resp, "", request.scheme == "https", max_age=0)
        return resp

    @bp.get("/api/insights")
    async def api(request: Request) -> HTTPResponse:
        if not authorized(request):
            return denied(json=True)
        value, fresh = await insights()
        page, size = _page_number(request), admin_page.PAGE_SIZE
        body: Dict[str, Any] = {
            "fresh": fresh,
            "computed_at": value.computed_at,
            "turns": value.turns,
            "answered": value.answered,
            "unanswered": len(value.questions),
            "page": page,
            "clusters_total": len(value.clusters),
            "clusters": [asdict(c) for c in value.clusters[(page - 1) * size : page * size]],
            "roles": value.roles,
            "topics": value.topics,
            "sources": value.sources,
            "charts": admin_page.chart_data(value),
        }
        return response.json(body, headers=PRIVATE, ensure_ascii=False)

    @bp.get("/export/<filename>")
    async def export(request: Request, filename: str) -> HTTPResponse:
        if not authorized(request):
            return denied(json=True)
        name, dot, ext = filename.rpartition(".")
        table = TABLES.get(name)
        if table is None or not dot or ext != "csv":
            return response.text("not found", status=404)
        value, _ = await insights()
        headers = dict(PRIVATE, **{"Content-Disposition": f'attachment; filename="{name}.csv"'})
        return response.raw(
            to_csv(table, value), content_type="text/csv; charset=utf-8", headers=headers
        )

    return bp


def _set_cookie(resp: HTTPResponse, value: str, secure: bool, max_age: int = 0) -> None:
    resp.cookies[admin_auth.COOKIE] = value
    cookie = resp.cookies[admin_auth.COOKIE]
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["path"] = "/admin"
    cookie["max-age"] = max_age if not value else admin_auth.SESSION_S
    if secure:
        cookie["secure"] = True
