#!/usr/bin/env bash
# Bot tests: action tests (pytest, HTTP mocked), then the conversation tests against the trained
# model (trains first when there is no model). Usage: bash bot/scripts/test.sh [--no-stories]
set -euo pipefail
BOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$BOT_DIR"
export RASA_TELEMETRY_ENABLED=false
# endpoints.yml names ${ACTIONS_TOKEN}; Rasa refuses to read it when the variable is unset
export ACTIONS_TOKEN="${ACTIONS_TOKEN:-bot-tests-only}"

printf '\n\033[1m==> bot: action tests (pytest)\033[0m\n'
.venv/bin/python -m pytest -q tests

if [ "${1:-}" = "--no-stories" ]; then exit 0; fi
if [ ! -f models/bot.tar.gz ]; then bash scripts/train.sh; fi
printf '\n\033[1m==> bot: conversation tests (tests/test_stories.yml)\033[0m\n'
.venv/bin/rasa test core --stories tests/test_stories.yml -m models/bot.tar.gz --e2e \
  --fail-on-prediction-errors --out "${BOT_TEST_RESULTS:-/tmp/bot_test_results}"
