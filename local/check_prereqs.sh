#!/usr/bin/env bash
# Stops with one line naming what to install when a prerequisite of `make run` / `make test` is missing.
set -u
py="${1:-python3}"
if ! command -v "$py" >/dev/null 2>&1; then
  echo "error: $py not found; install Python 3.11 or newer (e.g. 'apt install python3 python3-venv') and retry" >&2; exit 1
fi
if ! "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
  echo "error: $("$py" -V 2>&1) is too old; install Python 3.11 or newer, or run 'make PYTHON=python3.11 ...'" >&2; exit 1
fi
if ! "$py" -c 'import venv, ensurepip' 2>/dev/null; then
  echo "error: $py cannot create virtual environments; install its venv module (e.g. 'apt install python3-venv')" >&2; exit 1
fi
if ! command -v java >/dev/null 2>&1; then
  echo "error: java not found; Spark needs Java 17 (e.g. 'apt install openjdk-17-jre-headless') and JAVA_HOME or PATH set" >&2; exit 1
fi
java_major=$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
if [ -z "$java_major" ] || [ "$java_major" -lt 17 ] || [ "$java_major" -gt 21 ]; then
  echo "error: java ${java_major:-?} found; Spark 4.1 needs Java 17 or 21 (e.g. 'apt install openjdk-17-jre-headless')" >&2; exit 1
fi
if ! command -v node >/dev/null 2>&1; then
  echo "error: node not found; the CDK needs Node.js 20 or newer (https://nodejs.org or 'apt install nodejs')" >&2; exit 1
fi
node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "error: node $node_major found; the CDK needs Node.js 20 or newer" >&2; exit 1
fi
