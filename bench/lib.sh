# Shared by the benchmark scripts (source it after `cd` to the checkout): the tools they
# need, the binary under test, a scratch folder cleaned up on exit with every process the
# script started, starting arabpress and waiting until it answers, nginx serving a folder
# of static files (the baseline), and wrk runs that always end.
#
# The binary: $ARABPRESS_BIN when set (e.g. a debug build, for a quick check that a script
# still works), otherwise the release build, built first.

# bench_tools TOOL...: installs the Debian packages of the tools that are missing.
bench_tools() {
  local need=() t
  for t in "$@"; do
    if [[ $t == time ]]; then
      [[ -x /usr/bin/time ]] || need+=(time)
    else
      command -v "$t" >/dev/null || need+=("$t")
    fi
  done
  if ((${#need[@]})); then
    need=("${need[@]/#nginx/nginx-light}")
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}

# bench_binary: sets $bin to the arabpress binary (absolute path).
bench_binary() {
  if [[ -n ${ARABPRESS_BIN:-} ]]; then
    bin=$(realpath "$ARABPRESS_BIN")
  else
    cargo build --release -p arabpress --locked
    bin=$(realpath "${CARGO_TARGET_DIR:-target}/release/arabpress")
  fi
}

# bench_setup: sets $tmp to a new scratch folder (readable by nginx's workers) and traps
# EXIT to stop what bench_start, bench_nginx and bench_track started, run the commands
# given to bench_on_exit, and remove the folder.
bench_pids=()
bench_exit_hooks=()
bench_setup() {
  tmp=$(mktemp -d)
  chmod 755 "$tmp"
  trap bench_cleanup EXIT
}

bench_cleanup() {
  local p h
  for p in "${bench_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${bench_pids[@]}"; do wait "$p" 2>/dev/null || true; done
  [[ -f $tmp/nginx.pid ]] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null || true
  for h in "${bench_exit_hooks[@]}"; do eval "$h" || true; done
  rm -rf "$tmp"
}

# bench_on_exit COMMAND: runs COMMAND (a string) on exit, before the folder is removed.
bench_on_exit() { bench_exit_hooks+=("$1"); }

# bench_track PID: stops PID on exit.
bench_track() { bench_pids+=("$1"); }

# bench_stop PID: stops PID now and waits for it.
bench_stop() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# bench_start NAME PORT ARGS...: runs `$bin ARGS... --listen 127.0.0.1:PORT` in the
# background (output in $tmp/NAME.log; RUST_LOG=warn unless set), sets $server to its
# pid and returns once /healthz answers; exits with the log if it dies or takes 5 minutes.
bench_start() {
  local name=$1 port=$2
  shift 2
  RUST_LOG=${RUST_LOG:-warn} "$bin" "$@" --listen "127.0.0.1:$port" >"$tmp/$name.log" 2>&1 &
  server=$!
  bench_track "$server"
  local _
  for _ in $(seq 1 1200); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$server" 2>/dev/null || { echo "$name died" >&2; cat "$tmp/$name.log" >&2; exit 1; }
    sleep 0.25
  done
  echo "$name did not start" >&2
  exit 1
}

# bench_nginx PORT [LOCATION]: nginx serving $tmp/www on 127.0.0.1:PORT; LOCATION, when
# given, is added to the server block (e.g. a try_files that answers every path).
bench_nginx() {
  cat >"$tmp/nginx.conf" <<NGINX
worker_processes 2;
pid $tmp/nginx.pid;
error_log $tmp/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  types { text/html html; }
  charset utf-8;
  server {
    listen 127.0.0.1:$1;
    root $tmp/www;
    ${2:-}
  }
}
NGINX
  nginx -c "$tmp/nginx.conf"
}

# bench_wrk ARGS...: wrk with ARGS, stopped if it overruns its -d duration by a minute.
bench_wrk() {
  local d
  d=$(grep -o -- '-d[0-9]*' <<<"$*" | head -1 | tr -dc 0-9)
  timeout $((${d:-10} + 60)) wrk "$@"
}

# rps: the requests/second of wrk's output on standard input.
rps() { awk '/Requests\/sec/ {print $2}'; }

# bench_quote PATH: PATH with its non-ASCII characters percent-encoded.
bench_quote() { python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(sys.argv[1]))' "$1"; }

# The demo's Arabic interview, the page the benchmarks measure.
bench_article='/ar/article/الخبيرة-الاقتصادية-داليا-فاروق-سعر-الخبز-مقياس-للثقة'
