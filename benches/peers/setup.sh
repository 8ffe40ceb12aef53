#!/usr/bin/env bash
# Provisions the Python venv used by the shapely peer of the index benchmark (shapely_peer.py) and by the test
# suite (openapi-spec-validator, schemathesis): requirements.txt.
#
#   bash benches/peers/setup.sh            # prints the venv's python path on its LAST stdout line
#   QALA_BENCH_VENV=/somewhere bash benches/peers/setup.sh
#   PYTHON=python3.12 bash benches/peers/setup.sh
#
# - The venv lives at ${QALA_BENCH_VENV:-target/bench-venv}; a relative path is taken from the repository root
#   (not the caller's working directory), so the default is always <repo>/target/bench-venv, git-ignored.
# - It is (re)built only when missing, broken, or when requirements.txt or the base interpreter changed:
#   a SHA-256 of both is stored in <venv>/.qala-requirements.sha256, written only after a successful install
#   and import check. When nothing changed this script only runs the stamp comparison (well under a second).
# - Packages come from PyPI with pip, binary wheels only (shapely from source would need GEOS headers).
# - Progress goes to stderr; stdout carries only the python path. Any failure exits non-zero, loudly.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
req="$here/requirements.txt"
base_python="${PYTHON:-python3}"

venv="${QALA_BENCH_VENV:-target/bench-venv}"
case "$venv" in
  /*) ;;
  *) venv="$repo/$venv" ;;
esac
py="$venv/bin/python"
stamp="$venv/.qala-requirements.sha256"

log() { printf 'setup.sh: %s\n' "$*" >&2; }
die() { printf '\nsetup.sh: ERROR: %s\n\n' "$*" >&2; exit 1; }

[[ -f "$req" ]] || die "missing $req"
command -v "$base_python" >/dev/null 2>&1 || die "no '$base_python' on PATH (set PYTHON=/path/to/python3)"

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then sha256sum | cut -d' ' -f1
  else "$base_python" -c 'import hashlib,sys; print(hashlib.sha256(sys.stdin.buffer.read()).hexdigest())'
  fi
}

# What the venv must match: the requirements file and the exact base interpreter it was made from.
want="$({
  cat "$req"
  "$base_python" -c 'import sys; print(sys.version); print(sys.base_prefix)'
} | sha256)"

# Serialise concurrent runs (two bench drivers starting at once) when flock exists.
mkdir -p "$(dirname "$venv")"
if command -v flock >/dev/null 2>&1; then
  exec 9>"$venv.lock"
  flock 9
fi

if [[ -x "$py" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && "$py" -c 'import shapely, numpy, openapi_spec_validator, schemathesis' >/dev/null 2>&1; then
  log "venv up to date: $venv"
  printf '%s\n' "$py"
  exit 0
fi

if [[ -e "$venv" ]]; then
  log "venv at $venv is missing, stale or broken: rebuilding it"
  rm -rf -- "$venv"
fi

log "creating venv at $venv with $("$base_python" --version 2>&1)"
if ! "$base_python" -m venv "$venv" >&2; then
  rm -rf -- "$venv"
  log "WARNING: '$base_python -m venv' failed (on Debian the python3-venv package provides ensurepip)."
  log "WARNING: falling back to virtualenv, installed with 'pip install --user virtualenv'."
  "$base_python" -m pip install --user --disable-pip-version-check virtualenv >&2 \
    || die "'python3 -m venv' failed AND 'pip install --user virtualenv' failed: no venv for the shapely peer. Install python3-venv (apt-get install python3-venv) or virtualenv and rerun."
  "$base_python" -m virtualenv "$venv" >&2 \
    || die "'python3 -m venv' failed AND 'python3 -m virtualenv' failed: no venv for the shapely peer."
fi
[[ -x "$py" ]] || die "venv created but $py is missing"

log "installing $req"
"$py" -m pip install --disable-pip-version-check --no-input --only-binary=:all: -r "$req" >&2 \
  || die "pip install -r $req failed (PyPI unreachable, or no wheel for this platform/python?)"

"$py" - >&2 <<'EOF' || die "installed packages do not import"
import numpy, shapely, openapi_spec_validator, schemathesis
from importlib.metadata import version
print(f"setup.sh: numpy {numpy.__version__}, shapely {shapely.__version__} (GEOS {shapely.geos_version_string}), openapi-spec-validator, schemathesis {version('schemathesis')}")
EOF

printf '%s\n' "$want" > "$stamp"
log "venv ready: $venv"
printf '%s\n' "$py"
