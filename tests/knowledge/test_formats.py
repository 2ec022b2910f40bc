"""Word, PDF and HTML sources: their facts come out of the real build; broken ones are named."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from pypdf import PdfReader, PdfWriter

from bot.knowledge.readers import read
from bot.knowledge.readers.pdf import unwrap
from bot.knowledge.sources import SOURCES_DIR
from tests.conftest import Built, build_into
from tests.knowledge.pdfgen import text_pdf

PDF_PAGES = [
    [
        "客服经理工作手册",
        "一、薪资水平",
        "一线城市:月薪20000-35000元",
        "二线城市:月薪15000-22000元",
        "1",
    ],
    [
        "二、主要职责",
        "- 制定客服中心的年度服务指标",
        "- 搭建知识库并定期更新",
        "三、证书要求",
        "建议考取《客户服务管理师(二级)职业资格证书》。",
        "2",
    ],
]

HTML_PAGE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>客服专员入职须知 - 某某招聘网</title>
<script>var ad = "客服总监年薪100万元";</script><style>p { color: red }</style></head>
<body>
<header><a href="/">首页</a> 客服总监月薪50000-90000元 招聘热线</header>
<nav><ul><li>客服总监高薪职位</li><li>登录</li></ul></nav>
<div class="wrap">
  <div class="sidebar"><p>热门推荐:客服总监月薪60000-90000元</p></div>
  <div class="content">
    <h1>客服专员入职须知</h1>
    <p>本文介绍客服专员的薪资、职责和证书要求,供新入职的同事参考。</p>
    <h2>薪资待遇</h2>
    <table>
      <tr><th>城市级别</th><th>月薪</th></tr>
      <tr><td>一线城市</td><td>7000-10000元</td></tr>
      <tr><td>三线及以下城市</td><td>4000-5500元</td></tr>
    </table>
    <h2>岗位职责</h2>
    <ul><li>接听客户来电并<b>记录</b>工单</li><li>回访投诉
        客户</li></ul>
    <h2>证书</h2>
    <p>入职一年内需取得《客户服务管理师(四级)资格证书》。</p>
  </div>
</div>
<footer>版权所有 客服总监月薪40000元起</footer>
</body></html>
"""


def write_docx(path: Path) -> None:
    """A supervisor's guide as HR writes it in Word: heading styles, a table, a bullet list."""
    d = docx.Document()
    d.add_heading("客服主管岗位指南", level=1)
    d.add_heading("薪酬参考", level=2)
    d.add_paragraph("下表为各城市客服主管的月薪参考:")
    rows = [
        ("城市级别", "经验", "月薪"),
        ("一线城市", "3-5年", "16000-24000元"),
        ("二线城市", "3-5年", "9000-13000元"),
    ]
    table = d.add_table(rows=len(rows), cols=3)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    d.add_heading("岗位职责", level=2)
    for duty in ("制定客服团队的排班计划", "抽检通话录音并反馈", "处理升级投诉"):
        d.add_paragraph(duty, style="List Bullet")
    d.add_heading("证书", level=2)
    d.add_paragraph("建议考取《呼叫中心服务员职业资格证书》。")
    d.add_heading("公司简介", level=2)
    d.add_paragraph("我们是一家成立十年的公司,总部位于杭州。")
    d.save(str(path))


def locked_pdf() -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(text_pdf(PDF_PAGES))))
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Built:
    root = tmp_path_factory.mktemp("formats")
    sources = root / "sources"
    shutil.copytree(SOURCES_DIR, sources)
    write_docx(sources / "supervisor-guide.docx")
    (sources / "manager-handbook.pdf").write_bytes(text_pdf(PDF_PAGES))
    (sources / "agent-onboarding.html").write_text(HTML_PAGE, encoding="utf-8")
    # unreadable ones
    with zipfile.ZipFile(sources / "corrupt.docx", "w") as z:
        z.writestr("readme.txt", "not a word document")
    (sources / "scan.pdf").write_bytes(text_pdf([[]]))
    (sources / "locked.pdf").write_bytes(locked_pdf())
    (sources / "empty.html").write_text(
        "<html><head><title></title><script>var s = '客服';</script></head>"
        "<body><nav>首页</nav></body></html>",
        encoding="utf-8",
    )
    return build_into(root / "out", sources)


def _source(built: Built, path: str):
    return next(s for s in built.kb.sources() if s.path == path)


def _salaries(built: Built, role: str, path: str):
    source = _source(built, path)
    return {
        (s.tier, s.band, s.low, s.high, s.period)
        for s in built.kb.salaries(role)
        if s.provenance.source_id == source.id
    }


def _values(built: Built, role: str, topic: str, path: str):
    source = _source(built, path)
    return {f.value for f in built.kb.facts(role, topic) if f.provenance.source_id == source.id}


def test_unreadable_documents_are_named_with_a_reason(built: Built):
    errors = {e.split(":", 1)[0]: e for e in built.report.errors}
    assert set(errors) == {"corrupt.docx", "scan.pdf", "locked.pdf", "empty.html"}
    assert "not a readable .docx" in errors["corrupt.docx"]
    assert "no text layer" in errors["scan.pdf"]
    assert "password" in errors["locked.pdf"]
    assert "no readable text" in errors["empty.html"]
    # the five seeds and the three good documents still build
    assert len(built.kb.sources()) == 8


def test_docx_table_list_and_certificate(built: Built):
    source = _source(built, "supervisor-guide.docx")
    assert source.title == "客服主管岗位指南"
    assert _salaries(built, "客服主管", "supervisor-guide.docx") == {
        ("一线", "中级", 16000, 24000, "month"),
        ("二线", "中级", 9000, 13000, "month"),
    }
    salary = next(
        s for s in built.kb.salaries("客服主管", tier="一线") if s.provenance.source_id == source.id
    )
    # the table stayed in place: under its heading and the sentence introducing it
    assert (
        salary.provenance.section == "客服主管岗位指南 > 薪酬参考 > 下表为各城市客服主管的月薪参考"
    )
    assert _values(built, "客服主管", "duties", "supervisor-guide.docx") == {
        "制定客服团队的排班计划",
        "抽检通话录音并反馈",
        "处理升级投诉",
    }
    assert _values(built, "客服主管", "certification", "supervisor-guide.docx") == {
        "呼叫中心服务员职业资格证书"
    }


def test_pdf_salaries_duties_and_certificate(built: Built):
    assert _source(built, "manager-handbook.pdf").title == "客服经理工作手册"
    assert _salaries(built, "客服经理", "manager-handbook.pdf") == {
        ("一线", None, 20000, 35000, "month"),
        ("二线", None, 15000, 22000, "month"),
    }
    assert _values(built, "客服经理", "duties", "manager-handbook.pdf") == {
        "制定客服中心的年度服务指标",
        "搭建知识库并定期更新",
    }
    assert _values(built, "客服经理", "certification", "manager-handbook.pdf") == {
        "客户服务管理师(二级)职业资格证书"
    }


def test_html_main_content_only(built: Built):
    source = _source(built, "agent-onboarding.html")
    assert source.title == "客服专员入职须知"
    assert _salaries(built, "客服专员", "agent-onboarding.html") == {
        ("一线", None, 7000, 10000, "month"),
        ("三线及以下", None, 4000, 5500, "month"),
    }
    assert _values(built, "客服专员", "duties", "agent-onboarding.html") == {
        "接听客户来电并记录工单",
        "回访投诉客户",
    }
    assert _values(built, "客服专员", "certification", "agent-onboarding.html") == {
        "客户服务管理师(四级)资格证书"
    }
    # source line breaks inside Chinese text leave no space (回访投诉\n客户)
    # header, nav, sidebar, footer and script figures are not content
    text = built.kb.text(source.id)
    assert "90000" not in text and "40000" not in text and "100万" not in text
    assert not [s for s in built.kb.salaries("客服总监") if s.provenance.source_id == source.id]


def test_docx_reader_keeps_document_order(tmp_path: Path):
    path = tmp_path / "guide.docx"
    write_docx(path)
    lines = read(path).splitlines()
    assert lines[:3] == ["# 客服主管岗位指南", "## 薪酬参考", "下表为各城市客服主管的月薪参考:"]
    header = lines.index("| 城市级别 | 经验 | 月薪 |")
    assert lines[header + 1] == "| --- | --- | --- |"
    assert lines[header + 2] == "| 一线城市 | 3-5年 | 16000-24000元 |"
    assert lines.index("## 岗位职责") > header
    assert lines[lines.index("## 岗位职责") + 1] == "- 制定客服团队的排班计划"


def test_pdf_page_numbers_dropped_and_wrapped_lines_joined():
    page = (
        "客服经理需要对整个客服中心的服务质量负责,并且要定期向管理层汇报各项\n"
        "服务指标的完成情况。\n"
        "- 第一项\n"
        "- 3 -\n"
    )
    assert unwrap(page) == [
        "客服经理需要对整个客服中心的服务质量负责,并且要定期向管理层汇报各项服务指标的完成情况。",
        "- 第一项",
    ]


def test_build_summary_of_the_new_word_document(built: Built):
    report = next(d for d in built.report.documents if d.source.path == "supervisor-guide.docx")
    assert report.facts_by_topic == {"salary": 2, "duties": 3, "certification": 1}
    # the Tier-1 figure disagrees with the seed article; the Tier-2 one agrees with it
    assert [(c.about, c.value, c.other_source, c.other_value) for c in report.conflicts] == [
        ("一线 · 中级 · 月薪", "16000-24000元/月", "kefu-zhuguan-outlook", "12000-18000元/月")
    ]
    assert report.empty_sections == ["公司简介"]


def test_html_reader_structure(tmp_path: Path):
    page = tmp_path / "page.htm"
    page.write_bytes(
        """<html><head><meta charset="gbk"><title>站点</title></head><body>
        <div class="links"><p>相关阅读:客服主管、客服经理、客服总监、客户服务管理师的全部文章,
        以及更多职业信息和招聘信息,欢迎访问本站的其他栏目和频道页面。</p></div>
        <article><h2>技能要求</h2>
          <ol><li><p>沟通能力</p><ul><li>倾听</li></ul></li><li>抗压能力</li></ol>
          <p>第一行<br>第二行</p>
          <table><tr><td><p>版面表格里的段落。</p></td></tr></table>
        </article></body></html>""".encode("gbk")
    )
    assert read(page).splitlines() == [
        "# 站点",  # no <h1>: the page title heads the document
        "## 技能要求",
        "- 沟通能力",
        "  - 倾听",
        "- 抗压能力",
        "第一行",
        "第二行",
        "版面表格里的段落。",
    ]
