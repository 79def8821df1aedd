#!/usr/bin/env bash
# The test command (README and CI): API tests with real Redis, then the bot's tests.
source "$(dirname "$0")/common.sh"

ensure_redis
ensure_api_env

step "lint (ruff)"
.venv/bin/ruff check .

step "API tests (pytest, real Redis db 15, in-memory Mongo)"
.venv/bin/python -m pytest -q "$@"

if [ "${SKIP_BOT_TESTS:-0}" != 1 ]; then
  ensure_bot_env
  step "jieba user dictionary for the bot (flask kb build)"
  KB_WARM=0 .venv/bin/flask --app app kb build
  step "bot tests (action tests with pytest; conversation tests after training)"
  bash bot/scripts/test.sh
fi
