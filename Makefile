# Novi: `make run` builds and starts it on SQLite with demo data; `make test` runs every test.
SHELL := /bin/bash
.DEFAULT_GOAL := run

TARGET_DIR := $(or $(CARGO_TARGET_DIR),target)
NOVI := $(TARGET_DIR)/release/novi
SITE := target/site
# The wasm-bindgen CLI must match the library version in Cargo.lock exactly.
WASM_BINDGEN_VERSION := $(shell sed -n '/^name = "wasm-bindgen"$$/{n;s/version = "\(.*\)"/\1/p;}' Cargo.lock)
export TRUNK_SKIP_VERSION_CHECK := true
# binaryen's wasm-opt from crates.io (never Debian's, whose build breaks hydration).
WASM_OPT_VERSION := 116

# Development defaults for `make run`; override on the command line or in the environment.
NOVI_DEMO_PASSWORD ?= pizzapalace
PORT ?= 3000

.PHONY: run build test tools frontend server chromium pg-client schemathesis fuzz lint fmt ci clean

## Install what the build needs, from crates.io and Debian only.
tools:
	@rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
	@wasm-bindgen --version 2>/dev/null | grep -qF "$(WASM_BINDGEN_VERSION)" || \
		cargo install wasm-bindgen-cli --version "=$(WASM_BINDGEN_VERSION)"
	@trunk --version 2>/dev/null | grep -q "^trunk 0\.21\." || cargo install trunk --version '~0.21' --locked
	@wasm-opt --version 2>/dev/null | grep -qF "version_$(WASM_OPT_VERSION)" || \
		cargo install wasm-opt --version "=0.$(WASM_OPT_VERSION).1" --locked

WASM_FEATURES := --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
	--enable-reference-types --enable-multivalue
WASM_OUT := $(TARGET_DIR)/wasm32-unknown-unknown/wasm-release

## The browser bundles in target/site/pkg: `frontend` (Trunk, with the stylesheet), then one
## per part of the dashboard (see app::bundle_for), and `preview` (the parser the new-order page
## loads); and the public files beside them.
SECTIONS := order entry business analytics people

frontend: tools
	trunk build --release
	for section in $(SECTIONS); do \
		cargo build -p sections --features $$section --target wasm32-unknown-unknown --profile wasm-release && \
		wasm-bindgen --target web --no-typescript --out-dir $(SITE)/pkg --out-name $$section \
			$(WASM_OUT)/sections.wasm && \
		wasm-opt -Oz $(WASM_FEATURES) $(SITE)/pkg/$${section}_bg.wasm -o $(SITE)/pkg/$${section}_bg.wasm \
		|| exit 1; \
	done
	cargo build -p preview --target wasm32-unknown-unknown --profile wasm-release
	wasm-bindgen --target web --no-typescript --out-dir $(SITE)/pkg/preview $(WASM_OUT)/preview.wasm
	wasm-opt -Oz $(WASM_FEATURES) $(SITE)/pkg/preview/preview_bg.wasm -o $(SITE)/pkg/preview/preview_bg.wasm
	cp -r public/. $(SITE)/

server:
	cargo build --release -p server

build: frontend server

## Novi with demo data and the WhatsApp simulator (a phone at /dev/whatsapp/phone).
run: build chromium
	@mkdir -p data
	NOVI_ENV=development NOVI_DEMO_PASSWORD='$(NOVI_DEMO_PASSWORD)' $(NOVI) seed
	@echo
	@echo "Novi: http://localhost:$(PORT)  (sign in as owner@pizzapalace.example / $(NOVI_DEMO_PASSWORD))"
	@echo "WhatsApp simulator: http://localhost:$(PORT)/dev/whatsapp/  and a customer's phone at /dev/whatsapp/phone"
	@echo
	NOVI_ENV=development NOVI_WHATSAPP=$${NOVI_WHATSAPP:-simulator} PORT=$(PORT) exec $(NOVI) serve

## Debian's Chromium for the browser tests (never a downloaded browser).
chromium:
	@command -v chromium >/dev/null || test -x /usr/bin/chromium || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; \
		else echo "install Debian's chromium package (sudo apt-get install chromium)"; exit 1; fi; }

## pg_dump and pg_restore, which backups on PostgreSQL run (Debian's postgresql-client).
pg-client:
	@command -v pg_dump >/dev/null && command -v pg_restore >/dev/null || { \
		if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-client; \
		else echo "install Debian's postgresql-client package (sudo apt-get install postgresql-client)"; exit 1; fi; }

## schemathesis from PyPI, in a virtualenv beside the build, for tests/tests/api_schema.rs.
SCHEMATHESIS := $(abspath $(TARGET_DIR))/venv/bin/schemathesis
schemathesis:
	@$(SCHEMATHESIS) --version 2>/dev/null | grep -q "version 4\." || { \
		python3 -m venv $(abspath $(TARGET_DIR))/venv && \
		$(abspath $(TARGET_DIR))/venv/bin/pip install -q 'schemathesis>=4.32,<5'; }

## Every test: unit, integration (SQLite, and PostgreSQL when NOVI_TEST_POSTGRES_URL is set),
## the API against its OpenAPI description, browser.
test: frontend chromium schemathesis
	NOVI_SCHEMATHESIS=$(SCHEMATHESIS) cargo test --no-fail-fast

## Each fuzz target of app/fuzz for FUZZ_SECONDS: cargo-fuzz from crates.io, on stable Rust
## (no sanitizer: libFuzzer's coverage, panics and assertions).
FUZZ_SECONDS ?= 30
FUZZ_TARGETS := parse json_bodies
fuzz:
	@cargo fuzz --version 2>/dev/null | grep -q "^cargo-fuzz 0\.13\." || cargo install cargo-fuzz --version '~0.13' --locked
	cd app/fuzz && for target in $(FUZZ_TARGETS); do \
		cargo fuzz run --sanitizer none --target-dir $(abspath $(TARGET_DIR))/fuzz $$target -- \
			-max_total_time=$(FUZZ_SECONDS) || exit 1; \
	done

lint:
	cargo fmt --all --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy -p frontend -p preview --target wasm32-unknown-unknown -- -D warnings
	cargo clippy -p sections --features order --target wasm32-unknown-unknown -- -D warnings

fmt:
	cargo fmt --all

ci: lint test

clean:
	cargo clean
	rm -rf data
