#!/usr/bin/env bash
# A throwaway Redis for the queue tests (test/sweep/queue.test.ts), on the loopback interface only,
# without persistence. The tests start their own redis-server when INITLAB_TEST_REDIS is unset;
# CI may start one up front instead:
#   eval "$(scripts/ci-redis.sh start)"   # prints: export INITLAB_TEST_REDIS=redis://127.0.0.1:PORT
#   npm test
#   scripts/ci-redis.sh stop
# PORT: $INITLAB_TEST_REDIS_PORT, default 6390. Needs redis-server (Debian: apt-get install redis-server).
set -euo pipefail
port="${INITLAB_TEST_REDIS_PORT:-6390}"
dir="${TMPDIR:-/tmp}/initlab-ci-redis-$port"
pidfile="$dir/redis.pid"

case "${1:-start}" in
  start)
    command -v redis-server >/dev/null || { echo "ci-redis: redis-server not found (apt-get install redis-server)" >&2; exit 1; }
    mkdir -p "$dir"
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      echo "ci-redis: already running (pid $(cat "$pidfile")) on 127.0.0.1:$port" >&2
    else
      redis-server --bind 127.0.0.1 --port "$port" --protected-mode yes --save '' --appendonly no \
        --daemonize yes --pidfile "$pidfile" --dir "$dir" --logfile "$dir/redis.log"
    fi
    for _ in $(seq 1 100); do
      if redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null | grep -q PONG; then
        echo "export INITLAB_TEST_REDIS=redis://127.0.0.1:$port"
        exit 0
      fi
      sleep 0.1
    done
    echo "ci-redis: redis-server did not answer on 127.0.0.1:$port within 10 s; log: $dir/redis.log" >&2
    exit 1
    ;;
  stop)
    if [ -f "$pidfile" ]; then
      kill "$(cat "$pidfile")" 2>/dev/null || true
      rm -f "$pidfile"
    fi
    ;;
  *)
    echo "usage: scripts/ci-redis.sh start|stop" >&2
    exit 2
    ;;
esac
