# Shared by scripts/run.sh and scripts/test.sh: Redis, the two virtual environments.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

ensure_redis() {
  if redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    echo "Redis: running on 127.0.0.1:6379"
  else
    step "starting Redis (redis-server --daemonize yes)"
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no >/dev/null
    for _ in $(seq 50); do redis-cli ping >/dev/null 2>&1 && break; sleep 0.1; done
    redis-cli ping >/dev/null
  fi
}

ensure_api_env() {
  if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c "import flask_smorest, jieba, opencc" 2>/dev/null \
     || [ requirements.txt -nt .venv/.installed ]; then
    step "API environment: Python 3.11 venv in .venv (pip install -r requirements.txt)"
    python3.11 -m venv .venv 2>/dev/null || python3 -m venv .venv
    .venv/bin/pip install --progress-bar on -q --upgrade pip
    .venv/bin/pip install --progress-bar on -r requirements.txt
    touch .venv/.installed
  fi
}

# Rasa 3.6 needs Python 3.10. Find it without relying on pyenv being on PATH
# (CI shells may only have pyenv's shims, which refuse python3.10 when 3.11 is global).
python310() {
  local candidate
  for candidate in "${PYTHON310:-}" \
      "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.10*/bin/python3.10 \
      /usr/local/bin/python3.10 /usr/bin/python3.10; do
    if [ -n "$candidate" ] && [ -x "$candidate" ] && "$candidate" -c "import sys; assert sys.version_info[:2] == (3, 10)" 2>/dev/null; then
      "$candidate" "$@"
      return
    fi
  done
  if PYENV_VERSION=3.10.13 python3.10 -c "" 2>/dev/null; then
    PYENV_VERSION=3.10.13 python3.10 "$@"
    return
  fi
  echo "Python 3.10 not found: install it (pyenv install 3.10.13) or set PYTHON310=/path/to/python3.10" >&2
  return 127
}

ensure_bot_env() {
  if [ ! -x bot/.venv/bin/rasa ] || [ bot/requirements.txt -nt bot/.venv/.installed ]; then
    step "bot environment: Python 3.10 venv in bot/.venv (Rasa 3.6.21; the first install takes several minutes)"
    python310 -m venv bot/.venv
    bot/.venv/bin/pip install --progress-bar on -q --upgrade pip
    bot/.venv/bin/pip install --progress-bar on -r bot/requirements.txt
    touch bot/.venv/.installed
  fi
}

# The API refuses a missing or default SECRET_KEY. Development and the test command get a generated one,
# kept in var/ (not in git) so that hashes made before a restart still match.
ensure_dev_secret() {
  if [ -z "${SECRET_KEY:-}" ]; then
    mkdir -p var
    [ -s var/dev-secret-key ] || .venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(48))' > var/dev-secret-key
    SECRET_KEY="$(cat var/dev-secret-key)"
    export SECRET_KEY
  fi
}
