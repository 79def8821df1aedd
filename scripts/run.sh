#!/usr/bin/env bash
# One command: set up both environments, build the knowledge base, train the bot if there is
# no model, then run API + Rasa + action server + notification worker (Procfile, via honcho).
source "$(dirname "$0")/common.sh"

ensure_redis
ensure_api_env
ensure_bot_env

export DEV_LOGIN="${DEV_LOGIN:-1}"                 # demo: development login on (logged as a warning)
export BOOTSTRAP_ADMIN="${BOOTSTRAP_ADMIN:-admin:admin-pass-123}"

step "knowledge base: validating guides and writing the jieba user dictionary (bot/jieba_dict/userdict.txt)"
KB_WARM=0 .venv/bin/flask --app app guides validate
KB_WARM=0 .venv/bin/flask --app app kb build

if [ -z "$(ls -A bot/models 2>/dev/null)" ] || [ "${RETRAIN:-0}" = 1 ]; then
  step "training the Rasa model (bot/scripts/train.sh)"
  bash bot/scripts/train.sh
fi

step "starting API :5000, Rasa :5005, actions :5055, notification worker (Ctrl-C stops all)"
echo "   demo data lives IN MEMORY (mongomock) unless MONGO_URI points at a MongoDB server"
exec .venv/bin/honcho start -f Procfile
