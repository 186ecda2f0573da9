# vmcslint -- one non-recursive Makefile.
#
#   make            build build/vmcslint and build/libvmcslint.a
#   make demo       install missing packages, build, run the main job on the built-in defaults
#   make test       install missing packages, run the whole suite (plain build, then ASan+UBSan)
#   make bench      print speed figures as `name: value unit`
#   make install    PREFIX=/usr/local (binary, library, header, vmcslint.pc, capsdb data)
#   make format / check-format / compile_commands.json / clean

PREFIX  ?= /usr/local
# V=1 shows the full commands.
Q := $(if $(V),,@)
CC      ?= gcc
O       := build
VERSION := $(shell sed -n 's/^\#define VMCSLINT_VERSION "\(.*\)"/\1/p' include/vmcslint.h)

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wwrite-strings -Wvla -Wformat=2 -Wundef -fno-common
CPPFLAGS := -Iinclude -Ifields -Icapsdb -Ichecker -Ischema -Icli -MMD -MP \
            -DVMCSLINT_DATADIR='"$(PREFIX)/share/vmcslint/capsdb"'
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 $(WARN)
SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

YAML_LIBS  := $(shell pkg-config --libs yaml-0.1 2>/dev/null || echo -lyaml)
CPUID_CFLAGS := $(shell pkg-config --cflags libcpuid 2>/dev/null || echo -I/usr/include/libcpuid)
CPUID_LIBS := $(shell pkg-config --libs libcpuid 2>/dev/null || echo -lcpuid)
CRIT_LIBS  := $(shell pkg-config --libs criterion 2>/dev/null || echo -lcriterion)

# The freestanding core: no heap, no stdio (checked by `make check-core`).
CORE_SRCS := $(wildcard fields/*.c capsdb/*.c checker/*.c)
# Hosted support shared by the CLI and the tests: YAML loading, file I/O, output formats.
HOST_SRCS := $(filter-out schema/gen_schema.c,$(wildcard schema/*.c)) \
             $(filter-out cli/main.c,$(wildcard cli/*.c)) \
             $(O)/gen/builtin_caps.c
# The capsdb entry compiled into the binary, so vmcslint works with no data files installed.
DEFAULT_CAPS := capsdb/cpus/bochs-corei7_skylake_x.yaml
TEST_SRCS := $(wildcard tests/*.c)

# $(call objs,VARIANT_DIR,SRCS)
objs = $(patsubst %.c,$(1)/obj/%.o,$(2))

LIB      := $(O)/libvmcslint.a
HOSTLIB  := $(O)/libvmcslint-host.a
BIN      := $(O)/vmcslint
TESTBIN  := $(O)/vmcslint-tests
SLIB     := $(O)/san/libvmcslint.a
SHOSTLIB := $(O)/san/libvmcslint-host.a
SBIN     := $(O)/san/vmcslint
STESTBIN := $(O)/san/vmcslint-tests

.PHONY: all deps demo test test-plain test-san schema bench install uninstall clean format \
        check-format check-core help
.DEFAULT_GOAL := all

all: $(BIN) $(LIB)

help:
	@sed -n '3,10p' Makefile | sed 's/^# \{0,1\}//'

deps:
	@sh scripts/deps.sh

$(O)/gen/builtin_caps.c: $(DEFAULT_CAPS) scripts/embed.sh
	@mkdir -p $(dir $@)
	sh scripts/embed.sh builtin_caps_yaml $(DEFAULT_CAPS) > $@

# ---- plain variant ----
$(O)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  CC      $<')
	$(Q)$(CC) $(CPPFLAGS) $(CPUID_CFLAGS) $(CFLAGS) -c $< -o $@

$(LIB): $(call objs,$(O),$(CORE_SRCS))
	@rm -f $@
	$(Q)ar rcs $@ $^

$(HOSTLIB): $(call objs,$(O),$(HOST_SRCS))
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BIN): $(O)/obj/cli/main.o $(HOSTLIB) $(LIB)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(YAML_LIBS) $(CPUID_LIBS)

$(TESTBIN): $(call objs,$(O),$(TEST_SRCS)) $(HOSTLIB) $(LIB)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(CRIT_LIBS) $(YAML_LIBS) $(CPUID_LIBS)

# ---- ASan + UBSan variant ----
$(O)/san/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  CC san  $<')
	$(Q)$(CC) $(CPPFLAGS) $(CPUID_CFLAGS) $(CFLAGS) -O1 $(SAN) -c $< -o $@

$(SLIB): $(call objs,$(O)/san,$(CORE_SRCS))
	@rm -f $@
	$(Q)ar rcs $@ $^

$(SHOSTLIB): $(call objs,$(O)/san,$(HOST_SRCS))
	@rm -f $@
	$(Q)ar rcs $@ $^

$(SBIN): $(O)/san/obj/cli/main.o $(SHOSTLIB) $(SLIB)
	$(Q)$(CC) $(CFLAGS) $(SAN) $^ -o $@ $(YAML_LIBS) $(CPUID_LIBS)

$(STESTBIN): $(call objs,$(O)/san,$(TEST_SRCS)) $(SHOSTLIB) $(SLIB)
	$(Q)$(CC) $(CFLAGS) $(SAN) $^ -o $@ $(CRIT_LIBS) $(YAML_LIBS) $(CPUID_LIBS)

# ---- generated artifacts ----
$(O)/gen-schema: $(O)/obj/schema/gen_schema.o $(LIB)
	$(Q)$(CC) $(CFLAGS) $^ -o $@

# The JSON Schema of the configuration format, from the field table (committed; a test
# checks it is current).
schema: $(O)/gen-schema
	./$(O)/gen-schema > schema/vmcs-config.schema.json

# ---- benchmarks (figures, not tests) ----
$(O)/vmcslint-bench: $(O)/obj/bench/bench.o $(HOSTLIB) $(LIB)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(YAML_LIBS) $(CPUID_LIBS)

bench: deps
	@$(MAKE) --no-print-directory all $(O)/vmcslint-bench
	@sh scripts/bench.sh $(BIN) $(O)/vmcslint-bench

# ---- the two README commands ----
demo: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/demo.sh $(BIN)

# The tests find the binary under test through VMCSLINT (CLI tests) and run from the top.
test: deps
	@$(MAKE) --no-print-directory check-format check-core
	@$(MAKE) --no-print-directory test-plain
	@$(MAKE) --no-print-directory test-san

test-plain: $(BIN) $(TESTBIN) $(O)/gen-schema
	@echo "== tests (plain build)"
	VMCSLINT=$(BIN) ./$(TESTBIN) --jobs 2

test-san: $(SBIN) $(STESTBIN) $(O)/gen-schema
	@echo "== tests (AddressSanitizer + UndefinedBehaviorSanitizer)"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		VMCSLINT=$(SBIN) ./$(STESTBIN) --jobs 2

# The core must stay freestanding: compile it with -ffreestanding and no libc headers.
check-core:
	@for f in $(CORE_SRCS); do \
		$(CC) -std=c11 $(WARN) -ffreestanding -nostdinc -isystem $$($(CC) -print-file-name=include) \
			-Iinclude -Ifields -Icapsdb -Ichecker -fsyntax-only $$f || exit 1; \
	done
	@echo "check-core: $(words $(CORE_SRCS)) core files compile freestanding"

# ---- install ----
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
		$(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/share/vmcslint/capsdb
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/vmcslint
	install -m 644 $(LIB) $(DESTDIR)$(PREFIX)/lib/libvmcslint.a
	install -m 644 include/vmcslint.h $(DESTDIR)$(PREFIX)/include/vmcslint.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' vmcslint.pc.in \
		> $(DESTDIR)$(PREFIX)/lib/pkgconfig/vmcslint.pc
	@if ls capsdb/cpus/*.yaml >/dev/null 2>&1; then \
		install -m 644 capsdb/cpus/*.yaml $(DESTDIR)$(PREFIX)/share/vmcslint/capsdb/; fi

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/vmcslint $(DESTDIR)$(PREFIX)/lib/libvmcslint.a \
		$(DESTDIR)$(PREFIX)/include/vmcslint.h $(DESTDIR)$(PREFIX)/lib/pkgconfig/vmcslint.pc
	rm -rf $(DESTDIR)$(PREFIX)/share/vmcslint

# ---- formatting and tooling ----
C_FILES = $(shell find include fields capsdb checker schema cli tests vmx-probe bench -name '*.[ch]' 2>/dev/null | sort)

format:
	clang-format -i $(C_FILES)

check-format:
	@clang-format --dry-run --Werror $(C_FILES) && echo "check-format: $(words $(C_FILES)) files formatted"

compile_commands.json:
	bear --output $@ -- $(MAKE) -B all $(TESTBIN)

clean:
	rm -rf $(O)

-include $(shell find $(O) -name '*.d' 2>/dev/null)
