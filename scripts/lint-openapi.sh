#!/usr/bin/env bash
# Lints the OpenAPI descriptions (api/openapi.yaml, api/control.yaml) with
# Spectral (.spectral.yaml: spectral:oas) and Redocly CLI (redocly.yaml:
# recommended), both pinned and installed from npm into a temporary
# directory. Any error or warning of either fails. Needs node and npm.
set -euo pipefail
cd "$(dirname "$0")/.."

SPECTRAL_VERSION=6.16.3
REDOCLY_VERSION=2.77.0
docs=(api/openapi.yaml api/control.yaml)

# No usage reports or update checks from the tools or their dependencies.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true DO_NOT_TRACK=1 SCARF_ANALYTICS=false

tools=$(mktemp -d)
trap 'rm -rf "$tools"' EXIT
# --ignore-scripts: neither tool needs an install script (the one in
# their dependencies only reports the download).
npm install --prefix "$tools" --no-audit --no-fund --ignore-scripts --loglevel=error \
  "@stoplight/spectral-cli@$SPECTRAL_VERSION" "@redocly/cli@$REDOCLY_VERSION" >/dev/null
bin=$tools/node_modules/.bin

failed=0
echo "-- spectral $SPECTRAL_VERSION (spectral:oas)"
"$bin/spectral" lint --ruleset .spectral.yaml --fail-severity=warn "${docs[@]}" || failed=1

# redocly lint exits non-zero on errors only: its JSON totals count the
# warnings. One run per document, as it writes one JSON value per run.
echo "-- redocly $REDOCLY_VERSION (recommended)"
for doc in "${docs[@]}"; do
  "$bin/redocly" lint --config redocly.yaml --format=json "$doc" >"$tools/redocly.json" 2>"$tools/redocly.err" || true
  node -e '
    const fs = require("fs"), [file, doc] = process.argv.slice(1);
    let r;
    try { r = JSON.parse(fs.readFileSync(file, "utf8")); } catch (e) { console.log(doc + ": redocly wrote no report"); process.exit(2); }
    for (const p of r.problems) {
      const at = p.location[0] || {}, start = at.start || {};
      console.log(`${at.source ? at.source.ref : doc}:${start.line}:${start.col} ${p.severity} ${p.ruleId} ${p.message}`);
    }
    const { errors, warnings, ignored } = r.totals;
    console.log(`${doc}: ${errors} errors, ${warnings} warnings, ${ignored} excepted in .redocly.lint-ignore.yaml`);
    process.exit(errors + warnings > 0 ? 1 : 0);
  ' "$tools/redocly.json" "$doc" || {
    rc=$?; failed=1
    if [ "$rc" -eq 2 ]; then cat "$tools/redocly.err"; fi
  }
done
exit "$failed"
