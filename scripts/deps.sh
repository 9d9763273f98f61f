#!/usr/bin/env bash
# Installs with apt-get what the build needs and pkg-config cannot find: the FFmpeg -dev
# packages, libebur128-dev, OpenCV (libopencv-dev, and opencv-data for the face model lip sync
# loads at run time), and pkg-config itself. Extra words add tools: `ffmpeg` (the CLI, for sample-media
# the hostile-input corpus and benchmarks), `time` (GNU time, for peak memory), and for the report tests `chromium` (the HTML
# report in a headless browser), `xmllint` (JUnit XML against its schema) and `jsonschema` (Python's
# validator, from PyPI, for the JSON report's schema); for the service's tests `postgresql` (a server the
# test script starts in a temporary folder), `openapi` (openapi-spec-validator and schemathesis, from
# PyPI) and for its load benchmark `wrk`.
set -euo pipefail
need=()
command -v pkg-config >/dev/null 2>&1 || need+=(pkg-config)
if ! pkg-config --exists libavformat libavcodec libswscale libswresample libavutil 2>/dev/null; then
  need+=(libavformat-dev libavcodec-dev libswscale-dev libswresample-dev libavutil-dev)
fi
# libebur128: the loudness meter (ITU-R BS.1770 / EBU R128) the loudness checker wraps.
pkg-config --exists libebur128 2>/dev/null || need+=(libebur128-dev)
# OpenCV: the face detector behind lip sync (CFaceDetect), and its model file.
# Without recommends: libopencv-dev recommends the Java bindings, and a Java runtime with them.
# SQLite: the service's default job store (GRDB links the system's libsqlite3).
pkg-config --exists sqlite3 2>/dev/null || need+=(libsqlite3-dev)
lean=()
pkg-config --exists opencv4 2>/dev/null || lean+=(libopencv-dev)
[ -r /usr/share/opencv4/lbpcascades/lbpcascade_frontalface_improved.xml ] || lean+=(opencv-data)
for extra in "$@"; do
  case "$extra" in
    ffmpeg) command -v ffmpeg >/dev/null 2>&1 || need+=(ffmpeg) ;;
    time) [ -x /usr/bin/time ] || need+=(time) ;;
    chromium) command -v chromium >/dev/null 2>&1 || need+=(chromium) ;;
    xmllint) command -v xmllint >/dev/null 2>&1 || need+=(libxml2-utils) ;;
    jsonschema)
      if ! python3 -c 'import jsonschema' >/dev/null 2>&1; then
        echo "Installing with pip: jsonschema"
        python3 -m pip install -q jsonschema || echo "deps.sh: could not install jsonschema; the schema test will say it skipped" >&2
      fi ;;
    postgresql) ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql) ;;
    wrk) command -v wrk >/dev/null 2>&1 || need+=(wrk) ;;
    openapi)
      if ! python3 -c 'import openapi_spec_validator, schemathesis' >/dev/null 2>&1; then
        echo "Installing with pip: openapi-spec-validator schemathesis"
        python3 -m pip install -q openapi-spec-validator schemathesis || echo "deps.sh: could not install them; the API contract test will say it skipped" >&2
      fi ;;
    *) echo "deps.sh: unknown extra '$extra'" >&2; exit 2 ;;
  esac
done
if [ $((${#need[@]} + ${#lean[@]})) -gt 0 ]; then
  sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  echo "Installing with apt-get: ${need[*]} ${lean[*]}"
  $sudo apt-get update -qq
  [ ${#need[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
  [ ${#lean[@]} -eq 0 ] || DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${lean[@]}" >/dev/null
fi
