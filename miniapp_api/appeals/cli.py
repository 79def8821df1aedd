"""``flask appeals close-unrated`` (run daily: replied appeals whose 7 rating days are over close as not
rated) and ``flask appeals rebuild-figures`` (recompute the figures' cells from the appeals)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

appeals_cli = AppGroup("appeals", help="Appeals: the rating sweep and the figures' cells.")


@appeals_cli.command("close-unrated")
def close_unrated_command() -> None:
    """Close replied appeals not rated within 7 days (they count as not rated, never as satisfied)."""
    from miniapp_api.appeals.workflow import close_unrated

    click.echo(f"closed {close_unrated()} appeals not rated in time")


@appeals_cli.command("rebuild-figures")
def rebuild_figures_command() -> None:
    """Recompute every figures cell from the appeals (after a crash between an appeal write and its cell)."""
    from miniapp_api.appeals.rollup import rebuild

    click.echo(f"figures rebuilt from {rebuild()} appeals")
