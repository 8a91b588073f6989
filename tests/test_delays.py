"""Stage delays are data: a parameter file names its distribution (``shape``) and its dated mean,
and one helper draws every delay."""

from __future__ import annotations

import numpy as np
import pytest
import yaml

from corridor.engine import delays
from corridor.errors import CorridorError
from corridor.parameters.tree import PARAMETER_ROOT, load_parameters

Q = (np.arange(200_000) + 0.5) / 200_000  # a fine grid of quantiles: its mean is the mean


@pytest.mark.parametrize(
    "shape, cv, sd",
    [("uniform", 1.0, 1 / np.sqrt(3)), ("exponential", 1.0, 1.0), ("lognormal", 0.5, 0.5),
     ("lognormal", 1.5, 1.5), ("fixed", 1.0, 0.0)],
)  # fmt: skip
def test_every_shape_has_unit_mean_and_its_spread(shape, cv, sd):
    x = delays.quantile(shape, Q, cv)
    assert x.mean() == pytest.approx(1.0, rel=2e-3)
    assert x.std() == pytest.approx(sd, rel=2e-2, abs=1e-9)


def test_uniform_keeps_the_historical_mapping():
    """uniform on [0, 2 x mean] maps u to 2 u mean, as the stages always drew it."""
    u = np.array([0.0, 0.25, 0.9])
    np.testing.assert_allclose(delays.draw("uniform", u, np.array([1.0, 2.0, 3.0])), [0, 1, 5.4])


def test_every_delay_names_its_shape():
    params = load_parameters()
    for path in ("border.referral_days", "border.screening_days", "border.transport_days",
                 "origin.levers.journey_days", "in_country.patience_days",
                 "in_country.prescreen_days", "in_country.decision_days",
                 "in_country.travel_days", "orr.length_of_care.mean_days"):  # fmt: skip
        assert params[path].shape in delays.SHAPES


def _overlay(tmp_path, **change):
    data = yaml.safe_load((PARAMETER_ROOT / "border" / "referral_days.yaml").read_text())
    data.update(change)
    (tmp_path / "border").mkdir()
    f = tmp_path / "border" / "referral_days.yaml"
    f.write_text(yaml.safe_dump(data))
    return f


def test_an_unknown_shape_is_refused_naming_file_and_field(tmp_path):
    f = _overlay(tmp_path, shape="triangular")
    with pytest.raises(CorridorError) as e:
        load_parameters(tmp_path)
    assert str(f) in str(e.value) and "shape" in str(e.value)


def test_a_shape_on_a_non_delay_is_refused(tmp_path):
    data = yaml.safe_load((PARAMETER_ROOT / "orr" / "capacity" / "standard_beds.yaml").read_text())
    data["shape"] = "uniform"
    (tmp_path / "orr" / "capacity").mkdir(parents=True)
    (tmp_path / "orr" / "capacity" / "standard_beds.yaml").write_text(yaml.safe_dump(data))
    with pytest.raises(CorridorError, match="shape"):
        load_parameters(tmp_path)


def test_a_delay_without_a_shape_fails_when_drawn(tmp_path):
    data = yaml.safe_load((PARAMETER_ROOT / "border" / "referral_days.yaml").read_text())
    data.pop("shape")
    (tmp_path / "border").mkdir()
    (tmp_path / "border" / "referral_days.yaml").write_text(yaml.safe_dump(data))
    params = load_parameters(tmp_path)
    with pytest.raises(CorridorError, match="shape: missing"):
        _ = params["border.referral_days"].shape
