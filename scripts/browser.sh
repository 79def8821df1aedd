# Debian's Chromium and a CJK font for the browser tests and screenshots (Playwright drives
# /usr/bin/chromium through executable_path: Playwright's own browser download needs the internet).
# Sourced by scripts/test.sh and scripts/run.sh after scripts/common.sh; also usable on its own:
#   source scripts/browser.sh && ensure_browser

ensure_browser() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  # Without a CJK font every Chinese character renders as a box in the screenshots.
  [ -d /usr/share/fonts/opentype/noto ] && ls /usr/share/fonts/opentype/noto/NotoSansCJK* >/dev/null 2>&1 \
    || missing+=(fonts-noto-cjk)
  if [ ${#missing[@]} -eq 0 ]; then
    echo "browser: /usr/bin/chromium and fonts-noto-cjk present"
    return 0
  fi
  if [ "$(id -u)" != 0 ] && ! command -v sudo >/dev/null 2>&1; then
    echo "browser: missing ${missing[*]} and not root: install them with apt-get (browser tests will be skipped)" >&2
    return 0
  fi
  local apt=(apt-get)
  [ "$(id -u)" = 0 ] || apt=(sudo apt-get)
  printf '\n\033[1m==> browser: apt-get install %s (a few minutes the first time)\033[0m\n' "${missing[*]}"
  echo "   apt-get update ..."
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" update -qq
  echo "   apt-get install ${missing[*]} ..."
  DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq --no-install-recommends "${missing[@]}" \
    | grep -E '^(Setting up|Unpacking) (chromium|fonts-noto)' || true
  if [ -x /usr/bin/chromium ]; then
    echo "   $(/usr/bin/chromium --version 2>/dev/null)"
  else
    echo "browser: /usr/bin/chromium still missing after apt-get (browser tests will be skipped)" >&2
  fi
}
