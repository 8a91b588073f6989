"""The checks every CSV input gets before it is parsed (facts files; the arrivals reader does
the same row by row): within the size and row limits of ``corridor.limits``, UTF-8 text (a
byte-order mark is fine), and every row with as many fields as the header. One line names the
file and, where it helps, the row."""

from __future__ import annotations

import csv
from pathlib import Path

from corridor import limits
from corridor.errors import CorridorError

NOT_UTF8 = "is not UTF-8 text (UTF-8 expected; save the file as UTF-8 CSV)"


def check_csv(path: Path | str, kind: str) -> None:
    where = str(path)
    limits.check_file_size(Path(path), limits.MAX_CSV_BYTES, kind)
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            header = next(reader, None)
            if header is None:
                raise CorridorError(where, "empty file (a header row is needed)")
            for n, fields in enumerate([header, *reader]):
                if any("\x00" in x for x in fields):  # UTF-16 of ASCII text: NULs between
                    raise CorridorError(where, NOT_UTF8)
                if n > limits.MAX_CSV_ROWS:
                    raise CorridorError(
                        where,
                        f"more than {limits.MAX_CSV_ROWS:,} rows (corridor.limits.MAX_CSV_ROWS)",
                    )
                if fields and any(x.strip() for x in fields) and len(fields) != len(header):
                    raise CorridorError(
                        f"{where}: row {reader.line_num}",
                        f"{len(fields)} fields where the header has {len(header)}",
                    )
    except UnicodeDecodeError:
        raise CorridorError(where, NOT_UTF8) from None
    except csv.Error as e:
        raise CorridorError(where, f"not a readable CSV ({e})") from None
