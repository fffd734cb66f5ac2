# Entry points for developers and CI. `make test` is the project's test command.
PRESET ?= release
BUILD_DIR := build/$(PRESET)
JOBS ?= $(shell nproc)

.PHONY: all deps configure build test test-unit bench demo format format-check clean

all: build

deps:
	bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake --preset $(PRESET) >/dev/null

configure: $(BUILD_DIR)/build.ninja

build: configure
	cmake --build $(BUILD_DIR) -j $(JOBS)

# Every test, with the services they need: PostgreSQL is started for the run unless
# ORCH_TEST_POSTGRES_URL already points at one.
test: build
	bash scripts/run-tests.sh $(BUILD_DIR)

# Only the tests that need no service.
test-unit: build
	ctest --test-dir $(BUILD_DIR) -L unit --output-on-failure -j $(JOBS)

# The whole pipeline on a local stack: installs what is missing, builds the binary alone with
# the demo preset (the quickest cold build; CMakePresets.json), and settles the chain of
# devnet/chain (docs/devnet.md).
DEMO_DIR := build/demo
demo: deps
	@[ -f $(DEMO_DIR)/build.ninja ] || cmake --preset demo >/dev/null
	cmake --build $(DEMO_DIR) --target orchestrator -j $(JOBS)
	$(DEMO_DIR)/src/orchestrator devnet --blocks devnet/chain

bench: build
	bash scripts/run-bench.sh $(BUILD_DIR)

format:
	find src tests bench -name '*.cc' -o -name '*.h' | xargs clang-format -i

format-check:
	find src tests bench -name '*.cc' -o -name '*.h' | xargs clang-format --dry-run --Werror

clean:
	rm -rf build
