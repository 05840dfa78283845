"""Score one extracted document against its gold file, and a corpus of them into one summary.

Counts are kept (tp, fp, fn) and (right, total) per document and summed over the corpus, so the
overall figures are micro-averages: a long plan weighs more than a two-line reply.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from policyx.evaluate.match import (
    Obj,
    gold_section_keys,
    match_responsibilities,
    match_sections,
    match_targets,
    predicted_section_keys,
    unit_set,
)
from policyx.evaluate.text import INDICATOR_F1, char_f1, norm, num_eq, prf

#: record kinds scored by P/R/F1, in report order
PRF_KINDS = ("sections", "targets", "resp", "resp_units")
#: target fields scored on matched pairs, in report order
TARGET_FIELDS = ("comparator", "year", "indicator", "baseline", "binding")

#: a wrong field on a matched target: (field, gold quote, gold value, predicted value)
FieldMiss = tuple[str, Any, Any, Any]


@dataclass(frozen=True)
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    @property
    def prf(self) -> tuple[float, float, float]:
        return prf(self.tp, self.fp, self.fn)

    def as_list(self) -> list[int]:
        return [self.tp, self.fp, self.fn]


@dataclass(frozen=True)
class Ratio:
    ok: int = 0
    total: int = 0

    def __add__(self, other: Ratio) -> Ratio:
        return Ratio(self.ok + other.ok, self.total + other.total)

    @property
    def value(self) -> float | None:
        return self.ok / self.total if self.total else None

    def as_list(self) -> list[int]:
        return [self.ok, self.total]


@dataclass
class DocScore:
    """Every count of one document, and what was missed, for the rule writer."""

    sections: Counts
    targets: Counts
    resp: Counts
    resp_units: Counts
    resp_lead: Ratio
    meta: Ratio
    boilerplate_removed: Ratio
    body_kept: Ratio
    target_fields: dict[str, Ratio]
    sections_miss: list[str] = field(default_factory=list)
    targets_miss: list[Any] = field(default_factory=list)
    targets_fp: list[str] = field(default_factory=list)
    resp_miss: list[Any] = field(default_factory=list)
    meta_miss: list[tuple[str, Any, Any]] = field(default_factory=list)
    field_misses: list[FieldMiss] = field(default_factory=list)

    @property
    def ratios(self) -> dict[str, Ratio]:
        return {
            "meta": self.meta,
            "boilerplate_removed": self.boilerplate_removed,
            "body_kept": self.body_kept,
            "resp_lead": self.resp_lead,
        }

    def figures(self) -> dict[str, float | None]:
        """This document's figures, keyed as in the corpus summary."""
        counts = {kind: getattr(self, kind) for kind in PRF_KINDS}
        fields = {f"tf_{name}": ratio for name, ratio in self.target_fields.items()}
        return figures(counts, {**self.ratios, **fields})


def _score_cleaning(gold: Obj, text: str) -> tuple[Ratio, Ratio]:
    ntext = norm(text)
    boiler = gold.get("boilerplate") or []
    body = gold.get("body") or []
    removed = Ratio(sum(norm(b) not in ntext for b in boiler), len(boiler))
    kept = Ratio(sum(norm(b) in ntext for b in body), len(body))
    return removed, kept


def _score_meta(gold_meta: Obj, pred_meta: Obj) -> tuple[Ratio, list[tuple[str, Any, Any]]]:
    ok = total = 0
    misses = []
    for key, want in gold_meta.items():
        if want is None:  # the text does not say: nothing to score
            continue
        total += 1
        if norm(want) == norm(pred_meta.get(key)):
            ok += 1
        else:
            misses.append((key, want, pred_meta.get(key)))
    return Ratio(ok, total), misses


def _field_checks(g: Obj, p: Obj) -> dict[str, bool]:
    """Each field scored on one matched pair → whether the prediction has it right."""
    checks = {
        "comparator": (g.get("comparator") or "=") == (p.get("comparator") or "="),
        "year": g.get("year") == p.get("year"),
        "indicator": char_f1(g.get("indicator"), p.get("indicator")) >= INDICATOR_F1,
    }
    if g.get("baseline") is not None or p.get("baseline") is not None:
        gb, pb = g.get("baseline") or {}, p.get("baseline") or {}
        checks["baseline"] = bool(gb) and bool(pb) and num_eq(gb.get("value"), pb.get("value"))
    if g.get("binding") is not None:  # binding is scored only where the gold states it
        checks["binding"] = g.get("binding") == p.get("binding")
    return checks


def _score_target_fields(
    gold: list[Obj], pred: list[Obj], pairs: list[tuple[int, int]]
) -> tuple[dict[str, Ratio], list[FieldMiss]]:
    ratios = dict.fromkeys(TARGET_FIELDS, Ratio())
    misses: list[FieldMiss] = []
    for gi, pi in pairs:
        g, p = gold[gi], pred[pi]
        for name, right in _field_checks(g, p).items():
            ratios[name] += Ratio(int(right), 1)
            if not right:
                misses.append((name, g.get("quote"), g.get(name), p.get(name)))
    return ratios, misses


def score_document(gold: Obj, doc: Obj) -> DocScore:
    """All counts for one document: gold is the parsed YAML, doc the extracted JSON (as plain data)."""
    removed, kept = _score_cleaning(gold, doc.get("text") or "")
    meta, meta_miss = _score_meta(gold.get("meta") or {}, doc.get("meta") or {})

    g_sec = gold_section_keys(gold.get("sections") or [])
    # a gold file without a `sections` (or `responsibilities`) key leaves that part unscored
    p_sec = predicted_section_keys(doc.get("sections") or []) if "sections" in gold else []
    found = match_sections(g_sec, p_sec)
    sec_tp = sum(hit is not None for hit in found)
    sec_miss = ["/".join(path) + " " + title for (path, title), hit in zip(g_sec, found, strict=True) if hit is None]

    g_tgt: list[Obj] = gold.get("targets") or []
    p_tgt: list[Obj] = doc.get("targets") or []
    pairs = match_targets(g_tgt, p_tgt)
    fields, field_misses = _score_target_fields(g_tgt, p_tgt, pairs)
    matched_g, matched_p = {g for g, _ in pairs}, {p for _, p in pairs}

    g_resp: list[Obj] = gold.get("responsibilities") or []
    p_resp: list[Obj] = (doc.get("responsibilities") or []) if "responsibilities" in gold else []
    r_pairs = match_responsibilities(g_resp, p_resp)
    units, lead = _score_units(g_resp, p_resp, r_pairs)
    r_matched_g = {g for g, _ in r_pairs}

    return DocScore(
        sections=Counts(sec_tp, len(p_sec) - sec_tp, len(g_sec) - sec_tp),
        targets=Counts(len(pairs), len(p_tgt) - len(pairs), len(g_tgt) - len(pairs)),
        resp=Counts(len(r_pairs), len(p_resp) - len(r_pairs), len(g_resp) - len(r_pairs)),
        resp_units=units,
        resp_lead=lead,
        meta=meta,
        boilerplate_removed=removed,
        body_kept=kept,
        target_fields=fields,
        field_misses=field_misses,
        sections_miss=sec_miss,
        targets_miss=[g.get("quote") for i, g in enumerate(g_tgt) if i not in matched_g],
        targets_fp=[_fp_line(p) for i, p in enumerate(p_tgt) if i not in matched_p],
        resp_miss=[g.get("quote") for i, g in enumerate(g_resp) if i not in r_matched_g],
        meta_miss=meta_miss,
    )


def _fp_line(pred: Obj) -> str:
    """A false positive as the reference prints it: quote, then value and unit."""
    return f"{pred.get('quote')} -> {pred.get('value')}{pred.get('unit')}"


def _score_units(gold: list[Obj], pred: list[Obj], pairs: list[tuple[int, int]]) -> tuple[Counts, Ratio]:
    """Unit-level counts: matched pairs by set difference; every unit of an unmatched record is a miss."""
    tp = fp = fn = lead_ok = 0
    for gi, pi in pairs:
        gu, pu = unit_set(gold[gi]), unit_set(pred[pi])
        tp += len(gu & pu)
        fp += len(pu - gu)
        fn += len(gu - pu)
        lead_ok += unit_set(gold[gi], "lead") == unit_set(pred[pi], "lead")
    matched_g, matched_p = {g for g, _ in pairs}, {p for _, p in pairs}
    # unmatched records count their listed units as written (not deduplicated), as the reference does
    fn += sum(len(g.get("units") or []) for i, g in enumerate(gold) if i not in matched_g)
    fp += sum(len(p.get("units") or []) for i, p in enumerate(pred) if i not in matched_p)
    return Counts(tp, fp, fn), Ratio(lead_ok, len(pairs))


def figures(counts: Mapping[str, Counts], ratios: Mapping[str, Ratio]) -> dict[str, float | None]:
    """``<kind>_f1/_p/_r`` for each kind counted, then each ratio; rounded to 4 places, None when nothing was scored."""
    out: dict[str, float | None] = {}
    for kind in PRF_KINDS:
        if kind in counts:
            p, r, f = counts[kind].prf
            out[f"{kind}_f1"], out[f"{kind}_p"], out[f"{kind}_r"] = round(f, 4), round(p, 4), round(r, 4)
    for name, ratio in ratios.items():
        out[name] = None if ratio.value is None else round(ratio.value, 4)
    return out


@dataclass
class Evaluation:
    """A corpus scored: per document (None when no output was found for a gold file) and summed."""

    docs: dict[str, DocScore | None]
    totals: dict[str, Counts] = field(default_factory=dict)
    ratios: dict[str, Ratio] = field(default_factory=dict)

    @property
    def missing(self) -> list[str]:
        return [stem for stem, score in self.docs.items() if score is None]

    def summary(self) -> dict[str, Any]:
        """The overall figures (see ``figures``) and the gold documents that had no output."""
        return {**figures(self.totals, self.ratios), "docs_missing": self.missing}


def _gold_counts(gold: Obj) -> dict[str, Counts]:
    """What a missing output costs: every gold section, target and responsibility is a miss."""
    return {
        "sections": Counts(fn=len(gold.get("sections") or [])),
        "targets": Counts(fn=len(gold.get("targets") or [])),
        "resp": Counts(fn=len(gold.get("responsibilities") or [])),
    }


def evaluate(golds: Mapping[str, Obj], preds: Mapping[str, Obj]) -> Evaluation:
    """Score every gold document (keyed by source file stem) against the prediction with the same stem.

    A figure appears in the summary once some document contributes to it; a missing output adds its
    gold sections, targets and responsibilities as misses (not its units, as the reference scorer does).
    """
    ev = Evaluation(docs={})
    for stem, gold in golds.items():
        doc = preds.get(stem)
        if doc is None:
            ev.docs[stem] = None
            for kind, counts in _gold_counts(gold).items():
                ev.totals[kind] = ev.totals.get(kind, Counts()) + counts
            continue
        score = score_document(gold, doc)
        ev.docs[stem] = score
        for kind in PRF_KINDS:
            ev.totals[kind] = ev.totals.get(kind, Counts()) + getattr(score, kind)
        for name, ratio in score.ratios.items():
            ev.ratios[name] = ev.ratios.get(name, Ratio()) + ratio
        for name, ratio in score.target_fields.items():
            ev.ratios[f"tf_{name}"] = ev.ratios.get(f"tf_{name}", Ratio()) + ratio
    return ev
