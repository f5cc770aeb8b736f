# edgetee top-level driver. `make run` and `make check` are the two commands
# of the quick start; everything else is CMake underneath.
BUILD ?= build
JOBS  ?= $(shell nproc)

.PHONY: all deps build run check asan format format-check clean

all: build

deps:
	@scripts/deps.sh

build: deps
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@echo "building (log: $(BUILD)/build.log)"
	@cmake --build $(BUILD) -j $(JOBS) > $(BUILD)/build.log 2>&1 || \
		{ grep -E 'error|warning' $(BUILD)/build.log | head -40; tail -20 $(BUILD)/build.log; exit 1; }

# Start a private instance, run the demo and the quick benchmarks.
run: build
	@scripts/run.sh $(BUILD)

# Every test: unit, integration (real daemon, real TA processes), faults,
# the sanitizer build and the format check.
check: build format-check
	@cd $(BUILD) && ctest --output-on-failure -j 2
	@$(MAKE) --no-print-directory asan

asan: deps
	@cmake -S . -B $(BUILD)-asan -DCMAKE_BUILD_TYPE=Debug -DEDGETEE_SANITIZE=ON >/dev/null
	@echo "building with ASan/UBSan (log: $(BUILD)-asan/build.log)"
	@cmake --build $(BUILD)-asan -j $(JOBS) > $(BUILD)-asan/build.log 2>&1 || \
		{ grep -E 'error|warning' $(BUILD)-asan/build.log | head -40; tail -20 $(BUILD)-asan/build.log; exit 1; }
	@cd $(BUILD)-asan && ctest --output-on-failure -j 2 -L asan -LE load

format:
	@git ls-files '*.c' '*.h' | grep -v '^include/' | xargs clang-format -i

format-check:
	@git ls-files '*.c' '*.h' | grep -v '^include/' | \
		xargs clang-format --dry-run --Werror

clean:
	rm -rf $(BUILD) $(BUILD)-asan results
