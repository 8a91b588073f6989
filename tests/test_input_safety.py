"""Bad input the first round missed: encodings, malformed rows, non-finite and absurd numbers,
booleans, limits checked up front, .yml files; and order never changes a result."""

from __future__ import annotations

import random
import time

import pytest
import yaml
from cli_helpers import OK, overlay
from typer.testing import CliRunner

from corridor import limits
from corridor.cli import app
from corridor.errors import CorridorError
from corridor.parameters.tree import PARAMETER_ROOT, load_parameters
from corridor.scenarios import loader
from corridor.stages.arrivals_csv import read_arrivals_csv

runner = CliRunner()
GOOD = "month,country,children\n" + "".join(
    f"2014-{m:02d},{c},100\n" for m in (1, 2, 3) for c in ("SV", "GT", "HN", "MX")
)


def refused(args, *words, out=None):
    res = runner.invoke(app, [*args, "--out", str(out)])
    text = res.output.strip()
    assert res.exit_code == 2, text
    assert "Traceback" not in text and len(text.splitlines()) == 1, text
    for w in words:
        assert w in text, text
    assert not out.exists()
    return text


@pytest.mark.parametrize(
    "content, words",
    [
        (GOOD.encode("utf-16"), ["UTF-8 expected"]),
        (GOOD.encode("utf-16-le"), ["UTF-8 expected"]),
        (GOOD.encode("latin-1").replace(b"SV", b"S\xe9"), ["UTF-8 expected"]),
        (GOOD.replace("2014-02,GT,100", "2014-02,GT,100,7").encode(), ["row 7", "4 fields"]),
        (GOOD.replace("2014-02,GT,100", "2014-02,GT").encode(), ["row 7", "2 fields"]),
        (GOOD.replace("2014-02,GT,100", "2014-02,GT,7.25").encode(), ["row 7", "whole number"]),
        (GOOD.replace("2014-02,GT,100", "2014-02,GT,true").encode(), ["row 7", "not a number"]),
        (GOOD.replace("2014-02,GT,100", "2014-02,GT,inf").encode(), ["row 7", "finite"]),
        (GOOD.replace("2014-02,GT,100", "2014-02,GT,nan").encode(), ["row 7", "finite"]),
        (GOOD.replace("2014-02,GT,100", "2014-02,GT,1e300").encode(), ["row 7", "1,000,000"]),
        (GOOD.replace("2014-02,GT,100", "2014-02,GT,-3").encode(), ["row 7", "outside"]),
        (GOOD.replace("2014-02,GT,100", "1999-02,GT,100").encode(), ["row 7", "2000-01"]),
        (GOOD.replace("2014-02,GT,100", "2099-02,GT,100").encode(), ["row 7", "HORIZON"]),
        (GOOD.replace("2014-02,GT,100", "2014-01,GT,100").encode(), ["row 7", "repeat row 3"]),
        (b"", ["empty file"]),
    ],
)
def test_a_bad_arrivals_file_is_one_line_naming_the_row(tmp_path, content, words):
    f = tmp_path / "arrivals.csv"
    f.write_bytes(content)
    refused([*OK, "--arrivals", str(f)], str(f), *words, out=tmp_path / "out")


def test_a_utf8_byte_order_mark_and_blank_lines_are_fine(tmp_path):
    f = tmp_path / "bom.csv"
    f.write_bytes(b"\xef\xbb\xbf" + GOOD.replace("\n", "\r\n", 2).encode() + b"\n\n")
    df = read_arrivals_csv(f)
    assert len(df) == 12 and df["children"].sum() == 1200


def test_an_error_near_the_top_of_a_large_file_fails_fast(tmp_path):
    f = tmp_path / "big.csv"
    rows = [f"{2009 + i // 60}-{(i // 5) % 12 + 1:02d},{'SV GT HN MX OTH'.split()[i % 5]},1"
            for i in range(10_000)]  # fmt: skip
    f.write_text("month,country,children\n2014-01,SV,oops\n" + "\n".join(rows) + "\n")
    t0 = time.perf_counter()
    with pytest.raises(CorridorError, match="row 2"):
        read_arrivals_csv(f)
    assert time.perf_counter() - t0 < 0.5


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_CSV_BYTES", 100)
    f = tmp_path / "a.csv"
    f.write_text(GOOD)
    with pytest.raises(CorridorError, match="limit"):
        read_arrivals_csv(f)


def test_row_order_never_changes_the_output(tmp_path):
    lines = GOOD.strip().split("\n")
    body = lines[1:]
    random.Random(4).shuffle(body)
    (tmp_path / "a.csv").write_text(GOOD)
    (tmp_path / "b.csv").write_text("\n".join([lines[0], *body]) + "\n")
    outs = []
    for name in ("a", "b"):
        out = tmp_path / f"out-{name}"
        res = runner.invoke(
            app, [*OK, "--arrivals", str(tmp_path / f"{name}.csv"), "--out", str(out)]
        )
        assert res.exit_code == 0, res.output
        outs.append(out)
    for f in ("daily.parquet", "fiscal_years.csv"):
        assert (outs[0] / f).read_bytes() == (outs[1] / f).read_bytes(), f


def _reordered(data):
    """The same YAML data with every mapping's keys in reverse order."""
    if isinstance(data, dict):
        return {k: _reordered(data[k]) for k in reversed(list(data))}
    if isinstance(data, list):
        return [_reordered(x) for x in data]
    return data


def test_scenario_key_order_never_changes_the_output(tmp_path):
    src = loader.available()["house-2014"]
    data = yaml.safe_load(src.read_text())
    data.pop("base", None)  # the shipped base is baseline: the same either way
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(yaml.safe_dump(data, sort_keys=False))
    b.write_text(yaml.safe_dump(_reordered(data), sort_keys=False))
    assert a.read_text() != b.read_text()
    outs = []
    for f in (a, b):
        out = tmp_path / f"out-{f.stem}"
        args = ["run", "--scenario", str(f), "--start", "2014-06-01", "--end", "2014-09-30"]
        res = runner.invoke(app, [*args, "--out", str(out)])
        assert res.exit_code == 0, res.output
        outs.append(out)
    for f in ("daily.parquet", "fiscal_years.csv"):
        assert (outs[0] / f).read_bytes() == (outs[1] / f).read_bytes(), f


@pytest.mark.parametrize(
    "value, words",
    [
        ("-.inf", ["-inf", "not a finite number", "[0, 1e+07] bed"]),
        (".inf", ["inf", "not a finite number"]),
        (".nan", ["nan", "not a finite number"]),
        ("1.0e300", ["outside the allowed range [0, 1e+07]"]),
        ("true", ["true is not a number"]),
        ("'many'", ["valid number"]),
    ],
)
def test_non_finite_absurd_and_boolean_parameter_values_are_refused(tmp_path, value, words):
    def edit(text):
        import re

        return re.sub(r"(\n  \d{4}-\d\d-\d\d: )[^\n#]+", rf"\g<1>{value} ", text, count=1)

    params = overlay(tmp_path, "orr.influx.available_beds", edit)
    text = refused([*OK, "--params", str(params)], "available_beds.yaml", "values.", *words,
                   out=tmp_path / "out")  # fmt: skip
    assert "values." in text


@pytest.mark.parametrize("value", [".inf", ".nan", "true", "1.0e300"])
def test_non_finite_scenario_changes_are_refused(tmp_path, value):
    f = tmp_path / "s.yaml"
    f.write_text(
        "name: s\ntitle: t\ndescription: d\nsources: [a test]\nchanges:\n"
        f"  orr.capacity.standard_beds:\n    scale: {{2014-01-01: {value}}}\n"
        "    sources: [{title: a test}]\n"
    )
    args = ["run", "--scenario", str(f), "--start", "2014-01-01", "--end", "2014-02-01"]
    refused(args, str(f), "standard_beds", out=tmp_path / "out")


def test_a_yml_overlay_is_used_like_a_yaml_one(tmp_path):
    src = PARAMETER_ROOT / "orr" / "capacity" / "standard_beds.yaml"
    d = tmp_path / "p" / "orr" / "capacity"
    d.mkdir(parents=True)
    text = src.read_text()
    import re

    (d / "standard_beds.yml").write_text(
        re.sub(r"(\n  \d{4}-\d\d-\d\d: )[^\n#]+", r"\g<1>1234 ", text)
    )
    p = load_parameters(tmp_path / "p")
    assert set(p["orr.capacity.standard_beds"].spec.values.values()) == {1234}
    (d / "standard_beds.yaml").write_text(text)
    with pytest.raises(CorridorError, match="keep one file"):
        load_parameters(tmp_path / "p")


def test_a_yaml_file_that_is_not_utf8_is_one_line(tmp_path):
    src = PARAMETER_ROOT / "orr" / "capacity" / "standard_beds.yaml"
    params = overlay(tmp_path, "orr.capacity.standard_beds", lambda t: t)
    f = params / "orr" / "capacity" / "standard_beds.yaml"
    f.write_bytes(src.read_text().encode("utf-16"))
    refused([*OK, "--params", str(params)], str(f), "UTF-8 expected", out=tmp_path / "out")


@pytest.mark.parametrize(
    "args, words",
    [
        (["--draws", "100000000"], ["--draws", "MAX_DRAWS"]),
        (["--draws", "0"], ["--draws", "at least 1"]),
        (["--end", "3000-01-01"], ["--end", "HORIZON"]),
        (["--start", "2001-01-01"], ["--start", "first day of data"]),
    ],
)
def test_limits_are_refused_up_front(tmp_path, args, words):
    t0 = time.perf_counter()
    refused([*OK, *args], *words, out=tmp_path / "out")
    assert time.perf_counter() - t0 < 1.0


def test_too_many_projected_children_are_refused_up_front(tmp_path):
    def edit(text):
        import re

        return re.sub(r"2008-10-01: [0-9.]+", "2008-10-01: 1000", text)

    params = overlay(tmp_path, "origin.projection.level", edit)
    args = ["run", "--start", "2030-01-01", "--end", "2040-01-01", "--params", str(params)]
    refused(args, "MAX_CHILDREN_PER_RUN", out=tmp_path / "out")


@pytest.mark.parametrize(
    "spoil, words",
    [
        (lambda t: t.encode("utf-16"), ["UTF-8 expected"]),
        (lambda t: (t.rstrip("\n") + ",extra\n").encode(), ["fields where the header has"]),
    ],
)
def test_a_bad_facts_file_is_one_line(tmp_path, spoil, words):
    from corridor.analysis.backtest import DATA, read_facts

    shipped = sorted((DATA / "facts").glob("*.csv"))[0].read_text(encoding="utf-8")
    f = tmp_path / "facts.csv"
    f.write_bytes(spoil("\n".join(shipped.splitlines()[:3]) + "\n"))
    with pytest.raises(CorridorError) as e:
        read_facts([f])
    assert str(f) in str(e.value) and "\n" not in str(e.value)
    for w in words:
        assert w in str(e.value)
