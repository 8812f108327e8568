SHELL := /bin/bash
# usage-audit: two commands for a new user (`make demo`, `make test`); the rest is for developers.
# Every target first installs the missing system libraries (apt-get; sudo when not root; nothing when all
# are present).

SWIFT        ?= swift
SYSTEM_DEPS  := libjansson-dev libpcap-dev libpcre2-dev zlib1g-dev pkg-config
# The executables' allocator, checked by its file: its package is libtcmalloc-minimal4, renamed
# libtcmalloc-minimal4t64 from Debian 13 and Ubuntu 24.04 on.
ALLOCATOR    := libtcmalloc_minimal.so.4
DEMO_INPUT   ?= Fixtures/demo/sample.pcap

# Seconds each fuzz target runs for in `make fuzz` (`make test` runs each for FUZZ_SMOKE_SECONDS).
FUZZ_SECONDS ?= 180
FUZZ_SMOKE_SECONDS ?= 30

# Where `make install` puts things ($(DESTDIR)$(PREFIX)/bin, share/man/man1, the shells' completion folders).
PREFIX       ?= /usr/local
DESTDIR      ?=
# The release build behind `make install` and `make dist`: the Swift runtime and Foundation linked in, so the
# binary runs on a machine without Swift (the C libraries stay dynamic: see Scripts/make-dist). Its own scratch
# folder, so that it and the plain release build of `make bench` do not rebuild each other.
RELEASE_BUILD := $(SWIFT) build -c release --static-swift-stdlib --product usage-audit --scratch-path .build-static

.PHONY: all deps build demo test bench load fuzz schemas-embed format clean release install uninstall dist test-fresh-clone

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

# Every test. Everything the tests read is in the repository (Vendor/ holds the third-party documents).
test: deps
	mkdir -p .build
	$(SWIFT) test --parallel 2>&1 | tee .build/test.log; \
	  status=$${PIPESTATUS[0]}; [ $$status -eq 0 ] || exit $$status
	@Scripts/check-test-log .build/test.log
	FUZZ_LOGS=.build-fuzz/smoke-logs Fuzz/run $(FUZZ_SMOKE_SECONDS)

# Every fuzz target (libFuzzer + AddressSanitizer, built under .build-fuzz) for FUZZ_SECONDS each, one after
# the other; crashes are kept under .build-fuzz/crashes/ and fail the run. See README, "Fuzzing".
fuzz: deps
	Fuzz/run $(FUZZ_SECONDS)

# Clones the committed HEAD into a new temporary folder with nothing beside it and runs `make test` there:
# proof that a user's fresh clone passes, whatever lies next to this working copy.
test-fresh-clone:
	Scripts/test-fresh-clone

release: deps
	$(RELEASE_BUILD)

# The release binary, its man page and its bash, zsh and fish completions under $(DESTDIR)$(PREFIX).
install: release
	Scripts/install-usage-audit "$$($(RELEASE_BUILD) --show-bin-path)/usage-audit" "$(DESTDIR)$(PREFIX)"

uninstall:
	rm -f "$(DESTDIR)$(PREFIX)/bin/usage-audit" "$(DESTDIR)$(PREFIX)/share/man/man1/usage-audit.1" \
	  "$(DESTDIR)$(PREFIX)/share/bash-completion/completions/usage-audit" \
	  "$(DESTDIR)$(PREFIX)/share/zsh/site-functions/_usage-audit" \
	  "$(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/usage-audit.fish"

# .build/dist/usage-audit-VERSION-linux-ARCH.tar.gz: the install tree with a README and the licenses, checked
# by running the unpacked binary with an empty environment.
dist: release
	Scripts/make-dist "$$($(RELEASE_BUILD) --show-bin-path)/usage-audit" .build/dist

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
