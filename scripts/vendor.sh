# Front-end libraries for the staff consoles, vendored from the npm registry at pinned versions into
# miniapp_api/web/static/vendor/ (git-ignored). Nothing is loaded from a CDN at run time: a hall's
# intranet has no internet. Sourced by scripts/test.sh and scripts/run.sh; on its own:
#   source scripts/vendor.sh && ensure_vendor

# package@version  file inside the package  name under static/vendor/
VENDOR_FILES=(
  "htmx.org@2.0.11 package/dist/htmx.min.js htmx.min.js"
  "echarts@6.1.0 package/dist/echarts.min.js echarts.min.js"
)

ensure_vendor() {
  local root dest stamp want
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  dest="$root/miniapp_api/web/static/vendor"
  stamp="$dest/VERSIONS"
  want="$(printf '%s\n' "${VENDOR_FILES[@]}")"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
    local ok=1 entry
    for entry in "${VENDOR_FILES[@]}"; do
      set -- $entry
      [ -s "$dest/$3" ] || ok=0
    done
    if [ "$ok" = 1 ]; then
      echo "vendor: $(tr '\n' ' ' <"$stamp" | sed -E 's/ package\/[^ ]+ [^ ]+//g')present in miniapp_api/web/static/vendor"
      return 0
    fi
  fi
  if ! command -v npm >/dev/null 2>&1; then
    echo "vendor: npm not found: install Node.js/npm (apt-get install npm); the consoles work without scripts meanwhile" >&2
    return 1
  fi
  printf '\n\033[1m==> vendor: front-end libraries from the npm registry into miniapp_api/web/static/vendor\033[0m\n'
  local tmp entry pkg file name tarball
  tmp="$(mktemp -d)"
  mkdir -p "$dest"
  for entry in "${VENDOR_FILES[@]}"; do
    set -- $entry
    pkg="$1" file="$2" name="$3"
    echo "   npm pack $pkg ..."
    tarball="$(cd "$tmp" && npm pack --silent "$pkg" 2>/dev/null | tail -n 1)"
    if [ -z "$tarball" ] || [ ! -f "$tmp/$tarball" ]; then
      echo "vendor: npm pack $pkg failed" >&2
      rm -rf "$tmp"
      return 1
    fi
    tar -xzf "$tmp/$tarball" -C "$tmp" "$file" package/LICENSE 2>/dev/null || tar -xzf "$tmp/$tarball" -C "$tmp" "$file"
    cp "$tmp/$file" "$dest/$name"
    # Keep each library's licence beside it (both are permissive licences that ask for it).
    [ -f "$tmp/package/LICENSE" ] && cp "$tmp/package/LICENSE" "$dest/${name%%.*}.LICENSE"
    rm -rf "$tmp/package"
    echo "   $name <- $pkg ($(wc -c <"$dest/$name") bytes)"
  done
  rm -rf "$tmp"
  printf '%s\n' "${VENDOR_FILES[@]}" >"$stamp"
}
