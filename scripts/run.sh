#!/usr/bin/env bash
# One command: set up both environments, build the knowledge base, train the bot if its model is
# missing or older than its sources, then run API + Rasa + action server + notification worker (Procfile, via honcho).
source "$(dirname "$0")/common.sh"

ensure_redis
ensure_api_env
ensure_bot_env

export DEV_LOGIN="${DEV_LOGIN:-1}"                 # demo: development login on (logged as a warning)
export BOOTSTRAP_ADMIN="${BOOTSTRAP_ADMIN:-admin:admin-pass-123}"

step "knowledge base: validating guides and writing the jieba user dictionary (bot/jieba_dict/userdict.txt)"
.venv/bin/flask --app app guides validate
.venv/bin/flask --app app kb build

# Train when there is no model, when asked (RETRAIN=1), or when what the model is built from
# changed since: the bot's config, domain, NLU/rules/stories, custom components, or the guides.
model=bot/models/bot.tar.gz
if [ ! -f "$model" ] || [ "${RETRAIN:-0}" = 1 ] || [ -n "$(find bot/config.yml bot/domain.yml bot/data bot/addons \
     guides -newer "$model" -type f ! -name items_generated.yml ! -name '*.pyc' -print -quit 2>/dev/null)" ]; then
  step "training the Rasa model (bot/scripts/train.sh)"
  bash bot/scripts/train.sh
fi

step "starting API :5000, Rasa :5005, actions :5055, notification worker (Ctrl-C stops all)"
echo "   demo data lives IN MEMORY (mongomock) unless MONGO_URI points at a MongoDB server"
exec .venv/bin/honcho start -f Procfile
