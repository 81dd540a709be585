# Assent — the two commands that do everything on a fresh machine:
#   make dev    run the system locally on http://localhost:8787 (PORT overrides)
#   make test   run every test
# Both first run `make setup`, which installs (idempotently, pinned) what the machine lacks.
.PHONY: setup dev test bench lint fmt edge

setup:
	@bash scripts/setup.sh

dev: setup
	@bash scripts/dev.sh

test: setup
	@bash scripts/test.sh

bench: setup
	@bash bench/run.sh

lint: setup
	@bash scripts/lint.sh

fmt:
	cargo fmt --all

edge: setup
	@bash scripts/build-edge.sh
