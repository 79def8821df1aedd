"""``flask catalogue import FILE [--draft]``, ``flask catalogue template [FILE]``, ``flask catalogue incomplete``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

catalogue_cli = AppGroup("catalogue", help="Import real catalogues (province exports, Excel template).")


def _progress(stage: str, done: int, total: int) -> None:
    if stage == "read":
        click.echo(f"\r  reading {done}/{total} rows", nl=done == total)
    elif stage == "plan":
        click.echo(f"  {done} records valid; comparing with the published catalogue …")
    elif stage == "write":
        click.echo(f"  {done} editions written; the knowledge base is rebuilt once in every worker")


@catalogue_cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--draft", is_flag=True, help="stage the changes as drafts for review instead of publishing")
@click.option("--source", default=None, help="what the file's records belong to (default: gd_export / xlsx:<name>)")
@click.option("--user", default="import", show_default=True, help="who the editions and audit entries name")
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
def import_command(file: Path, draft: bool, source: str | None, user: str, as_json: bool) -> None:
    """Import FILE (.jsonl export or .xlsx template): publish editions with audit entries, print a report."""
    from miniapp_api.catalogue.seeding import seed_guides_if_empty
    from miniapp_api.guides.imports import format_report, run_import

    if not current_app.config["MONGO_URI"]:
        click.echo("note: MONGO_URI is empty: editions and audit entries stay in this command's in-memory store; "
                   "the published guides go to the shared snapshot in Redis, which every worker answers from "
                   "(the API takes them into its own store when it sees them)", err=True)  # fmt: skip
    seed_guides_if_empty()
    click.echo(f"importing {file} …")
    report = run_import(file, user, draft=draft, source=source, progress=None if as_json else _progress)
    click.echo(json.dumps(report, ensure_ascii=False, indent=1) if as_json else format_report(report))
    sys.exit(0)


@catalogue_cli.command("template")
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
def template_command(file: Path | None) -> None:
    """Write the empty Excel template of our guide elements (default guide_template.xlsx)."""
    from miniapp_api.catalogue.importer.sheet import write_template

    path = write_template(file or Path("guide_template.xlsx"))
    click.echo(f"wrote {path}: fill the sheet 事项 (one row per item or situation), then "
               f"flask --app app catalogue import {path.name}")  # fmt: skip


@catalogue_cli.command("incomplete")
@click.option("--element", default=None, help="only guides missing this element (fee, process, conditions …)")
@click.option("--limit", default=20, show_default=True)
def incomplete_command(element: str | None, limit: int) -> None:
    """Count the published guides that lack elements, and list some of them."""
    from miniapp_api.catalogue.seeding import seed_guides_if_empty
    from miniapp_api.guides.imports import incomplete_guides

    seed_guides_if_empty()
    data = incomplete_guides(limit, element)
    click.echo(f"{data['total']} incomplete guides; missing: "
               + ", ".join(f"{k} {v}" for k, v in sorted(data["missing"].items(), key=lambda kv: -kv[1])))
    for g in data["guides"]:
        click.echo(f"  {g['code']} {g['name']}{' (' + g['situation'] + ')' if g['situation'] else ''}: "
                   f"{', '.join(g['missing'])}{' [gone from source]' if g['gone'] else ''}")
