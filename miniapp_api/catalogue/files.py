"""Reading, validating and writing the YAML guide files in ``guides/``.

``guides/catalogue.yaml`` is the standard catalogue (事项目录): every item and bundle it lists
must have exactly one guide whose code, name, department and audience match it.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import yaml
from marshmallow import ValidationError

from miniapp_api.catalogue.schema import GuideSchema
from miniapp_api.core.errors import flatten_errors

GUIDES_DIR = Path(__file__).resolve().parents[2] / "guides"
CATALOGUE_FILE = "catalogue.yaml"


@dataclass(frozen=True)
class GuideError:
    file: str
    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.problem}"




def load_catalogue(folder: Path = GUIDES_DIR) -> dict:
    """The catalogue as {code: entry}; bundles get ``kind: bundle``."""
    data = yaml.safe_load((folder / CATALOGUE_FILE).read_text(encoding="utf-8"))
    entries = {item["code"]: dict(item, kind="item") for item in data["items"]}
    entries.update({b["code"]: dict(b, kind="bundle") for b in data["bundles"]})
    return entries


def guide_paths(folder: Path = GUIDES_DIR) -> list[Path]:
    return sorted(p for p in folder.glob("*.yaml") if p.name != CATALOGUE_FILE)


def read_guides(folder: Path = GUIDES_DIR) -> tuple[list[dict], list[GuideError]]:
    """Load and validate every guide file; returns (valid guides, errors)."""
    catalogue = load_catalogue(folder)
    guides: list[dict] = []
    errors: list[GuideError] = []
    seen: dict[str, str] = {}
    schema = GuideSchema()
    for path in guide_paths(folder):
        try:
            raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            errors.append(GuideError(path.name, "_file", f"not valid YAML: {exc}"))
            continue
        if not isinstance(raw, dict):
            errors.append(GuideError(path.name, "_file", "must be a mapping"))
            continue
        try:
            guide = schema.load(raw)
        except ValidationError as exc:
            errors.extend(GuideError(path.name, f, m) for f, m in flatten_errors(exc.messages))
            continue
        file_errors = check_against_catalogue(guide, catalogue)
        if guide["code"] in seen:
            file_errors.append(f"code also used by {seen[guide['code']]}")
        seen[guide["code"]] = path.name
        if path.stem != guide["code"]:
            file_errors.append(f"file should be named {guide['code']}.yaml")
        errors.extend(GuideError(path.name, "code", e) for e in file_errors)
        if not file_errors:
            guides.append(guide)
    for code in sorted(set(catalogue) - set(seen)):
        errors.append(GuideError(f"{code}.yaml", "_file", "catalogue entry has no guide"))
    return guides, errors


def check_against_catalogue(guide: dict, catalogue: dict) -> list[str]:
    entry = catalogue.get(guide["code"])
    if entry is None:
        return [] if guide["code"].startswith(("GR-", "QY-")) else ["unknown bundle code"]
    problems = []
    for key in ("name", "department", "audience"):
        if key in entry and entry[key] != guide[key]:
            problems.append(f"{key} must be {entry[key]!r} as in the catalogue")
    if entry["kind"] == "bundle" and guide["items"] != entry["items"]:
        problems.append(f"items must be {entry['items']} as in the catalogue")
    return problems


def write_guide(guide: dict, folder: Path) -> Path:
    path = folder / f"{guide['code']}.yaml"
    text = yaml.safe_dump(guide, allow_unicode=True, sort_keys=False, width=100)
    path.write_text(text, encoding="utf-8")
    return path


if __name__ == "__main__":  # quick check while writing guides: python -m miniapp_api.catalogue.files
    ok, problems = read_guides()
    for problem in problems:
        print(problem)
    print(f"{len(ok)} valid guides, {len(problems)} errors")
    sys.exit(1 if problems else 0)
