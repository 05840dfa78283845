"""Indicator keys: a measured phrase → a canonical key from ``rules/indicators.yaml`` (SPEC 4).

Matching prefers precision: first the whole normalised phrase against every name and alias, then the
longest alias contained in the phrase (a longer alias is a more specific indicator, so
``特困人员供养服务设施护理型床位占比`` wins over ``护理型床位占比``). ``indicator_terms`` lists every
(key, name, aliases) for tools that need the vocabulary, e.g. a jieba user dictionary for ``policyx diff``.
"""

from __future__ import annotations

import regex
from pydantic import PrivateAttr

from policyx.rules import RuleFile, RuleModel, RuleSet


class Indicator(RuleModel):
    key: str
    name: str
    aliases: list[str] = []
    description: str = ""


class IndicatorRules(RuleFile):
    FILE = "indicators.yaml"
    #: shortest alias used for containment matching: shorter ones only match the whole phrase
    min_contained: int = 4
    #: characters dropped before comparing (quotes, spaces, brackets: 敬老院 in brackets or not is the same phrase)
    ignore: str = ""
    indicators: list[Indicator]

    _exact: dict[str, str] = PrivateAttr()
    _contained: list[tuple[str, str]] = PrivateAttr()
    _ignore: regex.Pattern[str] = PrivateAttr()
    _memo: dict[str, str | None] = PrivateAttr()  # phrase → key: a document repeats its indicators

    def model_post_init(self, _ctx: object) -> None:
        self._ignore = regex.compile(f"[{regex.escape(self.ignore)}\\s]" if self.ignore else r"\s")
        self._memo = {}
        self._exact = {}
        for ind in self.indicators:
            for term in (ind.name, *ind.aliases):
                norm = self._norm(term)
                other = self._exact.get(norm)
                if other is not None and other != ind.key:
                    raise ValueError(f"{self.FILE}: {term!r} is listed under both {other!r} and {ind.key!r}")
                self._exact[norm] = ind.key
        keys = [ind.key for ind in self.indicators]
        if len(keys) != len(set(keys)):
            raise ValueError(f"{self.FILE}: duplicate indicator key")
        # longest first: the most specific alias contained in a phrase names it
        self._contained = sorted(
            ((norm, key) for norm, key in self._exact.items() if len(norm) >= self.min_contained),
            key=lambda item: -len(item[0]),
        )

    def _norm(self, phrase: str) -> str:
        folded = phrase.translate(_FOLD)
        return self._ignore.sub("", folded)

    def key_for(self, phrase: str) -> str | None:
        memo = self._memo
        if phrase not in memo:
            if len(memo) >= _MEMO_MAX:
                memo.clear()  # a long batch of distinct phrases: start over rather than grow
            memo[phrase] = self._key_for(phrase)
        return memo[phrase]

    def _key_for(self, phrase: str) -> str | None:
        norm = self._norm(phrase)
        if not norm:
            return None
        found = self._exact.get(norm)
        if found is not None:
            return found
        for alias, key in self._contained:
            if alias in norm:
                return key
        return None


_MEMO_MAX = 50_000
_FOLD = str.maketrans("（）［］：；，", "()[]:;,")


def indicator_key(phrase: str, rules: RuleSet) -> str | None:
    """The canonical key of an indicator phrase, or None when no known indicator names it."""
    return rules.get(IndicatorRules).key_for(phrase)


def indicator_terms(rules: RuleSet) -> list[tuple[str, str, list[str]]]:
    """Every known indicator as (key, name, aliases), in file order."""
    return [(ind.key, ind.name, list(ind.aliases)) for ind in rules.get(IndicatorRules).indicators]
