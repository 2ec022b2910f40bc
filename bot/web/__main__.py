"""`python -m bot.web`: serve the demo page and widget (WEB_HOST, WEB_PORT, RASA_URL)."""

from __future__ import annotations

import os

from bot.web.app import WebConfig, create_app


def main() -> None:
    config = WebConfig(rasa_url=os.environ.get("RASA_URL", "http://localhost:5005"))
    app = create_app(config)
    app.run(
        host=os.environ.get("WEB_HOST", "0.0.0.0"),
        port=int(os.environ.get("WEB_PORT", "8080")),
        access_log=False,
        workers=1,
    )


if __name__ == "__main__":
    main()
