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

python="$(dirname "$(command -v openlint)")/python"

write_failure_log() {  # the SARIF log of a run that could not check, through openlint's writer (never over a release file)
  "$python" -I -c 'import sys; from pathlib import Path; from openlint.cli.commands import write_failure; write_failure(sys.argv[3], (("sarif", Path(sys.argv[1])),), sys.argv[2])' "$sarif" "$1" "$target" 2>/dev/null
}

boolean() {  # a true/false input, either case; anything else is a mistake to say, not to read as false
  case "$(printf '%s' "$2" | tr '[:upper:]' '[:lower:]')" in  # (not ${2,,}: macOS's /bin/bash 3.2 lacks it)
    true) echo true ;;
    false | "") echo false ;;
    *) echo "input $1 must be true or false, not '$2'"; return 1 ;;
  esac
}
for pair in "summary:${OPENLINT_SUMMARY:-true}" "fail-on-decrease:${OPENLINT_FAIL_ON_DECREASE:-false}"; do
  if ! said="$(boolean "${pair%%:*}" "${pair#*:}")"; then
    # a mistaken input still leaves a SARIF log and empty outputs, as a check that could not run does
    echo "::error title=openlint::$(escape "$said")"
    mkdir -p "$(dirname "$sarif")"
    marker="$work/started"
    : > "$marker"
    sleep 1  # as below: a log written from here on is newer than the marker
    write_failure_log "$said"
    written=""
    [ "$sarif" -nt "$marker" ] && written="$sarif"
    printf 'grade=\nscore=\nfindings=\nsarif-file=%s\ncompared-to=\nopenness-decreased=\n' "$written" >> "${GITHUB_OUTPUT:-/dev/null}"
    exit 2
  fi
done
summary_wanted="$(boolean summary "${OPENLINT_SUMMARY:-true}")"
fail_on_decrease="$(boolean fail-on-decrease "${OPENLINT_FAIL_ON_DECREASE:-false}")"

args=(check "$target" --format "$format" -o "sarif:$sarif" -o "json:$report_json" -o "markdown:$report_md")
# fail-on: the input when given, else the configuration's, else openlint's default (error)
[ -n "${OPENLINT_FAIL_ON:-}" ] && args+=(--fail-on "$OPENLINT_FAIL_ON")
[ -n "${OPENLINT_REVISION:-}" ] && args+=(--revision "$OPENLINT_REVISION")
[ -n "${OPENLINT_HUB_ID:-}" ] && args+=(--hub-id "$OPENLINT_HUB_ID")
[ -n "${OPENLINT_MIN_GRADE:-}" ] && args+=(--min-grade "$OPENLINT_MIN_GRADE")
[ -n "${OPENLINT_CONFIG:-}" ] && args+=(--config "$OPENLINT_CONFIG")
extra=()
if [ -n "${OPENLINT_ARGS:-}" ]; then
  # split on white space, newlines included: an `args: |` block gives one option per line (no shell evaluation)
  read -r -d '' -a extra <<< "$OPENLINT_ARGS" || true
  args+=("${extra[@]}")
fi

mkdir -p "$(dirname "$sarif")"
# the user's SARIF path is never removed first (it may name a file of the release, which openlint refuses to write
# over): a marker tells a log written by this run from an older one
rm -f "$report_json" "$report_md"
started="$work/started"
: > "$started"
sleep 1  # file times may have one-second resolution: anything written from here on is newer than the marker
openlint "${args[@]}" 2> "$errors"
status=$?
cat "$errors" >&2
summary="${GITHUB_STEP_SUMMARY:-/dev/null}"
[ "$summary_wanted" = "true" ] || summary=/dev/null

if [ "$status" -ge 2 ] || [ ! -s "$report_json" ]; then
  message="$(grep -v '^\s*$' "$errors" | tail -n 1)"
  message="${message:-openlint exited with status $status}"
  # an option openlint refused is one of this Action's inputs (or of `args`): say which, in the Action's own terms
  for input in format fail-on min-grade revision hub-id config; do
    case "$message" in *"'--$input'"*) message="$message (the Action's input \`$input\`)"; break ;; esac
  done
  if [ ! "$sarif" -nt "$started" ]; then  # openlint wrote no log this run (it could not start): one is written here,
    # through openlint's own writer, which never writes over a file of the release
    write_failure_log "$message"
  fi
  written="$sarif"
  [ "$sarif" -nt "$started" ] || written=""
  echo "::error title=openlint::$(escape "openlint could not check $target: $message")"
  # the message may quote the release (a key of its configuration): inert markdown, never a link or an image
  inert="$("$python" -I -c 'import sys; from openlint.formats.markdown import code, text; print(code(sys.argv[1]), text(sys.argv[2]), sep="\n")' "$target" "$message" 2>/dev/null)" \
    || inert=$'the target\nopenlint could not be run (see the step log)'
  {
    echo "## openlint could not check ${inert%%$'\n'*}"
    echo
    echo "> ${inert#*$'\n'}"
  } >> "$summary"
  {
    echo "grade="
    echo "score="
    echo "findings="
    echo "sarif-file=$written"
    echo "compared-to="
    echo "openness-decreased="
  } >> "${GITHUB_OUTPUT:-/dev/null}"
  exit 2
fi

"$python" -I - "$report_json" >> "${GITHUB_OUTPUT:-/dev/null}" <<'PY'
import json, sys
report = json.load(open(sys.argv[1], encoding="utf-8"))
counts = report["summary"]
# an incomplete check (--partial) has no grade: never an F it did not earn
complete = report.get("complete", True)
print(f"grade={report['grade']['grade'] if complete else ''}")
print(f"score={format(report['grade']['score'], 'g') if complete else ''}")
print(f"findings={counts['error'] + counts['warning'] + counts['info']}")
PY
echo "sarif-file=$sarif" >> "${GITHUB_OUTPUT:-/dev/null}"
cat "$report_md" >> "$summary"
if [ "$format" != "github" ] && reason="$(grep -m 1 -E 'below the minimum|meets the minimum [A-F] .* only if' "$errors")"; then
  echo "::error title=openlint min-grade::$(escape "${reason#openlint: }")"  # the github format writes it itself
fi

source "$(dirname "${BASH_SOURCE[0]}")/compare.sh"  # compare-to: the diff with an earlier release, in the summary
[ "$compare_status" -eq 2 ] && exit 2
if [ "$compare_status" -eq 1 ] && [ "$fail_on_decrease" = "true" ]; then
  echo "::error title=openlint fail-on-decrease::$(escape "openness went down since $compared, and fail-on-decrease is true")"
  { echo; echo "> **Failed:** openness went down since the compared release, and \`fail-on-decrease\` is true (the diff above)."; } >> "$summary"
  status=1
fi
exit "$status"
