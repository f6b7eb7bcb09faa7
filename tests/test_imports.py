"""Every module of every package the distribution ships imports after the plain set-up
(scripts/setup.sh): an import the project does not declare fails here, not in a user's hands."""

import importlib
import pkgutil
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"]


def _modules() -> list[str]:
    names = []
    for package in PACKAGES:
        names.append(package)
        # A __main__ module runs its program when imported: it is what `python -m` starts, not a library.
        names += [m.name for m in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}.")
                  if not m.name.endswith(".__main__")]
    return sorted(names)


def test_every_package_is_listed():
    assert len(PACKAGES) >= 6 and "evals" in PACKAGES and len(_modules()) > 40


@pytest.mark.parametrize("module", _modules())
def test_module_imports(module):
    importlib.import_module(module)
