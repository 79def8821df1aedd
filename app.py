"""Entry points. ``app`` is the bare application (``flask --app app …`` commands, the notification
worker): it seeds nothing. ``web_app()`` is what the web server runs (``gunicorn 'app:web_app()'``):
the same app, seeded and with its knowledge base built before the first request."""

from miniapp_api import create_app, startup

app = create_app()


def web_app():
    return startup.start_web(app)
