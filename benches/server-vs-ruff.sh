#!/bin/sh
# Paired bench: `pyguide serve` vs `ruff server` (benches/server_vs_ruff.rs).
# Makes a venv with a pinned ruff from PyPI and fetches Django's wheel
# (pip download, unzipped), once, into $PYGUIDE_BENCH_DIR (default
# $TMPDIR/pyguide-server-vs-ruff), then runs the release bench.
# Arguments go to the bench (`--quick`: a quarter of the samples; `--only
# first,edits,memory,beside,big`: only those parts).
set -eu
RUFF_VERSION=0.17.5
DJANGO_VERSION=5.2.8
WORK=${PYGUIDE_BENCH_DIR:-${TMPDIR:-/tmp}/pyguide-server-vs-ruff}
mkdir -p "$WORK"
if ! "$WORK/venv/bin/ruff" --version 2>/dev/null | grep -qx "ruff $RUFF_VERSION"; then
    python3 -m venv "$WORK/venv"
    "$WORK/venv/bin/pip" install --quiet "ruff==$RUFF_VERSION"
fi
SRC="$WORK/django-$DJANGO_VERSION"
if [ ! -f "$SRC/django/db/models/query.py" ]; then
    pip download --quiet --no-deps --only-binary=:all: "django==$DJANGO_VERSION" -d "$WORK/dl"
    unzip -q -o "$WORK/dl/django-$DJANGO_VERSION-py3-none-any.whl" -d "$SRC"
fi
cd "$(dirname "$0")/.."
PYGUIDE_BENCH_RUFF="$WORK/venv/bin/ruff" PYGUIDE_BENCH_DJANGO_SRC="$SRC" \
    exec cargo bench --bench server_vs_ruff -- "$@"
