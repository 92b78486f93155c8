#!/usr/bin/env bash
# Builds, on a machine that reaches no container registry, local stand-ins for the base images the Dockerfile takes
# as build arguments, and prints them on its last two lines:
#   SDK_IMAGE=chorus-local/sdk:…
#   RUNTIME_IMAGE=chorus-local/aspnet:…
# so that `docker build --build-arg SDK_IMAGE=… --build-arg RUNTIME_IMAGE=… .` runs the real Dockerfile here.
#
# - chorus-local/debian:bookworm: Debian from the apt archive this machine is configured with (debootstrap), with
#   the non-root user `app` (uid 1654) that Microsoft's .NET images carry.
# - chorus-local/aspnet:VERSION: that plus this machine's .NET and ASP.NET Core runtimes.
# - chorus-local/sdk:VERSION-HASH: that plus this machine's SDK and an offline NuGet source holding exactly the
#   packages the published projects restore (copied from this machine's package folder), since a build inside a
#   container may reach no NuGet server. HASH names that package set, so a changed dependency builds a new image.
#
# Images that exist are reused (checked with `docker image inspect`), so only the first run pays for debootstrap.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/start-docker.sh
docker=$( [ -x /usr/bin/docker ] && echo /usr/bin/docker || command -v docker )
have() { "$docker" image inspect "$1" >/dev/null 2>&1; }
say() { echo "docker-base-images: $*" >&2; }

work=$(mktemp -d /tmp/chorus-base-images.XXXXXX)
trap 'rm -rf "$work"' EXIT

# This machine's .NET: the newest ASP.NET Core 10 runtime, the SDK that `dotnet` resolves here, and their root.
runtime=$(dotnet --list-runtimes | awk '$1 == "Microsoft.AspNetCore.App" && $2 ~ /^10\./ { print $2 }' | sort -V | tail -n 1)
root=$(dotnet --list-runtimes | awk -v v="$runtime" '$1 == "Microsoft.AspNetCore.App" && $2 == v { print $3 }' | tr -d '[]')
root=$(dirname "$(dirname "$root")")
sdk=$(dotnet --version)
if [ -z "$runtime" ] || [ ! -d "$root/sdk/$sdk" ]; then say "no .NET 10 runtime and SDK found under ${root:-?}"; exit 1; fi

debian=chorus-local/debian:bookworm
if ! have "$debian"; then
  # The archive apt uses here (deb822 sources first, then the one-line format).
  mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $0 ~ /debian/ { print ($2 ~ /^\[/ ? $3 : $2); exit }' /etc/apt/sources.list 2>/dev/null || true)
  if [ -z "$mirror" ]; then say "no Debian archive found in /etc/apt/sources.list*"; exit 1; fi
  command -v debootstrap >/dev/null 2>&1 || { apt-get update -qq >&2; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >&2; }
  say "debootstrap of Debian bookworm from $mirror (once; a few minutes)"
  # As in Microsoft's runtime-deps images: glibc, libstdc++, OpenSSL and ICU for .NET (the SDK needs ICU),
  # tzdata for schedules in named time zones, ca-certificates for HTTPS calls.
  debootstrap --variant=minbase --include=ca-certificates,libssl3,libicu72,tzdata bookworm "$work/rootfs" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -n 20 "$work/debootstrap.log" >&2; exit 1; }
  chroot "$work/rootfs" groupadd --gid 1654 app
  chroot "$work/rootfs" useradd --uid 1654 --gid app --create-home --shell /bin/sh app
  rm -rf "$work"/rootfs/var/cache/apt/archives/*.deb "$work"/rootfs/var/lib/apt/lists/*
  tar -C "$work/rootfs" -c . | "$docker" import --change 'CMD ["bash"]' - "$debian" >/dev/null
  rm -rf "$work/rootfs"
fi

aspnet=chorus-local/aspnet:$runtime
if ! have "$aspnet"; then
  say "building $aspnet from $root"
  mkdir -p "$work/aspnet/dotnet/shared"
  cp -a "$root/dotnet" "$root/host" "$root/LICENSE.txt" "$work/aspnet/dotnet/"
  for framework in Microsoft.NETCore.App Microsoft.AspNetCore.App; do
    mkdir -p "$work/aspnet/dotnet/shared/$framework"
    cp -a "$root/shared/$framework/$runtime" "$work/aspnet/dotnet/shared/$framework/"
  done
  # The same variables Microsoft's aspnet image sets, so the Dockerfile meets what it meets there.
  cat >"$work/aspnet/Dockerfile" <<EOF
FROM $debian
COPY dotnet /usr/share/dotnet
RUN ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
ENV APP_UID=1654 ASPNETCORE_HTTP_PORTS=8080 DOTNET_RUNNING_IN_CONTAINER=true DOTNET_VERSION=$runtime ASPNET_VERSION=$runtime
EOF
  "$docker" build -q -t "$aspnet" "$work/aspnet" >/dev/null
  rm -rf "$work/aspnet"
fi

# The packages the Dockerfile's publish restores: those of the projects it publishes and of every project they
# reference (analyzers and other private assets included), read from their restore results here. Restoring
# first is quick when nothing changed, and restores the referenced projects too.
for project in src/Chorus.Server src/Chorus.StepsService src/Chorus.Cli; do dotnet restore "$project" -nologo -v quiet >&2; done
assets=(src/*/obj/project.assets.json)
packages=$(dotnet nuget locals global-packages --list | sed 's/^[^:]*: *//')
list=$(grep -h '"path": "' "${assets[@]}" | grep -v '\.csproj"' | sed 's/.*"path": "\(.*\)".*/\1/' | sort -u)
hash=$(printf '%s\n' "$list" | sha256sum | cut -c1-12)
sdkimage=chorus-local/sdk:$sdk-$hash
if ! have "$sdkimage"; then
  say "building $sdkimage from $root with $(printf '%s\n' "$list" | wc -l) packages from $packages"
  mkdir -p "$work/sdk/dotnet" "$work/sdk/nuget"
  cp -a "$root/sdk" "$root/packs" "$root/sdk-manifests" "$root/templates" "$work/sdk/dotnet/"
  [ -d "$root/metadata" ] && cp -a "$root/metadata" "$work/sdk/dotnet/"
  # Only this SDK's folder: a machine with several would otherwise copy them all.
  find "$work/sdk/dotnet/sdk" -mindepth 1 -maxdepth 1 ! -name "$sdk" -exec rm -rf {} +
  while read -r path; do
    mkdir -p "$work/sdk/nuget/$(dirname "$path")"
    cp -a "$packages/$path" "$work/sdk/nuget/$path"
  done <<<"$list"
  cat >"$work/sdk/NuGet.Config" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <clear />
    <add key="offline" value="/opt/nuget-offline" />
  </packageSources>
</configuration>
EOF
  cat >"$work/sdk/Dockerfile" <<EOF
FROM $aspnet
COPY dotnet /usr/share/dotnet
COPY nuget /opt/nuget-offline
COPY NuGet.Config /root/.nuget/NuGet/NuGet.Config
# No network: no first-run work, and package signatures are checked without fetching revocation lists.
ENV DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1 NUGET_CERT_REVOCATION_MODE=offline DOTNET_SDK_VERSION=$sdk
EOF
  "$docker" build -q -t "$sdkimage" "$work/sdk" >/dev/null
fi

echo "SDK_IMAGE=$sdkimage"
echo "RUNTIME_IMAGE=$aspnet"
