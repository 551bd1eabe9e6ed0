# Redress - plain Makefile. `make run` serves the demo; `make check` runs every test.
# Objects go to build/ (optimised) and build/asan/ (AddressSanitizer + UBSan).

PKGS      := libmicrohttpd jansson sqlite3 libpq libsodium icu-uc icu-i18n
CC        ?= cc
WARN      := -Wall -Wextra -Werror -Wshadow -Wno-unused-parameter -Wstrict-prototypes
CFLAGS    ?= -O2 -g
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -Isrc -MMD -MP \
             $(shell pkg-config --cflags $(PKGS))
LIBS      := $(shell pkg-config --libs $(PKGS)) -lpthread -lm
ASAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -O1 -g

DB        ?= var/redress.db
LISTEN    ?= 127.0.0.1:8080

LIB_SRC   := $(filter-out src/main.c,$(shell find src -name '*.c' | sort))
UNIT_SRC  := $(shell find tests/unit -name 'test_*.c' | sort)
STORE_SRC := $(shell find tests/store -name 'test_*.c' | sort)
TEST_SRC  := $(UNIT_SRC) $(STORE_SRC)

# Each backend's migrations, embedded into the binary by scripts/embed.sh.
MIGRATIONS:= $(sort $(wildcard src/store/migrations/sqlite/*.sql))
GEN_SRC   := build/gen/sqlite_migrations.c
PG_MIGRATIONS:= $(sort $(wildcard src/store/migrations/pg/*.sql))
PG_GEN_SRC:= build/gen/pg_migrations.c

# The web console's files, embedded by scripts/embed_web.py.
WEB_FILES := $(shell find web -path web/node_modules -prune -o -type f -print | sort)
WEB_VENDOR:= web/node_modules/echarts/dist/echarts.min.js
WEB_SRC   := build/gen/web_assets.c

# The server's Chinese message catalog, embedded by scripts/embed_messages.py.
MESSAGES  := src/util/messages/zh-CN.json src/util/messages/zh-CN.terms.json
MSG_SRC   := build/gen/messages_zh.c

GEN_OBJ   := gen/sqlite_migrations.o gen/pg_migrations.o gen/web_assets.o gen/messages_zh.o
OBJ       := $(LIB_SRC:%.c=build/%.o) $(GEN_OBJ:%=build/%)
OBJ_ASAN  := $(LIB_SRC:%.c=build/asan/%.o) $(GEN_OBJ:%=build/asan/%)
TESTS     := $(TEST_SRC:%.c=build/%)
TESTS_ASAN:= $(TEST_SRC:%.c=build/asan/%)
# The libFuzzer targets (fuzz section below). Defined here, before `tests`
# names them: make expands a rule's prerequisites where it reads the rule.
FUZZ_SRC  := $(sort $(wildcard fuzz/fuzz_*.c))
FUZZ_BIN  := $(FUZZ_SRC:fuzz/%.c=build/fuzz/%)

.PHONY: all run check lint bench soak soak-valgrind deps clean tests fuzz fuzz-build
# Keep test objects: they are intermediates of the test binaries, not garbage.
.SECONDARY:

all: build/redress

deps:
	@scripts/deps.sh

build/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

build/asan/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ASAN) -c $< -o $@

# The folder too: removing a migration must regenerate the file as well.
$(GEN_SRC): $(MIGRATIONS) src/store/migrations/sqlite scripts/embed.sh
	@mkdir -p $(dir $@)
	sh scripts/embed.sh sqlite $(MIGRATIONS) > $@.tmp && mv $@.tmp $@

$(PG_GEN_SRC): $(PG_MIGRATIONS) src/store/migrations/pg scripts/embed.sh
	@mkdir -p $(dir $@)
	sh scripts/embed.sh pg $(PG_MIGRATIONS) > $@.tmp && mv $@.tmp $@

build/gen/%_migrations.o: build/gen/%_migrations.c
	$(CC) $(ALL_CFLAGS) -c $< -o $@

build/asan/gen/%_migrations.o: build/gen/%_migrations.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ASAN) -c $< -o $@

# The npm packages the console bundles (ECharts), as locked.
$(WEB_VENDOR): web/package.json web/package-lock.json
	cd web && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(WEB_SRC): $(WEB_FILES) $(WEB_VENDOR) web web/i18n scripts/embed_web.py
	@mkdir -p $(dir $@)
	python3 scripts/embed_web.py web > $@.tmp && mv $@.tmp $@

build/gen/web_assets.o: $(WEB_SRC)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

build/asan/gen/web_assets.o: $(WEB_SRC)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ASAN) -c $< -o $@

$(MSG_SRC): $(MESSAGES) scripts/embed_messages.py
	@mkdir -p $(dir $@)
	python3 scripts/embed_messages.py $(MESSAGES) > $@.tmp && mv $@.tmp $@

build/gen/messages_zh.o: $(MSG_SRC)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

build/asan/gen/messages_zh.o: $(MSG_SRC)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ASAN) -c $< -o $@

build/libredress.a: $(OBJ)
	@rm -f $@
	ar rcs $@ $^

build/asan/libredress.a: $(OBJ_ASAN)
	@rm -f $@
	ar rcs $@ $^

build/redress: build/src/main.o build/libredress.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS)

build/asan/redress: build/asan/src/main.o build/asan/libredress.a
	$(CC) $(ALL_CFLAGS) $(ASAN) -o $@ $^ $(LIBS)

build/tests/%: build/tests/%.o build/libredress.a
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(LIBS) -lcmocka

build/asan/tests/%: build/asan/tests/%.o build/asan/libredress.a
	$(CC) $(ALL_CFLAGS) $(ASAN) -o $@ $^ $(LIBS) -lcmocka

# The benchmark dataset generator (bench/run.sh builds it) and the sweep
# benchmark (bench/sweep.sh).
build/bench/gen: bench/gen.c build/libredress.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $(filter %.c %.a,$^) $(LIBS)

build/bench/sweep: bench/sweep.c build/libredress.a
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -o $@ $(filter %.c %.a,$^) $(LIBS)

tests: build/redress build/asan/redress $(TESTS) $(TESTS_ASAN) $(FUZZ_BIN) tests/browser/node_modules/.package-lock.json

# The browser tests' one npm package (playwright-core), as locked.
tests/browser/node_modules/.package-lock.json: tests/browser/package.json tests/browser/package-lock.json
	cd tests/browser && npm ci --no-audit --no-fund --loglevel=error

# Serves the demo: installs what is missing, builds, creates the database once.
run: deps
	@$(MAKE) --no-print-directory build/redress
	@mkdir -p $(dir $(DB))
	@if [ ! -f $(DB) ]; then \
	  build/redress init --db $(DB) --demo $(if $(ADMIN_PASSWORD_FILE),--admin-password-file $(ADMIN_PASSWORD_FILE)); \
	else build/redress migrate --db $(DB); fi
	build/redress serve --db $(DB) --listen $(LISTEN)

# Every test: unit and store (plain and sanitized), API over HTTP against the
# sanitized binary, the browser tests (Chromium), the crash test; ends with
# "N passed, N failed".
check: deps
	@$(MAKE) --no-print-directory -j2 tests
	@scripts/check.sh

lint: deps
	@scripts/lint.sh

bench: deps build/redress
	@bench/run.sh

# The soak test (tests/soak/soak.py; not in `make check`): a mixed load,
# watching RSS and descriptors over SOAK_SECONDS (default 30 minutes) after
# a warm-up that lasts until the page caches are full (10 to 30 minutes),
# and the same mix for 2 minutes under valgrind.
SOAK_SECONDS ?= 1800
soak: deps build/redress
	@python3 tests/soak/soak.py --binary build/redress --seconds $(SOAK_SECONDS)

soak-valgrind: deps build/redress
	@python3 tests/soak/soak.py --binary build/redress --seconds 120 --warmup 0 --valgrind

# ---- fuzzing (docs/fuzzing.md) ----------------------------------------------
# libFuzzer targets, one per parser of outside input: fuzz/fuzz_<name>.c over
# a clang-built copy of the library (build/fuzz/), with ASan and UBSan.
# `make fuzz` runs each for FUZZ_SECONDS; scripts/check.sh runs each over its
# committed corpus plus a short session (scripts/fuzz.sh).
FUZZ_CC     := clang
FUZZ_SAN    := -fsanitize=address,undefined -fno-sanitize-recover=undefined \
               -fno-omit-frame-pointer -O1 -g
# clang's -Wshadow also counts libc's globals (timezone), which gcc's does
# not; the gcc builds keep checking shadowing.
FUZZ_CFLAGS  = -std=c11 -D_GNU_SOURCE $(WARN) -Wno-shadow -Isrc -MMD -MP \
               $(shell pkg-config --cflags $(PKGS)) $(FUZZ_SAN)
OBJ_FUZZ    := $(LIB_SRC:%.c=build/fuzz/%.o) $(GEN_OBJ:%=build/fuzz/%)
FUZZ_SECONDS ?= 60

build/fuzz/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer-no-link -c $< -o $@

build/fuzz/gen/%.o: build/gen/%.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -Wno-overlength-strings -c $< -o $@

build/fuzz/libredress.a: $(OBJ_FUZZ)
	@rm -f $@
	ar rcs $@ $^

build/fuzz/fuzz_%: fuzz/fuzz_%.c build/fuzz/libredress.a
	$(FUZZ_CC) $(FUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $< build/fuzz/libredress.a $(LIBS)

fuzz-build: $(FUZZ_BIN)

# Each target for FUZZ_SECONDS (default 60); new inputs go to
# build/fuzz/corpus/<name>/, into the committed corpus only with FUZZ_MERGE=1.
fuzz: deps
	@$(MAKE) --no-print-directory -j2 fuzz-build
	@FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_MERGE=$(FUZZ_MERGE) scripts/fuzz.sh long

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
