"""Helpers the tests share: settings over a data folder, small copies of the real corpus."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from circularbench.settings import Settings

LLM_API_KEY = "test-key-123"  # the loopback LLM server of the tests requires it
MIRROR = Path(os.environ.get("CIRCULARBENCH_CORPUS_MIRROR", Path(__file__).resolve().parents[2] / "shared" / "corpus"))


def make_settings(data_dir: Path, **overrides) -> Settings:
    return Settings(data_dir=data_dir, corpus_mirror=MIRROR, **overrides)


def small_corpus(data_dir: Path, mirror: Path, files: list[str]) -> Settings:
    """A data folder whose corpus holds copies of a few real documents."""
    settings = make_settings(data_dir)
    settings.corpus_dir.mkdir(parents=True, exist_ok=True)
    for name in files:
        shutil.copy(mirror / name, settings.corpus_dir / name)
    return settings


SMALL_FILES = [
    "cn_weee_recycling_regulation_2019.md",
    "cn_end_of_life_vehicle_recycling_measures_2019.md",
    "nl_besluit_beheer_verpakkingen_2014.md",
    "sg_mse_key_environmental_statistics_2022.pdf",
]
