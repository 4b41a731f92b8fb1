#!/usr/bin/env sh
# The `btcbot` command of package.json "bin": runs the operator CLI (bin/btcbot.ts) with the project's tsx,
# from wherever the link to this file was called
here=$(dirname "$(readlink -f "$0")")
exec "$here/../node_modules/.bin/tsx" "$here/btcbot.ts" "$@"
