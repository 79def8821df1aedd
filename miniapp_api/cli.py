"""Flask CLI: ``flask guides validate|export``, ``flask kb search``, ``flask staff create``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from miniapp_api.guide_files import read_guides, write_guide

guides_cli = AppGroup("guides", help="Validate and export the service guides.")
kb_cli = AppGroup("kb", help="Query the knowledge base.")
staff_cli = AppGroup("staff", help="Manage staff accounts.")


@guides_cli.command("validate")
@click.argument("folder", required=False)
def guides_validate(folder: str | None) -> None:
    """Check every guide file; print file, field and problem for each error."""
    path = Path(folder or current_app.config["GUIDES_DIR"])
    guides, errors = read_guides(path)
    for error in errors:
        click.echo(str(error), err=True)
    click.echo(f"{len(guides)} valid guides, {len(errors)} errors in {path}")
    sys.exit(1 if errors else 0)


@guides_cli.command("export")
@click.argument("folder")
def guides_export(folder: str) -> None:
    """Write the published editions from MongoDB back to YAML files for review."""
    from miniapp_api.services.guide_repo import GuideRepository
    from miniapp_api.stores import mongo

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    guides = GuideRepository(mongo()).published_all()
    for guide in guides:
        write_guide(guide, out)
    click.echo(f"exported {len(guides)} guides to {out}")


@kb_cli.command("build")
def kb_build() -> None:
    """Build the index now and (re)write the jieba user dictionary the bot loads."""
    from miniapp_api.kb.service import knowledge_base

    kb = knowledge_base()
    kb.refresh(force=True)
    path = kb.write_dictionary()
    state = kb.state()
    click.echo(f"knowledge base v{state['version']}: {state['guides']} guides, {state['passages']} passages, "
               f"built in {state['build_seconds']} s; dictionary {path}")


@kb_cli.command("search")
@click.argument("text")
@click.option("-k", default=5, show_default=True)
def kb_search(text: str, k: int) -> None:
    """Print the same JSON as GET /api/v1/kb/search."""
    from miniapp_api.kb.service import knowledge_base

    outcome = knowledge_base().search(text, k, log_unanswered=False)
    click.echo(json.dumps(outcome.as_dict(), ensure_ascii=False, indent=2))


@staff_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(["editor", "publisher", "admin", "agent", "backoffice"]), default="admin")
@click.password_option()
def staff_create(username: str, role: str, password: str) -> None:
    """Create a staff account (with MONGO_URI set; the in-memory store lives in one process)."""
    from miniapp_api.services.staff import create_staff
    from miniapp_api.stores import mongo

    user = create_staff(mongo(), username, password, role)
    click.echo(f"created {user['role']} {user['username']}")


def init_app(app: Flask) -> None:
    for group in (guides_cli, kb_cli, staff_cli):
        app.cli.add_command(group)
