"""Quantities (SPEC 4, 5): numbers with unit and comparator, as spans of the text.

This module is the quantity matcher: a number (Arabic, Chinese, fraction, percent word) with its unit and
comparator words, as a span of the text. ``policyx.targets`` decides what each one is (a target, a
statistic, or nothing) and names what it measures. All patterns and word lists are in
``rules/quantities.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex
from pydantic import PrivateAttr

from policyx.numbers import parse_number
from policyx.rules import Pattern, Rule, RuleFile, RuleSet, check_ids_unique
from policyx.spans import Disjoint


class UnitRule(Rule):
    pattern: Pattern
    unit: str


class FractionRule(Rule):
    pattern: Pattern
    unit: str


class ComparatorRule(Rule):
    pattern: Pattern
    comparator: str
    max_gap: int = 0


class QuantityRules(RuleFile):
    FILE = "quantities.yaml"
    arabic: Pattern
    chinese: Pattern
    range_sep: Pattern
    range_number: Pattern
    idiom_after: Pattern
    idioms: list[str] = []
    weak_numerals: list[str] = []
    percent: list[UnitRule]
    count: Rule
    units: list[str]
    arabic_units: list[str] = []
    unit_word: Pattern
    fractions: list[FractionRule]
    prefix: list[ComparatorRule]
    suffix: list[ComparatorRule]
    suffix_gap: int = 0

    _number: regex.Pattern[str] = PrivateAttr()
    _range: regex.Pattern[str] = PrivateAttr()
    _unit: regex.Pattern[str] = PrivateAttr()
    _unit_names: dict[str, tuple[str, str]] = PrivateAttr()
    _unit_word: regex.Pattern[str] = PrivateAttr()
    _idiom: regex.Pattern[str] = PrivateAttr()
    _fractions: list[tuple[FractionRule, regex.Pattern[str]]] = PrivateAttr()
    _prefix: list[tuple[ComparatorRule, regex.Pattern[str]]] = PrivateAttr()
    _suffix: regex.Pattern[str] = PrivateAttr()
    _cmp_end: regex.Pattern[str] = PrivateAttr()
    _any_fraction: regex.Pattern[str] = PrivateAttr()
    _percent_groups: list[tuple[str, str, str]] = PrivateAttr()  # (group, unit, rule id)
    _suffix_groups: list[tuple[str, str, str]] = PrivateAttr()  # (group, comparator, rule id)
    _idioms: tuple[str, ...] = PrivateAttr()

    def model_post_init(self, _ctx: object) -> None:
        check_ids_unique([*self.percent, *self.fractions, *self.prefix, *self.suffix], self.FILE)
        self._number = regex.compile(f"(?P<a>{self.arabic})|(?P<c>{self.chinese})")
        self._range = regex.compile(f"{self.range_sep}(?P<n>{self.range_number})")
        self._idiom = regex.compile(self.idiom_after)
        # one group per percent rule, then the counting units longest first
        parts = [f"(?P<p{i}>{r.pattern})" for i, r in enumerate(self.percent)]
        units = sorted([*self.units, *self.arabic_units], key=len, reverse=True)
        parts.append("(?P<u>" + "|".join(regex.escape(u) for u in units) + ")")
        # a space may sit between number and unit (3385 人次), a line break may not (a table's number column)
        self._unit = regex.compile(r"[ \t\u3000]?(?:" + "|".join(parts) + ")")
        self._unit_word = regex.compile(self.unit_word)
        self._fractions = [(r, regex.compile(r.pattern)) for r in self.fractions]
        # some fraction rule matches in a stretch iff this does: most paragraphs hold none, so one scan, not five
        self._any_fraction = regex.compile("|".join(f"(?:{r.pattern})" for r in self.fractions) or r"(?!)")
        self._percent_groups = [(f"p{i}", r.unit, r.id) for i, r in enumerate(self.percent)]
        self._idioms = tuple(self.idioms)
        self._prefix = [
            (r, regex.compile(f"(?:{r.pattern})(?P<gap>\\p{{Han}}{{0,{r.max_gap}}})$")) for r in self.prefix
        ]
        # the comparator vocabulary, for other stages: a prefix comparator word ending a phrase (…不低于)
        self._cmp_end = regex.compile("(?:" + "|".join(f"(?:{r.pattern})" for r in self.prefix) + ")$")
        suffix = "|".join(f"(?P<s{i}>{r.pattern})" for i, r in enumerate(self.suffix))
        self._suffix = regex.compile(f"(?P<gap>\\p{{Han}}{{0,{self.suffix_gap}}}?)(?:{suffix})")
        self._suffix_groups = [(f"s{i}", r.comparator, r.id) for i, r in enumerate(self.suffix)]


@dataclass(slots=True)
class Mention:
    """One quantity in the text: ``start..end`` covers the comparator words; ``num_start..unit_end`` the number."""

    start: int
    end: int
    num_start: int
    unit_end: int
    value: float
    value_max: float | None
    unit: str
    comparator: str
    rule: str


_SPACE = regex.compile(r"\s+")


def comparator_end(rules: RuleSet) -> regex.Pattern[str]:
    """A comparator word (不低于, 至少, 超过 …) at the end of a phrase: the one comparator vocabulary of
    ``rules/quantities.yaml``, for stages that trim it off an indicator."""
    return rules.get(QuantityRules)._cmp_end


def suffix_comparator(rules: RuleSet) -> regex.Pattern[str]:
    """A suffix comparator (以上, 以内, 左右 …) after at most ``suffix_gap`` Han characters (group ``gap``)."""
    return rules.get(QuantityRules)._suffix


def _value(m: regex.Match[str]) -> float | None:
    return parse_number(_SPACE.sub("", m.group(0)))


def _unit_at(text: str, pos: int, qr: QuantityRules) -> tuple[str, int, str] | None:
    """(unit, end, rule id) of the unit starting at ``pos``, or None."""
    m = qr._unit.match(text, pos)
    if not m:
        return None
    for group, unit, rule_id in qr._percent_groups:
        if m.group(group):
            return unit, m.end(), rule_id
    unit = m.group("u")
    if qr._unit_word.match(text, m.start("u")):
        return None  # 人员, 家庭: the unit character starts a word
    return unit, m.end(), qr.count.id


def _scale_of(token: str) -> float:
    for word, factor in (("亿", 1e8), ("億", 1e8), ("万", 1e4), ("萬", 1e4), ("千", 1e3)):
        if token.rstrip().endswith(word):
            return factor
    return 1.0


def _comparators(text: str, lo: int, num_start: int, end: int, qr: QuantityRules) -> tuple[int, int, str, str | None]:
    """Widen ``num_start..end`` over a prefix and a suffix comparator: (start, end, comparator, rule id)."""
    start, comparator, rule = num_start, "=", None
    window = text[max(lo, num_start - 24) : num_start]  # 不低于住宅总建筑面积的 reaches back 11 characters
    for r, pat in qr._prefix:
        pm = pat.search(window)
        if pm:
            start = num_start - (len(window) - pm.start())
            comparator, rule = r.comparator, r.id
            break
    sm = qr._suffix.match(text, end)
    if sm:
        for group, suffix_comparator, rule_id in qr._suffix_groups:
            if sm.group(group):
                end = sm.end()
                if rule is None:
                    comparator, rule = suffix_comparator, rule_id
                break
    return start, end, comparator, rule


def _fraction_value(m: regex.Match[str], r: FractionRule) -> float | None:
    groups = m.groupdict()
    if "tens" in groups:
        tens = parse_number(m.group("tens"))
        ones = parse_number(m.group("ones")) if m.group("ones") else 0.0
        return None if tens is None or ones is None else tens * 10 + ones
    if "val" in groups:
        return parse_number(m.group("val"))
    num, den = parse_number(m.group("num")), parse_number(m.group("den"))
    if num is None or not den or num > den:
        return None
    return round(num / den * 100, 2)


def find_quantities(text: str, rules: RuleSet, lo: int = 0, hi: int | None = None) -> list[Mention]:
    """Every number with a unit in ``text[lo:hi]``, with its comparator, in text order."""
    qr = rules.get(QuantityRules)
    hi = len(text) if hi is None else hi
    found: list[Mention] = []
    if qr._any_fraction.search(text, lo, hi):
        for r, pat in qr._fractions:
            # one rule's matches never overlap each other: check them against the earlier rules' only
            earlier = Disjoint((f.num_start, f.unit_end) for f in found) if found else None
            for m in pat.finditer(text, lo, hi):
                if earlier is not None and earlier.overlaps(m.start(), m.end()):
                    continue
                value = _fraction_value(m, r)
                if value is None:
                    continue
                start, end, comparator, _ = _comparators(text, lo, m.start(), m.end(), qr)
                found.append(Mention(start, end, m.start(), m.end(), value, None, r.unit, comparator, r.id))
    fractions = Disjoint((f.num_start, f.unit_end) for f in found) if found else None
    reach = lo  # the furthest unit end of the numbers taken so far: they all start before the next match
    for m in qr._number.finditer(text, lo, hi):
        if reach > m.start() or (fractions is not None and fractions.overlaps(m.start(), m.end())):
            continue
        pos, value_max, unit1 = m.end(), None, _unit_at(text, m.end(), qr)
        after = unit1[1] if unit1 else pos
        rm = qr._range.match(text, after)
        if unit1 is None and rm is None:
            continue  # no unit can follow: most numerals (统一, 一是) end here, before their value is read
        value = _value(m)
        if value is None:
            continue
        if rm and rm.group("n")[0].isdigit() == (m.group("a") is not None):
            second = parse_number(rm.group("n"))
            if second is not None:
                if _scale_of(m.group(0)) == 1.0 and _scale_of(rm.group("n")) > 1.0:
                    value *= _scale_of(rm.group("n"))  # 3—5万人: the scale word is shared
                if second > value:
                    value_max, pos = second, rm.end()
        unit = _unit_at(text, pos, qr) if value_max is not None else unit1
        if unit is None or (value_max is not None and unit1 is not None and unit1[0] != unit[0]):
            continue
        name, unit_end, unit_rule = unit
        if name in qr.arabic_units and m.group("a") is None:
            continue  # 三十四条: after a Chinese numeral 条 is an article, not a count
        if m.group("c") is not None and (qr._idiom.match(text, unit_end) or text.startswith(qr._idioms, m.start())):
            continue  # 一家一策, 一张网
        start, end, comparator, cmp_rule = _comparators(text, lo, m.start(), unit_end, qr)
        if cmp_rule is None and m.group(0) in qr.weak_numerals:
            continue  # 一次性, 统一名称: a lone 一 is rarely a count
        found.append(Mention(start, end, m.start(), unit_end, value, value_max, name, comparator, unit_rule))
        reach = max(reach, unit_end)
    return sorted(found, key=lambda f: f.num_start)
