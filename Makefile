# Makefile: builds the mirage tool, the eDSL engine, the runtime and the device
# libraries into build/ (laid out as an installation prefix), runs the tests,
# runs the main job, installs.
#
#   make              build everything into build/
#   make test         the whole test suite; last line "N passed, N failed, N skipped"
#   make run          the main job: the static website on unix (PORT=8080), until Ctrl-C
#   make install PREFIX=/usr/local
#   make bench        the benchmarks of bench/, recorded in docs/benchmarks.md
#   make fuzz         the libFuzzer harnesses, FUZZ_TIME seconds each (default 60)

CC ?= cc
PREFIX ?= /usr/local
B := build
VERSION := $(shell cat VERSION)

WARN := -Wall -Wextra -Werror -Wshadow -Wno-missing-field-initializers
CFLAGS_BASE := -std=gnu11 -O2 -g $(WARN) -ffunction-sections -fdata-sections -MMD -MP
HOST_CFLAGS := $(CFLAGS_BASE) -Iinclude -Iplatform -Itenders/common -D_GNU_SOURCE \
    -DMIRAGE_VERSION='"$(VERSION)"'

# Targets the tree builds libraries for. A target is a folder of platform/;
# a file named *_<target>.c belongs to that target only. The freestanding
# targets (no OS: our libc/ instead) are those FREESTANDING names (default: all).
FREESTANDING ?= spt hvt
TARGETS := unix $(FREESTANDING)
ALL_TARGET_NAMES := unix spt hvt virtio xen
CFLAGS_unix := $(CFLAGS_BASE) -Iinclude -Iplatform -Iplatform/unix -D_GNU_SOURCE

# Freestanding: our libc's headers, the compiler's own (stddef.h, stdarg.h,
# stdint.h ...) and BearSSL's (its own folder: no glibc header leaks in),
# no PIC, the stack protector on (the platform sets up TLS).
GCC_INC := $(shell $(CC) -print-file-name=include)
CFLAGS_FS := $(CFLAGS_BASE) -ffreestanding -fno-pic -fno-pie -fstack-protector-strong \
    -fno-asynchronous-unwind-tables -nostdinc -isystem $(GCC_INC) -isystem libc/include \
    -isystem /usr/include/bearssl -Iinclude -Iplatform
CFLAGS_spt := $(CFLAGS_FS) -Iplatform/spt
CFLAGS_hvt := $(CFLAGS_FS) -Iplatform/hvt

.PHONY: all deps test run install bench clean check-format fuzz
all: $(B)/bin/mirage $(B)/bin/mirage-mkimage $(B)/lib/mirage/libmirage-edsl.a $(B)/include \
     $(foreach t,$(TARGETS),$(B)/lib/mirage/$(t)/.stamp)

deps:
	@sh scripts/deps.sh

# ---- the eDSL engine (a host library linked into each config.c) ----------
EDSL_SRCS := $(wildcard edsl/*.c edsl/devices/*.c)
EDSL_OBJS := $(EDSL_SRCS:%.c=$(B)/obj/host/%.o)
$(B)/lib/mirage/libmirage-edsl.a: $(EDSL_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# ---- the mirage command ------------------------------------------------
TOOL_SRCS := $(wildcard tool/*.c)
TOOL_OBJS := $(TOOL_SRCS:%.c=$(B)/obj/host/%.o)
$(B)/bin/mirage: $(TOOL_OBJS)
	@mkdir -p $(@D)
	$(CC) -o $@ $^

# ---- mirage-mkimage: tar archives and FAT images from a folder, without tar or mtools ----
MKIMAGE_SRCS := $(wildcard tools/mkimage/*.c)
$(B)/bin/mirage-mkimage: $(MKIMAGE_SRCS:%.c=$(B)/obj/host/%.o)
	@mkdir -p $(@D)
	$(CC) -o $@ $^

$(B)/obj/host/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOST_CFLAGS) -c -o $@ $<

$(B)/include:
	@mkdir -p $(B)
	ln -sfn ../include $@

# ---- per-target libraries: runtime, platform, and each lib/NAME ----------
LIB_NAMES := $(notdir $(wildcard lib/*))

# srcs_for(dir, target): the C files of dir that belong to target. A
# freestanding target's platform library also takes platform/common/.
srcs_for = $(filter-out $(foreach o,$(filter-out $(2),$(ALL_TARGET_NAMES)),%_$(o).c),$(wildcard $(1)/*.c))

define target_rules
$(B)/obj/$(1)/%.o: %.c
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS_$(1)) -c -o $$@ $$<

$(B)/lib/mirage/$(1)/libmirage-runtime.a: $$(patsubst %.c,$(B)/obj/$(1)/%.o,$$(call srcs_for,runtime,$(1)))
	@mkdir -p $$(@D)
	rm -f $$@ && ar rcs $$@ $$^
$(B)/lib/mirage/$(1)/libmirage-platform.a: $$(patsubst %.c,$(B)/obj/$(1)/%.o,$$(call srcs_for,platform/$(1),$(1)) \
		$$(if $$(filter $(1),$(FREESTANDING)),$$(call srcs_for,platform/common,$(1))))
	@mkdir -p $$(@D)
	rm -f $$@ && ar rcs $$@ $$^
$(foreach l,$(LIB_NAMES),
$(B)/lib/mirage/$(1)/libmirage-$(l).a: $$(patsubst %.c,$(B)/obj/$(1)/%.o,$$(call srcs_for,lib/$(l),$(1)))
	@mkdir -p $$(@D)
	rm -f $$@ && ar rcs $$@ $$^
)
$(B)/lib/mirage/$(1)/.stamp: $(B)/lib/mirage/$(1)/libmirage-runtime.a $(B)/lib/mirage/$(1)/libmirage-platform.a \
		$(foreach l,$(LIB_NAMES),$(B)/lib/mirage/$(1)/libmirage-$(l).a) $(EXTRA_$(1))
	touch $$@
endef

# A freestanding target also gets the libc, its linker script and its tender
# (a host program: tenders/common/ + tenders/<target>/ -> build/bin/mirage-<target>).
# Static: no dynamic loader at each start (about 0.2 ms here).
TENDER_LIBS_spt := -static-pie
TENDER_LIBS_hvt := -static-pie
define freestanding_rules
# What every image carries (runtime, platform, libc) is built for size; the
# device libraries keep -O2 for throughput.
$(B)/obj/$(1)/runtime/%.o $(B)/obj/$(1)/platform/%.o $(B)/obj/$(1)/libc/%.o: CFLAGS_$(1) += -Os
EXTRA_$(1) := $(B)/lib/mirage/$(1)/libmirage-libc.a $(B)/lib/mirage/$(1)/$(1).ld $(B)/bin/mirage-$(1) \
    $(B)/lib/mirage/$(1)/include
# The libc's headers, where `mirage configure -t $(1)` looks for them in a prefix.
$(B)/lib/mirage/$(1)/include:
	@mkdir -p $$(@D)
	ln -sfn ../../../../libc/include $$@
$(B)/bin/mirage-$(1): $$(patsubst %.c,$(B)/obj/host/%.o,$$(wildcard tenders/common/*.c tenders/$(1)/*.c))
	@mkdir -p $$(@D)
	$$(CC) -o $$@ $$^ $$(TENDER_LIBS_$(1))
$(B)/lib/mirage/$(1)/libmirage-libc.a: $$(patsubst %.c,$(B)/obj/$(1)/%.o,$$(call srcs_for,libc/src,$(1)))
	@mkdir -p $$(@D)
	rm -f $$@ && ar rcs $$@ $$^
$(B)/lib/mirage/$(1)/$(1).ld: platform/$(1)/$(1).ld
	@mkdir -p $$(@D)
	cp $$< $$@
endef
$(foreach t,$(FREESTANDING),$(eval $(call freestanding_rules,$(t))))
$(foreach t,$(TARGETS),$(eval $(call target_rules,$(t))))

-include $(shell find $(B)/obj -name '*.d' 2>/dev/null)

# ---- tests, main job, install -------------------------------------------
test: deps all
	@sh tests/run.sh

run: deps all
	@sh scripts/run-main.sh

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/include/mirage $(DESTDIR)$(PREFIX)/lib/mirage
	install -m 755 $(B)/bin/mirage $(DESTDIR)$(PREFIX)/bin/mirage
	install -m 755 $(B)/bin/mirage-mkimage $(DESTDIR)$(PREFIX)/bin/mirage-mkimage
	install -m 644 include/mirage.h $(DESTDIR)$(PREFIX)/include/mirage.h
	install -m 644 include/mirage/*.h $(DESTDIR)$(PREFIX)/include/mirage/
	install -m 644 $(B)/lib/mirage/libmirage-edsl.a $(DESTDIR)$(PREFIX)/lib/mirage/
	for t in $(TARGETS); do \
	  install -d $(DESTDIR)$(PREFIX)/lib/mirage/$$t && \
	  install -m 644 $(B)/lib/mirage/$$t/*.a $(DESTDIR)$(PREFIX)/lib/mirage/$$t/ || exit 1; done
	# A freestanding target: its linker script, the libc's headers, its tender.
	for t in $(FREESTANDING); do \
	  install -m 644 $(B)/lib/mirage/$$t/$$t.ld $(DESTDIR)$(PREFIX)/lib/mirage/$$t/ && \
	  install -d $(DESTDIR)$(PREFIX)/lib/mirage/$$t/include && \
	  cp -R libc/include/. $(DESTDIR)$(PREFIX)/lib/mirage/$$t/include/ && \
	  install -m 755 $(B)/bin/mirage-$$t $(DESTDIR)$(PREFIX)/bin/ || exit 1; done

bench: deps all
	@sh bench/run.sh

# libFuzzer harnesses for as long as you give them: make fuzz FUZZ_TIME=600
fuzz: deps
	@FUZZ_TIME=$(or $(FUZZ_TIME),60) sh tests/fuzz/smoke.sh

check-format:
	@clang-format --dry-run --Werror $$(git ls-files '*.c' '*.h')

clean:
	rm -rf $(B)
