"""Indicator phrases compared: normalise, cut into words with jieba, score words and characters.

jieba is imported here only, on first use (it costs ~0.6 s), never by ``import policyx.cli``. Its user
dictionary holds the indicator names and aliases of ``rules/indicators.yaml`` and the ``terms`` of
``rules/diff.yaml``, so a domain word like ``护理型床位`` stays one word.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from policyx.diff.config import DiffRules
from policyx.indicators import indicator_terms
from policyx.rules import RuleSet
from policyx.script import ScriptRules

if TYPE_CHECKING:
    import jieba


@dataclass(frozen=True, slots=True)
class Phrase:
    """One indicator phrase ready to compare."""

    raw: str
    norm: str
    words: frozenset[str]  # domain-term grain (fine)
    names: frozenset[str]  # known indicator names and aliases found whole (coarse grain), not already words
    bigrams: frozenset[str]


@dataclass(frozen=True, slots=True)
class Score:
    """Why two phrases do or do not name one indicator."""

    score: float
    words: float
    chars: float
    shared: tuple[str, ...] = ()
    veto: str | None = None  # id of the rule that forbids the pair
    reason: str = ""

    @property
    def vetoed(self) -> bool:
        return self.veto is not None


@dataclass
class PhraseMatcher:
    """Compares indicator phrases under one RuleSet; words and scores are cached per phrase."""

    rules: RuleSet
    cfg: DiffRules = field(init=False)
    _cache: dict[str, Phrase] = field(default_factory=dict, init=False)
    _tokenizer: Any = field(default=None, init=False)

    def __post_init__(self) -> None:
        self.cfg = self.rules.get(DiffRules)

    def _jieba(self) -> tuple[jieba.Tokenizer, jieba.Tokenizer]:
        if self._tokenizer is None:
            self._tokenizer = _tokenizers(self.rules)
        return self._tokenizer

    def _vocabulary(self) -> frozenset[str]:
        return _vocabulary(self.rules)

    def phrase(self, raw: str) -> Phrase:
        found = self._cache.get(raw)
        if found is None:
            # an indicator in traditional script (`養老服務床位`) is compared as its simplified twin
            norm = self.cfg.normalise(self.rules.get(ScriptRules).simplify(raw))
            fine, coarse = self._jieba()
            stop = set(self.cfg.stop_words)
            words = frozenset(w for w in (c.strip() for c in fine.lcut(norm, HMM=False)) if w and w not in stop)
            names = frozenset(w for w in coarse.lcut(norm, HMM=False) if w in self._vocabulary() and w not in words)
            bigrams = frozenset(norm[i : i + 2] for i in range(len(norm) - 1)) or frozenset({norm})
            found = self._cache[raw] = Phrase(raw, norm, words, names, bigrams)
        return found

    def weight(self, word: str) -> float:
        return self.cfg.weak_words.weight if word in self.cfg.weak_words.words else 1.0

    def compare(self, a: str, b: str) -> Score:
        pa, pb = self.phrase(a), self.phrase(b)
        shared = pa.words & pb.words
        if pa.norm == pb.norm:
            return Score(1.0, 1.0, 1.0, tuple(sorted(shared)), reason="same phrase after normalising")
        # a known name both phrases contain whole counts once more; one only one side has counts for nothing
        names = pa.names & pb.names
        wa = sum(self.weight(w) for w in pa.words) + len(names)
        wb = sum(self.weight(w) for w in pb.words) + len(names)
        ws = sum(self.weight(w) for w in shared) + len(names)
        shared |= names
        words = 2 * ws / (wa + wb) if wa + wb else 0.0
        chars = 2 * len(pa.bigrams & pb.bigrams) / (len(pa.bigrams) + len(pb.bigrams))
        sim = self.cfg.similarity
        score = sim.token_weight * words + (1 - sim.token_weight) * chars
        common = tuple(sorted(shared))
        veto = self._veto(pa, pb)
        if veto:
            return Score(score, words, chars, common, veto[0], veto[1])
        strong = {w for w in shared if self.weight(w) == 1.0}
        if len(strong) < sim.min_shared_strong:
            return Score(score, words, chars, common, sim.id, "no shared word that names the thing measured")
        for p in (pa, pb):
            own = {w for w in p.words if self.weight(w) == 1.0}
            if own and len(strong & own) / len(own) < sim.min_coverage:
                return Score(score, words, chars, common, sim.id, f"「{p.raw}」 shares too few of its words")
        return Score(score, words, chars, common)

    def _veto(self, a: Phrase, b: Phrase) -> tuple[str, str] | None:
        for v in self.cfg.vetoes:
            for w in v.one_sided:
                if (w in a.words) != (w in b.words):
                    return v.id, f"{w!r} on one side only"
            for group in v.groups:
                ga, gb = a.words.intersection(group), b.words.intersection(group)
                if ga and gb and not (ga & gb):
                    return v.id, f"{'/'.join(sorted(ga))} vs {'/'.join(sorted(gb))}"
        return None


@lru_cache(maxsize=4)
def _vocabulary(rules: RuleSet) -> frozenset[str]:
    """Every indicator name and alias of indicators.yaml, normalised as phrases are."""
    cfg = rules.get(DiffRules)
    return frozenset(cfg.normalise(t) for _key, name, aliases in indicator_terms(rules) for t in (name, *aliases))


@lru_cache(maxsize=4)
def _tokenizers(rules: RuleSet) -> tuple[jieba.Tokenizer, jieba.Tokenizer]:
    """Two private jieba Tokenizers, built once per RuleSet: ``fine`` knows the domain ``terms`` of
    diff.yaml; ``coarse`` also knows every indicator name and alias of indicators.yaml as one word."""
    import jieba

    jieba.setLogLevel(logging.WARNING)  # no "Building prefix dict" chatter on stderr
    cfg = rules.get(DiffRules)
    fine = jieba.Tokenizer()
    fine.initialize()
    for term in cfg.terms:
        fine.add_word(term)
    # copy the loaded dictionary rather than load it twice (~0.6 s each): FREQ and total are all a
    # Tokenizer reads when it cuts
    coarse = jieba.Tokenizer()
    coarse.FREQ, coarse.total, coarse.initialized = dict(fine.FREQ), fine.total, True
    for word in sorted(_vocabulary(rules)):
        if word:
            coarse.add_word(word)
    return fine, coarse
