# Sourced by the scripts: finds Go (1.21 or newer, which fetches the
# toolchain go.mod names from the module proxy when it is older).
if ! command -v go >/dev/null 2>&1 && [ -x /usr/local/go/bin/go ]; then
  export PATH="/usr/local/go/bin:$PATH"
fi
if ! command -v go >/dev/null 2>&1; then
  echo "Go is not installed: install Go 1.21 or newer (https://go.dev/doc/install)" >&2
  exit 1
fi
export GOTOOLCHAIN="${GOTOOLCHAIN:-auto}"
export CGO_ENABLED=1
export LANG="${LANG:-en_US.UTF-8}"
