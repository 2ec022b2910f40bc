"""The web page and embeddable widget, served by a small sanic app on port 8080.

Everything is local: our widget, its CSS and the vendored Chart.js and DOMPurify
(installed from npm by `make install`). The demo page gets a strict
Content-Security-Policy with no inline scripts.
"""

from __future__ import annotations

import gzip
import html
import mimetypes
from dataclasses import dataclass
from pathlib import Path
from typing import Dict
from urllib.parse import urlsplit

from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.knowledge.paths import PROJECT_ROOT

STATIC_DIR = Path(__file__).with_name("static")
NODE_MODULES = PROJECT_ROOT / "node_modules"
# The only files served from node_modules: an allowlist, never a directory.
VENDOR: Dict[str, Path] = {
    "chart.umd.min.js": NODE_MODULES / "chart.js" / "dist" / "chart.umd.min.js",
    "purify.min.js": NODE_MODULES / "dompurify" / "dist" / "purify.min.js",
}
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")
MIN_GZIP_BYTES = 1024


@dataclass(frozen=True)
class WebConfig:
    rasa_url: str = "http://localhost:5005"
    admin_token: str | None = None  # the HR console at /admin is mounted only when set
    tracker_db_url: str | None = None  # its tracker store (default: bot.insights' SQLite)


def origin(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(rasa_url: str) -> str:
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            f"connect-src 'self' {origin(rasa_url)}",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'self'",
        ]
    )


def _file(path: Path, cache: str) -> HTTPResponse:
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if content_type.startswith("text/"):
        content_type += "; charset=utf-8"
    return response.raw(
        path.read_bytes(), content_type=content_type, headers={"Cache-Control": cache}
    )


def _static_path(name: str) -> Path | None:
    """A file under static/, or None for anything else (no traversal, no directories)."""
    candidate = (STATIC_DIR / name).resolve()
    if STATIC_DIR.resolve() not in candidate.parents or not candidate.is_file():
        return None
    return candidate


def create_app(config: WebConfig, name: str = "kefu_web") -> Sanic:
    """The web app; `config.rasa_url` is where the widget on the demo page talks to."""
    app = Sanic(name)
    csp = content_security_policy(config.rasa_url)
    demo = (STATIC_DIR / "demo.html").read_text(encoding="utf-8")
    demo = demo.replace("__RASA_URL__", html.escape(config.rasa_url, quote=True))

    @app.get("/")
    async def demo_page(request: Request) -> HTTPResponse:
        return response.html(demo, headers={"Content-Security-Policy": csp})

    @app.get("/widget.js")
    async def widget(request: Request) -> HTTPResponse:
        # Embedded by other origins' pages: allow it, but never cache for long.
        resp = _file(STATIC_DIR / "widget.js", "public, max-age=300")
        resp.headers["Access-Control-Allow-Origin"] = "*"
        return resp

    @app.get("/static/vendor/<name>")
    async def vendor(request: Request, name: str) -> HTTPResponse:
        path = VENDOR.get(name)
        if path is None or not path.is_file():
            return response.text("not found", status=404)
        resp = _file(path, "public, max-age=86400")
        resp.headers["Access-Control-Allow-Origin"] = "*"
        return resp

    @app.get("/static/<name:path>")
    async def static(request: Request, name: str) -> HTTPResponse:
        path = _static_path(name)
        if path is None:
            return response.text("not found", status=404)
        resp = _file(path, "public, max-age=300")
        resp.headers["Access-Control-Allow-Origin"] = "*"
        return resp

    @app.get("/healthz")
    async def health(request: Request) -> HTTPResponse:
        return response.json({"status": "ok"})

    if config.admin_token:
        from bot.web.admin import admin_blueprint  # scikit-learn only where it is used

        app.blueprint(admin_blueprint(config.admin_token, config.tracker_db_url))

    @app.middleware("response")
    async def harden(request: Request, resp: HTTPResponse) -> None:
        resp.headers.setdefault("X-Content-Type-Options", "nosniff")
        resp.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        _gzip(request, resp)

    return app


def _gzip(request: Request, resp: HTTPResponse) -> None:
    """Compress text responses for clients that accept it (sanic does not)."""
    content_type = resp.headers.get("Content-Type", resp.content_type or "")
    body = resp.body or b""
    if (
        "gzip" not in request.headers.get("Accept-Encoding", "")
        or len(body) < MIN_GZIP_BYTES
        or not content_type.startswith(COMPRESSIBLE)
        or "Content-Encoding" in resp.headers
    ):
        return
    resp.body = gzip.compress(body, compresslevel=6)
    resp.headers["Content-Encoding"] = "gzip"
    resp.headers["Vary"] = "Accept-Encoding"
    resp.headers["Content-Length"] = str(len(resp.body))
