# A thin wrapper around CMake: CMake is the build. See README.md.
BUILD   ?= build
PREFIX  ?= /usr/local
JOBS    ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=
export DESTDIR

FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 30

.PHONY: all deps build test demo install clean fuzz bench bench-1m bench-3m bench-build

all: build

deps:
	@sh scripts/deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_FLAGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# libFuzzer targets (clang), each run for FUZZ_SECONDS on corpora seeded from the tests.
fuzz:
	@sh scripts/deps.sh fuzz
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCLAIMDB_FUZZ=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz_all
	sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS)

demo: build
	sh scripts/demo.sh $(BUILD)

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

# Benchmarks (bench/README.md): a Release build of its own; BENCH_FLAGS adds options.
BENCH_BUILD ?= build-bench
BENCH_FLAGS ?=

bench-build:
	cmake -S . -B $(BENCH_BUILD) -DCMAKE_BUILD_TYPE=Release
	cmake --build $(BENCH_BUILD) -j $(JOBS) --target claimdb-bench

bench: bench-build
	$(BENCH_BUILD)/bench/claimdb-bench --claims 100000 $(BENCH_FLAGS)

bench-1m: bench-build
	$(BENCH_BUILD)/bench/claimdb-bench --claims 1000000 $(BENCH_FLAGS)

bench-3m: bench-build
	$(BENCH_BUILD)/bench/claimdb-bench --claims 3000000 --lookups 30000 $(BENCH_FLAGS)

clean:
	rm -rf $(BUILD)
