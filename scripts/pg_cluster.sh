#!/usr/bin/env bash
# A throwaway PostgreSQL cluster for the tests, on a free loopback port in a folder of its own.
#
#   scripts/pg_cluster.sh start DIR [tls]   initdb + start; prints the server's URL (also in DIR/url).
#                                     With `tls`: a throwaway CA (DIR/ca.pem) signs the server's
#                                     certificate (for 127.0.0.1 and localhost), the server
#                                     accepts TLS, and the URL says sslmode=require
#   scripts/pg_cluster.sh stop DIR    stop it (fast shutdown) and remove DIR
#   scripts/pg_cluster.sh restart DIR         crash-restart it (`pg_ctl restart -m immediate`)
#   scripts/pg_cluster.sh checkpoint DIR      force a checkpoint (everything written to the files)
#   scripts/pg_cluster.sh psql DIR SQL        run SQL as the superuser
#   scripts/pg_cluster.sh standby DIR PRIMARY  a synchronous hot standby of the cluster in PRIMARY
#                                             (pg_basebackup); prints its URL
#   scripts/pg_cluster.sh crash DIR           stop it at once (`pg_ctl stop -m immediate`), keep DIR
#   scripts/pg_cluster.sh promote DIR         promote a standby to primary
#
# The cluster trusts loopback connections of its one role (`bunkerlite`, a superuser) and
# listens on 127.0.0.1 only. PostgreSQL refuses to run as root: when this runs as root, the
# server runs as `nobody`. Needs PostgreSQL's server programs (Debian `postgresql`, which
# scripts/setup.sh installs); they are looked for on PATH and in /usr/lib/postgresql/*/bin.
set -euo pipefail

die() { echo "pg_cluster: $*" >&2; exit 1; }

find_bin() {
  local name=$1 dir
  if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    [ -x "$dir/$name" ] && { echo "$dir/$name"; return; }
  done
  die "$name not found: install PostgreSQL's server (Debian: apt-get install postgresql)"
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
  else "$@"; fi
}

cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || die "usage: $0 start|stop DIR"

case "$cmd" in
start)
  initdb=$(find_bin initdb); pg_ctl=$(find_bin pg_ctl)
  mkdir -p "$dir"; dir=$(cd "$dir" && pwd)
  [ -e "$dir/data" ] && die "$dir/data exists: stop the cluster there first"
  mkdir -p "$dir/data" "$dir/socket"
  [ "$(id -u)" = 0 ] && chown -R nobody:nogroup "$dir"
  as_owner "$initdb" -D "$dir/data" -U bunkerlite --auth=trust --no-instructions -E UTF8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  sslmode=disable
  if [ "${3:-}" = tls ]; then
    command -v openssl >/dev/null 2>&1 || die "openssl is needed for a TLS cluster"
    (
      cd "$dir"
      openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=bunkerlite test CA" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
        -keyout ca.key -out ca.pem 2>/dev/null
      openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout server.key -out server.csr 2>/dev/null
      printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n' >server.ext
      openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 -extfile server.ext \
        -out server.crt 2>/dev/null
      chmod 600 server.key ca.key
      [ "$(id -u)" = 0 ] && chown nobody:nogroup server.key server.crt
      true
    ) || die "could not make the test certificates"
    printf "ssl = on\nssl_cert_file = '%s/server.crt'\nssl_key_file = '%s/server.key'\n" "$dir" "$dir" >>"$dir/data/postgresql.conf"
    sslmode=require
  fi
  cat >>"$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir/socket'
max_connections = 300
shared_buffers = 128MB
fsync = on
synchronous_commit = on
log_min_messages = warning
CONF
  as_owner "$pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
    || { cat "$dir/server.log" >&2; die "the server did not start"; }
  echo "$port" >"$dir/port"
  url="postgres://bunkerlite@127.0.0.1:$port/postgres?sslmode=$sslmode"
  echo "$url" >"$dir/url"
  echo "$url"
  ;;
stop)
  pg_ctl=$(find_bin pg_ctl)
  [ -d "$dir/data" ] || exit 0
  as_owner "$pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
standby)
  primary=${3:?"usage: $0 standby DIR PRIMARY_DIR"}
  pg_basebackup=$(find_bin pg_basebackup); pg_ctl=$(find_bin pg_ctl); psql=$(find_bin psql)
  mkdir -p "$dir"; dir=$(cd "$dir" && pwd)
  [ -e "$dir/data" ] && die "$dir/data exists"
  mkdir -p "$dir/socket"
  [ "$(id -u)" = 0 ] && chown -R nobody:nogroup "$dir"
  primary_port=$(cat "$primary/port")
  # A copy of the primary streaming its WAL, configured to follow it (-R: standby.signal and
  # primary_conninfo), under the name the primary lists as synchronous.
  as_owner "$pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U bunkerlite -D "$dir/data" -R -X stream -c fast \
    >"$dir/basebackup.log" 2>&1 || { cat "$dir/basebackup.log" >&2; die "pg_basebackup failed"; }
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  cat >>"$dir/data/postgresql.conf" <<CONF
port = $port
unix_socket_directories = '$dir/socket'
hot_standby = on
CONF
  echo "primary_conninfo = 'host=127.0.0.1 port=$primary_port user=bunkerlite application_name=standby'" \
    >>"$dir/data/postgresql.auto.conf"
  as_owner "$pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
    || { cat "$dir/server.log" >&2; die "the standby did not start"; }
  echo "$port" >"$dir/port"
  # Every commit on the primary now waits until the standby has it on disk.
  "$psql" -X -q -v ON_ERROR_STOP=1 -h "$primary/socket" -p "$primary_port" -U bunkerlite -d postgres \
    -c "ALTER SYSTEM SET synchronous_standby_names = 'standby'" -c "SELECT pg_reload_conf()" >/dev/null
  for _ in $(seq 1 100); do
    state=$("$psql" -X -At -h "$primary/socket" -p "$primary_port" -U bunkerlite -d postgres \
      -c "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby'")
    [ "$state" = sync ] && break
    sleep 0.1
  done
  [ "$state" = sync ] || die "the standby did not become synchronous"
  url="postgres://bunkerlite@127.0.0.1:$port/postgres?sslmode=disable"
  echo "$url" >"$dir/url"
  echo "$url"
  ;;
crash)
  pg_ctl=$(find_bin pg_ctl)
  as_owner "$pg_ctl" -D "$dir/data" -m immediate -w -t 60 stop >/dev/null
  ;;
promote)
  pg_ctl=$(find_bin pg_ctl)
  as_owner "$pg_ctl" -D "$dir/data" -w -t 60 promote >/dev/null
  ;;
restart)
  pg_ctl=$(find_bin pg_ctl)
  as_owner "$pg_ctl" -D "$dir/data" -l "$dir/server.log" -m immediate -w -t 60 restart >/dev/null \
    || { tail -20 "$dir/server.log" >&2; die "the server did not restart"; }
  ;;
checkpoint | psql)
  psql=$(find_bin psql)
  sql=CHECKPOINT
  [ "$cmd" = psql ] && sql=${3:?"usage: $0 psql DIR SQL"}
  "$psql" -X -q -At -v ON_ERROR_STOP=1 -h "$dir/socket" -p "$(cat "$dir/port")" -U bunkerlite -d postgres -c "$sql"
  ;;
*) die "usage: $0 start|stop|restart|checkpoint|psql|standby|crash|promote DIR" ;;
esac
