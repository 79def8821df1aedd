"""Entry point: ``flask --app app run`` or ``gunicorn app:app``."""

from miniapp_api import create_app

app = create_app()
