"""A user's arrivals file (``--arrivals FILE``): ``month,country,children``, validated row by row.

Every problem is one line naming the file, the row and the field: text that is not UTF-8 (a
UTF-8 byte-order mark is fine), a row with more or fewer fields than the header, a month that is
not YYYY-MM or lies outside [corridor.limits.FIRST_DAY, HORIZON], an unknown country, a count
that is not a whole number >= 0 (``7.25``, ``true``, ``inf``, ``1e300``), or past the limits of
``corridor.limits``. The file is read as a stream, so an error near the top of a large file is
reported at once. The rows come back sorted by month and country: the order they were written
in never changes a result.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
from pathlib import Path

import numpy as np
import pandas as pd

from corridor import limits
from corridor.csv_check import NOT_UTF8
from corridor.errors import CorridorError
from corridor.stages.children import COUNTRIES

COLUMNS = ("month", "country", "children")
COUNTRY_ALIASES = {"OTHER": "OTH"}


def _month(text: str, row: str) -> dt.date:
    try:
        first = dt.datetime.strptime(text.strip(), "%Y-%m").date()
    except ValueError:
        raise CorridorError(row, f"month '{text}' is not a month (YYYY-MM)") from None
    if first < limits.EARLIEST_MONTH or first > limits.HORIZON:
        raise CorridorError(
            row, f"month {text.strip()} is outside {limits.EARLIEST_MONTH:%Y-%m} to "
            f"{limits.HORIZON:%Y-%m} (corridor.limits.EARLIEST_MONTH, HORIZON)",
        )  # fmt: skip
    return first


def _children(text: str, row: str) -> int:
    t = text.strip()
    allowed = f"a whole number from 0 to {limits.MAX_CHILDREN_PER_MONTH:,}"
    try:
        n = float(t)
    except ValueError:
        raise CorridorError(row, f"children '{text}' is not a number ({allowed})") from None
    if not math.isfinite(n):
        raise CorridorError(row, f"children '{text}' is not a finite number ({allowed})")
    if n != math.floor(n):
        raise CorridorError(row, f"children {t} is not a whole number ({allowed})")
    if not 0 <= n <= limits.MAX_CHILDREN_PER_MONTH:
        raise CorridorError(
            row, f"children {t} is outside 0 to {limits.MAX_CHILDREN_PER_MONTH:,} a country and "
            "month (corridor.limits.MAX_CHILDREN_PER_MONTH)",
        )  # fmt: skip
    return int(n)


def _country(text: str, row: str) -> str:
    c = text.strip().upper()
    c = COUNTRY_ALIASES.get(c, c)
    if c not in COUNTRIES:
        raise CorridorError(row, f"country '{text}' is not one of {', '.join(COUNTRIES)}")
    return c


def read_arrivals_csv(path: Path | str) -> pd.DataFrame:
    """Columns month (first day, date), country, children (int64), sorted by month and country."""
    where = str(path)
    path = Path(path)
    if not path.is_file():
        raise CorridorError(where, "arrivals file not found")
    limits.check_file_size(path, limits.MAX_CSV_BYTES, "an arrivals CSV")
    rows: list[tuple[dt.date, str, int]] = []
    seen: dict[tuple[dt.date, str], int] = {}
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None:
                raise CorridorError(where, "empty file (need a header month,country,children)")
            _no_nul(header, where)
            names = [c.strip().lower() for c in header]
            for col in COLUMNS:
                if col not in names:
                    raise CorridorError(
                        where, f"missing column '{col}' (need month,country,children)"
                    )
            idx = [names.index(c) for c in COLUMNS]
            for fields in reader:
                line = reader.line_num
                row = f"{where}: row {line}"
                _no_nul(fields, row)
                if not fields or all(not x.strip() for x in fields):
                    continue  # a blank line
                if len(fields) != len(header):
                    raise CorridorError(
                        row, f"{len(fields)} fields where the header has {len(header)}"
                    )
                if len(rows) >= limits.MAX_CSV_ROWS:
                    raise CorridorError(
                        where,
                        f"more than {limits.MAX_CSV_ROWS:,} rows (corridor.limits.MAX_CSV_ROWS)",
                    )
                m, c, n = (fields[i] for i in idx)
                key = (_month(m, row), _country(c, row))
                count = _children(n, row)
                if key in seen:
                    raise CorridorError(
                        row, f"month and country repeat row {seen[key]} ({m.strip()}, {key[1]})"
                    )
                seen[key] = line
                rows.append((*key, count))
    except UnicodeDecodeError:
        raise CorridorError(where, NOT_UTF8) from None
    except csv.Error as e:
        raise CorridorError(where, f"not a readable CSV ({e})") from None
    if not rows:
        raise CorridorError(where, "no rows")
    df = pd.DataFrame(rows, columns=list(COLUMNS))
    df["children"] = df["children"].astype(np.int64)
    order = {c: i for i, c in enumerate(COUNTRIES)}
    df = df.sort_values(
        ["month", "country"], key=lambda s: s.map(order) if s.name == "country" else s
    )
    limits.check_children(float(df["children"].sum()), where)
    return df.reset_index(drop=True)


def _no_nul(fields: list[str], where: str) -> None:
    # UTF-16 text of ASCII characters is valid UTF-8 with a NUL after every character
    if any("\x00" in x for x in fields):
        raise CorridorError(where.split(": row")[0], NOT_UTF8)
