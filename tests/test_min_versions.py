"""`.ci/constraints-min.txt` pins every dependency and test extra to the lower bound pyproject.toml states.

CI installs the project once more with those pins (`.ci/run`), so a lower bound is a version the suite has
passed with, not a guess; this keeps the pins and the bounds from drifting apart.
"""

from __future__ import annotations

import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.conftest import ROOT


def _lower_bounds() -> dict[str, Version]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    bounds: dict[str, Version] = {}
    for line in [*project["dependencies"], *project["optional-dependencies"]["test"]]:
        req = Requirement(line)
        (lower,) = [s.version for s in req.specifier if s.operator == ">="]
        bounds[canonicalize_name(req.name)] = Version(lower)
    return bounds


def _pins() -> dict[str, Version]:
    pins: dict[str, Version] = {}
    for line in (ROOT / ".ci" / "constraints-min.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            req = Requirement(line)
            (pin,) = [s.version for s in req.specifier if s.operator == "=="]
            pins[canonicalize_name(req.name)] = Version(pin)
    return pins


def test_the_minimum_constraints_pin_each_lower_bound() -> None:
    assert _pins() == _lower_bounds()


def test_every_extra_stays_within_the_test_extra() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["optional-dependencies"]
    test = {str(Requirement(r)) for r in extras["test"]}
    for name, requirements in extras.items():
        assert {str(Requirement(r)) for r in requirements} <= test, name
