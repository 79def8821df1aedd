"""江川政务服务 API: guides, knowledge base, staff back office (and, later, resident services)."""

from __future__ import annotations

import importlib
import logging

from flask import Flask
from flask_smorest import Api
from werkzeug.middleware.proxy_fix import ProxyFix

from miniapp_api import errors, resources, stores
from miniapp_api.config import Config
from miniapp_api.kb import service as kb_service

log = logging.getLogger(__name__)


def create_app(config: dict | None = None) -> Flask:
    """App factory: config from the environment, overridden by ``config``."""
    app = Flask(__name__)
    app.config.from_mapping(Config().as_dict())
    if config:
        app.config.from_mapping(config)
    app.json.ensure_ascii = False
    if app.config["PROXY_HOPS"]:  # behind N reverse proxies: the client address comes from X-Forwarded-For
        hops = int(app.config["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    if not app.logger.handlers or app.config.get("TESTING"):
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    stores.init_app(app)
    kb_service.init_app(app)

    api = Api(app)
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for name in resources.MODULES:
        api.register_blueprint(importlib.import_module(f"miniapp_api.resources.{name}").blp)
    errors.init_app(app)  # after Api, so our JSON error shape replaces flask-smorest's

    from miniapp_api import cli

    cli.init_app(app)
    _seed(app)
    return app


def _seed(app: Flask) -> None:
    """First start: import guides into MongoDB and create the bootstrap admin (both idempotent)."""
    from miniapp_api.services.guide_repo import GuideRepository
    from miniapp_api.services.staff import bootstrap_admin

    db = app.extensions["mongo"]
    GuideRepository(db).seed(app.config["GUIDES_DIR"], app.config["SYNONYMS_FILE"])
    created = bootstrap_admin(db, app.config["BOOTSTRAP_ADMIN"])
    if created:
        log.info("created bootstrap admin %r from BOOTSTRAP_ADMIN", created)
    from miniapp_api.services.halls import start_residents

    start_residents(app)  # demo hall, appointment indexes, DEV_LOGIN warning
