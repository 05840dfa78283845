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


class DepartmentRules(RuleFile):
    FILE = "departments.yaml"
    max_prefix: int
    prefix: Pattern
    unit_shape: Pattern
    not_unit: Pattern
    departments: list[Department]
    non_departments: list[NonDepartment]

    _prefix: regex.Pattern[str] = PrivateAttr()
    _shape: regex.Pattern[str] = PrivateAttr()
    _not_unit: regex.Pattern[str] = PrivateAttr()
    _names: list[tuple[str, regex.Pattern[str]]] = PrivateAttr()
    _stems: list[tuple[str, regex.Pattern[str]]] = PrivateAttr()
    _keyless: list[tuple[str, regex.Pattern[str]]] = PrivateAttr()
    _cache: dict[str, Resolution] = PrivateAttr(default_factory=dict)

    def model_post_init(self, _ctx: object) -> None:
        keys = [d.key for d in self.departments]
        dupes = {k for k in keys if keys.count(k) > 1}
        if dupes:
            raise ValueError(f"duplicate department keys in {self.FILE}: {sorted(dupes)}")
        check_ids_unique(list(self.non_departments), self.FILE)
        self._prefix = regex.compile(self.prefix)
        self._shape = regex.compile(self.unit_shape)
        self._not_unit = regex.compile(self.not_unit)
        self._names = [(d.key, regex.compile(p)) for d in self.departments for p in d.names]
        self._stems = [(d.key, regex.compile(p)) for d in self.departments for p in d.stems]
        self._keyless = [(n.id, regex.compile(p)) for n in self.non_departments for p in n.patterns]

    @property
    def keys(self) -> list[str]:
        return [d.key for d in self.departments]

    def resolve(self, unit: str) -> Resolution:
        """What ``unit`` is: a department with its key, a deliberately keyless unit, or unknown."""
        found = self._cache.get(unit)
        if found is None:
            found = self._cache[unit] = self._resolve(unit)
        return found

    def _resolve(self, unit: str) -> Resolution:
        for rule_id, pat in self._keyless:
            if pat.fullmatch(unit):
                return Resolution(None, "keyless", rule_id)
        for key, pat in self._names:
            if pat.fullmatch(unit):
                return Resolution(key, "department", key)
        for k in range(min(self.max_prefix, len(unit) - 1) + 1):
            if k and not self._prefix.fullmatch(unit[:k]):
                continue
            stem = unit[k:]
            for key, pat in self._stems:
                if pat.fullmatch(stem):
                    return Resolution(key, "department", key)
        return Resolution(None, "unknown", None)

    def looks_like_unit(self, text: str) -> bool:
        """A unit the rules know, or a name with the look of one: a level prefix, an organisation ending."""
        if self.resolve(text).kind != "unknown":
            return True
        if not self._shape.fullmatch(text) or self._not_unit.search(text):
            return False
        return any(self._prefix.fullmatch(text[:k]) for k in range(1, min(self.max_prefix, len(text) - 1) + 1))


def department_key(unit: str, rules: RuleSet) -> str | None:
    return rules.get(DepartmentRules).resolve(unit).key


def unit_keys(units: list[str], rules: RuleSet) -> list[str | None]:
    dr = rules.get(DepartmentRules)
    return [dr.resolve(u).key for u in units]


def unknown_units(units: list[str], rules: RuleSet) -> list[str]:
    """Units neither keyed nor deliberately keyless, first occurrence order: what the rule file should learn."""
    dr = rules.get(DepartmentRules)
    return list(dict.fromkeys(u for u in units if dr.resolve(u).kind == "unknown"))
