"""Property-based fuzzing of the inputs a user writes: arrivals CSVs, scenario YAML and parameter
overlays, valid and spoiled. Every case either runs or raises corridor's one error type with a
one-line message, never another exception, and a failure never creates or changes --out.

Kept small on purpose (few examples, a two-month window): the point is the kinds of input, not
their number."""

from __future__ import annotations

import shutil
import string
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridor import Simulation
from corridor.errors import CorridorError
from corridor.outputs.save import save_run
from corridor.parameters.tree import PARAMETER_ROOT, load_parameters
from corridor.stages.arrivals_csv import read_arrivals_csv
from corridor.stages.children import COUNTRIES

SETTINGS = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
WINDOW = ("2014-01-01", "2014-02-28")

# text cells: good values, near misses and rubbish
month_cells = st.one_of(
    st.sampled_from(
        ["2014-01", "2014-02", "2013-12", "2014-13", "14-01", "2001-01", "2099-01", ""]
    ),
    st.text(string.printable, max_size=8),
)
country_cells = st.one_of(
    st.sampled_from([*COUNTRIES, "other", " sv ", "XX", ""]), st.text(max_size=4)
)
count_cells = st.one_of(
    st.integers(0, 500).map(str),
    st.sampled_from(["7.25", "1e300", "-1", "inf", "nan", "true", "", " 12 ", "1e3", "0x10"]),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=6),
)
rows = st.lists(
    st.one_of(
        st.tuples(month_cells, country_cells, count_cells).map(list),
        st.lists(st.text(string.printable, max_size=5), max_size=5),  # wrong number of fields
    ),
    max_size=12,
)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "latin-1"])


def _csv_bytes(header: list[str], body: list[list[str]], encoding: str) -> bytes:
    def cell(x: str) -> str:
        return '"' + x.replace('"', '""') + '"' if any(ch in x for ch in ',"\n\r') else x

    text = "\n".join(",".join(cell(x) for x in r) for r in [header, *body]) + "\n"
    return text.encode(encoding, errors="replace")


def one_line(e: CorridorError) -> None:
    assert "\n" not in str(e) and str(e).strip(), repr(str(e))


@SETTINGS
@given(
    header=st.sampled_from(
        [["month", "country", "children"], ["Month", "Country", "Children"], ["month", "children"],
         ["country", "month", "children", "note"]]
    ),
    body=rows,
    encoding=encodings,
)  # fmt: skip
def test_any_arrivals_file_is_read_or_refused_in_one_line(tmp_path, header, body, encoding):
    f = tmp_path / "arrivals.csv"
    f.write_bytes(_csv_bytes(header, body, encoding))
    try:
        df = read_arrivals_csv(f)
    except CorridorError as e:
        one_line(e)
        return
    assert list(df.columns) == ["month", "country", "children"]
    assert (df["children"] >= 0).all() and str(df["children"].dtype) == "int64"
    assert not df.duplicated(["month", "country"]).any()
    assert df.equals(
        df.sort_values(["month", "country"], key=_country_order).reset_index(drop=True)
    )


def _country_order(s):
    return s.map({c: i for i, c in enumerate(COUNTRIES)}) if s.name == "country" else s


# --- scenario files ---------------------------------------------------------------------------
numbers = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True, width=64),
    st.integers(-(10**6), 10**6),
    st.booleans(),
    st.sampled_from(["1e300", "many", None]),
)
values = st.one_of(
    numbers, st.dictionaries(st.sampled_from([*COUNTRIES, "XX"]), numbers, max_size=3)
)
dates = st.sampled_from(["2014-01-15", "2013-10-01", "2014-02-30", "soon", 20140101])
paths = st.sampled_from(
    ["orr.capacity.standard_beds", "orr.influx.available_beds", "border.tvpra_return_share",
     "court.judges.uac_share", "no.such.parameter", "border.referral_days"]
)  # fmt: skip
changes = st.dictionaries(
    paths,
    st.one_of(
        st.dictionaries(dates, values, min_size=1, max_size=2),
        st.tuples(
            st.sampled_from(["set", "add", "scale"]),
            st.dictionaries(dates, values, max_size=2),
            st.booleans(),
        ).map(lambda t: {t[0]: t[1], **({"sources": [{"title": "a test"}]} if t[2] else {})}),
        numbers,
    ),
    max_size=3,
)
scenarios = st.fixed_dictionaries(
    {"name": st.sampled_from(["fuzz", "Bad Name", "fuzz-2"]), "title": st.just("t"),
     "description": st.just("d"), "changes": changes},
    optional={"sources": st.sampled_from([["a test"], []]), "base": st.sampled_from(["baseline", "nope"]),
              "spending": st.lists(st.fixed_dictionaries(
                  {"agency": st.just("HHS"), "amount": numbers, "start": dates, "end": dates,
                   "source": st.just("a test")}), max_size=1)},
)  # fmt: skip


def _runs_or_refuses(tmp_path: Path, **kwargs) -> None:
    """Build and run the simulation; a refusal is one CorridorError line and writes nothing."""
    out = tmp_path / "out"
    if out.exists():
        shutil.rmtree(out)
    try:
        scenario = kwargs.pop("scenario", "baseline")
        sim = Simulation(scenario, *WINDOW, seed=1, **kwargs)
        save_run(sim.run(), out)
    except CorridorError as e:
        one_line(e)
        assert not out.exists()
        return
    assert (out / "run.json").is_file()


@settings(SETTINGS, max_examples=10)
@given(data=scenarios)
def test_any_scenario_file_runs_or_is_refused_in_one_line(tmp_path, data):
    f = tmp_path / "fuzz.yaml"
    f.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    _runs_or_refuses(tmp_path, scenario=str(f))


# --- parameter overlays -----------------------------------------------------------------------
OVERLAY_FILES = [
    "orr/capacity/standard_beds.yaml",
    "orr/influx/available_beds.yaml",
    "border/tvpra_return_share.yaml",
    "orr/length_of_care/mean_days.yaml",
]


@settings(SETTINGS, max_examples=10)
@given(
    rel=st.sampled_from(OVERLAY_FILES),
    field=st.sampled_from(["values", "unit", "sources", "assumption", "description", "extra"]),
    value=st.one_of(values, st.sampled_from(["bed", "share", "", [], {}])),
    suffix=st.sampled_from([".yaml", ".yml"]),
)
def test_any_parameter_overlay_is_used_or_refused_in_one_line(tmp_path, rel, field, value, suffix):
    data = yaml.safe_load((PARAMETER_ROOT / rel).read_text())
    if field == "values":
        first = next(iter(data["values"]))
        data["values"][first] = value
    else:
        data[field] = value
    shutil.rmtree(tmp_path / "p", ignore_errors=True)  # tmp_path is shared by the examples
    f = (tmp_path / "p" / rel).with_suffix(suffix)
    f.parent.mkdir(parents=True)
    f.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    try:
        p = load_parameters(tmp_path / "p")
    except CorridorError as e:
        one_line(e)
        return
    # accepted: it is used (never silently ignored), and the run works or refuses cleanly
    path = rel.removesuffix(".yaml").replace("/", ".")
    assert p[path].file == str(f)
    _runs_or_refuses(tmp_path, params_dir=tmp_path / "p")
