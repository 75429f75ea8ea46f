# Kindling's two set-up commands are `make run` and `make test`; both install what is missing.
#
#   make run    install missing Debian packages, build, start the example workers
#   make test   install missing Debian packages, build, run every test
#   make bench  release-built benchmarks, one line per figure
#   make deps   only the Debian packages

SWIFT ?= swift
# Debian packages: C libraries (with their pkg-config files), the bundler, and the tools the tests call.
DEBIAN_PACKAGES := pkg-config libsqlite3-dev sqlite3 libjavascriptcoregtk-4.1-dev zlib1g-dev esbuild wrk
# apt-get needs root; use sudo when we are not root.
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: deps build test run serve-example bench clean

deps:
	@missing=""; \
	for package in $(DEBIAN_PACKAGES); do \
		dpkg-query -W -f='$${Status}' "$$package" 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$package"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "Installing Debian packages:$$missing"; \
		$(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q $$missing; \
	fi

build: deps
	$(SWIFT) build

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# The counter example from examples/: two workers sharing KV namespace "counts", state in .kindling/.
KINDLING ?= $$($(SWIFT) build --show-bin-path)/kindling
PORT ?= 8787
PERSIST ?= .kindling

run: build
	@$(MAKE) --no-print-directory serve-example

serve-example:
	@echo "Serving examples/counter on http://127.0.0.1:$(PORT)/ with state in $(PERSIST)/kindling.sqlite"
	@echo "  curl http://127.0.0.1:$(PORT)/        # The count is 3, then 6, …"
	@echo "  sqlite3 $(PERSIST)/kindling.sqlite \"SELECT key, CAST(value AS TEXT) FROM kv_counts\""
	@echo "Ctrl-C stops it."
	@exec $(KINDLING) dev -c examples/counter/worker/wrangler.toml -c examples/counter/incrementer/wrangler.toml \
		--persist-to $(PERSIST) --port $(PORT)

bench: deps
	$(SWIFT) build -c release --product KindlingBenchmarks
	$(SWIFT) build -c release --product kindling
	$$($(SWIFT) build -c release --show-bin-path)/KindlingBenchmarks $(ONLY)

clean:
	rm -rf .build
