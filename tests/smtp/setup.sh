#!/usr/bin/env bash
# Prepares what the send and schema tests need: a Python venv with aiosmtpd and jsonschema, and
# a test CA with a certificate for localhost/127.0.0.1, under target/smtp-test. Prints the env to export.
set -euo pipefail
dir="${1:-target/smtp-test}"
mkdir -p "$dir"
if [ ! -x "$dir/venv/bin/python" ]; then
  python3 -m venv "$dir/venv"
fi
# jsonschema validates the editor schemas (tests/schema.rs); checked apart so older venvs gain it.
if ! "$dir/venv/bin/python" -c 'import aiosmtpd, jsonschema' 2>/dev/null; then
  "$dir/venv/bin/python" -m pip install --quiet --disable-pip-version-check aiosmtpd jsonschema
fi
if [ ! -f "$dir/server.pem" ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "/CN=statuspress test CA" \
    -keyout "$dir/ca.key" -out "$dir/ca.pem" 2>/dev/null
  openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout "$dir/server.key" -out "$dir/server.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' > "$dir/ext.cnf"
  openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.pem" -CAkey "$dir/ca.key" -CAcreateserial -days 3650 \
    -extfile "$dir/ext.cnf" -out "$dir/server.pem" 2>/dev/null
fi
abs=$(cd "$dir" && pwd)
echo "STATUSPRESS_TEST_SMTP=$abs"
