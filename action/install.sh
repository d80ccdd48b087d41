#!/usr/bin/env bash
# Install openlint from the action's own checkout into a virtual environment of its own.
set -euo pipefail
venv="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/openlint-venv"
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "$GITHUB_ACTION_PATH"
echo "$venv/bin" >> "$GITHUB_PATH"
