"""The curated lexicon: how words map to canonical roles, tiers and bands.

Everything here is domain knowledge the documents take for granted. Facts are
never stored here; they are extracted from the sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Dict, Iterable, List, Mapping, Sequence, Tuple

import yaml

LEXICON_PATH = Path(__file__).with_name("lexicon.yml")

_CN_DIGITS = {
    "两": 2,
    "一": 1,
    "二": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_USER_YEARS = re.compile(
    r"([\d两一二三四五六七八九十]{1,3})(多|几)?\s*"
    r"(?:(?:-|到|至|~)\s*([\d两一二三四五六七八九十]{1,3})\s*)?个?\s*年(以上|多)?"
)


def _numbers(text: str) -> Tuple[int, int | None]:
    """An arabic or Chinese numeral up to 99, or a colloquial pair such as 五六 (5 to 6)."""
    if text.isdigit():
        return int(text), None
    if "十" in text:
        tens, _, ones = text.partition("十")
        return _CN_DIGITS.get(tens, 1) * 10 + _CN_DIGITS.get(ones, 0), None
    digits = [_CN_DIGITS[ch] for ch in text if ch in _CN_DIGITS]
    if len(digits) != len(text) or not digits:
        raise ValueError(f"not a numeral: {text!r}")
    return digits[0], (digits[-1] if len(digits) > 1 else None)


_YEARS = re.compile(r"(\d+)\s*(?:-|~|至|到)\s*(\d+)\s*年|(\d+)\s*年以上")


@dataclass(frozen=True)
class Band:
    name: str
    low: int
    high: int | None
    words: Tuple[str, ...]
    levels: Tuple[str, ...]


# A topic's word said as set aside: "除了工资", "除了拿工资", "薪水以外", "能力之外".
_ASIDE = "除了.{0,2}(?:%s)|(?:%s)(?:之外|以外)"
_ASIDE_WORDS = ("除了", "之外", "以外")


@dataclass
class Lexicon:
    roles: Dict[str, List[str]]
    role_prefix: str
    tiers: Dict[str, Dict[str, List[str]]]
    bands: List[Band]
    topics: Dict[str, List[str]]
    holland: Dict[str, str]
    years_regex: str = ""
    other_roles: List[str] = field(default_factory=list)
    extra_aliases: Dict[str, str] = field(default_factory=dict)
    question_words: Dict[str, List[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, path: Path = LEXICON_PATH) -> Lexicon:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        bands = [
            Band(
                name=name,
                low=spec["years"][0],
                high=spec["years"][1],
                words=tuple(spec.get("words", [])),
                levels=tuple(spec.get("levels", [])),
            )
            for name, spec in raw["experience_bands"].items()
        ]
        return cls(
            roles={k: list(v) for k, v in raw["roles"].items()},
            role_prefix=raw.get("role_prefix", ""),
            tiers=raw["city_tiers"],
            bands=bands,
            topics=raw["topics"],
            holland=raw["holland"],
            years_regex=raw.get("experience_years_regex", ""),
            other_roles=list(raw.get("other_roles", [])),
            question_words={k: list(v) for k, v in raw.get("question_words", {}).items()},
        )

    # -- roles -------------------------------------------------------------

    def add_aliases(self, aliases: Mapping[str, str]) -> None:
        """Teach the lexicon aliases the documents state (alias -> role)."""
        for alias, role in aliases.items():
            if role in self.roles and alias not in self.alias_to_role:
                self.extra_aliases[alias] = role
        for cached in ("alias_to_role", "_role_pattern", "_short_name_pattern"):
            self.__dict__.pop(cached, None)

    @cached_property
    def alias_to_role(self) -> Dict[str, str]:
        table: Dict[str, str] = {}
        for role, aliases in self.roles.items():
            table[role] = role
            for alias in aliases:
                table.setdefault(alias, role)
        for alias, role in self.extra_aliases.items():
            table.setdefault(alias, role)
        return table

    @cached_property
    def _role_pattern(self) -> re.Pattern:
        names = sorted(self.alias_to_role, key=len, reverse=True)
        return re.compile("|".join(map(re.escape, names)))

    def find_roles(self, text: str) -> List[Tuple[str, str, int]]:
        """All role mentions as (role, alias, offset), longest alias first at each spot."""
        return [
            (self.alias_to_role[m.group(0)], m.group(0), m.start())
            for m in self._role_pattern.finditer(text)
        ]

    @cached_property
    def _short_name_pattern(self) -> re.Pattern:
        prefix = self.role_prefix
        names = [a[len(prefix) :] for a in self.alias_to_role if prefix and a.startswith(prefix)]
        names = sorted((n for n in names if len(n) > 1), key=len, reverse=True)
        return re.compile("|".join(map(re.escape, names)))

    def roles_by_short_name(self, text: str) -> List[Tuple[str, int]]:
        """Roles a text names without the role prefix ("主管那边管哪些事": 客服主管), as
        (role, offset). Only meaningful once the full name has been said: 经理 alone may be
        any manager."""
        prefix = self.role_prefix
        return [
            (self.alias_to_role[prefix + m.group(0)], m.start())
            for m in self._short_name_pattern.finditer(text)
        ]

    def resolve_role(self, text: str) -> str | None:
        """The first role a text names, or None."""
        found = self.find_roles(text)
        return found[0][0] if found else None

    def roles_in_label(self, label: str) -> List[str]:
        """Roles named by a heading such as "高级客服专员/主管" (both roles).

        A slash part that is not a role on its own is tried with the role
        prefix ("主管" -> "客服主管"), as the documents write it that way.
        """
        roles: List[str] = []
        for part in re.split(r"[//、]", label):
            part = part.strip()
            if not part:
                continue
            role = self.alias_to_role.get(part) or self.alias_to_role.get(self.role_prefix + part)
            if role is None:
                role = self.resolve_role(part)
            if role and role not in roles:
                roles.append(role)
        return roles

    # -- tiers -------------------------------------------------------------

    @cached_property
    def _tier_words(self) -> List[Tuple[str, str]]:
        words = []
        for tier, spec in self.tiers.items():
            for word in list(spec.get("aliases", [])) + list(spec.get("cities", [])):
                words.append((word, tier))
        return sorted(words, key=lambda wt: len(wt[0]), reverse=True)

    def find_tier(self, text: str) -> str | None:
        """The tier a text names, by tier word or by city; None if it names none."""
        best: Tuple[int, str] | None = None
        for word, tier in self._tier_words:
            pos = text.find(word)
            if pos >= 0 and (best is None or pos < best[0]):
                best = (pos, tier)
        return best[1] if best else None

    def city_tier(self, city: str) -> str | None:
        for tier, spec in self.tiers.items():
            if city in spec.get("cities", []):
                return tier
        return None

    def tier_names(self) -> List[str]:
        return list(self.tiers)

    # -- experience --------------------------------------------------------

    def band_for_years(self, years: float) -> str | None:
        """Band for a number of years: the first whose upper edge is not below it.

        The lower band wins on a shared edge (5 years is 中级 3-5年), and a
        figure between bands ("两年多") goes up to the next.
        """
        for band in self.bands:
            if band.high is None or years <= band.high:
                return band.name
        return None

    def find_band(self, text: str, levels: bool = True) -> str | None:
        """The band a text names: by stated years, band word or (if asked) level word.

        Level words ("高级") are only trusted in labels: in running text they
        often belong to something else ("高级专员").
        """
        m = _YEARS.search(text)
        if m:
            if m.group(3):
                return self._band_open(int(m.group(3)))
            return self._band_range(int(m.group(1)), int(m.group(2)))
        for band in self.bands:
            if any(word in text for word in band.words):
                return band.name
        if levels:
            for band in self.bands:
                if any(level in text for level in band.levels):
                    return band.name
        return None

    def _band_range(self, low: int, high: int) -> str | None:
        """A stated band ("3-5年" is 中级), else the band of the range's middle (五六年 -> 资深)."""
        for band in self.bands:
            if band.low == low and band.high == high:
                return band.name
        return self.band_for_years((low + high) / 2)

    def _band_open(self, low: int) -> str | None:
        for band in self.bands:
            if band.high is None and band.low == low:
                return band.name
        return self.band_for_years(low)

    def band_for_user(self, value: str) -> str | None:
        """Band for what a user said: a band word, "4年", "3到5年", "三年", "五六年", "5年以上",
        "四个年头", "十多年"."""
        text = value.strip()
        for band in self.bands:
            if text == band.name or text in band.words or text in band.levels:
                return band.name
        m = _USER_YEARS.search(text)
        if not m:
            return self.find_band(text)
        try:
            low, high = _numbers(m.group(1))
            if m.group(3):
                high = _numbers(m.group(3))[0]
        except ValueError:
            return None
        if m.group(2):  # "十多年" / "20几年"
            return self.band_for_years(low + 0.5)
        if m.group(4):  # "5年以上" / "两年多"
            return self._band_open(low) if "以上" in m.group(4) else self.band_for_years(low + 0.5)
        if high is not None:
            return self._band_range(low, high)
        return self.band_for_years(low)

    def other_role(self, text: str) -> str | None:
        """A job outside the field that a text names, unless it also names one of ours."""
        if self.find_roles(text):
            return None
        return next((job for job in self.other_roles if job in text), None)

    # -- topics ------------------------------------------------------------

    def topics_in(self, text: str, only: Iterable[str] | None = None) -> List[str]:
        """Topics whose keywords a text contains, in lexicon priority order."""
        wanted: Sequence[str] = list(only) if only is not None else list(self.topics)
        return [t for t in wanted if any(k in text for k in self.topics.get(t, []))]

    def _words(self, topic: str) -> List[str]:
        return [*self.topics.get(topic, []), *self.question_words.get(topic, [])]

    def topics_set_aside(self, text: str) -> List[str]:
        """Topics a question sets aside in so many words: "薪水以外还包括哪些", "除了工资" and
        "除了能力,性格上看哪几点" ask about something besides, whatever else of it they say."""
        if not any(word in text for word in _ASIDE_WORDS):
            return []  # most questions: no regex to run
        return [t for t in self.topics if self._aside_patterns[t].search(text)]

    @cached_property
    def _aside_patterns(self) -> Dict[str, re.Pattern]:
        def pattern(topic: str) -> re.Pattern:
            # "除了工资以外" sets the pay aside, not the benefits that 除了工资 names
            said = [w for w in self._words(topic) if not any(a in w for a in _ASIDE_WORDS)]
            words = "|".join(map(re.escape, sorted(said, key=len, reverse=True)))
            return re.compile(_ASIDE % (words, words))

        return {topic: pattern(topic) for topic in self.topics}

    def topics_asked(self, text: str) -> List[str]:
        """Topics a question names, by heading keyword or by question word, in priority order.

        A question word that holds another topic's word names its own topic only: "工资天花板"
        asks how high the pay goes, not about the job's ceiling; "除了工资" asks about benefits.
        A topic the question sets aside (`topics_set_aside`) is not named at all.
        """
        said = [(t, w) for t, words in self.question_words.items() for w in words if w in text]
        taken = [(m.start(), m.end(), t) for t, w in said for m in re.finditer(re.escape(w), text)]

        def names(topic: str, word: str) -> bool:
            return any(
                not any(s <= m.start() and m.end() <= e and t != topic for s, e, t in taken)
                for m in re.finditer(re.escape(word), text)
            )

        aside = self.topics_set_aside(text)
        return [
            t
            for t in self.topics
            if t not in aside and any(names(t, k) for k in self._words(t) if k in text)
        ]
