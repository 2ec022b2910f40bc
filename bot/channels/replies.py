"""Rasa's bot messages as plain text for chat apps that show neither buttons nor charts.

* Buttons become numbered options ("回复 1 查看:…"); the payloads are returned so that the
  channel can map a bare number from the same user back to the payload.
* A salary chart payload becomes a compact text table; other widget payloads (sources,
  facts) are dropped because the text already says and cites the same thing.
* Text is split into chunks of at most `MAX_BYTES` UTF-8 bytes on line boundaries.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Mapping, Sequence

# Both platforms cap a text message at 2048 bytes; keep a margin.
MAX_BYTES = 2000
MAX_OPTIONS = 9
UNDERSTANDS_TEXT_ONLY = (
    "抱歉,我目前只能理解文字问题。请直接输入文字提问,例如:“客服主管工资多少”、“客服专员怎么晋升”。"
)
BOT_FAILED = "抱歉,系统暂时出了点问题,请稍后再试。"
PERIOD = {"month": "月", "year": "年"}
TITLE_CHARS = 16


@dataclass
class Rendered:
    """One turn's reply: the whole text and the payloads its numbered options stand for."""

    text: str
    options: List[str] = field(default_factory=list)


def render_turn(messages: Iterable[Mapping[str, Any]]) -> Rendered:
    """Join a turn's bot messages (CollectingOutputChannel dicts) into one text."""
    parts: List[str] = []
    options: List[str] = []
    for message in messages:
        lines: List[str] = []
        if isinstance(message.get("text"), str) and message["text"].strip():
            lines.append(message["text"].strip())
        for button in message.get("buttons") or []:
            if not isinstance(button, Mapping) or len(options) >= MAX_OPTIONS:
                continue
            title = str(button.get("title") or "").strip()
            payload = str(button.get("payload") or button.get("url") or title).strip()
            if not (title or payload):
                continue
            options.append(payload)
            lines.append(f"回复 {len(options)} 查看:{title or payload}")
        if isinstance(message.get("image"), str) and message["image"].strip():
            lines.append(f"图片:{message['image'].strip()}")
        if isinstance(message.get("attachment"), str) and message["attachment"].strip():
            lines.append(message["attachment"].strip())
        custom = message.get("custom")
        if isinstance(custom, Mapping):
            table = custom_text(custom)
            if table:
                lines.append(table)
        if lines:
            parts.append("\n".join(lines))
    return Rendered("\n\n".join(parts), options)


def option_index(text: str, count: int) -> int | None:
    """The 0-based option a bare number like "2" or "２" picks, if it is one of `count`."""
    normalized = unicodedata.normalize("NFKC", text).strip().rstrip(".。")
    if not (normalized.isascii() and normalized.isdigit()) or len(normalized) > 2:
        return None
    number = int(normalized)
    return number - 1 if 1 <= number <= count else None


# -- salary table -------------------------------------------------------------


def custom_text(payload: Mapping[str, Any]) -> str:
    """Text for a custom payload the chat app cannot draw; "" for ones the text covers."""
    kind = payload.get("type")
    if kind == "salary_ranges":
        return salary_table(payload)
    if kind == "comparison":
        tables = [
            salary_table(part)
            for part in payload.get("parts") or []
            if isinstance(part, Mapping) and part.get("type") == "salary_ranges"
        ]
        return "\n\n".join(t for t in tables if t)
    return ""


def _money(value: Any, period: str) -> str:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return "?"
    if period == "year" and value >= 10000:
        return f"{value / 10000:g}万"
    return f"{value:g}" if isinstance(value, float) else str(value)


def _range(item: Mapping[str, Any], with_period: bool) -> str:
    period = item.get("period") if item.get("period") in PERIOD else "month"
    low, high = item.get("low"), item.get("high")
    if low is None and high is None:
        amount = "未注明"
    elif low == high or high is None:
        amount = _money(low, period)
    elif low is None:
        amount = _money(high, period)
    else:
        amount = f"{_money(low, period)}-{_money(high, period)}"
    return f"{amount}元/{PERIOD[period]}" if with_period else amount


def _short(title: str) -> str:
    return title if len(title) <= TITLE_CHARS else title[:TITLE_CHARS] + "…"


def _row_name(item: Mapping[str, Any]) -> str:
    return str(item.get("band") or item.get("label") or "不限")


def _group_table(items: Sequence[Mapping[str, Any]]) -> List[str]:
    """A band x city-tier grid when a source states such a grid, otherwise one line per range."""
    periods = {item.get("period") for item in items}
    tiers = list(dict.fromkeys(str(i["tier"]) for i in items if i.get("tier")))
    rows = list(dict.fromkeys(_row_name(i) for i in items))
    cells: Dict[tuple, Mapping[str, Any]] = {}
    grid = len(tiers) >= 2 and all(i.get("tier") for i in items)
    for item in items:
        key = (_row_name(item), str(item.get("tier")))
        grid = grid and key not in cells
        cells[key] = item
    if grid:
        unit = "元/" + PERIOD.get(next(iter(periods)) or "month", "月") if len(periods) == 1 else ""
        one_period = len(periods) == 1
        lines = [f"经验\\城市 | {' | '.join(tiers)}" + (f"({unit})" if unit else "")]
        for row in rows:
            values = [
                _range(cells[(row, tier)], not one_period) if (row, tier) in cells else "—"
                for tier in tiers
            ]
            lines.append(f"{row} | {' | '.join(values)}")
        return lines
    lines = []
    for item in items:
        where = [f"{item['tier']}城市"] if item.get("tier") else []
        if item.get("label") or item.get("band"):
            where.append(str(item.get("label") or item.get("band")))
        lines.append(" | ".join([*(where or ["未区分"]), _range(item, True)]))
    return lines


def salary_table(payload: Mapping[str, Any]) -> str:
    """The salary chart as a compact text table, one block per source."""
    ranges = [r for r in payload.get("ranges") or [] if isinstance(r, Mapping)]
    if not ranges:
        return ""
    groups: Dict[str, List[Mapping[str, Any]]] = {}
    for item in ranges:
        title = str(item.get("source_title") or item.get("source_id") or "未注明来源")
        groups.setdefault(title, []).append(item)
    role = str(payload.get("role") or "")
    lines = [f"【{role}薪资一览】"]
    for title, items in groups.items():
        lines.append(f"《{_short(title)}》")
        lines.extend(_group_table(items))
    return "\n".join(lines)


# -- splitting ----------------------------------------------------------------


def _nbytes(text: str) -> int:
    return len(text.encode("utf-8"))


def _hard_split(line: str, limit: int) -> List[str]:
    pieces, current = [], ""
    for ch in line:
        if _nbytes(current + ch) > limit:
            pieces.append(current)
            current = ""
        current += ch
    if current:
        pieces.append(current)
    return pieces


def _split_lines(text: str, limit: int) -> List[str]:
    chunks: List[str] = []
    current: List[str] = []
    size = 0
    for line in text.split("\n"):
        pieces = [line] if _nbytes(line) <= limit else _hard_split(line, limit)
        for piece in pieces:
            added = _nbytes(piece) + (1 if current else 0)
            if current and size + added > limit:
                chunks.append("\n".join(current).strip("\n"))
                current, size = [], 0
                added = _nbytes(piece)
            if not current and not piece.strip():
                continue  # no chunk starts with a blank line
            current.append(piece)
            size += added
    if current:
        chunks.append("\n".join(current).strip("\n"))
    return [c for c in chunks if c.strip()]


def split_text(text: str, limit: int = MAX_BYTES) -> List[str]:
    """Chunks of at most `limit` UTF-8 bytes: whole paragraphs where they fit, else whole
    lines, and only a line longer than `limit` is cut between characters."""
    chunks: List[str] = []
    current = ""
    for paragraph in text.strip().split("\n\n"):
        paragraph = paragraph.strip("\n")
        if not paragraph.strip():
            continue
        joined = f"{current}\n\n{paragraph}" if current else paragraph
        if _nbytes(joined) <= limit:
            current = joined
            continue
        if current:
            chunks.append(current)
        pieces = [paragraph] if _nbytes(paragraph) <= limit else _split_lines(paragraph, limit)
        chunks.extend(pieces[:-1])
        current = pieces[-1] if pieces else ""
    if current:
        chunks.append(current)
    return chunks
