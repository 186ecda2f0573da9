# vmcslint -- one non-recursive Makefile.
#
#   make            build build/vmcslint and build/libvmcslint.a
#   make demo       install missing packages, build, run the main job on the built-in defaults
#   make test       install missing packages, run the whole suite (plain build, then ASan+UBSan)
#   make bench      print speed figures as `name: value unit`
#   make differential CASES=N SEED=S   the checker against real VM entries, any corpus size
#   make install    PREFIX=/usr/local (binary, library, header, vmcslint.pc, capsdb, probe image)
#   make readme-figures   rewrite README.md's counted figures (matrix, capsdb, fields)
#   make format / check-format / compile_commands.json / clean

PREFIX  ?= /usr/local
# V=1 shows the full commands.
Q := $(if $(V),,@)
CC      ?= gcc
O       := build
VERSION := $(shell sed -n 's/^\#define VMCSLINT_VERSION "\(.*\)"/\1/p' include/vmcslint.h)

WARN     := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
            -Wwrite-strings -Wvla -Wformat=2 -Wundef -fno-common
CPPFLAGS := -Iinclude -Ifields -Icapsdb -Ichecker -Iadjust -Ischema -Idump -Idiagnose -Ireport -Iprobe -Ifix -Iharvest -Icli -Itests -MMD -MP \
            -DVMCSLINT_DATADIR='"$(PREFIX)/share/vmcslint/capsdb"'
CFLAGS   ?= -O2 -g
CFLAGS   += -std=c11 $(WARN)
SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

YAML_LIBS  := $(shell pkg-config --libs yaml-0.1 2>/dev/null || echo -lyaml)
CPUID_CFLAGS := $(shell pkg-config --cflags libcpuid 2>/dev/null || echo -I/usr/include/libcpuid)
CPUID_LIBS := $(shell pkg-config --libs libcpuid 2>/dev/null || echo -lcpuid)
CRIT_LIBS  := $(shell pkg-config --libs criterion 2>/dev/null || echo -lcriterion)

# The freestanding core: no heap, no stdio (checked by `make check-core`).  adjust/ (wanted
# controls and CR fixed bits adjusted to a processor) is freestanding too.
CORE_SRCS := $(wildcard fields/*.c capsdb/*.c checker/*.c adjust/*.c)
# The hosted libraries shared by the CLI, the tests, the fuzz targets and the benchmark: YAML
# loading and capsdb lookup (schema/), the log readers and judges of `diagnose`, outcomes in
# words and JSON output (report/), the probe's host side (probe/), the corrections of `fix`
# (fix/), reading a live processor's capabilities (harvest/).
SCHEMA_SRCS := $(filter-out schema/gen_schema.c,$(wildcard schema/*.c))
DUMP_SRCS := $(wildcard dump/*.c) $(wildcard diagnose/*.c)
REPORT_SRCS := $(wildcard report/*.c)
PROBE_HOST_SRCS := $(wildcard probe/*.c)
FIX_SRCS := $(wildcard fix/*.c)
HARVEST_SRCS := $(wildcard harvest/*.c)
HOST_SRCS := $(SCHEMA_SRCS) $(DUMP_SRCS) $(REPORT_SRCS) $(PROBE_HOST_SRCS) $(FIX_SRCS) \
             $(HARVEST_SRCS) $(O)/gen/builtin_caps.c
# The command's own code (argument parsing, printing), in an archive of its own that only the
# binary links: the tests run the binary, or call the libraries.
CLI_SRCS := $(filter-out cli/main.c,$(wildcard cli/*.c))
# The capsdb entry compiled into the binary, so vmcslint works with no data files installed.
DEFAULT_CAPS := capsdb/cpus/bochs-corei7_skylake_x.yaml
# The differential test's corpus, deviations and runner (tests/differential/), shared by the
# suite and `make differential`.
DIFF_SRCS := $(filter-out tests/differential/main.c,$(wildcard tests/differential/*.c))
TEST_SRCS := $(wildcard tests/*.c) $(DIFF_SRCS)

# $(call objs,VARIANT_DIR,SRCS)
objs = $(patsubst %.c,$(1)/obj/%.o,$(2))

LIB      := $(O)/libvmcslint.a
HOSTLIB  := $(O)/libvmcslint-host.a
CLILIB   := $(O)/libvmcslint-cli.a
BIN      := $(O)/vmcslint
TESTBIN  := $(O)/vmcslint-tests
SLIB     := $(O)/san/libvmcslint.a
SHOSTLIB := $(O)/san/libvmcslint-host.a
SCLILIB  := $(O)/san/libvmcslint-cli.a
SBIN     := $(O)/san/vmcslint
STESTBIN := $(O)/san/vmcslint-tests

.PHONY: all deps demo test test-plain test-san schema bench install uninstall clean format \
        check-format check-core help differential readme-figures check-readme-figures
.DEFAULT_GOAL := all

all: $(BIN) $(LIB)

help:
	@sed -n '3,11p' Makefile | sed 's/^# \{0,1\}//'

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

$(CLILIB): $(call objs,$(O),$(CLI_SRCS))
	@rm -f $@
	$(Q)ar rcs $@ $^

$(BIN): $(O)/obj/cli/main.o $(CLILIB) $(HOSTLIB) $(LIB)
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

$(SCLILIB): $(call objs,$(O)/san,$(CLI_SRCS))
	@rm -f $@
	$(Q)ar rcs $@ $^

$(SBIN): $(O)/san/obj/cli/main.o $(SCLILIB) $(SHOSTLIB) $(SLIB)
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
	@$(MAKE) --no-print-directory all probe $(O)/vmcslint-bench
	@sh scripts/bench.sh $(BIN) $(O)/vmcslint-bench

# ---- the differential test, longer: make differential CASES=N SEED=S [MODELS="a b"] ----
CASES ?= 10000
SEED  ?= 0x766d63736c696e74
$(O)/vmcslint-differential: $(call objs,$(O),tests/differential/main.c $(DIFF_SRCS) tests/helpers.c) \
		$(HOSTLIB) $(LIB)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(YAML_LIBS) $(CPUID_LIBS)

differential: deps
	@$(MAKE) --no-print-directory probe $(O)/vmcslint-differential
	./$(O)/vmcslint-differential --cases $(CASES) --seed $(SEED) \
		$(foreach m,$(MODELS),--model $(m))

# ---- README.md's figures: computed by the tool, never typed (scripts/readme-figures.py) ----
readme-figures: $(BIN)
	python3 scripts/readme-figures.py --vmcslint $(BIN)

check-readme-figures: $(BIN)
	@python3 scripts/readme-figures.py --check --vmcslint $(BIN)

# ---- the two README commands ----
demo: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/demo.sh $(BIN)

# The tests find the binary under test through VMCSLINT (CLI tests) and run from the top.
test: deps
	@$(MAKE) --no-print-directory check-format check-core check-readme-figures
	@$(MAKE) --no-print-directory test-plain
	@$(MAKE) --no-print-directory test-san

test-plain: $(BIN) $(TESTBIN) $(O)/gen-schema
	@echo "== tests (plain build)"
	VMCSLINT=$(BIN) ./$(TESTBIN) --jobs 2

test-san: $(SBIN) $(STESTBIN) $(O)/gen-schema
	@echo "== tests (AddressSanitizer + UndefinedBehaviorSanitizer)"
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
		VMCSLINT=$(SBIN) ./$(STESTBIN) --jobs 2

# The core must stay freestanding: compile it with -ffreestanding and no libc headers.
check-core:
	@for f in $(CORE_SRCS); do \
		$(CC) -std=c11 $(WARN) -ffreestanding -nostdinc -isystem $$($(CC) -print-file-name=include) \
			-Iinclude -Ifields -Icapsdb -Ichecker -Iadjust -fsyntax-only $$f || exit 1; \
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
	@if [ -f $(O)/vmx-probe/vmx-probe.bin ]; then \
		install -d $(DESTDIR)$(PREFIX)/share/vmcslint/vmx-probe && \
		install -m 644 $(O)/vmx-probe/vmx-probe.bin $(O)/vmx-probe/vmx-probe.elf \
			$(O)/vmx-probe/bochs-rom.bin $(DESTDIR)$(PREFIX)/share/vmcslint/vmx-probe/; fi

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/vmcslint $(DESTDIR)$(PREFIX)/lib/libvmcslint.a \
		$(DESTDIR)$(PREFIX)/include/vmcslint.h $(DESTDIR)$(PREFIX)/lib/pkgconfig/vmcslint.pc
	rm -rf $(DESTDIR)$(PREFIX)/share/vmcslint

# ---- formatting and tooling ----
C_FILES = $(shell find include fields capsdb checker adjust schema dump diagnose report probe fix harvest cli tests vmx-probe bench -name '*.[ch]' 2>/dev/null | sort)

format:
	clang-format -i $(C_FILES)

check-format:
	@clang-format --dry-run --Werror $(C_FILES) && echo "check-format: $(words $(C_FILES)) files formatted"

compile_commands.json:
	bear --output $@ -- $(MAKE) -B all $(TESTBIN)

clean:
	rm -rf $(O)

-include $(shell find $(O) -name '*.d' 2>/dev/null)

# ==== vmx-probe: the ring-0 image that performs real VM entries (vmx-probe/README.md) ====
#   make probe    build/vmx-probe/vmx-probe.elf (multiboot ELF32 for QEMU -kernel and GRUB),
#                 vmx-probe.bin (flat image, Bochs optramimage1 at 4 MiB) and bochs-rom.bin
#                 (the 64-KiB system ROM that boots it under Bochs without a BIOS)
PROBE_O      := $(O)/vmx-probe
PROBE_CFLAGS := -std=c11 -O2 -g -ffreestanding -nostdlib -fno-pic -no-pie -mno-red-zone \
                -mno-sse -mno-sse2 -mno-mmx -mno-80387 -fno-stack-protector \
                -fno-asynchronous-unwind-tables -fno-omit-frame-pointer \
                $(WARN) -Wclobbered -Iinclude -Ifields -Ivmx-probe -MMD -MP
PROBE_SRCS   := $(wildcard vmx-probe/*.c vmx-probe/rt/*.c) vmx-probe/boot.S vmx-probe/ap.S \
                vmx-probe/rt/setjmp.S
PROBE_OBJS   := $(patsubst %,$(PROBE_O)/obj/%.o,$(PROBE_SRCS))
PROBE_LD     ?= ld
PROBE_OBJCOPY ?= objcopy
PROBE_LDFLAGS := -z max-page-size=0x1000 -z noexecstack \
                 $(shell $(PROBE_LD) --help 2>/dev/null | grep -q no-warn-rwx-segments && echo --no-warn-rwx-segments)

.PHONY: probe
probe: $(PROBE_O)/vmx-probe.elf $(PROBE_O)/vmx-probe.bin $(PROBE_O)/bochs-rom.bin

$(PROBE_O)/obj/%.c.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  CC probe $<')
	$(Q)$(CC) $(PROBE_CFLAGS) -c $< -o $@

$(PROBE_O)/obj/%.S.o: %.S
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  AS probe $<')
	$(Q)$(CC) $(PROBE_CFLAGS) -c $< -o $@

$(PROBE_O)/vmx-probe64.elf: $(PROBE_OBJS) vmx-probe/probe.ld
	$(Q)$(PROBE_LD) -m elf_x86_64 -nostdlib -T vmx-probe/probe.ld $(PROBE_LDFLAGS) -o $@ $(PROBE_OBJS)

# multiboot loaders (QEMU -kernel, GRUB) take ELF32, as in kvm-unit-tests
$(PROBE_O)/vmx-probe.elf: $(PROBE_O)/vmx-probe64.elf
	$(Q)$(PROBE_OBJCOPY) -O elf32-i386 $< $@

$(PROBE_O)/vmx-probe.bin: $(PROBE_O)/vmx-probe64.elf
	$(Q)$(PROBE_OBJCOPY) -O binary $< $@

$(PROBE_O)/bochs-rom.o: vmx-probe/bochs-rom.S
	@mkdir -p $(dir $@)
	$(Q)$(CC) -m32 -c $< -o $@

$(PROBE_O)/bochs-rom.bin: $(PROBE_O)/bochs-rom.o
	$(Q)$(PROBE_LD) -m elf_i386 -Ttext=0 -e rom_start --oformat binary $(PROBE_LDFLAGS) -o $@ $<

# the suites boot the image (tests/test_probe.c); vmcslint finds it in build/vmx-probe
test-plain test-san: probe
# ==== end vmx-probe ====

# ==== fuzzing: libFuzzer targets, their replay, valgrind (fuzz/README.md) ====
#   make fuzz FUZZ_SECONDS=N  build every target with clang -fsanitize=fuzzer,address,undefined
#                             and run each N seconds (default 60) on its corpus; -j2: two at once
#   make fuzz-replay          every corpus and regression file through its target (gcc, ASan+UBSan)
#   make fuzz-merge           minimise the corpora with what the runs found (libFuzzer -merge=1)
#   make fuzz-seeds           merge seeds from examples/, the fixtures and capsdb/cpus into them
#   make valgrind             the CLI over examples/ under valgrind memcheck: no error, no leak
# `make test` replays the corpora too (tests/test_fuzz_replay.c); these targets install clang,
# libFuzzer and valgrind themselves, so `make test` does not need them.
FUZZ_TARGETS := config capsdb checker dump
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_O       := $(O)/fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
FUZZ_CFLAGS  := -std=c11 -O1 -g $(WARN) -Wno-error=format-nonliteral $(FUZZ_SAN) -fsanitize=fuzzer-no-link \
                -DFUZZ_SRCDIR='"$(CURDIR)"'
# What the targets reach: the core, the YAML loaders, capsdb lookup, the dump parser.
FUZZ_LIB_SRCS := $(CORE_SRCS) $(SCHEMA_SRCS) $(DUMP_SRCS) $(O)/gen/builtin_caps.c fuzz/common.c
FUZZ_ONE_SRCS := fuzz/common.c fuzz/targets.c $(FUZZ_TARGETS:%=fuzz/fuzz_%.c)
FUZZ_DEPS    := sh scripts/deps.sh clang libclang-rt-14-dev
VALGRIND     := valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=all \
                --errors-for-leak-kinds=all --track-origins=yes

.PHONY: fuzz fuzz-build fuzz-replay fuzz-merge fuzz-seeds valgrind $(FUZZ_TARGETS:%=fuzz-run-%)

C_FILES += $(wildcard fuzz/*.[ch])

# The gcc builds (replay driver) take the targets as plain functions, without libFuzzer's entry.
$(O)/obj/fuzz/%.o $(O)/san/obj/fuzz/%.o: CPPFLAGS += -DFUZZ_NO_ENTRY

$(FUZZ_O)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  CC fuzz $<')
	$(Q)$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -c $< -o $@

$(FUZZ_O)/libfuzzed.a: $(call objs,$(FUZZ_O),$(FUZZ_LIB_SRCS))
	@rm -f $@
	$(Q)ar rcs $@ $^

.SECONDARY: $(FUZZ_TARGETS:%=$(FUZZ_O)/obj/fuzz/fuzz_%.o)
$(FUZZ_O)/fuzz_%: $(FUZZ_O)/obj/fuzz/fuzz_%.o $(FUZZ_O)/libfuzzed.a
	$(Q)$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer $^ -o $@ $(YAML_LIBS)

$(O)/fuzz-replay: $(call objs,$(O),$(FUZZ_ONE_SRCS) fuzz/replay.c) $(HOSTLIB) $(LIB)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(YAML_LIBS) $(CPUID_LIBS)

$(O)/san/fuzz-replay: $(call objs,$(O)/san,$(FUZZ_ONE_SRCS) fuzz/replay.c) $(SHOSTLIB) $(SLIB)
	$(Q)$(CC) $(CFLAGS) $(SAN) $^ -o $@ $(YAML_LIBS) $(CPUID_LIBS)

# Dictionaries of the names the loaders look up, from the tables.
$(FUZZ_O)/%.dict: $(O)/fuzz-replay
	@mkdir -p $(dir $@)
	$(Q)$(O)/fuzz-replay --dict $* > $@.tmp && mv $@.tmp $@

fuzz-build: $(FUZZ_TARGETS:%=$(FUZZ_O)/fuzz_%) $(FUZZ_O)/config.dict $(FUZZ_O)/capsdb.dict

fuzz: deps
	@$(FUZZ_DEPS)
	@$(MAKE) --no-print-directory fuzz-build
	@$(MAKE) --no-print-directory $(FUZZ_TARGETS:%=fuzz-run-%)

$(FUZZ_TARGETS:%=fuzz-run-%): fuzz-run-%:
	@sh fuzz/run.sh run $* $(FUZZ_O) $(FUZZ_SECONDS)

fuzz-replay: $(O)/san/fuzz-replay
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
		$(O)/san/fuzz-replay --all

fuzz-merge: deps
	@$(FUZZ_DEPS)
	@$(MAKE) --no-print-directory fuzz-build
	@for t in $(FUZZ_TARGETS); do sh fuzz/run.sh merge $$t $(FUZZ_O) $(FUZZ_O)/corpus/$$t || exit 1; done

fuzz-seeds: deps
	@$(FUZZ_DEPS)
	@$(MAKE) --no-print-directory fuzz-build
	@sh fuzz/run.sh seeds $(FUZZ_O) $(O)/fuzz-replay

valgrind: deps
	@sh scripts/deps.sh valgrind
	@$(MAKE) --no-print-directory all
	@sh fuzz/valgrind.sh $(BIN) $(VALGRIND)
# ==== end fuzzing ====
