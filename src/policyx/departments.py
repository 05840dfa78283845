"""Department keys (SPEC 7): the many spellings of one government function → one key.

``rules/departments.yaml`` is the data. A unit name resolves in three steps: a deliberately keyless
unit (a region, a bank, a company …) by full-name pattern; a department whose level sits inside its name
(``团市委``) by full-name pattern; otherwise the level prefix (``市``, ``泊头市``, ``国家`` …) is cut off
and the rest, the function stem, is matched. The shortest prefix whose stem matches wins, so
``市市场监管局`` is ``市`` + ``市场监管局``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import regex
from pydantic import PrivateAttr

from policyx.rules import Pattern, Rule, RuleFile, RuleModel, RuleSet, check_ids_unique

Kind = Literal["department", "keyless", "unknown"]


@dataclass(frozen=True, slots=True)
class Resolution:
    key: str | None
    kind: Kind
    rule: str | None  # the department key or the non_departments rule id that decided it


class Department(RuleModel):
    key: str
    description: str
    stems: list[Pattern] = []
    names: list[Pattern] = []


class NonDepartment(Rule):
    patterns: list[Pattern]


class Resolver:
    """The compiled rules and a memo of answers: a plain object, so the hot path skips pydantic's lookups."""

    __slots__ = (
        "any_keyless",
        "any_name",
        "any_stem",
        "cache",
        "keyless",
        "max_prefix",
        "names",
        "not_unit",
        "prefix",
        "shape",
        "stems",
    )

    def __init__(self, rules: DepartmentRules) -> None:
        self.max_prefix = rules.max_prefix
        self.prefix = regex.compile(rules.prefix)
        self.shape = regex.compile(rules.unit_shape)
        self.not_unit = regex.compile(rules.not_unit)
        self.names = [(d.key, regex.compile(p)) for d in rules.departments for p in d.names]
        self.stems = [(d.key, regex.compile(p)) for d in rules.departments for p in d.stems]
        self.keyless = [(n.id, regex.compile(p)) for n in rules.non_departments for p in n.patterns]
        # one alternation per list says whether any of its patterns matches: most names match none of a list,
        # and one call in C is ~3x cheaper than trying ~100 patterns one by one (the first match is then sought)
        self.any_keyless, self.any_name, self.any_stem = (_any(pats) for pats in (self.keyless, self.names, self.stems))
        self.cache: dict[str, Resolution] = {}

    def resolve(self, unit: str) -> Resolution:
        found = self.cache.get(unit)
        if found is None:
            found = self.cache[unit] = self._resolve(unit)
        return found

    def _resolve(self, unit: str) -> Resolution:
        if self.any_keyless.fullmatch(unit):
            for rule_id, pat in self.keyless:
                if pat.fullmatch(unit):
                    return Resolution(None, "keyless", rule_id)
        if self.any_name.fullmatch(unit):
            for key, pat in self.names:
                if pat.fullmatch(unit):
                    return Resolution(key, "department", key)
        for k in range(min(self.max_prefix, len(unit) - 1) + 1):
            if k and not self.prefix.fullmatch(unit[:k]):
                continue
            stem = unit[k:]
            if not self.any_stem.fullmatch(stem):
                continue
            for key, pat in self.stems:
                if pat.fullmatch(stem):
                    return Resolution(key, "department", key)
        return Resolution(None, "unknown", None)

    def looks_like_unit(self, text: str) -> bool:
        if self.resolve(text).kind != "unknown":
            return True
        if not self.shape.fullmatch(text) or self.not_unit.search(text):
            return False
        return any(self.prefix.fullmatch(text[:k]) for k in range(1, min(self.max_prefix, len(text) - 1) + 1))


def _any(patterns: list[tuple[str, regex.Pattern[str]]]) -> regex.Pattern[str]:
    """Fully matches a string iff one of ``patterns`` fully matches it."""
    return regex.compile("|".join(f"(?:{pat.pattern})" for _, pat in patterns) or r"(?!)")


class DepartmentRules(RuleFile):
    FILE = "departments.yaml"
    max_prefix: int
    prefix: Pattern
    unit_shape: Pattern
    not_unit: Pattern
    departments: list[Department]
    non_departments: list[NonDepartment]

    _resolver: Resolver = PrivateAttr()

    def model_post_init(self, _ctx: object) -> None:
        keys = [d.key for d in self.departments]
        dupes = {k for k in keys if keys.count(k) > 1}
        if dupes:
            raise ValueError(f"duplicate department keys in {self.FILE}: {sorted(dupes)}")
        check_ids_unique(list(self.non_departments), self.FILE)
        self._resolver = Resolver(self)

    @property
    def resolver(self) -> Resolver:
        """The plain-object resolver: hand it to loops that ask about many units."""
        return self._resolver

    @property
    def keys(self) -> list[str]:
        return [d.key for d in self.departments]

    def resolve(self, unit: str) -> Resolution:
        """What ``unit`` is: a department with its key, a deliberately keyless unit, or unknown."""
        return self._resolver.resolve(unit)

    def looks_like_unit(self, text: str) -> bool:
        """A unit the rules know, or a name with the look of one: a level prefix, an organisation ending."""
        return self._resolver.looks_like_unit(text)


def department_key(unit: str, rules: RuleSet) -> str | None:
    return rules.get(DepartmentRules).resolve(unit).key


def unit_keys(units: list[str], rules: RuleSet) -> list[str | None]:
    dr = rules.get(DepartmentRules)
    return [dr.resolve(u).key for u in units]


def unknown_units(units: list[str], rules: RuleSet) -> list[str]:
    """Units neither keyed nor deliberately keyless, first occurrence order: what the rule file should learn."""
    dr = rules.get(DepartmentRules)
    return list(dict.fromkeys(u for u in units if dr.resolve(u).kind == "unknown"))
