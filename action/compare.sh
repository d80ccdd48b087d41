#!/usr/bin/env bash
# The Action's `compare-to`: after the check, compare the release with an earlier one (`openlint diff`) and put the
# diff in the job summary. Sourced by check.sh once the check ran to completion; uses its variables (target,
# report_json, work, summary, python) and sets `compare_status`: 0 same or better, 1 openness went down, 2 the
# comparison was asked for explicitly and could not run. Nothing here can turn a failed check into a pass.
#
# OPENLINT_COMPARE_TO is one of
#   previous-tag  (default) the newest tag before HEAD in the workspace's git history: in an `on: release` run, the
#                 previous release. Skipped with a notice when there is none (no tags, a shallow checkout, a Hub target).
#   none or ""    no comparison.
#   a path        an earlier release folder or an openlint JSON report.
#   a git ref     a tag, branch or commit of the workspace's repository (local targets).
#   a revision    of the same Hub repository (Hub targets): org/name@REVISION is compared.

compare_status=0
compare_to="${OPENLINT_COMPARE_TO-previous-tag}"
compared=""

notice() { echo "::notice title=openlint compare-to::$(escape "$1")"; }

compare_fail() {  # an explicit compare-to that cannot be honoured is an error; the default one is only skipped, unless
  # fail-on-decrease asks for the gate: a gate that could not be decided is no pass
  if [ "$compare_to" = "previous-tag" ] && [ "${fail_on_decrease:-false}" != "true" ]; then
    notice "$1; no comparison"
  else
    echo "::error title=openlint compare-to::$(escape "$1")"
    compare_status=2
  fi
}

# git runs in the workspace's own repository, never one found from inside the target: the target holds the pull
# request's files, and a folder there laid out as a bare repository (HEAD, objects/, refs/, a config naming filters)
# would be the repository git found first, its filters run by `git archive`. safe.bareRepository=explicit refuses
# such a repository anywhere git looks.
git_in() { git -c safe.bareRepository=explicit -c core.quotepath=off -C "$1" "${@:2}"; }
workspace="${GITHUB_WORKSPACE:-$PWD}"

old_from_git() {  # export the target folder as it was at a commit into $work/previous and set `old` to it
  local ref="$1" top prefix sha root
  if ! top="$(git_in "$workspace" rev-parse --show-toplevel 2>/dev/null)"; then
    compare_fail "the workspace is not a git checkout, so \`$ref\` cannot be looked up"
    return 1
  fi
  # the target's place in that checkout, from the paths themselves (asking git from inside the target is what the
  # comment above rules out)
  if ! prefix="$("$python" -I -c 'import os, sys; p = os.path.relpath(os.path.realpath(sys.argv[1]), os.path.realpath(sys.argv[2])); sys.exit(1) if p == ".." or p.startswith("../") else print("" if p == "." else p + "/")' "$target" "$top")"; then
    compare_fail "$target is outside the workspace's git checkout, so \`$ref\` cannot be looked up"
    return 1
  fi
  if ! sha="$(git_in "$top" rev-parse --verify --quiet --end-of-options "$ref^{commit}")"; then
    compare_fail "\`$ref\` is not a commit in this checkout (actions/checkout needs fetch-depth: 0 for history and tags)"
    return 1
  fi
  root="$work/previous/$(basename "$top")"  # the folder keeps its name: openlint reads a release's name from it
  rm -rf "$work/previous" && mkdir -p "$root"
  if ! git_in "$top" archive --format=tar "$sha" | tar -x -C "$root"; then
    compare_fail "cannot export \`$ref\` from git"
    return 1
  fi
  if [ ! -d "$root/$prefix" ]; then
    compare_fail "\`$target\` does not exist at \`$ref\`"
    return 1
  fi
  old="$root/$prefix"
  compared="$ref (${sha:0:12})"
}

previous_tag() {  # the newest tag reachable from HEAD's parent: the release before the one being checked
  git_in "$workspace" rev-parse --verify --quiet HEAD^ > /dev/null 2>&1 || return 1
  git_in "$workspace" describe --tags --abbrev=0 HEAD^ 2>/dev/null
}

run_compare() {
  local local_target="" tag status
  old=""
  [ -d "$target" ] && local_target=1
  case "$compare_to" in
    ""|none) return 0 ;;
    previous-tag)
      if [ -z "$local_target" ]; then
        notice "previous-tag compares a release folder in a git checkout; give a revision to compare a Hub repository"
        return 0
      fi
      if ! git_in "$workspace" rev-parse --show-toplevel > /dev/null 2>&1; then
        compare_fail "the workspace is not a git checkout, so no earlier release can be found (actions/checkout with path: checks out elsewhere)"
        { echo; echo "**No comparison**: the workspace is not a git checkout."; } >> "$summary"
        return 0
      fi
      if ! tag="$(previous_tag)"; then
        if [ "$(git_in "$workspace" rev-parse --is-shallow-repository 2>/dev/null)" = "true" ]; then
          # actions/checkout is shallow by default: without history the gate cannot be decided, which is no pass
          compare_fail "the checkout is shallow, so no earlier release can be found: check out with fetch-depth: 0"
          { echo; echo "**No comparison**: the checkout is shallow (actions/checkout needs \`fetch-depth: 0\`)."; } >> "$summary"
          return 0
        fi
        notice "no tag before this commit: a first release, nothing to compare with"
        { echo; echo "No comparison: no tag before this commit (a first release)."; } >> "$summary"
        return 0
      fi
      old_from_git "$tag" || return 0
      ;;
    *)
      if [ -e "$compare_to" ]; then
        old="$compare_to"
        compared="$compare_to"
      elif [ -n "$local_target" ]; then
        old_from_git "$compare_to" || return 0
      else
        old="${target%%@*}@$compare_to"
        compared="$old"
      fi
      ;;
  esac
  # the earlier release under the configuration the check used: the one named, else its own (found as check finds one)
  local config=() word i
  [ -n "${OPENLINT_CONFIG:-}" ] && config=(--config "$OPENLINT_CONFIG")
  # ... and the same rule selection as the check (`args`): else findings the check ignores count as resolved
  for ((i = 0; i < ${#extra[@]}; i++)); do
    word="${extra[i]}"
    case "$word" in
      --select | --ignore | --rules) config+=("$word" "${extra[i + 1]:-}"); i=$((i + 1)) ;;
      --select=* | --ignore=* | --rules=*) config+=("$word") ;;
    esac
  done
  # the hub-id input names the earlier release's Hub repository too: its Git LFS pointers are read from there, as
  # the check read the new side's (git archive exports pointers)
  [ -n "${OPENLINT_HUB_ID:-}" ] && config+=(--hub-id "$OPENLINT_HUB_ID")
  # the earlier release is named as it was asked for (a tag and its commit), not by the folder it was exported to
  "$python" -I -m openlint diff "$old" "$report_json" --format markdown --old-name "$compared" ${config[@]+"${config[@]}"} \
    > "$work/diff.md" 2> "$work/diff-stderr.txt"
  status=$?
  cat "$work/diff-stderr.txt" >&2
  if [ "$status" -ge 2 ]; then
    compare_fail "openlint diff could not compare with $compared: $(grep -v '^\s*$' "$work/diff-stderr.txt" | tail -n 1)"
    compared=""
    return 0
  fi
  compare_status=$status
  { echo; cat "$work/diff.md"; } >> "$summary"
  if [ "$status" -eq 1 ]; then
    local where=" (see the job summary)"
    [ "$summary" = /dev/null ] && where=""
    echo "::warning title=openlint compare-to::$(escape "openness went down since $compared$where")"
  fi
}

run_compare
{
  echo "compared-to=${compared//$'\n'/ }"
  if [ -z "$compared" ]; then
    echo "openness-decreased="
  elif [ "$compare_status" -eq 1 ]; then
    echo "openness-decreased=true"
  else
    echo "openness-decreased=false"
  fi
} >> "${GITHUB_OUTPUT:-/dev/null}"
