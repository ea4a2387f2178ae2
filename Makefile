# Podlink: `make run` serves, `make test` runs the whole suite. Both install what is missing first.
SWIFT ?= swift
BUILD_FLAGS ?=
export PODLINK_TEST_TMP ?= /dev/shm

.PHONY: all deps build run test test-unit fuzz docs clean format

all: build

deps:
	./scripts/install-deps.sh

build: deps
	$(SWIFT) build $(BUILD_FLAGS)

run: build
	$(SWIFT) run $(BUILD_FLAGS) podlinkd --timeout 0

test: deps
	$(SWIFT) build --build-tests $(BUILD_FLAGS)
	./scripts/run-tests.sh
	./scripts/fuzz.sh

# Each fuzz target for FUZZ_SECONDS (make test runs them for 15 s).
fuzz: deps
	./scripts/fuzz.sh $(FUZZ_SECONDS)

docs: build
	$(SWIFT) run varlink-swift-gen markdown interfaces/io.podlink.varlink -o docs/io.podlink.md

format:
	swift format --in-place --recursive Sources Tests Plugins Package.swift

clean:
	rm -rf .build

.PHONY: bench bench-rpc bench-exit bench-exec bench-checkpoint bench-engine bench-network bench-transfer bench-race
bench: deps
	./Benchmarks/engine.sh

bench-rpc: deps
	./Benchmarks/rpc.sh

bench-exit: deps
	./Benchmarks/exit-latency.sh

bench-exec: deps
	./Benchmarks/exec-latency.sh

bench-checkpoint: deps
	./Benchmarks/checkpoint.sh

bench-network: deps
	./Benchmarks/network.sh

bench-transfer: deps
	./Benchmarks/transfer.sh

bench-race: deps
	./Benchmarks/race.sh

bench-engine: deps
	PODLINK_BENCH=1 PODLINK_TEST_TMP=/dev/shm swift test -c release --filter HotPathBenchmarkTests
