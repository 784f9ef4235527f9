# fdscope — GNU make build.  `make`, `make check`, `make asan`, `make install`.
# An optional dependency is a tri-state: WITH_LIBCAP=auto|yes|no.

PREFIX   ?= /usr/local
BINDIR   ?= $(PREFIX)/bin
MANDIR   ?= $(PREFIX)/share/man
DATADIR  ?= $(PREFIX)/share
BASHCOMPDIR ?= $(DATADIR)/bash-completion/completions
ZSHCOMPDIR  ?= $(DATADIR)/zsh/site-functions
FISHCOMPDIR ?= $(DATADIR)/fish/vendor_completions.d
DOCDIR   ?= $(PREFIX)/share/doc/fdscope
DESTDIR  ?=
CC       ?= cc
PKG_CONFIG ?= pkg-config
WITH_LIBCAP ?= auto
SANITIZE ?=
VERSION  := 0.1.0

WARN := -Wall -Wextra -Wmissing-prototypes -Wstrict-prototypes -Wformat=2 \
	-Wvla -Wshadow -Wpointer-arith -Wcast-qual -Wno-format-nonliteral
# CFLAGS is the user's (CI passes EXTRA_CFLAGS=-Werror); the rest is ours.
OPTFLAGS ?= -O2 -g
ALL_CFLAGS = -std=c17 $(WARN) $(OPTFLAGS) $(CFLAGS) $(EXTRA_CFLAGS)
ALL_CPPFLAGS = -D_GNU_SOURCE -DFDSCOPE_VERSION='"$(VERSION)"' -MMD -MP $(CPPFLAGS)
ALL_LDFLAGS = $(LDFLAGS)
LDLIBS   :=

ifneq ($(SANITIZE),)
ALL_CFLAGS  += -fsanitize=$(SANITIZE) -fno-omit-frame-pointer
ALL_LDFLAGS += -fsanitize=$(SANITIZE)
endif

# libsmartcols is required: every table and all JSON go through it.
SCOLS_CFLAGS := $(shell $(PKG_CONFIG) --cflags smartcols 2>/dev/null)
SCOLS_LIBS   := $(shell $(PKG_CONFIG) --libs smartcols 2>/dev/null)
ALL_CPPFLAGS += $(SCOLS_CFLAGS)
LDLIBS   += $(SCOLS_LIBS)

# libcap is optional.
ifeq ($(WITH_LIBCAP),no)
HAVE_LIBCAP := no
else
HAVE_LIBCAP := $(shell $(PKG_CONFIG) --exists libcap 2>/dev/null && echo yes || echo no)
endif
ifeq ($(HAVE_LIBCAP),yes)
ALL_CPPFLAGS += -DHAVE_LIBCAP $(shell $(PKG_CONFIG) --cflags libcap)
LDLIBS   += $(shell $(PKG_CONFIG) --libs libcap)
endif

CHECK_CFLAGS := $(shell $(PKG_CONFIG) --cflags check 2>/dev/null)
CHECK_LIBS   := $(shell $(PKG_CONFIG) --libs check 2>/dev/null)

# Build products depend on the configuration, so a switch of WITH_LIBCAP or
# SANITIZE rebuilds everything rather than mixing objects.
CONFIG_ID := $(HAVE_LIBCAP)-$(subst $(comma),_,$(SANITIZE))
comma := ,
BUILD ?= build/$(CONFIG_ID)

# src/ holds one folder per layer (cli, cmd, proc, net, teach, out, lib);
# every .c file below it is built, objects mirror the tree.
SRCS := $(filter-out src/cli/main.c,$(wildcard src/*/*.c))
OBJS := $(SRCS:src/%.c=$(BUILD)/src/%.o)
MAIN_OBJ := $(BUILD)/src/cli/main.o
TEST_SRCS := $(wildcard tests/check_*.c)
# Every tests/*.c is linked into the runner: suites in check_*.c, shared
# helpers (testutil.c) beside them.
TEST_OBJS := $(patsubst tests/%.c,$(BUILD)/tests/%.o,$(wildcard tests/*.c))
TEST_HELPERS := $(patsubst tests/helpers/%.c,$(BUILD)/tests/helpers/%,$(wildcard tests/helpers/*.c))

.PHONY: fdscope configured all check asan valgrind install uninstall clean deps deps-ci demo lint-man unit integration completions

all: fdscope

fdscope: $(BUILD)/fdscope
	cp $< $@

$(BUILD)/fdscope: $(OBJS) $(MAIN_OBJ) | configured
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/src/%.o: src/%.c | configured
	@mkdir -p $(@D)
	$(CC) $(ALL_CPPFLAGS) -Isrc $(ALL_CFLAGS) -c -o $@ $<

# Suite functions are found by the generated runner, not through a header.
TEST_CFLAGS = $(CHECK_CFLAGS) $(ALL_CFLAGS) -Wno-missing-prototypes

$(BUILD)/tests/%.o: tests/%.c | $(BUILD)/tests
	$(CC) $(ALL_CPPFLAGS) -Isrc $(TEST_CFLAGS) -c -o $@ $<

# The runner adds every suite that a tests/check_*.c file defines: the list
# is generated so that a new suite needs no edit anywhere else.
$(BUILD)/tests/suites.h: $(TEST_SRCS) | $(BUILD)/tests
	sed -n 's/^Suite \*\([a-z0-9_]*_suite\)(void)$$/SUITE(\1)/p' $(TEST_SRCS) > $@.tmp
	mv $@.tmp $@

$(BUILD)/tests/runner.o: tests/runner.c $(BUILD)/tests/suites.h
	$(CC) $(ALL_CPPFLAGS) -Isrc -I$(BUILD)/tests $(TEST_CFLAGS) -c -o $@ $<

$(BUILD)/tests/check_fdscope: $(OBJS) $(TEST_OBJS)
	$(CC) $(ALL_LDFLAGS) -o $@ $^ $(CHECK_LIBS) $(LDLIBS)

$(BUILD)/tests/helpers/%: tests/helpers/%.c | $(BUILD)/tests/helpers
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $<

# The layers' arrows point down only (README, Layout): nothing below cmd/
# includes cli/ or cmd/, and only out/ includes libsmartcols.
.PHONY: check-layers
check-layers:
	@bad=$$(grep -rln '#include "\(cli\|cmd\)/' src/net src/proc src/teach src/out src/lib src/query src/trace; \
		grep -rl 'libsmartcols.h' src | grep -v '^src/out/'); \
	if [ -n "$$bad" ]; then echo "make: layering broken in: $$bad" >&2; exit 1; fi

# Missing libraries are reported when something is built, not when the
# Makefile is read, so that `make deps demo` works on a fresh machine.
configured:
	@if [ -z "$(SCOLS_LIBS)" ]; then echo "make: libsmartcols not found by pkg-config: run \`make deps\` (Debian package libsmartcols-dev)" >&2; exit 1; fi
	@if [ "$(WITH_LIBCAP)" = yes ] && [ "$(HAVE_LIBCAP)" = no ]; then echo "make: WITH_LIBCAP=yes but pkg-config cannot find libcap: run \`make deps\`" >&2; exit 1; fi

$(BUILD) $(BUILD)/tests $(BUILD)/tests/helpers:
	mkdir -p $@

ifeq ($(CHECK_LIBS),)
check:
	@echo "make: Check not found by pkg-config: run \`make deps\` (Debian package check)" >&2; exit 1
else
# The unit and integration suites share one runner; integration tests find
# the binary and the helper programs through these variables.
check: check-layers fdscope $(BUILD)/tests/check_fdscope $(TEST_HELPERS)
	FDSCOPE_BIN=$(CURDIR)/$(BUILD)/fdscope FDSCOPE_HELPERS=$(CURDIR)/$(BUILD)/tests/helpers \
	FDSCOPE_SRCDIR=$(CURDIR) \
	FDSCOPE_HAVE_LIBCAP=$(HAVE_LIBCAP) $(BUILD)/tests/check_fdscope
endif

asan:
	$(MAKE) check SANITIZE=address,undefined OPTFLAGS="-O1 -g" \
		ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1

# Re-read the Makefile so that libraries installed by `make deps` in the
# same invocation are found.
demo:
	$(MAKE) fdscope
	./fdscope demo

# Every message counts, base-system and style ones included (mandoc -Tlint
# alone); and the page's system, groff's for an empty .Os, is this version.
# "outdated mandoc.db" is about this machine's index, not the page: every
# other message fails, "referenced manual not found" included (the pages
# .Xr names come with DEB_CI_PACKAGES).
lint-man:
	@out=$$(mandoc -Tlint man/fdscope.1 2>&1 | grep -v 'outdated mandoc.db'); \
	if [ -n "$$out" ]; then printf '%s\n' "$$out" >&2; exit 1; fi
	@grep -qx '\.ds doc-default-operating-system fdscope $(VERSION)' man/fdscope.1 || \
		{ echo "make: man/fdscope.1: its system is not 'fdscope $(VERSION)'" >&2; exit 1; }

# Completion scripts are generated by the built binary from its own tables.
COMPLETIONS := $(BUILD)/completion/fdscope.bash $(BUILD)/completion/_fdscope \
	$(BUILD)/completion/fdscope.fish
completions: $(COMPLETIONS)
$(BUILD)/completion/fdscope.bash: $(BUILD)/fdscope
	@mkdir -p $(@D)
	$(BUILD)/fdscope completion bash > $@.tmp && mv $@.tmp $@
$(BUILD)/completion/_fdscope: $(BUILD)/fdscope
	@mkdir -p $(@D)
	$(BUILD)/fdscope completion zsh > $@.tmp && mv $@.tmp $@
$(BUILD)/completion/fdscope.fish: $(BUILD)/fdscope
	@mkdir -p $(@D)
	$(BUILD)/fdscope completion fish > $@.tmp && mv $@.tmp $@

install: fdscope $(COMPLETIONS)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 \
		$(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	install -m 0755 fdscope $(DESTDIR)$(BINDIR)/fdscope
	install -m 0644 man/fdscope.1 $(DESTDIR)$(MANDIR)/man1/fdscope.1
	install -m 0644 $(BUILD)/completion/fdscope.bash $(DESTDIR)$(BASHCOMPDIR)/fdscope
	install -m 0644 $(BUILD)/completion/_fdscope $(DESTDIR)$(ZSHCOMPDIR)/_fdscope
	install -m 0644 $(BUILD)/completion/fdscope.fish $(DESTDIR)$(FISHCOMPDIR)/fdscope.fish
	install -d $(DESTDIR)$(DOCDIR)/examples
	install -m 0644 examples/fdscope-metrics.service examples/fdscope-metrics.timer \
		$(DESTDIR)$(DOCDIR)/examples/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/fdscope $(DESTDIR)$(MANDIR)/man1/fdscope.1 \
		$(DESTDIR)$(BASHCOMPDIR)/fdscope $(DESTDIR)$(ZSHCOMPDIR)/_fdscope \
		$(DESTDIR)$(FISHCOMPDIR)/fdscope.fish
	rm -rf $(DESTDIR)$(DOCDIR)/examples

DEB_PACKAGES := build-essential pkg-config check libsmartcols-dev libcap-dev \
	mandoc netcat-openbsd socat valgrind lsof util-linux procps python3 iproute2 \
	graphviz tmux prometheus prometheus-node-exporter curl zsh fish groff-base
# What CI adds for the sanitizer, fuzzing and static-analysis runs.
DEB_CI_PACKAGES := clang libclang-rt-14-dev cppcheck clang-tidy \
	manpages manpages-dev util-linux-extra graphviz
deps:
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO apt-get update && $$SUDO env DEBIAN_FRONTEND=noninteractive \
		apt-get install -y $(DEB_PACKAGES)

deps-ci: deps
	@if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	$$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y $(DEB_CI_PACKAGES)

clean:
	rm -rf build fdscope

-include $(wildcard $(BUILD)/src/*/*.d $(BUILD)/tests/*.d)

# The benchmark (issue 5): programs in bench/, run by bench/run.sh, which
# writes bench/results.md.  Not part of `make check`; the holder is, since
# the scale test runs it (found next to the binary: $(BUILD)/bench/holder).
BENCH_PROGS := $(BUILD)/bench/holder $(BUILD)/bench/timer $(BUILD)/bench/syscost \
	$(BUILD)/bench/floor $(BUILD)/bench/sockhost $(BUILD)/bench/closefds \
	$(BUILD)/bench/walkfloor
.PHONY: bench
$(BUILD)/bench/%: bench/%.c | $(BUILD)/bench
	$(CC) $(ALL_CPPFLAGS) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $<
$(BUILD)/bench:
	mkdir -p $@
check: $(BUILD)/bench/holder
bench: fdscope $(BENCH_PROGS)
	FDSCOPE_BIN=$(CURDIR)/$(BUILD)/fdscope BENCH_DIR=$(CURDIR)/$(BUILD)/bench \
	bench/run.sh

# Reliability (issue 6).  `make fuzz` builds the libFuzzer targets in fuzz/
# with clang and runs each for FUZZ_SECONDS; `make valgrind` drives every
# command's success and error paths under valgrind (tests/valgrind.sh);
# `make lint` runs cppcheck and clang-tidy (.clang-tidy) over src/.
.PHONY: fuzz fuzz-build lint cppcheck clang-tidy
FUZZ_SECONDS ?= 30
fuzz-build:
	$(MAKE) -C fuzz all
fuzz:
	$(MAKE) -C fuzz run FUZZ_SECONDS=$(FUZZ_SECONDS)

valgrind: fdscope $(TEST_HELPERS) $(BUILD)/tests/check_fdscope $(BUILD)/bench/holder
	tests/valgrind.sh $(CURDIR)/$(BUILD)/fdscope $(CURDIR)/$(BUILD)/tests/helpers \
		$(CURDIR)/$(BUILD)/tests/check_fdscope

# variableScope is off: declarations at the top of a block are the kernel
# style this code follows.
CPPCHECK_FLAGS := --enable=warning,style,performance,portability --std=c11 \
	--inline-suppr --error-exitcode=1 --quiet \
	--suppress=missingIncludeSystem --suppress=variableScope \
	-D_GNU_SOURCE -D__linux__ -D__x86_64__ -DFDSCOPE_VERSION='"lint"' -Isrc
TIDY_FLAGS := -std=c17 -D_GNU_SOURCE -DFDSCOPE_VERSION='"lint"' -Isrc $(SCOLS_CFLAGS)
cppcheck:
	cppcheck $(CPPCHECK_FLAGS) -DHAVE_LIBCAP src
	cppcheck $(CPPCHECK_FLAGS) -UHAVE_LIBCAP src/lib/caps.c
# One process per file: clang 14's analyser reports a false "uninitialized
# va_list" when several files share one run.
clang-tidy:
	printf '%s\n' $(sort $(wildcard src/*/*.c)) | xargs -P2 -I{} \
		clang-tidy --quiet {} -- $(TIDY_FLAGS) -DHAVE_LIBCAP
lint: lint-man cppcheck clang-tidy

# fdlist.c collects a large descriptor table in threads (issue 5).
ALL_CFLAGS += -pthread
LDLIBS += -pthread
