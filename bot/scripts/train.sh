#!/usr/bin/env bash
# Train the bot: generate the item NLU data from the guides, then `rasa train` (with progress).
# Writes bot/models/bot.tar.gz. Usage: bash bot/scripts/train.sh   (API_URL optional)
set -euo pipefail
BOT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$BOT_DIR"
export RASA_TELEMETRY_ENABLED=false

if [ ! -f jieba_dict/userdict.txt ]; then
  echo "bot/jieba_dict/userdict.txt is missing: it is written by the API's knowledge base" >&2
  echo "  run: cd $(dirname "$BOT_DIR") && .venv/bin/flask --app app kb search 护照" >&2
  exit 1
fi

printf '\n\033[1m==> bot: generating data/nlu/items_generated.yml from the guides\033[0m\n'
.venv/bin/python scripts/generate_nlu.py

printf '\n\033[1m==> bot: rasa train (progress below)\033[0m\n'
started=$(date +%s)
.venv/bin/rasa train --fixed-model-name bot --out models "$@"
echo "bot: model models/bot.tar.gz trained in $(( $(date +%s) - started )) s"
