#!/usr/bin/env bash
# Checks what `dotnet pack` makes: every package the README lists, each with its README and its metadata in the
# nuspec and a symbol package beside it; then installs the chorus tool from that folder alone (no other source)
# and runs `chorus --help`. Exits non-zero, naming what is wrong, when any check fails.
# Usage: scripts/test_packages.sh [OUT_DIR]   (default: a temporary folder, removed afterwards)
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(Chorus.Engine Chorus.Storage.Relational Chorus.Storage.Sqlite Chorus.Storage.Postgres Chorus.Steps Chorus.Client Chorus.Cli)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
out=${1:-$work/packages}
mkdir -p "$out"

dotnet pack Chorus.slnx -c Release -o "$out" -nologo -clp:ErrorsOnly

failures=0
fail() { echo "test_packages: $*" >&2; failures=$((failures + 1)); }

for id in "${packages[@]}"; do
  nupkg=$(ls "$out/$id".[0-9]*.nupkg 2>/dev/null | head -n 1 || true)
  if [ -z "$nupkg" ]; then fail "$id: no package"; continue; fi
  [ -f "${nupkg%.nupkg}.snupkg" ] || fail "$id: no symbol package"
  # Listings are read whole first: grep -q stopping early would fail the pipe under pipefail.
  files=$(unzip -Z1 "$nupkg")
  grep -qx 'README.md' <<< "$files" || fail "$id: no README.md in the package"
  nuspec=$(unzip -p "$nupkg" "$id.nuspec")
  for field in '<authors>Chorus contributors</authors>' '<license type="expression">MIT</license>' '<readme>README.md</readme>' '<description>' '<tags>' '<repository type="git"'; do
    grep -qF "$field" <<< "$nuspec" || fail "$id: the nuspec lacks $field"
  done
done
tool_files=$(unzip -Z1 "$out"/Chorus.Cli.[0-9]*.nupkg)
grep -q 'DotnetToolSettings.xml' <<< "$tool_files" || fail "Chorus.Cli: not packed as a tool"

# Only the folder as a source: the tool and everything it needs must come from the package itself.
cat > "$work/nuget.config" <<XML
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="local" value="$out" />
  </packageSources>
</configuration>
XML
if dotnet tool install Chorus.Cli --tool-path "$work/tools" --configfile "$work/nuget.config" > "$work/install.log" 2>&1; then
  "$work/tools/chorus" --help > "$work/help.txt" 2>&1 || fail "chorus --help exited with $?"
  grep -q "Usage:" "$work/help.txt" || fail "chorus --help printed no usage: $(head -n 5 "$work/help.txt")"
else
  cat "$work/install.log" >&2
  fail "the tool does not install from the folder"
fi

if [ $failures -gt 0 ]; then
  echo "test_packages: $failures check(s) failed" >&2
  exit 1
fi
echo "test_packages: ${#packages[@]} packages, their READMEs and metadata, and the chorus tool install and run"
