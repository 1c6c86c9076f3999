#!/usr/bin/env bash
# `npm run proto:check`: the draft.v1 contract lints clean, stays compatible with the
# frozen original (proto/baseline), and lambdas/gen matches what buf generates now.
set -euo pipefail
buf=node_modules/.bin/buf
cd "$(dirname "$0")/.."

echo "buf lint"
"$buf" lint

echo "buf breaking --against proto/baseline"
"$buf" breaking --against proto/baseline

echo "generated code is up to date"
fresh=$(mktemp -d)
trap 'rm -rf "$fresh"' EXIT
"$buf" generate --output "$fresh"
if ! diff -r "$fresh/lambdas/gen" lambdas/gen; then
  echo "lambdas/gen is stale: run \`npm run proto:gen\` and commit the result." >&2
  exit 1
fi
echo "proto: ok"
