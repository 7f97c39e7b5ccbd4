#!/usr/bin/env bash
# A private ClickHouse server for CI and tests: its own folder, its own ports, loopback only.
#
#   scripts/clickhouse-server.sh install                      # apt-get install clickhouse-server (Debian: 18.16)
#   scripts/clickhouse-server.sh start DIR HTTP_PORT [TCP_PORT] [INTERSERVER_PORT]
#   scripts/clickhouse-server.sh stop DIR
#
# `start` installs the server when missing, writes DIR/etc/config.xml from the packaged /etc/clickhouse-server
# config (data, logs and ports moved into DIR), starts it as a daemon and waits until `SELECT 1` answers on HTTP.
# It also adds a user `mitm` (password `mitm-secret`, database `default`) for tests of credentials in the URL.
# OCPP_MITM_CLICKHOUSE_BIN overrides the server binary.
set -euo pipefail

BIN="${OCPP_MITM_CLICKHOUSE_BIN:-$(command -v clickhouse-server || true)}"

die() { echo "clickhouse-server.sh: $*" >&2; exit 1; }

install_server() {
  if [ -n "$BIN" ] && [ -x "$BIN" ]; then return 0; fi
  [ "$(id -u)" = 0 ] || die "clickhouse-server is not installed and installing it needs root (apt-get install clickhouse-server)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # The package's postinst tries to start the system service; policy-rc.d usually prevents it in containers.
  apt-get install -y -qq clickhouse-server >/dev/null
  BIN="$(command -v clickhouse-server)" || die "apt-get installed clickhouse-server but it is not on PATH"
}

write_config() {
  local dir="$1" http="$2" tcp="$3" inter="$4"
  local src=/etc/clickhouse-server
  [ -f "$src/config.xml" ] || die "no packaged config at $src/config.xml"
  mkdir -p "$dir/etc/users.d" "$dir/data" "$dir/log"
  sed -e "s#/var/lib/clickhouse/#$dir/data/#g" \
      -e "s#/var/log/clickhouse-server/#$dir/log/#g" \
      -e "s#<http_port>[0-9]*</http_port>#<http_port>$http</http_port>#" \
      -e "s#<tcp_port>[0-9]*</tcp_port>#<tcp_port>$tcp</tcp_port>#" \
      -e "s#<interserver_http_port>[0-9]*</interserver_http_port>#<interserver_http_port>$inter</interserver_http_port>#" \
      -e "/<listen_host>::1<\/listen_host>/d" \
      -e "s#<level>[a-z]*</level>#<level>warning</level>#" \
      "$src/config.xml" >"$dir/etc/config.xml"
  cp "$src/users.xml" "$dir/etc/users.xml"
  cat >"$dir/etc/users.d/mitm.xml" <<'EOF'
<?xml version="1.0"?>
<yandex>
  <users>
    <mitm>
      <password>mitm-secret</password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </mitm>
  </users>
</yandex>
EOF
}

# GET a query over HTTP with whatever the machine has: curl, wget, or bash's /dev/tcp.
http_query() {
  local port="$1" q="$2"
  if command -v curl >/dev/null 2>&1; then curl -fsS "http://127.0.0.1:$port/?query=$q" 2>/dev/null
  elif command -v wget >/dev/null 2>&1; then wget -qO- "http://127.0.0.1:$port/?query=$q" 2>/dev/null
  else
    exec 3<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null || return 1
    printf 'GET /?query=%s HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' "$q" >&3
    sed -e '1,/^\r\{0,1\}$/d' <&3
    exec 3<&-
  fi
}

wait_ready() {
  local http="$1" dir="$2"
  for _ in $(seq 1 150); do
    if [ "$(http_query "$http" 'SELECT%201' | tr -d '\r\n')" = "1" ]; then return 0; fi
    sleep 0.2
  done
  tail -n 20 "$dir/log/clickhouse-server.err.log" >&2 2>/dev/null || true
  die "ClickHouse on port $http did not answer SELECT 1 within 30 s (log: $dir/log/)"
}

start_server() {
  local dir http tcp inter
  [ $# -ge 2 ] || die "usage: start DIR HTTP_PORT [TCP_PORT] [INTERSERVER_PORT]"
  dir="$(mkdir -p "$1" && cd "$1" && pwd)"
  http="$2"; tcp="${3:-$((http + 1))}"; inter="${4:-$((http + 2))}"
  install_server
  if [ -f "$dir/clickhouse.pid" ] && kill -0 "$(cat "$dir/clickhouse.pid")" 2>/dev/null; then
    die "a server already runs from $dir (pid $(cat "$dir/clickhouse.pid"))"
  fi
  write_config "$dir" "$http" "$tcp" "$inter"
  "$BIN" --config-file="$dir/etc/config.xml" --pid-file="$dir/clickhouse.pid" --daemon
  wait_ready "$http" "$dir"
  echo "ClickHouse $(http_query "$http" 'SELECT%20version()' | tr -d '\r\n') ready: http://127.0.0.1:$http (data $dir)"
}

stop_server() {
  [ $# -ge 1 ] || die "usage: stop DIR"
  local pidfile="$1/clickhouse.pid" pid
  [ -f "$pidfile" ] || { echo "no server runs from $1"; return 0; }
  pid="$(cat "$pidfile")"
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then kill -KILL "$pid"; fi
  fi
  rm -f "$pidfile"
}

case "${1:-}" in
  install) install_server; echo "clickhouse-server: $BIN" ;;
  start) shift; start_server "$@" ;;
  stop) shift; stop_server "$@" ;;
  *) die "usage: $0 install | start DIR HTTP_PORT [TCP_PORT] [INTERSERVER_PORT] | stop DIR" ;;
esac
