#!/usr/bin/env bash
# Runs a command beside a throwaway s3rver (a real S3-compatible server, npm package pinned in scripts/s3rver/):
# installs it from the committed lockfile when missing, starts it on a free loopback port with a fresh data folder
# and the bucket likeness-test, exports LIKENESS_TEST_S3RVER (its URL; the S3 store's tests then also run against
# it), runs the command, then stops it and removes the folder.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
tools="$here/s3rver"
if [ ! -x "$tools/node_modules/.bin/s3rver" ]; then
  echo "with-s3rver: installing s3rver (npm ci in scripts/s3rver)" >&2
  (cd "$tools" && npm ci --no-audit --no-fund --silent)
fi

dir=$(mktemp -d /tmp/likeness-s3rver.XXXXXX)
port=""
for candidate in $(shuf -i 20000-60000 -n 20); do
  if ! (exec 3<>/dev/tcp/127.0.0.1/"$candidate") 2>/dev/null; then port=$candidate; break; fi
done
[ -n "$port" ] || { echo "with-s3rver: no free port" >&2; exit 1; }

"$tools/node_modules/.bin/s3rver" -d "$dir/data" -a 127.0.0.1 -p "$port" --silent \
  --no-vhost-buckets --configure-bucket likeness-test >"$dir/server.log" 2>&1 &
pid=$!
stop() {
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  rm -rf "$dir"
}
trap stop EXIT

for _ in $(seq 1 100); do
  if (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null; then break; fi
  kill -0 "$pid" 2>/dev/null || { echo "with-s3rver: s3rver did not start:" >&2; cat "$dir/server.log" >&2; exit 1; }
  sleep 0.1
done
echo "with-s3rver: s3rver $("$tools/node_modules/.bin/s3rver" --version) on 127.0.0.1:$port" >&2

export LIKENESS_TEST_S3RVER="http://127.0.0.1:$port"
"$@"
