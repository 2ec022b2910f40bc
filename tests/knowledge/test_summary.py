"""The build summary: what each document contributed, where it disagrees, what it left unread."""

from __future__ import annotations

from bot.knowledge.__main__ import _print_build
from bot.knowledge.build import BuildReport
from bot.knowledge.models import Fact, Provenance, Salary, Source
from bot.knowledge.summary import Conflict, Extracted, empty_sections, summarize

TEXT = (
    "客服主管指南\n"
    "## 薪酬\n"
    "一线城市:月薪16000-24000元\n"
    "## 公司简介\n"
    "我们是一家成立十年的公司。\n"
    "## 福利\n"
    "### 补贴\n"
    "每月发放交通补贴。\n"
    "## 联系方式\n"
)


def _prov(source_id: str, start: int = 0) -> Provenance:
    return Provenance(source_id, "", "x", start, start + 1)


def _salary(source_id: str, tier: str, low: int, high: int, **kw) -> Salary:
    return Salary(
        "客服主管",
        low,
        high,
        "month",
        _prov(source_id),
        f"{low}-{high}",
        tier=tier,
        band="中级",
        **kw,
    )


def _market(source_id: str, value: str, count: int) -> Fact:
    return Fact("market_size", "客户服务管理师", value, _prov(source_id), attrs={"count": count})


def _growth(source_id: str, year: int, low: float, high: float) -> Fact:
    attrs = {"kind": "growth_rate", "low": low, "high": high, "year": year}
    return Fact("outlook", "客服专员", f"{low}%-{high}%", _prov(source_id), attrs=attrs)


def _doc(source_id: str, salaries=(), facts=()) -> Extracted:
    return Extracted(
        Source(source_id, source_id, f"{source_id}.md", "simplified"), "", facts, salaries
    )


def test_conflicting_salaries_and_figures_are_reported_both_ways():
    a = _doc(
        "a",
        [_salary("a", "一线", 12000, 18000), _salary("a", "二线", 9000, 13000)],
        [_market("a", "超过30万人", 300_000), _growth("a", 2023, 10.0, 15.0)],
    )
    b = _doc(
        "b",
        [_salary("b", "一线", 16000, 24000), _salary("b", "二线", 9000, 13000)],
        [_market("b", "约50万人", 500_000), _growth("b", 2025, 20.0, 25.0)],
    )
    # c states both figures, so it agrees with each; probation pay is another statement
    c = _doc(
        "c",
        [
            _salary("c", "一线", 12000, 18000),
            _salary("c", "一线", 16000, 24000),
            _salary("c", "一线", 5000, 6000, qualifiers=("试用期",)),
        ],
    )
    reports = {r.source.id: r for r in summarize([a, b, c])}

    assert reports["a"].conflicts == [
        Conflict(
            "salary", "客服主管", "一线 · 中级 · 月薪", "12000-18000元/月", "b", "16000-24000元/月"
        ),
        Conflict("market_size", "客户服务管理师", "market_size", "超过30万人", "b", "约50万人"),
    ]
    assert [(x.value, x.other_source, x.other_value) for x in reports["b"].conflicts] == [
        ("16000-24000元/月", "a", "12000-18000元/月"),
        ("约50万人", "a", "超过30万人"),
    ]
    assert reports["c"].conflicts == []
    assert reports["a"].facts_by_topic == {"salary": 2, "market_size": 1, "outlook": 1}


def test_sections_without_facts_are_listed_outermost_first():
    salary = Salary(
        "客服主管", 16000, 24000, "month", _prov("a", TEXT.index("一线城市")), "16000-24000"
    )
    # 福利 is reported once for its subsection; 联系方式 has no text to extract from
    assert empty_sections(TEXT, "客服主管指南", [], [salary]) == ["公司简介", "福利"]
    assert empty_sections(TEXT, "客服主管指南", [], []) == ["薪酬", "公司简介", "福利"]


def test_build_prints_the_summary(capsys):
    a = _doc("a", [_salary("a", "一线", 12000, 18000)])
    b = _doc("b", [_salary("b", "一线", 16000, 24000)])
    report = BuildReport(
        documents=summarize([a, b]), errors=["x.pdf: the PDF is password-protected"]
    )
    report.documents[1].empty_sections.append("公司简介")

    _print_build(report)

    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0] == "《a》 (a.md): 1 facts — salary 1"
    assert lines[1] == (
        "  conflict: 客服主管 salary 一线 · 中级 · 月薪: 12000-18000元/月 here,"
        " 16000-24000元/月 in b"
    )
    assert "  nothing extracted under: 公司简介" in lines
    assert "error: x.pdf: the PDF is password-protected" in captured.err
