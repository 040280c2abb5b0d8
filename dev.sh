#!/usr/bin/env bash
# The two set-up commands of the README.
#   ./dev.sh demo [--port N]   install into .venv, load the demo and serve it on 127.0.0.1:8000
#   ./dev.sh test [PYTEST ARGS] run the whole test suite (lint, unit, SQLite/PostgreSQL, browser)
set -euo pipefail
cd "$(dirname "$0")"

PYTHON=${PYTHON:-python3}

ensure_venv() {
  if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "需要 Python 3.11 或更高版本（当前：$("$PYTHON" --version 2>&1)）。" >&2
    echo "Python 3.11 or newer is needed; set PYTHON=/path/to/python3.11." >&2
    exit 1
  fi
  if [ ! -x .venv/bin/python ]; then
    echo "创建虚拟环境 .venv …"
    "$PYTHON" -m venv .venv
  fi
  # Reinstall only when the dependencies changed.
  local stamp
  stamp=".venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)"
  if [ ! -f "$stamp" ]; then
    echo "安装依赖 …"
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e ".[test]"
    rm -f .venv/.installed-*
    touch "$stamp"
  fi
}

command=${1:-}
[ $# -gt 0 ] && shift
case "$command" in
  demo)
    ensure_venv
    exec .venv/bin/qualitymonth demo "$@"
    ;;
  test)
    ensure_venv
    if ! command -v chromium >/dev/null 2>&1; then
      echo "提示：未安装 Chromium，浏览器测试将被跳过（apt-get install chromium fonts-noto-cjk）。" >&2
    fi
    .venv/bin/ruff check .
    .venv/bin/ruff format --check .
    exec .venv/bin/python -m pytest "$@"
    ;;
  *)
    echo "用法 / usage: ./dev.sh demo [--port N] | ./dev.sh test [pytest 参数]" >&2
    exit 2
    ;;
esac
