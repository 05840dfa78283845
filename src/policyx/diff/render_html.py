"""The diff as ONE self-contained HTML file: inline CSS, inline SVG bar charts, no network at view time.

Per shared indicator a small chart shows each document's value as a labelled bar (in the row's unit),
so the comparison can be seen at a glance; the full table follows with baselines and lead departments.
"""

from __future__ import annotations

from html import escape

from policyx.diff.cells import baseline_text, coverage_text, lead_text, value_text
from policyx.diff.model import Column, DiffTable, Entry, Row

# CJK-capable fonts first, so Chinese renders wherever one of them is installed
FONT_STACK = (
    '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Hiragino Sans GB", '
    '"Microsoft YaHei", "WenQuanYi Micro Hei", "Droid Sans Fallback", sans-serif'
)
PALETTE = ("#2f6fb0", "#e07b39", "#3a9a5b", "#b8454f", "#7d5ba6", "#8c6d46", "#d264a6", "#6b7b8c", "#a5a524", "#2aa3b5")

CSS = f"""
* {{ box-sizing: border-box; }}
body {{ font-family: {FONT_STACK}; margin: 24px; color: #1d2430; background: #f6f7f9; }}
h1 {{ font-size: 22px; margin: 0 0 4px; }}
h2 {{ font-size: 17px; margin: 28px 0 10px; }}
.sub {{ color: #5a6372; font-size: 13px; margin-bottom: 14px; }}
.docs {{ display: flex; flex-wrap: wrap; gap: 8px; margin-bottom: 8px; }}
.doc {{ background: #fff; border: 1px solid #dde1e7; border-radius: 6px; padding: 6px 10px; font-size: 13px; }}
.swatch {{ display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }}
.charts {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(360px, 1fr)); gap: 12px; }}
.chart {{ background: #fff; border: 1px solid #dde1e7; border-radius: 8px; padding: 10px 12px; }}
.chart h3 {{ font-size: 14px; margin: 0 0 6px; }}
.chart .key {{ color: #8a93a3; font-size: 11px; font-weight: normal; }}
svg text {{ font-family: {FONT_STACK}; }}
table.diff {{ border-collapse: collapse; background: #fff; font-size: 13px; width: 100%; }}
table.diff th, table.diff td {{ border: 1px solid #dde1e7; padding: 5px 8px; vertical-align: top; text-align: left; }}
table.diff th {{ background: #eef1f5; position: sticky; top: 0; }}
table.diff tr.group td {{ background: #e3e9f2; font-weight: bold; }}
td.value {{ font-weight: 600; white-space: nowrap; }}
td.none {{ color: #b5bcc7; }}
.base, .lead {{ display: block; font-weight: normal; color: #5a6372; font-size: 12px; }}
.count {{ color: #8a93a3; font-size: 12px; }}
.missing {{ color: #8a93a3; font-size: 11px; margin-top: 2px; }}
.cov {{ text-align: right; color: #5a6372; }}
"""


def _colors(columns: list[Column]) -> dict[str, str]:
    return {c.label: PALETTE[i % len(PALETTE)] for i, c in enumerate(columns)}


def _chart_value(entries: list[Entry]) -> Entry | None:
    """The entry a bar shows: the latest-year target with a value in the row's unit."""
    usable = [e for e in entries if e.row_value is not None]
    return max(usable, key=lambda e: e.year or 0) if usable else None


def bar_chart(row: Row, columns: list[Column], colors: dict[str, str]) -> str:
    """Horizontal bars, one per document that sets a value, each labelled with the value as written."""
    label_w, bar_w, value_w, bar_h, gap = 84, 190, 126, 18, 8
    shown = [(c, e) for c in columns if (e := _chart_value(row.cells[c.label])) is not None]
    top = max((e.row_value or 0.0 for _, e in shown), default=0.0)
    width, height = label_w + bar_w + value_w, len(shown) * (bar_h + gap) + gap
    parts = [
        f'<svg viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'role="img" aria-label="{escape(row.indicator)}">'
    ]
    for i, (col, e) in enumerate(shown):
        y = gap + i * (bar_h + gap)
        mid = y + bar_h / 2 + 4
        w = max(2.0, bar_w * ((e.row_value or 0.0) / top)) if top > 0 else 2.0
        parts.append(
            f'<text x="{label_w - 6}" y="{mid}" text-anchor="end" font-size="12" fill="#1d2430">'
            f"{escape(_short(col.label, 6))}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" rx="3" fill="{colors[col.label]}">'
            f"<title>{escape(col.label)}: {escape(e.quote)}</title></rect>"
            f'<text x="{label_w + w + 5:.1f}" y="{mid}" font-size="12" fill="#1d2430">{escape(value_text(e))}</text>'
        )
    parts.append("</svg>")
    missing = [c.label for c in columns if _chart_value(row.cells[c.label]) is None]
    if missing:
        parts.append(f'<div class="missing">未设定 not set: {escape("、".join(missing))}</div>')
    return "".join(parts)


def _short(s: str, n: int) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


def _cell(entries: list[Entry]) -> str:
    if not entries:
        return '<td class="none">—</td>'
    quotes = " / ".join(e.quote for e in entries)  # the source sentence on hover
    values = "; ".join(dict.fromkeys(value_text(e) for e in entries))
    out = [f'<td class="value" title="{escape(quotes)}">{escape(values)}']
    bases = "; ".join(dict.fromkeys(b for e in entries if (b := baseline_text(e))))
    if bases:
        out.append(f'<span class="base">基线 {escape(bases)}</span>')
    leads = "; ".join(dict.fromkeys(x for e in entries if (x := lead_text(e))))
    if leads:
        out.append(f'<span class="lead">{escape(leads)}</span>')
    return "".join(out) + "</td>"


def _table(table: DiffTable) -> str:
    n = len(table.columns)
    head = "".join(f"<th>{escape(c.label)}</th>" for c in table.columns)
    out = [f'<table class="diff"><thead><tr><th>指标 indicator</th><th>覆盖 cov.</th>{head}</tr></thead><tbody>']
    for name, rows in (("多个文件共有 shared", table.aligned()), ("仅一个文件 one document only", table.partial())):
        if not rows:
            continue
        out.append(f'<tr class="group"><td colspan="{n + 2}">{escape(name)} ({len(rows)})</td></tr>')
        for row in rows:
            cells = "".join(_cell(row.cells[c.label]) for c in table.columns)
            key = f' data-key="{escape(row.indicator_key)}"' if row.indicator_key else ""
            out.append(
                f'<tr{key}><td>{escape(row.indicator)}</td><td class="cov">{coverage_text(row, n)}</td>{cells}</tr>'
            )
    out.append("</tbody></table>")
    return "".join(out)


def html_report(table: DiffTable) -> str:
    colors = _colors(table.columns)
    docs = "".join(
        f'<div class="doc"><span class="swatch" style="background:{colors[c.label]}"></span>'
        f'<b>{escape(c.label)}</b> {escape(c.title or "")} <span class="count">目标 {c.targets} 项</span></div>'
        for c in table.columns
    )
    charts = []
    for row in table.aligned():
        key = f' <span class="key">{escape(row.indicator_key)}</span>' if row.indicator_key else ""
        unit = f"（{escape(row.unit)}）" if row.unit else ""
        charts.append(
            f'<div class="chart"><h3>{escape(row.indicator)}{unit}{key}</h3>'
            f"{bar_chart(row, table.columns, colors)}</div>"
        )
    shared = len(table.aligned())
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>policyx diff: {escape(' · '.join(c.label for c in table.columns))}</title>"
        f"<style>{CSS}</style></head><body>"
        f"<h1>目标对比 · Targets side by side</h1>"
        f'<div class="sub">{len(table.columns)} 个文件 documents · {len(table.rows)} 个指标 indicators · '
        f"{shared} 个共有 shared</div>"
        f'<div class="docs">{docs}</div>'
        + (f'<h2>共有指标 Shared indicators</h2><div class="charts">{"".join(charts)}</div>' if charts else "")
        + f"<h2>对比表 Table</h2>{_table(table)}"
        "</body></html>\n"
    )
