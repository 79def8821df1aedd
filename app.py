"""Entry point: ``flask --app app run`` or ``gunicorn app:app``."""

import os

from miniapp_api import create_app

app = create_app()

if os.environ.get("KB_WARM", "1") == "1":
    # Build the knowledge base before the first request instead of during it (a cold first
    # chat would otherwise spend seconds loading jieba and indexing the guides).
    from miniapp_api.kb.service import knowledge_base

    with app.app_context():
        knowledge_base().refresh(force=True)
