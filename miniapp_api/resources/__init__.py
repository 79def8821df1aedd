"""API resources. Each module exposes a flask-smorest ``blp``; create_app registers these in order."""

MODULES = [
    "health",
    "guides",
    "kb",
    "staff",
    "queue",
    "auth",
    "residents",
    "halls",
    "appointments",
    "chat",
    "wechat",
    "agent",
    "appeals",
    "cases",
    "backoffice",
    "supervision",
    "ratings",
]
