"""江川政务服务 API: the app factory.

``create_app`` wires configuration, stores and the blueprints of every area; it opens no
connection and seeds nothing (``miniapp_api.startup`` does that, and only when asked: the web
app at start, ``flask seed`` from the command line).
"""

from __future__ import annotations

import logging

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from miniapp_api import cli
from miniapp_api.appeals import console as appeal_console
from miniapp_api.appeals import routes as appeal_routes
from miniapp_api.appeals import staff_routes as appeal_staff_routes
from miniapp_api.booking import hall_routes
from miniapp_api.booking import routes as booking_routes
from miniapp_api.cases import backoffice_routes, supervision_routes
from miniapp_api.cases import console as case_console
from miniapp_api.cases import routes as case_routes
from miniapp_api.conversation import agent_routes, chat_routes, handoff_routes, wechat_routes
from miniapp_api.conversation import console as conversation_console
from miniapp_api.core import errors, openapi, request_guard, startup_checks, stores
from miniapp_api.core.api_session import ApiWithoutCookieSession
from miniapp_api.core.clock import install_dev_clock
from miniapp_api.core.config import Config
from miniapp_api.core.pii import PiiLogFilter
from miniapp_api.dashboard import console as dashboard_console
from miniapp_api.feedback import console as feedback_console
from miniapp_api.feedback import routes as feedback_routes
from miniapp_api.forms import routes as form_routes
from miniapp_api.guides import catalogue_routes
from miniapp_api.guides import console as guide_console
from miniapp_api.guides import routes as guide_routes
from miniapp_api.guides import staff_routes as edition_routes
from miniapp_api.identity import auth_routes, staff_routes
from miniapp_api.identity import routes as resident_routes
from miniapp_api.kb import console as kb_console
from miniapp_api.kb import routes as kb_routes
from miniapp_api.kb import service as kb_service
from miniapp_api.queue import console as queue_console
from miniapp_api.queue import routes as queue_routes
from miniapp_api.system import meta_routes
from miniapp_api.system import routes as system_routes
from miniapp_api.web import routes as web_routes
from miniapp_api.web import setup as web_setup

# Registered in this order (it is also the order of the OpenAPI document's tags).
BLUEPRINTS = [
    system_routes.blp,
    meta_routes.blp,
    guide_routes.blp,
    kb_routes.blp,
    staff_routes.blp,
    edition_routes.blp,
    catalogue_routes.blp,
    queue_routes.blp,
    auth_routes.blp,
    resident_routes.blp,
    hall_routes.blp,
    booking_routes.blp,
    form_routes.blp,
    chat_routes.blp,
    wechat_routes.blp,
    agent_routes.blp,
    appeal_routes.blp,
    appeal_staff_routes.blp,
    handoff_routes.blp,
    case_routes.blp,
    backoffice_routes.blp,
    supervision_routes.blp,
    feedback_routes.blp,
]


def create_app(config: dict | None = None) -> Flask:
    """App factory: config from the environment, overridden by ``config``."""
    app = Flask(__name__)
    app.config.from_mapping(Config().as_dict())
    if config:
        app.config.from_mapping(config)
    startup_checks.enforce(app.config)  # default SECRET_KEY, DEV_LOGIN next to production settings...: refuse, say why
    app.json.ensure_ascii = False
    app.session_interface = ApiWithoutCookieSession()  # /api/ is bearer-token only: no cookie session per request
    if app.config["PROXY_HOPS"]:  # behind N reverse proxies: the client address comes from X-Forwarded-For
        hops = int(app.config["PROXY_HOPS"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    if not app.logger.handlers or app.config.get("TESTING"):
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    for handler in logging.getLogger().handlers:  # a net under every log line: no ID or phone number kept
        if not any(isinstance(f, PiiLogFilter) for f in handler.filters):
            handler.addFilter(PiiLogFilter())

    # Undecodable text, deep nesting, huge numbers, oversize chunked bodies, long URLs → JSON 4xx, never a 500
    request_guard.install(app, json_only_prefixes=("/api/",))
    stores.init_app(app)
    kb_service.init_app(app)
    install_dev_clock(app)
    if app.config.get("DEV_LOGIN"):
        app.logger.warning("DEV_LOGIN is ON: POST /api/v1/auth/dev logs anyone in with any openid. "
                           "Never enable it in production.")

    api = openapi.ProjectApi(app)  # documents errors in the project's one JSON shape
    api.spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    openapi.document_unavailable(api)  # every operation documents its 503 (a store down)
    for blueprint in BLUEPRINTS:
        api.register_blueprint(blueprint)
    errors.init_app(app)  # after Api, so our JSON error shape replaces flask-smorest's
    # Staff consoles (HTML): plain Flask blueprints, each with its area's templates; not in the OpenAPI document.
    web_setup.init_app(app, [web_routes.bp, guide_console.bp, kb_console.bp, case_console.bp, feedback_console.bp,
                             dashboard_console.bp, queue_console.bp, queue_console.display_bp,
                             conversation_console.bp, conversation_console.call_bp, appeal_console.bp])
    cli.init_app(app)
    return app
