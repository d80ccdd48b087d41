#!/usr/bin/env bash
# Run openlint for the Action. The step log gets the chosen format (annotations by default); SARIF, JSON and
# markdown go to files; the markdown (component table, grade breakdown, findings with fixes, the reason for a
# --min-grade failure) to the job summary, then the diff with an earlier release (compare.sh); grade, score,
# findings, the SARIF path and the comparison to the step outputs.
# Inputs arrive as environment variables, never spliced into the script. The SARIF file is written on every run:
# openlint writes a log that records the error when it cannot check the target, and this script writes one
# itself if openlint never got as far as reading its options.
set -uo pipefail
work="${RUNNER_TEMP:-${TMPDIR:-/tmp}}/openlint"
mkdir -p "$work"
report_json="$work/report.json"
report_md="$work/summary.md"
errors="$work/stderr.txt"
sarif="${OPENLINT_SARIF:-openlint.sarif}"
format="${OPENLINT_FORMAT:-github}"
target="${OPENLINT_TARGET:-.}"

if [ -n "${HF_TOKEN:-}" ]; then
  echo "::add-mask::$HF_TOKEN"
else
  unset HF_TOKEN
fi

escape() {  # workflow-command data: %, CR and LF are escaped
  local text="${1//'%'/%25}"
  text="${text//$'\r'/%0D}"
  printf '%s' "${text//$'\n'/%0A}"
}

args=(check "$target" --format "$format" -o "sarif:$sarif" -o "json:$report_json" -o "markdown:$report_md")
args+=(--fail-on "${OPENLINT_FAIL_ON:-error}")
[ -n "${OPENLINT_REVISION:-}" ] && args+=(--revision "$OPENLINT_REVISION")
[ -n "${OPENLINT_MIN_GRADE:-}" ] && args+=(--min-grade "$OPENLINT_MIN_GRADE")
[ -n "${OPENLINT_CONFIG:-}" ] && args+=(--config "$OPENLINT_CONFIG")
if [ -n "${OPENLINT_ARGS:-}" ]; then
  # split on white space, newlines included: an `args: |` block gives one option per line (no shell evaluation)
  read -r -d '' -a extra <<< "$OPENLINT_ARGS" || true
  args+=("${extra[@]}")
fi

mkdir -p "$(dirname "$sarif")"
rm -f "$sarif" "$report_json" "$report_md"
openlint "${args[@]}" 2> "$errors"
status=$?
cat "$errors" >&2
python="$(dirname "$(command -v openlint)")/python"
summary="${GITHUB_STEP_SUMMARY:-/dev/null}"
[ "${OPENLINT_SUMMARY:-true}" = "true" ] || summary=/dev/null

if [ "$status" -ge 2 ] || [ ! -s "$report_json" ]; then
  message="$(grep -v '^\s*$' "$errors" | tail -n 1)"
  message="${message:-openlint exited with status $status}"
  if [ ! -s "$sarif" ]; then  # openlint stopped before reading its options (a usage error)
    "$python" -c 'import sys; from openlint.formats import sarif; open(sys.argv[1], "w", encoding="utf-8").write(sarif.failure(sys.argv[2]))' "$sarif" "$message"
  fi
  echo "::error title=openlint::$(escape "openlint could not check $target: $message")"
  {
    echo "## openlint could not check \`$target\`"
    echo
    echo "> $message"
  } >> "$summary"
  {
    echo "grade="
    echo "score="
    echo "findings="
    echo "sarif-file=$sarif"
    echo "compared-to="
    echo "openness-decreased="
  } >> "${GITHUB_OUTPUT:-/dev/null}"
  exit 2
fi

"$python" - "$report_json" >> "${GITHUB_OUTPUT:-/dev/null}" <<'PY'
import json, sys
report = json.load(open(sys.argv[1], encoding="utf-8"))
counts = report["summary"]
print(f"grade={report['grade']['grade']}")
print(f"score={report['grade']['score']:g}")
print(f"findings={counts['error'] + counts['warning'] + counts['info']}")
PY
echo "sarif-file=$sarif" >> "${GITHUB_OUTPUT:-/dev/null}"
cat "$report_md" >> "$summary"
if [ "$format" != "github" ] && reason="$(grep -m 1 'below the minimum' "$errors")"; then
  echo "::error title=openlint min-grade::$(escape "${reason#openlint: }")"  # the github format writes it itself
fi

source "$(dirname "${BASH_SOURCE[0]}")/compare.sh"  # compare-to: the diff with an earlier release, in the summary
[ "$compare_status" -eq 2 ] && exit 2
if [ "$compare_status" -eq 1 ] && [ "${OPENLINT_FAIL_ON_DECREASE:-false}" = "true" ] && [ "$status" -eq 0 ]; then
  status=1
fi
exit "$status"
