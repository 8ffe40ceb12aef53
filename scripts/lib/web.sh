# Shared by scripts/run, scripts/test and scripts/bench: builds the web map (maps/) with the npm packages
# pinned in maps/package-lock.json. Sourced, not run; needs provision.sh's log/die.
#
# Why the run command builds the page rather than the repository carrying it: the bundle is ~1.7 MB of
# minified MapLibre and qala code that would drift from its sources; built from the lockfile it is the same
# every time, takes seconds, and needs only Node.js and the npm registry (both on this project's machines).

MAPS_DIR=${MAPS_DIR:-maps}

# node_version_ok: Node.js >= 20.19 (Vite 8's floor) and npm are on the PATH.
node_version_ok() {
  command -v node >/dev/null && command -v npm >/dev/null || return 1
  node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)'
}

# web_packages: npm ci when maps/node_modules is missing or older than the lockfile.
web_packages() {
  local stamp="$MAPS_DIR/node_modules/.package-lock.json"
  if [ ! -f "$stamp" ] || [ "$MAPS_DIR/package-lock.json" -nt "$stamp" ]; then
    log "npm ci (maps/, from package-lock.json)"
    (cd "$MAPS_DIR" && npm ci --no-audit --no-fund --loglevel=error) || return 1
  fi
}

# web_build: vite build into maps/dist when any source is newer than the last build.
web_build() {
  local built="$MAPS_DIR/dist/index.html"
  if [ ! -f "$built" ] || [ -n "$(find "$MAPS_DIR/src" "$MAPS_DIR/sw" "$MAPS_DIR/glyphs" "$MAPS_DIR/index.html" "$MAPS_DIR/vite.config.js" \
      "$MAPS_DIR/package-lock.json" -newer "$built" -print -quit)" ]; then
    log "building the web map (vite build into maps/dist)"
    (cd "$MAPS_DIR" && npm run --silent build -- --logLevel warn) || return 1
  fi
}

# ensure_web_map: packages and build, failing loudly.
ensure_web_map() {
  node_version_ok || die "Node.js >= 20.19 with npm is needed to build the web map (maps/)"
  web_packages || die "npm ci failed in maps/"
  web_build || die "building the web map failed"
}
