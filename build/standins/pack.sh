#!/usr/bin/env bash
# Packs the repo-local stand-in packages into build/local-feed (git-ignored).
# Idempotent: skips a package already in the feed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
feed="$here/../local-feed"
mkdir -p "$feed"
for proj in Patched.DistributedLock.Postgres:1.3.3 IdentityModel:6.2.0; do
  id="${proj%%:*}"; ver="${proj##*:}"
  if [ ! -f "$feed/$id.$ver.nupkg" ]; then
    dotnet pack "$here/$id/$id.csproj" -c Release -o "$feed" --nologo -v quiet >/dev/null
  fi
done
