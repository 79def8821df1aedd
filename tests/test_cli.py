from __future__ import annotations

import shutil

import yaml

from miniapp_api.catalogue.files import GUIDES_DIR


def test_guides_validate_passes_on_repository(app):
    result = app.test_cli_runner().invoke(args=["guides", "validate"])
    assert result.exit_code == 0, result.output
    assert "69 valid guides, 0 errors" in result.output


def test_guides_validate_names_file_field_problem(app, tmp_path):
    folder = tmp_path / "guides"
    shutil.copytree(GUIDES_DIR, folder)
    guide = yaml.safe_load((folder / "GR-010.yaml").read_text(encoding="utf-8"))
    guide["visits"] = 3
    guide["materials"][1]["copies"] = "two"
    (folder / "GR-010.yaml").write_text(yaml.safe_dump(guide, allow_unicode=True), encoding="utf-8")
    (folder / "GR-011.yaml").unlink()
    result = app.test_cli_runner().invoke(args=["guides", "validate", str(folder)])
    assert result.exit_code == 1
    assert "GR-010.yaml: visits: Must be one of: 0, 1." in result.output
    assert "GR-010.yaml: materials.1.copies: Not a valid integer." in result.output
    assert "GR-011.yaml: _file: catalogue entry has no guide" in result.output


def test_guides_export_round_trips(app, tmp_path):
    result = app.test_cli_runner().invoke(args=["guides", "export", str(tmp_path / "out")])
    assert "exported 69 guides" in result.output
    exported = yaml.safe_load((tmp_path / "out" / "GR-006.yaml").read_text(encoding="utf-8"))
    original = yaml.safe_load((GUIDES_DIR / "GR-006.yaml").read_text(encoding="utf-8"))
    assert exported["fee"] == original["fee"] and exported["aliases"] == original["aliases"]


def test_kb_search_cli(app):
    result = app.test_cli_runner().invoke(args=["kb", "search", "办护照要多少钱"])
    assert '"item_code": "GR-006"' in result.output and '"field": "fee"' in result.output


def test_seed_is_idempotent(app):
    from miniapp_api.catalogue.repo import GuideRepository

    repo = GuideRepository(app.extensions["mongo"])
    assert repo.seed(app.config["GUIDES_DIR"], app.config["SYNONYMS_FILE"]) == 0
    assert repo.guides.count_documents({}) == 69
