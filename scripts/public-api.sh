#!/usr/bin/env bash
# Rewrites the PublicAPI.Shipped.txt of each library from what it makes public now, and empties its
# PublicAPI.Unshipped.txt. Run it after a deliberate change to a public surface, then review the diff.
# How: the analyzer's code fix cannot run from the command line, so each project is built with both files
# emptied and warnings left as warnings; every RS0016 ("Symbol '...' is not part of the declared public API")
# names one line of the file. A last build with warnings as errors proves the files round-trip.
# Usage: scripts/public-api.sh [--check]   (--check only builds and fails when a file is out of date)
set -euo pipefail
cd "$(dirname "$0")/.."

# The libraries whose public surface is tracked; a new one is one line here (and the analyzer in its csproj).
projects=(
  src/Chorus.Engine/Chorus.Engine.csproj
  src/Chorus.Storage.Relational/Chorus.Storage.Relational.csproj
  src/Chorus.Storage.Sqlite/Chorus.Storage.Sqlite.csproj
  src/Chorus.Storage.Postgres/Chorus.Storage.Postgres.csproj
  src/Chorus.Steps/Chorus.Steps.csproj
  src/Chorus.Client/Chorus.Client.csproj
)

header='#nullable enable'

if [ "${1:-}" = --check ]; then
  for project in "${projects[@]}"; do
    dotnet build "$project" -nologo -clp:ErrorsOnly
  done
  exit 0
fi

log=$(mktemp)
trap 'rm -f "$log"' EXIT

# Empty every file first: a library's build also builds the libraries it references.
for project in "${projects[@]}"; do
  dir=$(dirname "$project")
  echo "$header" > "$dir/PublicAPI.Shipped.txt"
  echo "$header" > "$dir/PublicAPI.Unshipped.txt"
done

# Build them all once (any order of the list works), so each can then be rebuilt alone.
for project in "${projects[@]}"; do
  dotnet build "$project" -nologo -clp:ErrorsOnly -p:TreatWarningsAsErrors=false > "$log" 2>&1 || {
    cat "$log" >&2
    echo "public-api: $project does not build" >&2
    exit 1
  }
done

for project in "${projects[@]}"; do
  dir=$(dirname "$project")
  full=$(realpath "$project")
  # --no-incremental: an up-to-date project would not run the analyzer and report nothing; its references are
  # built already.
  dotnet build "$project" -nologo --no-incremental -p:BuildProjectReferences=false -p:TreatWarningsAsErrors=false > "$log" 2>&1 || {
    cat "$log" >&2
    echo "public-api: $project does not build" >&2
    exit 1
  }
  # Only this project's warnings (a referenced project's appear in the log too), each once (the summary repeats them).
  {
    echo "$header"
    grep -F "[$full]" "$log" \
      | sed -n "s/.*warning RS0016: Symbol '\(.*\)' is not part of the declared public API.*/\1/p" \
      | LC_ALL=C sort -u
  } > "$dir/PublicAPI.Shipped.txt"
  echo "public-api: $dir: $(($(wc -l < "$dir/PublicAPI.Shipped.txt") - 1)) entries"
done

# Round trip: with the files written, every library builds with warnings as errors.
for project in "${projects[@]}"; do
  dotnet build "$project" -nologo --no-incremental -p:BuildProjectReferences=false -clp:ErrorsOnly > "$log" 2>&1 || {
    grep -E "error" "$log" | sort -u >&2
    echo "public-api: $project does not build with the files written" >&2
    exit 1
  }
done
echo "public-api: the files round-trip"
