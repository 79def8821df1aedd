#!/usr/bin/env bash
# The test command (README and CI): API tests with real Redis, then the bot's tests, then the fault tests
# (real processes: API, worker, Redis restarts, supervisord with Rasa; marked slow, run last because the
# Rasa one needs the bot's environment and model).
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/browser.sh"
source "$(dirname "$0")/vendor.sh"

ensure_redis
ensure_api_env
ensure_browser   # Debian chromium + CJK fonts: the console browser tests run instead of being skipped
ensure_vendor    # htmx and ECharts from the npm registry, served by the consoles

step "lint (ruff)"
.venv/bin/ruff check .

step "API tests (pytest, real Redis db 15, in-memory Mongo)"
.venv/bin/python -m pytest -q -m "not slow" "$@"

if [ "${SKIP_BOT_TESTS:-0}" != 1 ]; then
  ensure_bot_env
  step "jieba user dictionary and vocabulary for the bot (flask kb build)"
  ensure_dev_secret
  .venv/bin/flask --app app kb build
  step "bot tests (action tests with pytest; conversation tests after training)"
  bash bot/scripts/test.sh
fi

step "fault tests (pytest -m slow: kill -9 and restarts of real processes, own redis-server per test)"
.venv/bin/python -m pytest -q -m slow tests/faults
