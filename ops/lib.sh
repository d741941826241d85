# Shared helpers for the ops/ scripts. Source it; do not run it.
set -euo pipefail

SUNDIAL_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SUNDIAL_PG_PORT="${SUNDIAL_PG_PORT:-5439}"
SUNDIAL_PG_DB="${SUNDIAL_PG_DB:-sundial}"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 1; }

# The folder for local service data (Postgres cluster, sshd keys, logs): inside the checkout,
# ignored by git, unless the postgres OS user cannot reach it.
sundial_data_dir() {
    local dir="$SUNDIAL_ROOT/.data"
    mkdir -p "$dir"
    if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$dir" 2>/dev/null; then
        local fallback="/var/tmp/sundial-$(printf '%s' "$SUNDIAL_ROOT" | md5sum | cut -c1-8)"
        mkdir -p "$fallback"
        chmod 755 "$fallback"
        if [ ! -e "$dir/.fallback-noted" ]; then
            say "the postgres user cannot reach $dir; using $fallback instead"
            touch "$dir/.fallback-noted"
        fi
        dir="$fallback"
    fi
    printf '%s' "$dir"
}

pg_bin_dir() {
    local dir
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$dir" ] || die "PostgreSQL server binaries not found; run ops/setup"
    printf '%s' "$dir"
}

# Runs a command as the postgres OS user when we are root (PostgreSQL refuses to run as root).
as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

sundial_database_url() {
    printf 'postgres://postgres@127.0.0.1:%s/%s' "$SUNDIAL_PG_PORT" "$SUNDIAL_PG_DB"
}
