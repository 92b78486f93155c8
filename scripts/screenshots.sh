#!/usr/bin/env bash
# Screenshots of the web UI's main screens (1280x800 PNG) into docs/screenshots/: starts a server with demo data (the
# examples, an approval flow with versions, executions that completed, failed and wait), signs in with Chromium
# (/usr/bin/chromium) and saves one PNG per screen.
#   scripts/screenshots.sh                      # every screen
#   scripts/screenshots.sh --only editor,run    # some of them
# The list of screens is Screens in bench/Chorus.UiBench/Screenshots.cs.
set -euo pipefail
cd "$(dirname "$0")/.."
dotnet run -c Release --project bench/Chorus.UiBench -- --workloads SHOTS --out docs/screenshots "$@"
