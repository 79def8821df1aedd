"""Catalogue imports: a province's export (JSON lines) or our Excel template → published editions.

One import reads the file (bad rows named by line and field, the rest goes on), generates aliases
from the official names, validates every record with the imported-guide schema, plans what changes
against the published snapshot (created / updated / unchanged / gone / conflict, see
``catalogue.importer.plan``) and then publishes the changes as editions with audit entries — or,
with ``draft``, stages them for review. All changes reach the knowledge base in ONE snapshot change,
so every worker rebuilds its index once.

The plan compares with the published snapshot in Redis, which every process shares: the same file
imported again changes nothing, from the CLI or from the API.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from flask import current_app
from marshmallow import ValidationError

from miniapp_api.catalogue.imported_schema import ImportedGuideSchema
from miniapp_api.catalogue.importer import gd_export, sheet
from miniapp_api.catalogue.importer.aliases import AliasRules
from miniapp_api.catalogue.importer.plan import CONFLICT, CREATE, GONE, UNCHANGED, UPDATE, plan_import
from miniapp_api.catalogue.importer.prepare import prepare
from miniapp_api.catalogue.importer.values import ImportResult, RowIssue
from miniapp_api.catalogue.repo import GuideRepository
from miniapp_api.core.errors import ValidationFailed, flatten_errors
from miniapp_api.core.stores import mongo
from miniapp_api.kb.service import knowledge_base

FORMATS = {".jsonl": "gd_export", ".json": "gd_export", ".ndjson": "gd_export", ".xlsx": "xlsx"}
ISSUES_SHOWN = 50  # a report lists this many row issues; the counts cover all of them
IN_REVIEW = "in_review"
Progress = Callable[[str, int, int], None]  # (stage, done, total)


def file_format(path: Path) -> str:
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise ValidationFailed(f"cannot import {path.name}: expected {', '.join(FORMATS)}", "file")
    return fmt


def default_source(path: Path, fmt: str) -> str:
    """The source a file's records belong to: what is gone from it is flagged. A province export is
    the whole province; a spreadsheet only covers its own rows."""
    return "gd_export" if fmt == "gd_export" else f"xlsx:{path.stem}"


def read_file(path: Path, fmt: str, progress: Progress | None = None) -> ImportResult:
    total = sum(1 for _ in path.open(encoding="utf-8-sig")) if fmt == "gd_export" else 0

    def on_row(line: int) -> None:
        if progress and (line % 200 == 0 or line == total):
            progress("read", line, total)

    reader = gd_export.read_export if fmt == "gd_export" else sheet.read_sheet
    return reader(path, on_row=on_row)


def validated(guides: list[dict], result: ImportResult) -> list[dict]:
    """The guides the imported-guide schema accepts; the others become row issues."""
    schema, out = ImportedGuideSchema(), []
    for guide in guides:
        try:
            out.append(schema.load(guide))
        except ValidationError as exc:
            field, message = flatten_errors(exc.messages)[0]
            line = (guide.get("source") or {}).get("line") or 0
            result.issues.append(RowIssue(line, field or "-", message, fatal=True))
    return out


def run_import(path: str | Path, user: str, *, draft: bool = False, source: str | None = None,
               progress: Progress | None = None) -> dict:  # fmt: skip
    """Import one file; returns the report (also written to the audit log)."""
    started = time.perf_counter()
    path = Path(path)
    if not path.is_file():
        raise ValidationFailed(f"no file {path}", "file")
    fmt = file_format(path)
    source = source or default_source(path, fmt)
    result = read_file(path, fmt, progress)
    rules = AliasRules.load(current_app.config["ALIAS_RULES_FILE"])
    guides = validated(prepare(result.guides, rules, source), result)
    if progress:
        progress("plan", len(guides), len(guides))
    plan = plan_import(guides, knowledge_base().guides(), source)
    writes = plan.to_write()
    repo = GuideRepository(mongo())
    note = f"imported from {path.name}"
    kb_version = None
    if draft:
        repo.save_drafts([e.guide for e in writes], IN_REVIEW, user)
    else:
        repo.publish_many([e.guide for e in writes], user, note)
        if writes:
            kb_version = knowledge_base().publish_many([e.guide for e in writes])
    if progress:
        progress("write", len(writes), len(writes))
    action = {CREATE: "import_create", UPDATE: "import_update", GONE: "import_gone"}
    repo.audit_many([(user, ("import_draft_" if draft else "") + action[e.action], e.code,
                      {"file": path.name, "source": source, "fields": e.fields, "reason": e.reason})
                     for e in writes])  # fmt: skip
    report = _report(path, fmt, source, draft, result, plan, kb_version, time.perf_counter() - started)
    repo.audit(user, "catalogue_import", None, {k: v for k, v in report.items() if k != "issues"})
    return report


def _report(path, fmt, source, draft, result, plan, kb_version, seconds) -> dict:
    counts = plan.counts()
    incomplete = plan.incomplete()
    guides = [e for e in plan.entries if e.action in (CREATE, UPDATE, UNCHANGED)]
    return {
        "file": path.name, "format": fmt, "source": source, "draft": draft,
        "rows": result.lines, "skipped_rows": result.skipped,
        "created": counts[CREATE], "updated": counts[UPDATE], "unchanged": counts[UNCHANGED],
        "gone": counts[GONE], "conflicts": counts[CONFLICT],
        "incomplete": sum(1 for e in guides if e.missing),
        "missing": dict(incomplete.most_common()),
        "conflict_codes": [{"code": e.code, "reason": e.reason} for e in plan.entries if e.action == CONFLICT][:20],
        "issues_total": len(result.issues),
        "issues": [{"line": i.line, "field": i.field, "message": i.message, "skipped": i.fatal}
                   for i in result.issues[:ISSUES_SHOWN]],
        "kb_version": kb_version, "seconds": round(seconds, 2),
    }  # fmt: skip


MISSING_LABELS = {
    "conditions": "受理条件", "materials": "申请材料", "time_limit": "办理时限", "fee": "收费",
    "location": "办理地点", "contact": "咨询电话", "process": "办理流程", "basis": "设定依据",
}  # fmt: skip


def format_report(report: dict) -> str:
    """The report as staff read it in a terminal."""
    mode = "staged as drafts for review" if report["draft"] else "published"
    lines = [
        f"{report['file']} ({report['format']}, source {report['source']}): {report['rows']} rows read, "
        f"{report['skipped_rows']} skipped; {mode} in {report['seconds']} s",
        f"  created {report['created']}, updated {report['updated']}, unchanged {report['unchanged']}, "
        f"gone (flagged) {report['gone']}, conflicts {report['conflicts']}",
        f"  incomplete {report['incomplete']}: "
        + ", ".join(f"{MISSING_LABELS.get(k, k)} missing in {v}" for k, v in report["missing"].items()),
    ]
    for c in report["conflict_codes"]:
        lines.append(f"  conflict {c['code']}: {c['reason']}")
    if report["issues_total"]:
        lines.append(f"  {report['issues_total']} row issues (first {len(report['issues'])}):")
        for i in report["issues"]:
            what = "row skipped" if i["skipped"] else "field left empty"
            lines.append(f"    line {i['line']}, {i['field']}: {i['message']} ({what})")
    return "\n".join(lines)


def incomplete_guides(limit: int = 100, element: str | None = None) -> dict:
    """For staff: how many published guides lack each element, and which ones."""
    guides = [g for g in knowledge_base().guides().values() if g.get("missing")]
    if element:
        guides = [g for g in guides if element in g["missing"]]
    counts: dict[str, int] = {}
    for g in guides:
        for m in g["missing"]:
            counts[m] = counts.get(m, 0) + 1
    rows = [{"code": g["code"], "name": g["name"], "situation": g.get("situation"), "department": g.get("department"),
             "missing": g["missing"], "gone": bool((g.get("import") or {}).get("gone"))}
            for g in sorted(guides, key=lambda g: (g["name"], g["code"]))[:limit]]  # fmt: skip
    return {"total": len(guides), "missing": counts, "guides": rows}
