#!/usr/bin/env bash
# The real-code benchmark: how often pyguide's warnings are right on code
# nobody here wrote. Builds the release binary, fetches the eight real code
# bases of ../shared/realcode (pinned wheels from PyPI, ~60 MB, kept in
# target/realcode), and scores `pyguide check` against the verdicts read by
# hand (labels.json): precision, fixes that compile or were judged bad,
# unlabelled warnings to read, and the known-missed N+1 loops now found.
#
#   benches/realcode.sh            # score the release build
#   PYGUIDE_BIN=path benches/realcode.sh
#   REALCODE=/path/to/shared/realcode benches/realcode.sh
#
# Needs the network for the first fetch (PyPI), so it is not part of
# `cargo test`. The scorer's JSON lands in target/realcode/score.json.
set -euo pipefail
cd "$(dirname "$0")/.."
realcode=${REALCODE:-../shared/realcode}
if [[ ! -f "$realcode/score.py" ]]; then
  echo "error: $realcode/score.py not found (set REALCODE to the shared realcode folder)" >&2
  exit 2
fi
if [[ -z "${PYGUIDE_BIN:-}" ]]; then
  cargo build --release --locked --quiet
  PYGUIDE_BIN=target/release/pyguide
fi
corpora=target/realcode
mkdir -p "$corpora"
bash "$realcode/fetch.sh" "$corpora" >&2
python3 "$realcode/score.py" "$PYGUIDE_BIN" "$corpora" --json "$corpora/score.json"
