#!/usr/bin/env bash
# The two commands of the README:
#   ./manage.sh demo   set up and run the product with demo data (SQLite, local files, in-process worker)
#   ./manage.sh test   install everything the tests need and run the whole suite
# Both install what they need themselves, so they work on a fresh machine.
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"

python_env() {
    [ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
}

catalogues() {
    # The message catalogues are compiled once here, at install, not by the app when it starts.
    .venv/bin/pybabel -q compile -d translations
}

node_env() {
    # bpmn-js (viewer and modeler) is pinned in package-lock.json and served by the app itself.
    if [ -f package-lock.json ]; then
        npm ci --no-audit --no-fund --loglevel=error
    fi
}

chromium_env() {
    # Browser tests drive Debian's Chromium; a test tool's own browser download is not used.
    if [ ! -x /usr/bin/chromium ]; then
        $SUDO apt-get update -qq
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    fi
}

slapd_env() {
    # The directory sign-in tests start their own OpenLDAP server (Debian's slapd) on a free port.
    # Installing it must not configure or start a system-wide directory: the tests use their own.
    if [ ! -x /usr/sbin/slapd ] || [ ! -x /usr/sbin/slapadd ]; then
        $SUDO apt-get update -qq
        $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slapd ldap-utils >/dev/null
    fi
}

secret_key() {
    mkdir -p var
    [ -s var/secret_key ] || .venv/bin/python -c "import secrets; print(secrets.token_hex(32))" > var/secret_key
    cat var/secret_key
}

case "${1:-}" in
    demo)
        python_env
        catalogues
        node_env
        export DATABASE_URL=${DATABASE_URL:-sqlite:///var/biliktilik.sqlite3}
        .venv/bin/biliktilik setup
        export SECRET_KEY=${SECRET_KEY:-$(secret_key)}
        export DEMO=1
        host=${HOST:-127.0.0.1}
        port=${PORT:-5000}
        # Links in emails point at the address the demo really serves.
        export APP_BASE_URL=${APP_BASE_URL:-http://$host:$port}
        echo "Biliktilik: http://$host:$port  (demo logins are listed on the sign-in page; password: demo)"
        exec .venv/bin/flask --app app run --host "$host" --port "$port"
        ;;
    test)
        shift
        python_env
        catalogues
        node_env
        chromium_env
        slapd_env
        .venv/bin/ruff check .
        .venv/bin/ruff format --check .
        .venv/bin/mypy
        exec .venv/bin/pytest "$@"
        ;;
    *)
        echo "usage: ./manage.sh demo | test [pytest args]" >&2
        exit 2
        ;;
esac
