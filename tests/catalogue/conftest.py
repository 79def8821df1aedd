"""The real Guangdong export lives beside the repository (../shared/data), as in bench/kb_bench.py."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GD_EXPORT = ROOT.parent / "shared" / "data" / "gd_catalogue.jsonl"
ALIAS_RULES = ROOT / "guides" / "kb" / "alias_rules.yaml"


@pytest.fixture(scope="session")
def gd_path() -> Path:
    if not GD_EXPORT.exists():
        pytest.skip(f"the Guangdong export is not at {GD_EXPORT}")
    return GD_EXPORT


@pytest.fixture(scope="session")
def gd_result(gd_path):
    from miniapp_api.catalogue.importer.gd_export import read_export

    return read_export(gd_path)
