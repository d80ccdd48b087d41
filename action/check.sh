#!/usr/bin/env bash
# Run openlint for the action: annotations on stdout, SARIF and JSON to files, markdown to the job summary,
# grade and score to the step outputs. Inputs arrive as environment variables, never spliced into the script.
set -uo pipefail
openlint_bin="${OPENLINT_BIN:-openlint}"
work="${RUNNER_TEMP:-${TMPDIR:-/tmp}}"
report_json="$work/openlint-report.json"
report_md="$work/openlint-summary.md"
sarif="${OPENLINT_SARIF:-openlint.sarif}"

args=(check "${OPENLINT_TARGET:-.}" --format github -o "sarif:$sarif" -o "json:$report_json" -o "markdown:$report_md")
args+=(--fail-on "${OPENLINT_FAIL_ON:-error}")
[ -n "${OPENLINT_REVISION:-}" ] && args+=(--revision "$OPENLINT_REVISION")
[ -n "${OPENLINT_MIN_GRADE:-}" ] && args+=(--min-grade "$OPENLINT_MIN_GRADE")
if [ -n "${OPENLINT_ARGS:-}" ]; then
  read -r -a extra <<< "$OPENLINT_ARGS"
  args+=("${extra[@]}")
fi

"$openlint_bin" "${args[@]}"
status=$?
if [ "$status" -ge 2 ]; then
  echo "::error title=openlint::openlint could not check ${OPENLINT_TARGET:-.} (exit $status)"
  exit "$status"
fi

grade=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["grade"]["grade"])' "$report_json")
score=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["grade"]["score"])' "$report_json")
{
  echo "grade=$grade"
  echo "score=$score"
  echo "sarif-file=$sarif"
} >> "${GITHUB_OUTPUT:-/dev/null}"
if [ "${OPENLINT_SUMMARY:-true}" = "true" ] && [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  cat "$report_md" >> "$GITHUB_STEP_SUMMARY"
fi
exit "$status"
