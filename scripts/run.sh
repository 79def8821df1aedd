#!/usr/bin/env bash
# One command: set up both environments, build the knowledge base, train the bot if its model is
# missing or older than its sources, then run API + Rasa + action server + notification worker + live server
# (the Procfile's processes, supervised by supervisord: one that ends is restarted, the others keep running).
source "$(dirname "$0")/common.sh"
source "$(dirname "$0")/vendor.sh"

ensure_redis
ensure_api_env
ensure_bot_env
ensure_vendor    # the staff consoles' htmx and ECharts (pinned, from the npm registry; no CDN at run time)

# The demo conveniences only without production settings (the API refuses them next to MONGO_URI or WeChat ones).
if [ -z "${MONGO_URI:-}${WECHAT_APP_ID:-}${WECHAT_APP_SECRET:-}${WECHAT_MP_TOKEN:-}${WECHAT_MP_AES_KEY:-}${WECHAT_MP_APP_ID:-}${WECHAT_MP_APP_SECRET:-}" ]; then
  export DEV_LOGIN="${DEV_LOGIN:-1}"                 # demo: development login on (logged as a warning)
  export BOOTSTRAP_ADMIN="${BOOTSTRAP_ADMIN:-admin:admin-pass-123}"
fi
# The API refuses a missing or default SECRET_KEY: development gets a generated one (common.sh).
# Rasa, the action server and the bot's calls to the API each check a shared token (a new one every run).
ensure_dev_secret
for name in RASA_TOKEN ACTIONS_TOKEN BOT_API_TOKEN; do
  [ -n "${!name:-}" ] || export "$name=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')"
done

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

step "starting API :5000, Rasa :5005, actions :5055, notification worker, live updates :5001 (Ctrl-C stops all)"
echo "   demo data lives IN MEMORY (mongomock) unless MONGO_URI points at a MongoDB server"
echo "   each process is restarted on its own if it ends; status: .venv/bin/supervisorctl -c var/run/supervisord.conf status"
.venv/bin/python scripts/procfile_supervisord.py --procfile Procfile --run-dir var/run >/dev/null
exec .venv/bin/supervisord -c var/run/supervisord.conf
