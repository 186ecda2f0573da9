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
CPPFLAGS := -Iinclude -Ifields -Icapsdb -Ichecker -Iadjust -Ischema -Idump -Idiagnose -Ireport -Iprobe -Ifix -Iharvest -Ihost -Icli -Itests \
            -I$(O)/gen -MMD -MP \
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
CORE_SRCS := $(filter-out fields/gen_names.c checker/gen_rules.c,\
                           $(wildcard fields/*.c capsdb/*.c checker/*.c adjust/*.c))
# The hosted libraries shared by the CLI, the tests, the fuzz targets and the benchmark: YAML
# loading and capsdb lookup (schema/), the log readers and judges of `diagnose`, outcomes in
# words and JSON output (report/), the probe's host side (probe/), the corrections of `fix`
# (fix/), reading a live processor's capabilities (harvest/), the prefixed API of the installed
# host library (host/).
SCHEMA_SRCS := $(filter-out schema/gen_schema.c,$(wildcard schema/*.c))
DUMP_SRCS := $(wildcard dump/*.c) $(wildcard diagnose/*.c)
REPORT_SRCS := $(wildcard report/*.c)
PROBE_HOST_SRCS := $(wildcard probe/*.c)
FIX_SRCS := $(wildcard fix/*.c)
HARVEST_SRCS := $(wildcard harvest/*.c)
HOST_SRCS := $(SCHEMA_SRCS) $(DUMP_SRCS) $(REPORT_SRCS) $(PROBE_HOST_SRCS) $(FIX_SRCS) \
             $(HARVEST_SRCS) $(wildcard host/*.c) $(O)/gen/builtin_caps.c
# The command's own code (argument parsing, printing), in an archive of its own that only the
# binary links: the tests run the binary, or call the libraries.
CLI_SRCS := $(filter-out cli/main.c,$(wildcard cli/*.c))
# The capsdb entry compiled into the binary, so vmcslint works with no data files installed.
DEFAULT_CAPS := capsdb/cpus/bochs-corei7_skylake_x.yaml
# The differential test's corpus, deviations and runner (tests/differential/), shared by the
# suite and `make differential`.
DIFF_SRCS := $(filter-out tests/differential/main.c,$(wildcard tests/differential/*.c))
TEST_SRCS := $(filter-out tests/fieldreads.c,$(wildcard tests/*.c)) $(DIFF_SRCS)

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
        check-format check-core help differential fieldreads readme-figures \
        check-readme-figures check-install
.DEFAULT_GOAL := all

all: $(BIN) $(LIB)

help:
	@sed -n '3,11p' Makefile | sed 's/^# \{0,1\}//'

deps:
	@sh scripts/deps.sh

# Every spelling of every field, folded and sorted, for the name lookup of fields/fields.c.
$(O)/gen/field_names.h: fields/gen_names.c fields/vmcs_fields.def fields/vmcs_def_macros.h \
		fields/vmcs_ids.h fields/vmcs_layouts.def include/vmcslint.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=c11 $(WARN) -Iinclude -Ifields $< -o $(O)/gen-names
	$(Q)$(O)/gen-names > $@.tmp && mv $@.tmp $@
$(O)/obj/fields/fields.o $(O)/san/obj/fields/fields.o $(O)/fuzz/obj/fields/fields.o: \
		$(O)/gen/field_names.h
# The rule table of checker/rules.def with the fields each data row reads derived from the row.
$(O)/gen/rule_table.h: checker/gen_rules.c checker/row_fields.c $(wildcard checker/*.def) \
		checker/rows.h checker/check_internal.h checker/sdm_sections.h capsdb/caps_compiled.h \
		fields/vmcs_fields.def fields/vmcs_layouts.def fields/vmcs_ids.h include/vmcslint.h
	@mkdir -p $(dir $@)
	$(Q)$(CC) -std=c11 $(WARN) -Iinclude -Ifields -Icapsdb -Ichecker checker/gen_rules.c \
		checker/row_fields.c -o $(O)/gen-rules
	$(Q)$(O)/gen-rules gates > $(O)/gen/rule_gates.h.tmp && \
		mv $(O)/gen/rule_gates.h.tmp $(O)/gen/rule_gates.h
	$(Q)$(O)/gen-rules > $@.tmp && mv $@.tmp $@
$(O)/obj/checker/check.o $(O)/san/obj/checker/check.o $(O)/fuzz/obj/checker/check.o: \
		$(O)/gen/rule_table.h

$(O)/gen/builtin_caps.c: $(DEFAULT_CAPS) scripts/embed.sh
	@mkdir -p $(dir $@)
	sh scripts/embed.sh builtin_caps_yaml $(DEFAULT_CAPS) > $@

# ---- plain variant ----
$(O)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  CC      $<')
	$(Q)$(CC) $(CPPFLAGS) $(CPUID_CFLAGS) $(CFLAGS) $(CORE_OPT_FLAGS) -c $< -o $@

# The core runs once per VM entry a hypervisor checks: at -O3 GCC vectorises its bitset loops
# and lays out the generated row scans better, about 15% off a full check (`make bench`).
# Loops that clear a result stay loops: as `rep stosq` (or a call to memset, which a
# freestanding core must not need) their start-up alone cost about 8% of a check.
# CORE_OPT= keeps the core at CFLAGS' level.
CORE_OPT ?= -O3 -fno-tree-loop-distribute-patterns
$(call objs,$(O),$(CORE_SRCS)): CORE_OPT_FLAGS := $(CORE_OPT)

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

# ---- the fields each check reads, recorded (core built -DCHECK_TRACE_READS), against its rows ----
$(O)/trace/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  CC trace $<')
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -DCHECK_TRACE_READS -c $< -o $@

$(O)/trace/obj/checker/check.o: $(O)/gen/rule_table.h
$(O)/trace/obj/fields/fields.o: $(O)/gen/field_names.h

$(O)/vmcslint-fieldreads: $(call objs,$(O)/trace,$(CORE_SRCS) tests/fieldreads.c) $(HOSTLIB)
	$(Q)$(CC) $(CFLAGS) $(call objs,$(O)/trace,tests/fieldreads.c) $(HOSTLIB) \
		$(call objs,$(O)/trace,$(CORE_SRCS)) -o $@ $(YAML_LIBS) $(CPUID_LIBS)

fieldreads: $(O)/vmcslint-fieldreads
	@./$(O)/vmcslint-fieldreads

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

# The installed host library as a C program uses it: staged install, examples/c/lint.c built
# with pkg-config against it and run on the examples (scripts/check-install.sh).
check-install: $(BIN)
	@rm -rf $(O)/stage
	@$(MAKE) --no-print-directory install DESTDIR=$(CURDIR)/$(O)/stage >/dev/null
	@sh scripts/check-install.sh $(CURDIR)/$(O)/stage $(PREFIX) $(BIN) $(O)/example-lint

# ---- the two README commands ----
demo: deps
	@$(MAKE) --no-print-directory all
	@sh scripts/demo.sh $(BIN)

# The tests find the binary under test through VMCSLINT (CLI tests) and run from the top.
test: deps
	@$(MAKE) --no-print-directory check-format check-core check-readme-figures fieldreads check-install
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

# The core must stay freestanding: compile it with -ffreestanding and no libc headers, without
# PIC (as a kernel or the probe image builds it), and show that it holds no mutable data.
CORE_CHECK_O := $(O)/core-check
check-core: $(O)/gen/field_names.h $(O)/gen/rule_table.h
	@rm -rf $(CORE_CHECK_O) && mkdir -p $(CORE_CHECK_O)
	@for f in $(CORE_SRCS); do \
		$(CC) -std=c11 $(WARN) -O2 -ffreestanding -nostdinc -fno-pic -fno-pie \
			-isystem $$($(CC) -print-file-name=include) \
			-Iinclude -Ifields -Icapsdb -Ichecker -Iadjust -I$(O)/gen \
			-c $$f -o $(CORE_CHECK_O)/$$(echo $$f | tr / _ | sed 's/\.c$$/.o/') || exit 1; \
	done
	@echo "check-core: $(words $(CORE_SRCS)) core files compile freestanding"
	@sh scripts/check-core.sh $(CORE_CHECK_O)/*.o

# ---- install ----
# The installed host library: the host and core objects linked into one relocatable object
# whose only global symbols are the vmcsl_ API of include/vmcsl_host.h (every other name is
# made local), so it links beside anyone's headers and symbols.
INSTALL_HOSTLIB := $(O)/install/libvmcslint-host.a
$(INSTALL_HOSTLIB): $(call objs,$(O),$(HOST_SRCS) $(CLI_SRCS) $(CORE_SRCS)) include/vmcsl_host.h
	@mkdir -p $(dir $@)
	$(Q)ld -r -o $(O)/install/vmcslint-host.o $(filter %.o,$^)
	$(Q)grep -oE 'vmcsl_[a-z0-9_]+\(' include/vmcsl_host.h | tr -d '(' | sort -u \
		> $(O)/install/host.keep
	$(Q)objcopy --keep-global-symbols=$(O)/install/host.keep $(O)/install/vmcslint-host.o
	@rm -f $@
	$(Q)ar rcs $@ $(O)/install/vmcslint-host.o
# The installed core library and its header: the same objects, every function renamed with the
# vmcsl_ prefix the generated vmcsl.h declares (scripts/public-header.py), everything else local.
INSTALL_CORELIB := $(O)/install/libvmcslint.a
INSTALL_COREHDR := $(O)/install/vmcsl.h
$(INSTALL_CORELIB) $(INSTALL_COREHDR) &: $(call objs,$(O),$(CORE_SRCS)) include/vmcslint.h \
		scripts/public-header.py
	@mkdir -p $(O)/install
	$(Q)ld -r -o $(O)/install/vmcslint-core.o $(filter %.o,$^)
	$(Q)nm -g --defined-only $(O)/install/vmcslint-core.o | awk 'NF == 3 { print $$3 }' \
		> $(O)/install/core.defined
	$(Q)python3 scripts/public-header.py include/vmcslint.h $(O)/install/core.defined \
		$(INSTALL_COREHDR) $(O)/install/core.redefine
	$(Q)objcopy --redefine-syms=$(O)/install/core.redefine $(O)/install/vmcslint-core.o
	$(Q)objcopy -w --keep-global-symbol='vmcsl_*' $(O)/install/vmcslint-core.o
	@rm -f $(INSTALL_CORELIB)
	$(Q)ar rcs $(INSTALL_CORELIB) $(O)/install/vmcslint-core.o

install: all $(INSTALL_HOSTLIB) $(INSTALL_CORELIB)
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig \
		$(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/share/vmcslint/capsdb
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/vmcslint
	install -m 644 $(INSTALL_CORELIB) $(DESTDIR)$(PREFIX)/lib/libvmcslint.a
	install -m 644 $(INSTALL_COREHDR) $(DESTDIR)$(PREFIX)/include/vmcsl.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' vmcslint.pc.in \
		> $(DESTDIR)$(PREFIX)/lib/pkgconfig/vmcslint.pc
	install -m 644 $(INSTALL_HOSTLIB) $(DESTDIR)$(PREFIX)/lib/libvmcslint-host.a
	install -m 644 include/vmcsl_host.h $(DESTDIR)$(PREFIX)/include/vmcsl_host.h
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@VERSION@|$(VERSION)|' vmcslint-host.pc.in \
		> $(DESTDIR)$(PREFIX)/lib/pkgconfig/vmcslint-host.pc
	@if ls capsdb/cpus/*.yaml >/dev/null 2>&1; then \
		install -m 644 capsdb/cpus/*.yaml $(DESTDIR)$(PREFIX)/share/vmcslint/capsdb/; fi
	@if [ -f $(O)/vmx-probe/vmx-probe.bin ]; then \
		install -d $(DESTDIR)$(PREFIX)/share/vmcslint/vmx-probe && \
		install -m 644 $(O)/vmx-probe/vmx-probe.bin $(O)/vmx-probe/vmx-probe-*.bin \
			$(O)/vmx-probe/vmx-probe.elf \
			$(O)/vmx-probe/bochs-rom.bin $(DESTDIR)$(PREFIX)/share/vmcslint/vmx-probe/; fi

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/vmcslint $(DESTDIR)$(PREFIX)/lib/libvmcslint.a \
		$(DESTDIR)$(PREFIX)/include/vmcsl.h $(DESTDIR)$(PREFIX)/lib/pkgconfig/vmcslint.pc \
		$(DESTDIR)$(PREFIX)/lib/libvmcslint-host.a $(DESTDIR)$(PREFIX)/include/vmcsl_host.h \
		$(DESTDIR)$(PREFIX)/lib/pkgconfig/vmcslint-host.pc
	rm -rf $(DESTDIR)$(PREFIX)/share/vmcslint

# ---- formatting and tooling ----
C_FILES = $(shell find include fields capsdb checker adjust schema dump diagnose report probe fix harvest host cli tests vmx-probe bench examples/c -name '*.[ch]' 2>/dev/null | sort)

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
                -ffunction-sections -fdata-sections \
                $(WARN) -Wclobbered -Iinclude -Ifields -Icapsdb -Ichecker -I$(O)/gen -Ivmx-probe -MMD -MP
PROBE_SRCS   := $(wildcard vmx-probe/*.c vmx-probe/rt/*.c) vmx-probe/boot.S vmx-probe/ap.S \
                vmx-probe/rt/setjmp.S
# The image links the checker core as the host does (vmx-probe/predict.c), compiled for ring 0;
# sections the image does not reach are dropped at link time.
PROBE_CORE_SRCS := $(filter-out adjust/%,$(CORE_SRCS))
PROBE_OBJS   := $(patsubst %,$(PROBE_O)/obj/%.o,$(PROBE_SRCS) $(PROBE_CORE_SRCS))
$(PROBE_O)/obj/fields/fields.c.o: $(O)/gen/field_names.h
$(PROBE_O)/obj/checker/check.c.o: $(O)/gen/rule_table.h
PROBE_LD     ?= ld
PROBE_OBJCOPY ?= objcopy
PROBE_LDFLAGS := -z max-page-size=0x1000 -z noexecstack --gc-sections \
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

# Bochs loads at most 128 KiB per optramimage: the flat image also in parts of that size,
# vmx-probe-1.bin at VMXP_IMAGE_ADDR, vmx-probe-2.bin 128 KiB above, ... (at most 4).
$(PROBE_O)/vmx-probe.bin: $(PROBE_O)/vmx-probe64.elf
	$(Q)$(PROBE_OBJCOPY) -O binary $< $@
	@rm -f $(PROBE_O)/vmx-probe-[0-9].bin
	$(Q)split -b 128k -a 1 --numeric-suffixes=1 --additional-suffix=.bin $@ $(PROBE_O)/vmx-probe-
	@test ! -e $(PROBE_O)/vmx-probe-5.bin || { echo "vmx-probe.bin: over 512 KiB"; exit 1; }

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
FUZZ_LIB_SRCS := $(CORE_SRCS) $(SCHEMA_SRCS) $(DUMP_SRCS) $(REPORT_SRCS) $(O)/gen/builtin_caps.c fuzz/common.c
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
