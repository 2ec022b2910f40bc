"""The scale test's failure report shows the Rasa log lines that explain a failure."""

from __future__ import annotations

from pathlib import Path

from scripts.scale_test import rasa_log_lines_about


def test_lines_on_the_failing_conversation_or_on_lock_trouble_are_shown(tmp_path: Path):
    (tmp_path / "rasa1.log").write_text(
        "INFO started\n"
        "WARNING rest: conversation lock lost for scale-nginx-a-66; trying again\n"
        "INFO model loaded\n"
        "DEBUG turn for scale-nginx-b-7\n",
        encoding="utf-8",
    )
    (tmp_path / "rasa2.log").write_text("ERROR rest: no reply within 40s for x\n", "utf-8")
    (tmp_path / "actions.log").write_text("ERROR lock lost in another log\n", "utf-8")
    failures = ["nginx: 1 wrong replies", "  scale-nginx-b-7 turn 2 '那二线城市呢': '…'"]
    report = rasa_log_lines_about(tmp_path, failures).splitlines()
    assert report[1:] == [
        "rasa1.log: WARNING rest: conversation lock lost for scale-nginx-a-66; trying again",
        "rasa1.log: DEBUG turn for scale-nginx-b-7",
        "rasa2.log: ERROR rest: no reply within 40s for x",
    ]
