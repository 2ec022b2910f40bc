"""`python -m bot.web`: serve the demo page and widget (WEB_HOST, WEB_PORT, RASA_URL),
and the HR console at /admin when ADMIN_TOKEN is set (TRACKER_DB_URL, INSIGHTS_SALT)."""

from __future__ import annotations

import os

from bot.web.app import WebConfig, create_app


def main() -> None:
    config = WebConfig(
        rasa_url=os.environ.get("RASA_URL", "http://localhost:5005"),
        admin_token=os.environ.get("ADMIN_TOKEN") or None,
        tracker_db_url=os.environ.get("TRACKER_DB_URL") or None,
    )
    app = create_app(config)
    app.run(
        host=os.environ.get("WEB_HOST", "0.0.0.0"),
        port=int(os.environ.get("WEB_PORT", "8080")),
        access_log=False,
        workers=1,
    )


if __name__ == "__main__":
    main()
