"""``rules/diff.yaml``: how targets of several documents are aligned (rewrites, words, thresholds, units)."""

from __future__ import annotations

import regex
from pydantic import Field, PrivateAttr

from policyx.rules import Pattern, Rule, RuleFile, RuleModel, check_ids_unique


class Rewrite(Rule):
    pattern: Pattern
    replace: str


class WeakWords(RuleModel):
    weight: float
    words: list[str]


class Similarity(Rule):
    token_weight: float
    threshold: float
    min_shared_strong: int
    min_coverage: float = Field(ge=0, le=1)


class Veto(Rule):
    one_sided: list[str] = []
    groups: list[list[str]] = []


class UnitConversion(Rule):
    source: str = Field(alias="from")  # ``from`` is a Python keyword
    to: str
    factor: float = Field(gt=0)


class DiffRules(RuleFile):
    FILE = "diff.yaml"
    rewrite: list[Rewrite]
    terms: list[str]
    stop_words: list[str]
    weak_words: WeakWords
    by_key: Rule
    by_phrase: Rule
    similarity: Similarity
    vetoes: list[Veto]
    units: list[UnitConversion]

    _rewrites: list[tuple[Rewrite, regex.Pattern[str]]] = PrivateAttr()
    _factors: dict[tuple[str, str], float] = PrivateAttr()

    def model_post_init(self, _ctx: object) -> None:
        ids = [*self.rewrite, self.by_key, self.by_phrase, self.similarity, *self.vetoes, *self.units]
        check_ids_unique(ids, self.FILE)
        self._rewrites = [(r, regex.compile(r.pattern)) for r in self.rewrite]
        factors: dict[tuple[str, str], float] = {}
        for u in self.units:
            factors[(u.source, u.to)] = u.factor
            factors[(u.to, u.source)] = 1 / u.factor
        self._factors = factors

    def normalise(self, phrase: str) -> str:
        for rule, pat in self._rewrites:
            phrase = pat.sub(rule.replace, phrase)
        return phrase.strip()

    def factor(self, unit: str, to: str) -> float | None:
        """How many ``to`` one ``unit`` is; None when the rules do not convert between them."""
        if unit == to:
            return 1.0
        return self._factors.get((unit, to))
