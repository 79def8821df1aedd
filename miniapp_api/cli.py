"""Flask CLI: ``flask seed``, ``flask guides validate|export``, ``flask kb build|search``, ``flask staff create``,
``flask notify …``, ``flask catalogue import|template|incomplete``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from miniapp_api.appeals.cli import appeals_cli
from miniapp_api.catalogue.files import read_guides, write_guide
from miniapp_api.catalogue.seeding import seed_guides_if_empty
from miniapp_api.guides.catalogue_cli import catalogue_cli
from miniapp_api.notify.cli import notify_cli

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
    from miniapp_api.catalogue.repo import GuideRepository
    from miniapp_api.core.stores import mongo

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

    seed_guides_if_empty()
    kb = knowledge_base()
    kb.refresh(force=True)
    path = kb.write_dictionary()
    vocabulary = write_vocabulary(Path(current_app.config["JIEBA_DICT_DIR"]))
    state = kb.state()
    click.echo(f"knowledge base v{state['version']}: {state['guides']} guides, {state['passages']} passages, "
               f"built in {state['build_seconds']} s; dictionary {path}; vocabulary {vocabulary}")


@kb_cli.command("search")
@click.argument("text")
@click.option("-k", default=5, show_default=True)
def kb_search(text: str, k: int) -> None:
    """Print the same JSON as GET /api/v1/kb/search."""
    from miniapp_api.kb.service import knowledge_base

    seed_guides_if_empty()
    outcome = knowledge_base().search(text, k, log_unanswered=False)
    click.echo(json.dumps(outcome.as_dict(), ensure_ascii=False, indent=2))


@staff_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(["editor", "publisher", "admin", "agent", "backoffice", "dispatcher",
                                           "department"]), default="admin")
@click.option("--department", "departments", multiple=True, help="role department: a department it handles (repeat)")
@click.password_option()
def staff_create(username: str, role: str, password: str, departments: tuple[str, ...]) -> None:
    """Create a staff account (with MONGO_URI set; the in-memory store lives in one process)."""
    from miniapp_api.core.stores import mongo
    from miniapp_api.identity.staff import create_staff

    user = create_staff(mongo(), username, password, role, list(departments))
    click.echo(f"created {user['role']} {user['username']}")


def write_vocabulary(folder: Path) -> Path:
    """The vocabulary the bot's NLU generator reads (case-number pattern, field ↔ intent table), beside
    the jieba dictionary, so that the bot never types them again."""
    from miniapp_api.core.vocabulary import vocabulary_document

    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "vocabulary.json"
    path.write_text(json.dumps(vocabulary_document(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return path


@click.command("seed")
def seed_command() -> None:
    """Seed the guides, bootstrap admin, demo hall and demo cases that are missing (idempotent)."""
    from miniapp_api import startup

    click.echo(json.dumps(startup.seed(current_app._get_current_object()), ensure_ascii=False))



def init_app(app: Flask) -> None:
    for group in (guides_cli, kb_cli, staff_cli, notify_cli, appeals_cli, catalogue_cli):
        app.cli.add_command(group)
    app.cli.add_command(seed_command)
