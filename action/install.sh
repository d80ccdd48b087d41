#!/usr/bin/env bash
# Install openlint for the Action into a virtual environment of its own, with every dependency pinned by
# action/constraints.txt (pip's download cache is kept by actions/setup-python, keyed on that file).
# Without a `version` input, openlint is installed from the Action's own checkout: the ref pinned in `uses:`.
set -euo pipefail
python="${OPENLINT_PYTHON:-python3}"
venv="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/openlint-venv"
constraints="$GITHUB_ACTION_PATH/action/constraints.txt"
version="${OPENLINT_VERSION:-}"
version="${version#v}"  # v0.2.0, as the tags will be named, is 0.2.0 on PyPI
if ! "$python" -I -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 13))'; then
  echo "::error title=openlint::openlint needs Python 3.10 to 3.13; python-version gave $("$python" -I -c 'import platform; print(platform.python_version())' 2>/dev/null || echo 'an unknown one')"
  exit 2
fi
if [ -n "$version" ]; then
  OPENLINT_VERSION="$version"
  if ! [[ "$OPENLINT_VERSION" =~ ^[0-9]+(\.[0-9]+)*((a|b|rc|\.post|\.dev)[0-9]+)*$ ]]; then
    echo "::error title=openlint::version must be a released openlint version such as 0.2.0 (or v0.2.0), not '${OPENLINT_VERSION//[^A-Za-z0-9._-]/?}'"
    exit 2
  fi
  spec="openlint==$OPENLINT_VERSION"
  echo "Installing openlint $OPENLINT_VERSION from PyPI"
else
  spec="$GITHUB_ACTION_PATH"
  echo "Installing openlint from the Action's checkout${OPENLINT_ACTION_REF:+ at $OPENLINT_ACTION_REF}"
fi
"$python" -I -m venv "$venv"
# a venv keeps its programs in bin/, except on Windows runners: Scripts/
bin="$venv/bin"
[ -d "$venv/Scripts" ] && [ ! -d "$bin" ] && bin="$venv/Scripts"
"$bin/python" -I -m pip install --quiet --disable-pip-version-check --constraint "$constraints" "$spec"
"$bin/openlint" --version
echo "$bin" >> "$GITHUB_PATH"
