#!/usr/bin/env bash
# Build the real Dockerfile and test the container end to end, with no Docker
# engine and no container registry:
#
#   1. local base images: a Debian rootfs made with debootstrap, plus python3
#      (python image) or node + npm (node image), imported with `podman import`
#      and cached as tarballs under $GPT_IMAGE_2_CI_CACHE
#      (default ~/.cache/gpt-image-2-ci) so reruns skip this;
#   2. `podman build` of ./Dockerfile with PYTHON_IMAGE/NODE_IMAGE pointing at them;
#   3. checks: image metadata, compose files (`docker compose config` with
#      Debian's compose v2), token-less start on 0.0.0.0 refused, health, auth
#      gate, SPA, one job against a fake OpenAI upstream on the host loopback,
#      output file + history row in the mounted volume, SSE, the documented
#      online backup, graceful stop, history kept by a replacement container,
#      the explicit token-less mode, and the host-CODEX_HOME bind mount with an
#      arbitrary UID (compose.host-codex.yaml).
#
# Everything podman makes lives in a private storage root on a tmpfs that
# is removed on exit (also on failure or TERM/INT); only the cached base
# tarballs stay. Needs root (debootstrap, rootful podman); installs
# podman/debootstrap/runc/slirp4netns if missing. Containers use slirp4netns,
# builds the host network: never podman's bridge, which would add iptables rules.
# Takes about 3 min with an empty cache and 1-2 min with it on 2 cores (measured).
# Usage: bash docker/test-image.sh        (CI: a step of .ci/run)
# Knobs: GPT_IMAGE_2_CI_CACHE, GPT_IMAGE_2_CI_TMPFS_SIZE, GPT_IMAGE_2_CI_KEEP=1 (keep the tmpfs and
# podman root for debugging), GPT_IMAGE_2_CI_DEBIAN_SUITE/_MIRROR, GPT_IMAGE_2_CI_NPM.
# shellcheck disable=SC2015  # "[ check ] && check || fail" is meant: fail when either is false
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
T0=$SECONDS

step() { printf '\n=== container: %s [%ss] ===\n' "$*" "$((SECONDS - T0))"; }
ok() { printf '  ok: %s\n' "$*"; }
fail() {
  printf '\nFAIL: %s\n' "$*" >&2
  if [ -n "${CURRENT_CTR:-}" ]; then
    printf -- '--- last log lines of %s:\n' "$CURRENT_CTR" >&2
    P logs --tail 40 "$CURRENT_CTR" >&2 2>&1 || true
  fi
  exit 1
}

SUITE=${GPT_IMAGE_2_CI_DEBIAN_SUITE:-trixie}   # trixie: Node 20.19 (Vite 8 needs >= 20.19), Python 3.13
MIRROR=${GPT_IMAGE_2_CI_DEBIAN_MIRROR:-http://deb.debian.org/debian}
NPM_SPEC=${GPT_IMAGE_2_CI_NPM:-npm@10}          # npm is not in the node image from Debian's nodejs
CACHE=${GPT_IMAGE_2_CI_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/gpt-image-2-ci}
CACHE_MAX_DAYS=${GPT_IMAGE_2_CI_CACHE_MAX_DAYS:-30}
PY_PKGS="python3 python3-venv"
NODE_PKGS="nodejs"
RECIPE=4   # bump when the rootfs recipe below changes
KEY=$(printf '%s|' "$RECIPE" "$SUITE" "$MIRROR" "$PY_PKGS" "$NODE_PKGS" "$NPM_SPEC" \
  | sha256sum | cut -c1-12)
PY_TAR="$CACHE/rootfs-python-$SUITE-$KEY.tar"
NODE_TAR="$CACHE/rootfs-node-$SUITE-$KEY.tar"
COMPOSE_BIN="$CACHE/docker-compose-$SUITE-$KEY"   # Debian's compose v2, to validate compose*.yaml
HOST_CA=/etc/ssl/certs/ca-certificates.crt

RUN_ID="gpt2ci-$$"
IMAGE="localhost/gpt-image-2:$RUN_ID"
PY_IMAGE="localhost/gpt-image-2-ci/python:$SUITE"
NODE_IMAGE="localhost/gpt-image-2-ci/node:$SUITE"
TOKEN="ci-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
API_KEY="sk-ci-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
WORK=""
FAKE_PID=""
CURRENT_CTR=""

# Podman with a private storage root and the quirk settings of docker/podman/.
export CONTAINERS_CONF="$REPO/docker/podman/containers.conf"
PODMAN=()
P() { "${PODMAN[@]}" "$@"; }

cleanup() {
  local rc=$?
  set +e
  trap - EXIT INT TERM
  stop_child
  if [ -n "$FAKE_PID" ]; then kill "$FAKE_PID" 2>/dev/null; wait "$FAKE_PID" 2>/dev/null; fi
  if [ -n "$WORK" ] && [ -d "$WORK" ] && [ -n "${GPT_IMAGE_2_CI_KEEP:-}" ]; then
    printf 'GPT_IMAGE_2_CI_KEEP set: left the tmpfs %s (podman --root %s/storage --runroot %s/run --tmpdir %s/libpod); umount it when done\n' \
      "$WORK" "$WORK" "$WORK" "$WORK" >&2
  elif [ -n "$WORK" ] && [ -d "$WORK" ]; then
    if [ -d "$WORK/storage" ] && [ "${#PODMAN[@]}" -gt 0 ]; then
      # stop and remove the containers (with their conmon/slirp4netns); images and
      # volumes go with the private storage root below (faster than `podman rmi`)
      P rm -af -t 0 >/dev/null 2>&1
    fi
    # mounts (leftover overlay/shm/debootstrap /proc, then the tmpfs) deepest first
    findmnt -rn -o TARGET | grep -F "$WORK" | sort -r | while read -r m; do umount -l "$m"; done
    rm -rf --one-file-system "$WORK"
  fi
  if [ "$rc" -ne 0 ]; then printf 'container image test FAILED (exit %s) after %ss\n' "$rc" "$((SECONDS - T0))" >&2; fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# interruptible LOG COMMAND...: run a long command (its output to LOG) in its own
# process group in the background and wait for it, so that a TERM/INT sent to
# this script is handled at once (bash defers traps while a foreground child
# runs) and cleanup() can stop the command with all its children.
CHILD_PID=""
interruptible() {
  local log=$1 rc=0
  shift
  setsid "$@" >"$log" 2>&1 </dev/null &
  CHILD_PID=$!
  wait "$CHILD_PID" || rc=$?
  CHILD_PID=""
  return "$rc"
}
stop_child() {
  [ -n "$CHILD_PID" ] || return 0
  kill -TERM -- -"$CHILD_PID" 2>/dev/null
  setsid bash -c "sleep 20; kill -KILL -- -$CHILD_PID 2>/dev/null" </dev/null &
  local killer=$!   # KILLs the group if TERM was not enough
  wait "$CHILD_PID" 2>/dev/null
  kill -- -"$killer" 2>/dev/null
  wait "$killer" 2>/dev/null
  CHILD_PID=""
}
json() { python3 -c 'import json,sys; d=json.load(sys.stdin); print(eval(sys.argv[1], {"d": d}))' "$1"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# -----------------------------------------------------------------------------
step "host tools"
[ "$(id -u)" = 0 ] || fail "run as root (debootstrap and rootful podman)"
missing=()
for tool in podman:podman debootstrap:debootstrap runc:runc slirp4netns:slirp4netns \
  sqlite3:sqlite3 curl:curl; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool#*:}")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" runc >/dev/null
fi
podman --version
command -v uv >/dev/null || fail "uv is needed to run the fake upstream (tests/fakes)"
WORK=$(mktemp -d /var/tmp/gpt-image-2-ci.XXXXXX)
# All scratch data (podman storage, rootfs builds) lives on a tmpfs: builds are
# faster and removing it is instant (deleting the ~1 GB of small files from the
# disk took ~40 s on these machines).
mount -t tmpfs -o "size=${GPT_IMAGE_2_CI_TMPFS_SIZE:-8g},mode=0700" gpt-image-2-ci "$WORK"
mkdir -p "$WORK/tmp" "$WORK/libpod" "$CACHE"
export TMPDIR="$WORK/tmp"
PODMAN=(podman --root "$WORK/storage" --runroot "$WORK/run" --tmpdir "$WORK/libpod"
  --storage-driver overlay --events-backend file)

# -----------------------------------------------------------------------------
step "base images (debootstrap $SUITE, cached in $CACHE)"
find "$CACHE" -maxdepth 1 -type f \( -name 'rootfs-*' -o -name 'docker-compose-*' \) \
  \( -mtime "+$CACHE_MAX_DAYS" -o ! -name "*-$KEY*" \) -delete

in_root() {  # in_root DIR COMMAND: run a shell command in the rootfs, clean environment
  chroot "$1" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive /bin/sh -ec "$2"
}
pack_rootfs() {  # pack_rootfs DIR TARBALL
  in_root "$1" 'apt-get clean; rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin /var/log/*.log
    rm -rf /usr/share/doc/* /usr/share/man/* /usr/share/info/* /root/.npm /tmp/*
    : > /etc/resolv.conf; echo localhost > /etc/hostname'
  tar --numeric-owner -C "$1" -cf "$2.part$$" .
  mv -f "$2.part$$" "$2"
}
if [ -f "$PY_TAR" ] && [ -f "$NODE_TAR" ] && [ -x "$COMPOSE_BIN" ]; then
  echo "cached: $(basename "$PY_TAR") $(basename "$NODE_TAR") $(basename "$COMPOSE_BIN")"
else
  base="$WORK/rootfs-base"
  echo "debootstrap --variant=minbase $SUITE ($MIRROR)"
  if ! interruptible "$WORK/debootstrap.log" debootstrap --variant=minbase \
    --include=ca-certificates "$SUITE" "$base" "$MIRROR"; then
    tail -n 30 "$WORK/debootstrap.log" "$base/debootstrap/debootstrap.log" 2>/dev/null
    fail "debootstrap $SUITE failed"
  fi
  in_root "$base" 'apt-get update -qq'
  if [ ! -x "$COMPOSE_BIN" ]; then
    in_root "$base" 'cd /tmp && apt-get download -qq docker-compose'
    dpkg-deb -x "$base"/tmp/docker-compose_*.deb "$WORK/compose-deb"
    cp "$WORK/compose-deb/usr/libexec/docker/cli-plugins/docker-compose" "$COMPOSE_BIN.part$$"
    mv -f "$COMPOSE_BIN.part$$" "$COMPOSE_BIN"
    rm -f "$base"/tmp/docker-compose_*.deb
  fi
  if [ ! -f "$PY_TAR" ]; then
    root="$WORK/rootfs-python"
    cp -a "$base" "$root"
    echo "python rootfs: apt-get install $PY_PKGS"
    in_root "$root" "apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends $PY_PKGS >/dev/null 2>&1"
    in_root "$root" 'python3 -c "import sys, ssl, sqlite3, venv; assert sys.version_info >= (3, 11), sys.version"'
    pack_rootfs "$root" "$PY_TAR"
    rm -rf --one-file-system "$root"
  fi
  if [ ! -f "$NODE_TAR" ]; then
    root="$WORK/rootfs-node"
    cp -a "$base" "$root"
    echo "node rootfs: apt-get install $NODE_PKGS, $NPM_SPEC from the npm registry"
    in_root "$root" "apt-get install -y -qq -o Dpkg::Use-Pty=0 --no-install-recommends $NODE_PKGS >/dev/null 2>&1"
    command -v npm >/dev/null || fail "the host's npm is needed to fetch $NPM_SPEC"
    mkdir -p "$WORK/npm" "$root/usr/local/lib/node_modules/npm" "$root/usr/local/bin"
    (cd "$WORK/npm" && NODE_EXTRA_CA_CERTS="${NODE_EXTRA_CA_CERTS:-$HOST_CA}" \
      npm pack "$NPM_SPEC" --silent >/dev/null)
    tar -xzf "$WORK"/npm/npm-*.tgz -C "$root/usr/local/lib/node_modules/npm" --strip-components=1
    ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
    ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
    in_root "$root" 'node -e "const [a, b] = process.versions.node.split(\".\").map(Number);
      if (a < 20 || (a === 20 && b < 19)) { console.error(\"node \" + process.version + \" < 20.19\"); process.exit(1); }"
      npm --version >/dev/null'
    pack_rootfs "$root" "$NODE_TAR"
    rm -rf --one-file-system "$root"
  fi
  rm -rf --one-file-system "$base"
fi
for pair in "$PY_TAR=$PY_IMAGE" "$NODE_TAR=$NODE_IMAGE"; do
  P import --quiet --change 'ENV LANG=C.UTF-8' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'CMD ["/bin/sh"]' "${pair%%=*}" "${pair#*=}" >/dev/null
done
ok "python: $(P run --rm --network none "$PY_IMAGE" python3 --version)"
ok "node: $(P run --rm --network none "$NODE_IMAGE" node --version), npm $(P run --rm --network none "$NODE_IMAGE" npm --version 2>/dev/null)"

# -----------------------------------------------------------------------------
step "podman build ./Dockerfile"
[ -f frontend/package.json ] || fail "frontend/package.json is missing: the SPA stage cannot build"
build_args=(--build-arg "PYTHON_IMAGE=$PY_IMAGE" --build-arg "NODE_IMAGE=$NODE_IMAGE")
if [ -f "$HOST_CA" ]; then
  # The build network may intercept TLS: lend the host's CA bundle to the RUN
  # steps only. It is bind-mounted over the base images' own bundle (same path,
  # so no empty mount-point file is left in a layer) and named by build args
  # (pip, uv and npm do not read the system store by default). Nothing of it
  # lands in the image: the metadata check below and `podman image diff` agree.
  build_args+=(--volume "$HOST_CA:$HOST_CA:ro" --build-arg "SSL_CERT_FILE=$HOST_CA"
    --build-arg "PIP_CERT=$HOST_CA" --build-arg "NODE_EXTRA_CA_CERTS=$HOST_CA")
fi
t_build=$SECONDS
if ! interruptible "$WORK/build.log" "${PODMAN[@]}" build --format docker --pull=never \
  --layers=false --network host -f Dockerfile -t "$IMAGE" "${build_args[@]}" .; then
  tail -n 60 "$WORK/build.log"
  fail "podman build failed"
fi
grep -E 'STEP [0-9]+/[0-9]+' "$WORK/build.log" | cut -c1-150 | sed 's/^/  /' || true
ok "built $IMAGE in $((SECONDS - t_build))s ($(P image inspect --format '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}'))"

# -----------------------------------------------------------------------------
step "image metadata"
meta=$(P image inspect "$IMAGE")
check_meta() {  # check_meta DESCRIPTION PYTHON-EXPRESSION-ON-d (d = the inspect object)
  printf '%s' "$meta" | python3 -c 'import json,sys; d=json.load(sys.stdin)[0]; sys.exit(0 if eval(sys.argv[1]) else 1)' "$2" \
    || fail "image metadata: $1"
  ok "$1"
}
check_meta "non-root numeric user 1000:1000" 'd["Config"].get("User") == "1000:1000"'
check_meta "VOLUME /data" '"/data" in (d["Config"].get("Volumes") or {})'
check_meta "EXPOSE 8787" '"8787/tcp" in (d["Config"].get("ExposedPorts") or {})'
check_meta "HEALTHCHECK runs docker/healthcheck.py" \
  '"/app/healthcheck.py" in " ".join((d.get("Healthcheck") or d["Config"].get("Healthcheck") or {}).get("Test") or [])'
check_meta "env CODEX_HOME=/data/codex, WEB_HOST=0.0.0.0, WEB_PORT=8787, WEB_DIST=/app/public" \
  'all(e in d["Config"]["Env"] for e in ["CODEX_HOME=/data/codex", "GPT_IMAGE_2_WEB_HOST=0.0.0.0", "GPT_IMAGE_2_WEB_PORT=8787", "GPT_IMAGE_2_WEB_DIST=/app/public"])'
check_meta "no build-time CA settings in the image env" \
  'not any(e.split("=")[0] in ("SSL_CERT_FILE", "PIP_CERT", "NODE_EXTRA_CA_CERTS") for e in d["Config"]["Env"])'
P run --rm --network none --no-healthcheck --entrypoint /bin/sh "$IMAGE" -c \
  'test -f /app/public/index.html && ! command -v node && ! command -v npm && ! test -e /opt/uv \
   && test "$(id -u)" = 1000 && test -w /data/codex && python3 -c "import cv2, numpy"' >/dev/null \
  || fail "runtime layout: SPA in /app/public, no node/npm/uv, uid 1000 owns /data/codex, cv2 imports"
ok "runtime layout: SPA in /app/public, no node/npm/uv, uid 1000 owns /data/codex, cv2 imports"
[ "$(P run --rm --network none --no-healthcheck --entrypoint cat "$IMAGE" "$HOST_CA" | sha256sum)" \
  = "$(P run --rm --network none --entrypoint cat "$PY_IMAGE" "$HOST_CA" | sha256sum)" ] \
  || fail "the build's CA bundle leaked into the image"
ok "the image keeps its own CA bundle (the build's was only lent)"

# -----------------------------------------------------------------------------
step "compose files (docker compose $("$COMPOSE_BIN" version --short) config)"
: >"$WORK/empty.env"
compose() {  # compose VAR=value... -- ARGS...: docker compose seeing only the given variables
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  env -i PATH="$PATH" HOME="$WORK" "${envs[@]}" "$COMPOSE_BIN" --project-directory "$REPO" \
    --env-file "$WORK/empty.env" "$@"
}
rc=0
out=$(compose -- -f compose.yaml config 2>&1) || rc=$?
[ "$rc" -ne 0 ] && grep -q "GPT_IMAGE_2_WEB_TOKEN" <<<"$out" \
  || { printf '%s\n' "$out"; fail "compose.yaml without a token must not start"; }
ok "compose.yaml refuses to start without GPT_IMAGE_2_WEB_TOKEN"
compose GPT_IMAGE_2_WEB_TOKEN=t0k OPENAI_API_KEY=sk-x -- -f compose.yaml config --format json \
  >"$WORK/compose.json" || fail "compose.yaml: config failed"
image_hc=$(printf '%s' "$meta" | python3 -c 'import json,sys; d=json.load(sys.stdin)[0]
print(json.dumps((d.get("Healthcheck") or d["Config"].get("Healthcheck"))["Test"]))')
python3 - "$WORK/compose.json" "$image_hc" <<'EOF' || fail "compose.yaml"
import json, sys
svc = json.load(open(sys.argv[1]))["services"]["gpt-image-2"]
env = svc["environment"]
assert env["GPT_IMAGE_2_WEB_TOKEN"] == "t0k" and env["OPENAI_API_KEY"] == "sk-x", env
assert [(p["target"], str(p["published"])) for p in svc["ports"]] == [(8787, "8787")], svc["ports"]
vols = {v["target"]: v for v in svc["volumes"]}
assert vols["/data"]["type"] == "volume" and vols["/data"]["source"] == "gpt-image-2-data", vols
assert svc["restart"] == "unless-stopped", svc.get("restart")
assert svc["cap_drop"] == ["ALL"] and svc["security_opt"] == ["no-new-privileges:true"], svc
assert svc["healthcheck"]["test"] == json.loads(sys.argv[2]), (svc["healthcheck"], sys.argv[2])
EOF
ok "compose.yaml: port 8787, named volume on /data, token and key from the env, restart, the image's healthcheck"
compose GPT_IMAGE_2_WEB_TOKEN=t0k GPT_IMAGE_2_UID=4321 GPT_IMAGE_2_GID=4322 -- \
  -f compose.yaml -f compose.host-codex.yaml config --format json >"$WORK/compose-host.json" \
  || fail "compose.host-codex.yaml: config failed"
python3 - "$WORK/compose-host.json" "$WORK/.codex" <<'EOF' || fail "compose.host-codex.yaml"
import json, sys
svc = json.load(open(sys.argv[1]))["services"]["gpt-image-2"]
home = sys.argv[2]
assert svc["user"] == "4321:4322", svc.get("user")
assert svc["environment"]["CODEX_HOME"] == home, svc["environment"]
binds = [v for v in svc["volumes"] if v["type"] == "bind"]
assert [(b["source"], b["target"]) for b in binds] == [(home, home)], binds
EOF
ok "compose.host-codex.yaml: ~/.codex bind-mounted at the same path, CODEX_HOME there, runs as GPT_IMAGE_2_UID:GID"

# -----------------------------------------------------------------------------
step "token-less start on 0.0.0.0 is refused"
for variant in "unset" "blank"; do
  env_args=()
  [ "$variant" = blank ] && env_args=(-e "GPT_IMAGE_2_WEB_TOKEN=   ")
  rc=0
  out=$(timeout 120 "${PODMAN[@]}" run --rm --network none --no-healthcheck "${env_args[@]}" "$IMAGE" 2>&1) || rc=$?
  [ "$rc" -eq 2 ] || { printf '%s\n' "$out"; fail "token $variant: expected exit 2, got $rc"; }
  grep -q "Refusing to listen on 0.0.0.0 without an access token" <<<"$out" \
    || { printf '%s\n' "$out"; fail "token $variant: explanatory message missing"; }
  grep -q "GPT_IMAGE_2_WEB_TOKEN" <<<"$out" || fail "token $variant: message does not name GPT_IMAGE_2_WEB_TOKEN"
  ok "token $variant: exit 2, \"$(grep -o 'Refusing to listen on [^ ]* without an access token' <<<"$out" | head -n1)\""
done

# -----------------------------------------------------------------------------
step "fake OpenAI upstream on the host loopback"
PY=$(uv run --frozen python -c 'import sys; print(sys.executable)')
mkdir -p "$WORK/fake"
"$PY" - "$WORK/fake" >"$WORK/fake/log" 2>&1 <<'EOF' &
import json, os, signal, sys, threading
sys.path.insert(0, os.getcwd())
from tests.fakes.openai import FakeOpenAI

out = sys.argv[1]
stop = threading.Event()
signal.signal(signal.SIGTERM, lambda *_: stop.set())
fake = FakeOpenAI().start()
with open(f"{out}/port.part", "w") as f:
    f.write(str(fake.server.port))
os.replace(f"{out}/port.part", f"{out}/port")
while not stop.wait(0.2):
    pass
seen = [{"path": r["path"], "authorization": r["headers"].get("authorization", ""),
         "prompt": (r.get("json") or r.get("form") or {}).get("prompt")} for r in fake.requests]
with open(f"{out}/requests.json", "w") as f:
    json.dump(seen, f)
fake.stop()
EOF
FAKE_PID=$!
for _ in $(seq 100); do [ -f "$WORK/fake/port" ] && break; sleep 0.1; done
[ -f "$WORK/fake/port" ] || { cat "$WORK/fake/log"; fail "fake upstream did not start"; }
FAKE_PORT=$(cat "$WORK/fake/port")
# slirp4netns with allow_host_loopback: 10.0.2.2 inside the container is the
# host's 127.0.0.1 (user-space NAT in the container's own namespace).
UPSTREAM="http://10.0.2.2:$FAKE_PORT/v1"
ok "FakeOpenAI on 127.0.0.1:$FAKE_PORT; the container uses $UPSTREAM"

# -----------------------------------------------------------------------------
# start_server NAME HOSTPORT [--no-token] [podman run args...]: run detached, wait until healthy
start_server() {
  local name=$1 port=$2 token_env=(-e "GPT_IMAGE_2_WEB_TOKEN=$TOKEN")
  shift 2
  if [ "${1:-}" = --no-token ]; then token_env=(); shift; fi
  CURRENT_CTR=$name
  P run -d --name "$name" --network slirp4netns:allow_host_loopback=true \
    -p "127.0.0.1:$port:8787" "${token_env[@]}" -e "OPENAI_API_KEY=$API_KEY" \
    -e "GPT_IMAGE_2_OPENAI_API_BASE=$UPSTREAM" "$@" "$IMAGE" >/dev/null 2>>"$WORK/podman.log" \
    || { tail -n 20 "$WORK/podman.log"; fail "podman run $name"; }
  local t=$SECONDS
  until P healthcheck run "$name" >/dev/null 2>&1; do
    if [ "$(P inspect --format '{{.State.Running}}' "$name")" != true ]; then
      P logs "$name" | tail -n 40
      fail "$name exited during startup"
    fi
    [ $((SECONDS - t)) -lt 90 ] || { P logs "$name" | tail -n 40; fail "$name not healthy in 90s"; }
    sleep 0.5
  done
  ok "$name healthy after $((SECONDS - t))s (podman healthcheck run: the image's HEALTHCHECK)"
}
api() {  # api PORT METHOD PATH [curl args...]: sets STATUS and BODY
  local port=$1 method=$2 path=$3
  shift 3
  STATUS=$(curl -sS -o "$WORK/body" -w '%{http_code}' -X "$method" "$@" "http://127.0.0.1:$port$path") \
    || fail "$method $path: no HTTP answer"
  BODY=$(tr -d '\0' <"$WORK/body")
}
generate_and_wait() {  # generate_and_wait PORT PROMPT: sets JOB_ID, asserts status completed
  local port=$1 prompt=$2 status=""
  api "$port" POST /api/images/generate -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' --data "{\"prompt\": \"$prompt\"}"
  [ "$STATUS" = 200 ] || fail "POST /api/images/generate: HTTP $STATUS $BODY"
  JOB_ID=$(json 'd["job_id"]' <<<"$BODY")
  for _ in $(seq 120); do
    api "$port" GET "/api/jobs/$JOB_ID" -H "Authorization: Bearer $TOKEN"
    [ "$STATUS" = 200 ] || fail "GET /api/jobs/$JOB_ID: HTTP $STATUS $BODY"
    status=$(json 'd["job"]["status"]' <<<"$BODY")
    case "$status" in completed | partial_failed | failed | cancelled | canceled) break ;; esac
    sleep 0.5
  done
  [ "$status" = completed ] || fail "job $JOB_ID ended '$status': $BODY"
  printf '%s\n' "$BODY" >"$WORK/job-$JOB_ID.json"
}
# Keep in sync with docs/deployment.md ("Back up").
BACKUP_PY='import sqlite3, sys; src = sqlite3.connect(sys.argv[1]); dst = sqlite3.connect(sys.argv[2]); src.backup(dst); dst.close()'
is_png() { [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]; }

step "server with a named volume on /data, published on 127.0.0.1"
VOL="$RUN_ID-data"
P volume create "$VOL" >/dev/null
PORT=$(free_port)
# with compose.yaml's hardening: no capabilities, no-new-privileges
start_server "$RUN_ID-a" "$PORT" -v "$VOL:/data" --cap-drop ALL --security-opt no-new-privileges
api "$PORT" GET /api/session
[ "$STATUS" = 200 ] && [ "$(json 'd["auth_required"], d["authorized"]' <<<"$BODY")" = "(True, False)" ] \
  || fail "GET /api/session without token: HTTP $STATUS $BODY"
ok "GET /api/session: 200 auth_required=true authorized=false"
api "$PORT" GET /api/jobs
[ "$STATUS" = 401 ] || fail "GET /api/jobs without token: HTTP $STATUS (want 401)"
api "$PORT" GET /api/jobs -H "Authorization: Bearer wrong-$TOKEN"
[ "$STATUS" = 401 ] || fail "GET /api/jobs with a wrong token: HTTP $STATUS (want 401)"
api "$PORT" GET /api/jobs -H "Authorization: Bearer $TOKEN"
[ "$STATUS" = 200 ] || fail "GET /api/jobs with the token: HTTP $STATUS (want 200)"
ok "/api gate: 401 without or with a wrong token, 200 with the token"
api "$PORT" GET /some/client/route
index=$BODY
[ "$STATUS" = 200 ] && grep -qi '<!doctype html' <<<"$index" && ! grep -q 'web UI is not built' <<<"$index" \
  || fail "SPA: GET /some/client/route: HTTP $STATUS"
asset=$(grep -o '/assets/[^"]*\.js' <<<"$index" | head -n1)
[ -n "$asset" ] || fail "SPA: index.html references no /assets/*.js"
api "$PORT" GET "$asset"
[ "$STATUS" = 200 ] || fail "SPA asset $asset: HTTP $STATUS"
ok "SPA: index.html fallback and $asset served"

generate_and_wait "$PORT" "a red fox, container test"
JOB=$JOB_ID
ok "job $JOB completed"
VOLDIR=$(P volume inspect --format '{{.Mountpoint}}' "$VOL")
out_path=$(json 'd["job"]["outputs"][0]["path"]' <"$WORK/job-$JOB.json")
[ "$out_path" = "/data/codex/gpt-image-2-skill/jobs/$JOB/out.png" ] || fail "output path $out_path"
host_out="$VOLDIR${out_path#/data}"
[ -f "$host_out" ] && is_png "$host_out" || fail "no PNG at $host_out in the volume"
[ "$(stat -c %u "$host_out")" = 1000 ] || fail "$host_out not owned by uid 1000"
ok "output in the volume: ${host_out#"$VOLDIR"/} ($(stat -c %s "$host_out") bytes, uid 1000)"
api "$PORT" GET "/api/jobs/$JOB/outputs/0" -H "Authorization: Bearer $TOKEN"
[ "$STATUS" = 200 ] && cmp -s "$WORK/body" "$host_out" || fail "GET /api/jobs/$JOB/outputs/0: HTTP $STATUS or bytes differ"
ok "GET /api/jobs/$JOB/outputs/0 returns the same bytes"

curl -sS -N --max-time 20 -H "Authorization: Bearer $TOKEN" \
  "http://127.0.0.1:$PORT/api/jobs/$JOB/events" >"$WORK/events.txt" || fail "SSE /api/jobs/$JOB/events"
grep -q 'job.completed' "$WORK/events.txt" || { head -c 2000 "$WORK/events.txt"; fail "SSE replay lacks job.completed"; }
ok "SSE /api/jobs/$JOB/events through the published port: replay ends with job.completed"
# The online backup recipe of docs/deployment.md (Python's sqlite3 backup API,
# WAL-safe, while the server runs): it must produce a consistent copy.
P exec "$RUN_ID-a" python3 -c "$BACKUP_PY" /data/codex/gpt-image-2-skill/history.sqlite \
  /data/codex/backup-history.sqlite || fail "online backup (docs/deployment.md)"
[ "$(sqlite3 "$VOLDIR/codex/backup-history.sqlite" 'pragma integrity_check')" = ok ] \
  && [ "$(sqlite3 "$VOLDIR/codex/backup-history.sqlite" "select count(*) from jobs where id = '$JOB'")" = 1 ] \
  || fail "backup copy lacks job $JOB or fails integrity_check"
ok "online backup with the documented one-liner: integrity ok, job row present"
P stop -t 30 "$RUN_ID-a" >/dev/null 2>>"$WORK/podman.log"
code=$(P inspect --format '{{.State.ExitCode}}' "$RUN_ID-a")
[ "$code" = 0 ] || { P logs "$RUN_ID-a" | tail -n 20; fail "container exit code $code after SIGTERM (want 0)"; }
ok "SIGTERM: graceful stop, exit 0"
DB="$VOLDIR/codex/gpt-image-2-skill/history.sqlite"
[ -f "$DB" ] || fail "no history.sqlite in the volume"
row=$(sqlite3 "$DB" "select status || '|' || provider from jobs where id = '$JOB'")
[ "$row" = "completed|openai" ] || fail "history row for $JOB: '$row'"
ok "history row in the volume's gpt-image-2-skill/history.sqlite: $JOB $row"

step "replacement container keeps the history (upgrade path)"
PORT=$(free_port)
start_server "$RUN_ID-b" "$PORT" -v "$VOL:/data"
api "$PORT" GET "/api/jobs/$JOB" -H "Authorization: Bearer $TOKEN"
[ "$STATUS" = 200 ] && [ "$(json 'd["job"]["status"]' <<<"$BODY")" = completed ] \
  || fail "job $JOB not found after replacing the container: HTTP $STATUS"
ok "GET /api/jobs/$JOB from the new container: completed"
P rm -f -t 10 "$RUN_ID-b" >/dev/null 2>>"$WORK/podman.log"

step "explicit token-less mode (GPT_IMAGE_2_WEB_ALLOW_UNAUTHENTICATED=1, published on loopback)"
PORT=$(free_port)
start_server "$RUN_ID-open" "$PORT" --no-token -e GPT_IMAGE_2_WEB_ALLOW_UNAUTHENTICATED=1
logs=$(P logs "$RUN_ID-open" 2>&1)
grep -q "WARNING: serving 0.0.0.0 without an access token" <<<"$logs" \
  || fail "no warning about the token-less bind in the logs"
ok "starts with a warning"
api "$PORT" GET /api/session
[ "$STATUS" = 200 ] && [ "$(json 'd["auth_required"]' <<<"$BODY")" = False ] || fail "session: $STATUS $BODY"
api "$PORT" GET /api/jobs
[ "$STATUS" = 200 ] || fail "GET /api/jobs with Host 127.0.0.1: HTTP $STATUS (want 200)"
api "$PORT" GET /api/jobs -H "Host: rebind.example:8787"
[ "$STATUS" = 403 ] && grep -q host_not_allowed <<<"$BODY" \
  || fail "GET /api/jobs with a foreign Host: HTTP $STATUS $BODY (want 403 host_not_allowed)"
ok "no token needed from 127.0.0.1; a foreign Host header gets 403 host_not_allowed"
P rm -f -t 10 "$RUN_ID-open" >/dev/null 2>>"$WORK/podman.log"

step "host CODEX_HOME bind mount with another UID (compose.host-codex.yaml)"
HOST_CODEX="$WORK/home/someone/.codex"
mkdir -p "$HOST_CODEX"
chown 4321:4321 "$HOST_CODEX"
PORT=$(free_port)
start_server "$RUN_ID-c" "$PORT" --user 4321:4321 -v "$HOST_CODEX:$HOST_CODEX" -e "CODEX_HOME=$HOST_CODEX"
generate_and_wait "$PORT" "a blue whale, bind mount test"
JOB2=$JOB_ID
f="$HOST_CODEX/gpt-image-2-skill/jobs/$JOB2/out.png"
out_path=$(json 'd["job"]["outputs"][0]["path"]' <"$WORK/job-$JOB2.json")
[ "$out_path" = "$f" ] || fail "recorded output path $out_path, want the host path $f"
[ -f "$f" ] && is_png "$f" || fail "no PNG at $f"
[ "$(stat -c %u:%g "$f")" = 4321:4321 ] || fail "$f owned by $(stat -c %u:%g "$f"), want 4321:4321"
P stop -t 30 "$RUN_ID-c" >/dev/null 2>>"$WORK/podman.log"
row=$(sqlite3 "$HOST_CODEX/gpt-image-2-skill/history.sqlite" "select status from jobs where id = '$JOB2'")
[ "$row" = completed ] || fail "history row for $JOB2 in the host CODEX_HOME: '$row'"
ok "job $JOB2: out.png and history row in the host dir, owned by 4321:4321, recorded path valid on the host"

step "what the upstream saw"
kill "$FAKE_PID"
wait "$FAKE_PID" || true
FAKE_PID=""
python3 - "$WORK/fake/requests.json" "$API_KEY" <<'EOF' || fail "upstream requests"
import json, sys
seen = json.load(open(sys.argv[1]))
prompts = sorted(r["prompt"] for r in seen if r["path"] == "/v1/images/generations")
assert prompts == ["a blue whale, bind mount test", "a red fox, container test"], prompts
assert all(r["authorization"] == f"Bearer {sys.argv[2]}" for r in seen), "OPENAI_API_KEY not sent"
EOF
ok "2 generations with the container's OPENAI_API_KEY as bearer"

echo "scratch tmpfs in use at the end: $(df -h --output=used "$WORK" | tail -n1 | tr -d ' ')"
printf '\nPASS: container image test (%ss)\n' "$((SECONDS - T0))"
