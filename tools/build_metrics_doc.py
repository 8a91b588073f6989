"""Write docs/metrics.md from the metric dictionary (src/corridor/outputs/metric_dictionary.csv).

Run after adding or changing a row: ``python tools/build_metrics_doc.py``. A test fails while
the committed page differs from what this writes.
"""

from pathlib import Path

from corridor.outputs.dictionary import markdown

DOC = Path(__file__).resolve().parent.parent / "docs" / "metrics.md"

if __name__ == "__main__":
    DOC.write_text(markdown(), encoding="utf-8")
    print(f"wrote {DOC}")
