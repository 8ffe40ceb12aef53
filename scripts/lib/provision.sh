# Shared by scripts/run and scripts/test: install what qala needs from Debian's packages and make sure the
# local PostgreSQL is up. Sourced, not run. Fails loudly: nothing is skipped.

PGHOST_ADDR=${PGHOST_ADDR:-127.0.0.1}
PGPORT_NUM=${PGPORT_NUM:-5432}
PGUSER_NAME=${PGUSER_NAME:-postgres}
PG_SERVER_URL="postgres://${PGUSER_NAME}@${PGHOST_ADDR}:${PGPORT_NUM}"

# Each line carries the time since the script started, so a slow step shows in any log (CI's included).
log() { printf '==> [%d:%02d] %s\n' $((SECONDS / 60)) $((SECONDS % 60)) "$*" >&2; }
die() { printf '%s: FAILED: %s\n' "$(basename "$0")" "$*" >&2; exit 1; }

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# What building qala needs from Debian: the proj crate links Debian's PROJ (libproj-dev, found by pkg-config;
# its bindings are generated at build time by bindgen, which needs libclang). Building PROJ from source instead
# took 6 of the 10 minutes of a first release build on 2 cores (cargo build --timings). sqlx links Debian's
# SQLite (libsqlite3-dev, feature sqlite-unbundled) rather than compiling the bundled amalgamation (57 s of CPU).
BUILD_PACKAGES=(pkg-config libproj-dev libclang-dev libsqlite3-dev)

# ensure_packages PKG...: installs the Debian packages that are missing (apt-get update first).
ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} (apt-get)"
  as_root apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null \
    || die "cannot install ${missing[*]}"
}

# ensure_postgres: the local PostgreSQL answers on 127.0.0.1:5432 (started if it is down).
ensure_postgres() {
  command -v pg_isready >/dev/null || die "PostgreSQL client tools are missing (this machine kind ships PostgreSQL 15)"
  if ! pg_isready -q -h "$PGHOST_ADDR" -p "$PGPORT_NUM"; then
    log "starting PostgreSQL"
    local version
    version=$(ls /etc/postgresql 2>/dev/null | sort -V | tail -n 1)
    [ -n "$version" ] || die "no PostgreSQL cluster under /etc/postgresql"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start || die "cannot start PostgreSQL $version"
    for _ in $(seq 1 30); do pg_isready -q -h "$PGHOST_ADDR" -p "$PGPORT_NUM" && break; sleep 1; done
    pg_isready -q -h "$PGHOST_ADDR" -p "$PGPORT_NUM" || die "PostgreSQL did not come up on $PGHOST_ADDR:$PGPORT_NUM"
  fi
}

# psql_admin DB SQL: runs SQL as the admin user, stopping at the first error.
psql_admin() {
  psql -X -q -v ON_ERROR_STOP=1 "${PG_SERVER_URL}/$1" -c "$2"
}

# ensure_postgis: PostGIS for the running PostgreSQL's major version is installed.
ensure_postgis() {
  local major
  major=$(psql -X -At "${PG_SERVER_URL}/postgres" -c 'SHOW server_version_num' | cut -c1-2) \
    || die "cannot query the PostgreSQL server at ${PG_SERVER_URL}"
  ensure_packages "postgresql-${major}-postgis-3"
}

# free_gib DIR: whole GiB free on DIR's filesystem.
free_gib() { df -Pk "$1" | awk 'NR == 2 { print int($4 / 1048576) }'; }

# ensure_disk_space DIR GIB: at least GIB free where the build writes, or a clear failure now rather than a
# linker error twenty minutes later (a full disk once showed up only as "linking with `cc` failed").
ensure_disk_space() {
  local free
  free=$(free_gib "$1")
  log "disk: ${free} GiB free on $(df -P "$1" | awk 'NR == 2 { print $6 }')"
  [ "$free" -ge "$2" ] || die "only ${free} GiB free for the build under $1; it needs about $2 GiB (cargo clean elsewhere?)"
}
