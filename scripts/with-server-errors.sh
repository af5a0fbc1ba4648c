#!/usr/bin/env bash
# Runs a test command with LIKENESS_TEST_SERVER_ERRORS pointing at a fresh file, where each test server
# appends the errors it logged. When the command fails, prints the unexpected ones (unhandled exceptions,
# jobs that failed unexpectedly) so that a CI log says why a request answered 500.
set -uo pipefail
errors="$(mktemp -t likeness-server-errors.XXXXXX)"
export LIKENESS_TEST_SERVER_ERRORS="$errors"
"$@"
status=$?
if [ "$status" -ne 0 ] && [ -s "$errors" ]; then
  echo "with-server-errors: the test servers' unexpected errors:" >&2
  awk '/^--- /{ if (keep) printf "%s", rec; rec=""; keep=0 }
       { rec = rec $0 "\n" }
       /Unhandled exception|failed unexpectedly|failed with 5[0-9][0-9]|stopped renewing its lease|could not be (run|marked)|failed; trying again/{ keep=1 }
       END { if (keep) printf "%s", rec }' "$errors" | head -n 400 >&2
fi
rm -f "$errors"
exit "$status"
