#!/bin/sh
# The demo's application: a greeting and the host it runs on. Built into an image with
#   ./shoal build --from busybox --add deploy/demo/hello.sh:/app/hello.sh \
#       --entrypoint /app/hello.sh -t 127.0.0.1:5000/alice/hello:v1 --push
name=${GREETING_NAME:-Shoal}
host=$(cat /proc/sys/kernel/hostname 2>/dev/null || hostname 2>/dev/null || echo unknown)
echo "Hello from $name on $host"
