"""The metric dictionary: one table (``metric_dictionary.csv``) that says, for every metric a run
can write, its unit, its kind (flow: events per day, summed over a period; stock: a count at the
end of a day; average: a mean weighted by a flow), the stage that counts it, a one-sentence
definition, and which direction is better where one is (``lower``, ``higher`` or empty).

It is the single source for the ``metrics.csv`` of every output directory, ``corridor metrics``,
the labels and units of the console tables and charts, and ``docs/metrics.md``
(``tools/build_metrics_doc.py``). Whoever adds a metric adds its row; a test fails otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pandas as pd

DICTIONARY_FILE = Path(__file__).with_name("metric_dictionary.csv")
COLUMNS = ("metric", "unit", "kind", "stage", "description", "better", "label")
KINDS = ("flow", "stock", "average")
BETTER = ("lower", "higher", "")
# how a unit reads on an axis or after a number (the file keeps the short unit names)
UNIT_TEXT = {"USD": "US$", "share": "share", "1/day": "per day", "child": "children",
             "case": "cases", "bed": "beds", "day": "days", "judge": "judges",
             "hearing": "hearings", "attorney": "attorneys", "judge-year": "judge-years"}  # fmt: skip


@cache
def _table() -> pd.DataFrame:
    df = pd.read_csv(DICTIONARY_FILE, dtype=str, keep_default_na=False)
    missing = [c for c in COLUMNS if c not in df.columns]
    if missing:
        raise ValueError(f"{DICTIONARY_FILE}: missing columns {missing}")
    return df[list(COLUMNS)].set_index("metric", drop=False)


def load_dictionary() -> pd.DataFrame:
    """The whole dictionary, one row per metric (a copy: change it freely)."""
    return _table().reset_index(drop=True).copy()


@cache
def _rows() -> dict[str, dict[str, str]]:
    """The dictionary as plain dicts: a lookup per value formatted (thousands in a report) is
    then a dict access, not a pandas one."""
    table = _table()
    return dict(zip(table.index, table.to_dict("records"), strict=True))


def _field(metric: str, column: str) -> str | None:
    row = _rows().get(metric)
    return None if row is None else row[column]


def better(metric: str) -> str | None:
    """``'lower'`` or ``'higher'`` when one direction of ``metric`` is better, else None."""
    return _field(metric, "better") or None


def unit(metric: str) -> str:
    """The metric's unit (``child``, ``USD``, ``share`` ...), or '' for an unknown metric."""
    return _field(metric, "unit") or ""


def kind(metric: str) -> str | None:
    return _field(metric, "kind")


def label(metric: str) -> str:
    """A short label for tables and charts (the metric name when the dictionary has none)."""
    return _field(metric, "label") or metric.replace("_", " ")


def label_with_unit(metric: str) -> str:
    """``'children in ORR care (children)'``: a chart axis or a column title."""
    u = UNIT_TEXT.get(unit(metric), unit(metric))
    return f"{label(metric)} ({u})" if u else label(metric)


def describe(metrics: Iterable[str]) -> pd.DataFrame:
    """The dictionary rows of ``metrics`` (in the order given, duplicates dropped); a metric the
    dictionary lacks gets a row saying so rather than disappearing."""
    t = _table()
    rows = []
    for m in dict.fromkeys(metrics):
        if m in t.index:
            rows.append(t.loc[m].to_dict())
        else:
            rows.append({**dict.fromkeys(COLUMNS, ""), "metric": m, "label": label(m),
                         "description": "(not in the metric dictionary)"})  # fmt: skip
    return pd.DataFrame(rows, columns=list(COLUMNS))


def markdown() -> str:
    """docs/metrics.md: the dictionary as a page, grouped by stage (written by
    ``tools/build_metrics_doc.py``; a test checks the committed page is up to date)."""
    t = load_dictionary()
    lines = [
        "# Metrics",
        "",
        "Generated from `src/corridor/outputs/metric_dictionary.csv` by "
        "`tools/build_metrics_doc.py`; do not edit by hand. Every output directory has a "
        "`metrics.csv` with the rows of the metrics it holds; `corridor metrics` prints them.",
        "",
        "*Kinds.* **flow**: events per day (a fiscal year sums them); **stock**: a count at the "
        "end of a day (a fiscal year reports its end, mean and peak with the peak's date); "
        "**average**: a daily mean (a fiscal year weights it by the flow named in its "
        "definition). Values are by country of citizenship (SV, GT, HN, MX, OTH) and `all`; "
        "system-wide quantities (beds, judges, spending) exist only for `all`. "
        "*Better* says which direction is better where one is.",
        "",
    ]
    for stage, rows in t.groupby("stage", sort=False):
        lines += [f"## {stage}", "", "| metric | unit | kind | better | definition |",
                  "|---|---|---|---|---|"]  # fmt: skip
        for r in rows.itertuples():
            desc = r.description.replace("|", "\\|")
            lines.append(f"| `{r.metric}` | {r.unit} | {r.kind} | {r.better} | {desc} |")
        lines.append("")
    return "\n".join(lines)
