"""The audit gate fails on unaccepted findings and never mistakes 'not audited' for 'clean'."""

from __future__ import annotations

import pytest

from scripts.audit import judge, read_accepted

REPORT = {
    "dependencies": [
        {"name": "jinja2", "version": "3.0.0", "vulns": [
            {"id": "PYSEC-1", "aliases": ["CVE-2024-1"], "fix_versions": ["3.1.4"]}]},
        {"name": "sanic", "version": "21.12.2", "vulns": [
            {"id": "GHSA-2", "aliases": [], "fix_versions": []}]},
        {"name": "jieba", "version": "0.42.1", "vulns": []},
        {"name": "tensorflow", "skip_reason": "Dependency not found on PyPI"},
    ]
}  # fmt: skip


def test_unaccepted_findings_fail() -> None:
    verdict = judge(REPORT, {})
    assert verdict.failed
    assert verdict.findings == ["jinja2 3.0.0: PYSEC-1 (fixed in 3.1.4)", "sanic 21.12.2: GHSA-2"]
    assert (verdict.audited, verdict.skipped) == (3, 1)


def test_a_finding_accepted_by_an_alias_passes() -> None:
    verdict = judge(REPORT, {"CVE-2024-1": "not reachable", "GHSA-2": "fixed by our guard"})
    assert not verdict.failed
    assert len(verdict.accepted) == 2


def test_everything_skipped_is_not_audited() -> None:
    verdict = judge({"dependencies": [REPORT["dependencies"][3]]}, {})
    assert verdict.audited == 0 and not verdict.findings


def test_an_acceptance_needs_a_reason(tmp_path) -> None:
    path = tmp_path / "accepted.txt"
    path.write_text("# comment\nGHSA-2  only in a channel we do not mount\nPYSEC-1\n")
    with pytest.raises(ValueError, match="PYSEC-1 is accepted without a reason"):
        read_accepted(path)
    path.write_text("GHSA-2  only in a channel we do not mount\n")
    assert read_accepted(path) == {"GHSA-2": "only in a channel we do not mount"}
