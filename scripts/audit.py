"""`make audit`: pip-audit over the pinned runtime, failing on any finding not accepted in writing.

pip-audit lives in its own venv (.venv-audit, requirements-audit.lock) because it
needs newer `packaging` and `rich` than Rasa 3.6 allows; it audits the runtime's
site-packages by path. Accepted findings are listed in audit-accepted.txt, one
`ID  reason` per line, so every exception carries its justification.

When the vulnerability service cannot be reached (this workplace's package mirror
serves no vulnerability data), pip-audit skips every package: that is reported as
"not audited", loudly, rather than passed off as "no known vulnerabilities".
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List

ROOT = Path(__file__).resolve().parents[1]
ACCEPTED = ROOT / "audit-accepted.txt"
PIP_AUDIT = ROOT / ".venv-audit" / "bin" / "pip-audit"
SITE_PACKAGES = ROOT / ".venv" / "lib" / "python3.10" / "site-packages"


@dataclass
class Verdict:
    findings: List[str] = field(default_factory=list)  # "pkg version: ID" not accepted
    accepted: List[str] = field(default_factory=list)
    audited: int = 0
    skipped: int = 0

    @property
    def failed(self) -> bool:
        return bool(self.findings)


def read_accepted(path: Path = ACCEPTED) -> Dict[str, str]:
    """ID -> reason; a line without a reason is an error, not an acceptance."""
    accepted = {}
    if not path.exists():
        return accepted
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        vuln_id, _, reason = line.partition(" ")
        if not reason.strip():
            raise ValueError(f"{path.name}:{number}: {vuln_id} is accepted without a reason")
        accepted[vuln_id] = reason.strip()
    return accepted


def judge(report: dict, accepted: Dict[str, str]) -> Verdict:
    """Sort pip-audit's JSON report into unaccepted findings, accepted ones and skips."""
    verdict = Verdict()
    for dep in report.get("dependencies", []):
        if "skip_reason" in dep:
            verdict.skipped += 1
            continue
        verdict.audited += 1
        for vuln in dep.get("vulns", []):
            ids = {vuln["id"], *vuln.get("aliases", [])}
            line = f"{dep['name']} {dep['version']}: {vuln['id']}"
            fix = ", ".join(vuln.get("fix_versions", []))
            if ids & accepted.keys():
                verdict.accepted.append(line)
            else:
                verdict.findings.append(line + (f" (fixed in {fix})" if fix else ""))
    return verdict


def main() -> int:
    result = subprocess.run(
        [str(PIP_AUDIT), "--path", str(SITE_PACKAGES), "--format", "json",
         "--progress-spinner", "off"],
        capture_output=True, text=True,
    )  # fmt: skip
    try:
        report = json.loads(result.stdout)
    except ValueError:
        print(result.stderr.strip() or result.stdout.strip(), file=sys.stderr)
        print("audit: pip-audit gave no report", file=sys.stderr)
        return 2
    verdict = judge(report, read_accepted())
    for line in verdict.accepted:
        print(f"accepted (see {ACCEPTED.name}): {line}")
    for line in verdict.findings:
        print(f"VULNERABLE: {line}")
    print(
        f"audit: {verdict.audited} packages audited, {verdict.skipped} skipped, "
        f"{len(verdict.findings)} unaccepted findings, {len(verdict.accepted)} accepted"
    )
    if verdict.audited == 0:
        print("audit: WARNING: nothing was audited: the vulnerability service could not be "
              "reached (pip-audit skipped every package). Run `make audit` where PyPI's JSON "
              "API is reachable.")  # fmt: skip
    return 1 if verdict.failed else 0


if __name__ == "__main__":
    sys.exit(main())
