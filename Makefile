# QuaSAR -- one non-recursive Makefile for the whole tree.
#
#   make                 build everything (strict warnings, -Werror)
#   make CC=clang        the same with clang
#   make SANITIZE=1      ASan + UBSan build (objects go to build-san/)
#   make fuzz            build the libFuzzer harnesses (tests/fuzz/, objects
#                        in build-fuzz/) and run each FUZZ_SECS seconds
#   make check           install dependencies, build, run every test
#   make demo            install dependencies, build, run the demo
#   make bench           benchmarks; figures to bench/out/*.json
#   make experiments     the paper's experiments; results to docs/results/
#   make routelet-image  the routelet PV guest image, in build/xen/routelet/
#   make xen-lab         boot Xen under QEMU and run tests/xen (as root)
#   make cgroup2-lab     boot Linux with cgroup v2 only under QEMU and run
#                        the local backend there, tests/cg2 (as root)
#   make install         PREFIX=/usr/local DESTDIR=

PREFIX	?= /usr/local
BINDIR	?= $(PREFIX)/bin
SBINDIR	?= $(PREFIX)/sbin
MANDIR	?= $(PREFIX)/share/man
DATADIR	?= $(PREFIX)/share/quasar
LIBEXECDIR ?= $(PREFIX)/libexec/quasar

CC	?= cc
ifeq ($(origin CC),default)
CC	:= cc
endif

SANITIZE ?= 0
ifeq ($(SANITIZE),fuzz)
# libFuzzer's coverage on every object, ASan and UBSan; clang only.  The
# harnesses (tests/fuzz/) add -fsanitize=fuzzer when they link.
B	?= build-fuzz
CC	:= clang
SANFLAGS := -fsanitize=fuzzer-no-link,address,undefined \
	    -fno-omit-frame-pointer -fno-sanitize-recover=all
OPT	?= -O1 -g
else ifeq ($(SANITIZE),1)
B	?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer \
	    -fno-sanitize-recover=all
OPT	?= -O1 -g
else
B	?= build
SANFLAGS :=
OPT	?= -O2 -g
endif

WARN	:= -Wall -Wextra -Werror -Wshadow -Wpointer-arith -Wcast-qual \
	   -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 -Wundef \
	   -Wwrite-strings -Wvla -Wimplicit-fallthrough -Wswitch-enum \
	   -Wno-format-nonliteral
CFLAGS	?=
CPPFLAGS ?=
LDFLAGS	?=
QCFLAGS	:= -std=c11 -D_GNU_SOURCE $(OPT) $(WARN) $(SANFLAGS) -MMD -MP \
	   -Isrc -Iroutelet $(CPPFLAGS) $(CFLAGS)
QLDFLAGS := $(SANFLAGS) -Wl,--as-needed $(LDFLAGS)

# The design's libraries, found with pkg-config.  Each entry is
# module:debian-package; a missing one is named with the package to install.
LIBS_ALL := xenlight:libxen-dev xenstore:libxen-dev xentoollog:libxen-dev \
	    libnl-3.0:libnl-3-dev libnl-route-3.0:libnl-route-3-dev \
	    libpcap:libpcap-dev libxml-2.0:libxml2-dev libbpf:libbpf-dev
LIBS_TEST := cmocka:libcmocka-dev

PKG_CONFIG ?= pkg-config
# The XDP program (demux/xdp_prog.bpf.c) is built with clang -target bpf
# whatever CC is; the kernel's headers under the multiarch directory.
BPF_CC	?= clang
MULTIARCH := $(shell $(CC) -print-multiarch 2>/dev/null || gcc -print-multiarch 2>/dev/null)
BPF_CFLAGS := -target bpf -O2 -g -Wall -Wextra -Werror \
	      $(if $(MULTIARCH),-I/usr/include/$(MULTIARCH))

# check, test, demo and bench install the dependencies first (deps), then
# build in a sub-make, which checks; checking here would stop a fresh
# machine before it could install anything.
NOBUILD_GOALS := clean distclean deps help check test demo bench fuzz
ifneq ($(filter-out $(NOBUILD_GOALS),$(or $(MAKECMDGOALS),all)),)
pkg_missing = $(foreach e,$(1),$(if $(shell $(PKG_CONFIG) --exists \
	$(word 1,$(subst :, ,$(e))) && echo ok),,$(e)))
MISSING := $(call pkg_missing,$(LIBS_ALL))
ifneq ($(filter check test unit bench,$(MAKECMDGOALS)),)
MISSING += $(call pkg_missing,$(LIBS_TEST))
endif
ifneq ($(strip $(MISSING)),)
$(error missing libraries: $(foreach e,$(MISSING),$(word 1,$(subst :, ,$(e))) \
	(apt-get install $(word 2,$(subst :, ,$(e))))); run scripts/install-deps)
endif
# The demux's XDP program is compiled for the kernel by clang.
ifeq ($(shell command -v $(BPF_CC) 2>/dev/null),)
$(error missing $(BPF_CC), the compiler of the XDP program \
	(apt-get install clang); run scripts/install-deps)
endif
endif

pc_cflags = $(shell $(PKG_CONFIG) --cflags $(1))
pc_libs = $(shell $(PKG_CONFIG) --libs $(1))

DEP_CFLAGS := $(call pc_cflags,libpcap libnl-3.0 libnl-route-3.0 libxml-2.0 \
	xenlight xentoollog xenstore libbpf)
DEP_LIBS := $(call pc_libs,libpcap libnl-3.0 libnl-route-3.0 libxml-2.0 \
	xenlight xentoollog xenstore libbpf)
CMOCKA_LIBS = $(call pc_libs,cmocka)

# ---- libquasar (src/) -------------------------------------------------
LIBQ_SRCS := $(wildcard src/*.c)
LIBQ_OBJS := $(LIBQ_SRCS:%.c=$(B)/%.o)
LIBQ := $(B)/libquasar.a

# ---- the routelet engine (routelet/), a library for tests and benches ---
RL_MAIN := routelet/routelet.c routelet/replay.c routelet/run.c \
	routelet/xen.c
RL_SRCS := $(filter-out $(RL_MAIN),$(wildcard routelet/*.c))
RL_OBJS := $(RL_SRCS:%.c=$(B)/%.o)
LIBRL := $(B)/librouteletengine.a

ROUTELET := $(B)/bin/routelet

# ---- quasar-demux (demux/) and quasard (rsvpd/) ------------------------
DEMUX_SRCS := $(filter-out %.bpf.c,$(wildcard demux/*.c))
DEMUX_OBJS := $(DEMUX_SRCS:%.c=$(B)/%.o) $(B)/demux/xdp_obj.o
DEMUX := $(if $(DEMUX_SRCS),$(B)/bin/quasar-demux)
QUASARD_SRCS := $(wildcard rsvpd/*.c)
QUASARD := $(if $(QUASARD_SRCS),$(B)/bin/quasard)

# ---- tests and benchmarks ---------------------------------------------
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:%.c=$(B)/%)
# Programs the Xen lab runs in its dom0 (tests/xen/).
XENTEST_SRCS := $(wildcard tests/xen/*.c)
XENTEST_BINS := $(XENTEST_SRCS:%.c=$(B)/%)
# libFuzzer harnesses, one per parser (tests/fuzz/README.md); built only
# with SANITIZE=fuzz.
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(FUZZ_SRCS:%.c=$(B)/%)
FUZZ_SECS ?= 60
BENCH_SRCS := $(wildcard bench/bench_*.c)
BENCH_BINS := $(BENCH_SRCS:%.c=$(B)/%)

# Each tools/<name>.c is one program, build/bin/<name>.
TOOL_SRCS := $(wildcard tools/*.c)
TOOLS := $(TOOL_SRCS:tools/%.c=$(B)/bin/%)

PROGS := $(ROUTELET) $(DEMUX) $(QUASARD) $(TOOLS)

.PHONY: all deps check test unit golden integ demo bench experiments install \
	clean help routelet-image xen-lab cgroup2-lab fuzz fuzz-bins
.DEFAULT_GOAL := all

all: $(PROGS) $(UNIT_BINS) $(BENCH_BINS) $(XENTEST_BINS)

$(B)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(QCFLAGS) $(DEP_CFLAGS) -c -o $@ $<

# Where qconf.c looks for the schema when nothing else names it.
$(B)/src/qconf.o: QCFLAGS += -DQCONF_XSD_PATH='"$(DATADIR)/quasard.xsd"' \
	-DQCONF_VIF_SCRIPT_PATH='"$(LIBEXECDIR)/vif-quasar"'

$(LIBQ): $(LIBQ_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(LIBRL): $(RL_OBJS)
	@mkdir -p $(@D)
	rm -f $@ && $(AR) rcs $@ $^

$(ROUTELET): $(RL_MAIN:%.c=$(B)/%.o) $(LIBRL) $(LIBQ)
	@mkdir -p $(@D)
	$(CC) $(QLDFLAGS) -o $@ $^ $(DEP_LIBS)

# The XDP program, for the kernel; xdp_obj.S puts it inside the demux.
$(B)/demux/xdp_prog.bpf.o: demux/xdp_prog.bpf.c demux/xdp_abi.h
	@mkdir -p $(@D)
	$(BPF_CC) $(BPF_CFLAGS) -c -o $@ $<

$(B)/demux/xdp_obj.o: demux/xdp_obj.S $(B)/demux/xdp_prog.bpf.o
	$(CC) $(QCFLAGS) -Wa,-I$(B)/demux -c -o $@ $<

$(B)/bin/quasar-demux: $(DEMUX_OBJS) $(LIBQ)
	@mkdir -p $(@D)
	$(CC) $(QLDFLAGS) -o $@ $^ $(DEP_LIBS)

$(B)/bin/quasard: $(QUASARD_SRCS:%.c=$(B)/%.o) $(LIBQ)
	@mkdir -p $(@D)
	$(CC) $(QLDFLAGS) -o $@ $^ $(DEP_LIBS)

$(XENTEST_BINS): $(B)/tests/xen/%: $(B)/tests/xen/%.o $(LIBQ)
	@mkdir -p $(@D)
	$(CC) $(QLDFLAGS) -o $@ $^ $(DEP_LIBS)

$(TOOLS): $(B)/bin/%: $(B)/tools/%.o $(LIBQ)
	@mkdir -p $(@D)
	$(CC) $(QLDFLAGS) -o $@ $^ $(DEP_LIBS) -lm

$(B)/tests/unit/%: $(B)/tests/unit/%.o $(LIBRL) $(LIBQ)
	$(CC) $(QLDFLAGS) -o $@ $^ $(CMOCKA_LIBS) $(DEP_LIBS) -lpthread

# The XDP program's test runs the very object the demux carries.
$(B)/tests/unit/test_demux_xdp: $(B)/demux/xdp_obj.o

# A harness links the objects of the program whose parser it drives, less
# that program's main().
$(B)/tests/fuzz/%: $(B)/tests/fuzz/%.o $(LIBRL) $(LIBQ)
	$(CC) $(QLDFLAGS) -fsanitize=fuzzer -o $@ $(filter %.o,$^) \
	    $(filter %.a,$^) $(DEP_LIBS) -lm -lpthread

$(B)/tests/fuzz/%.o: QCFLAGS += -Irsvpd -Idemux -Itools

$(B)/tests/fuzz/fuzz_control $(B)/tests/fuzz/fuzz_rsvpd: \
	$(filter-out $(B)/rsvpd/quasard.o, $(QUASARD_SRCS:%.c=$(B)/%.o))
$(B)/tests/fuzz/fuzz_rlctl: $(B)/routelet/run.o
$(B)/tests/fuzz/fuzz_classify: $(B)/demux/classify.o $(B)/demux/belswitch.o
$(B)/tests/fuzz/fuzz_tablecmd: $(B)/demux/tablecmd.o

.PRECIOUS: $(B)/tests/fuzz/%.o

fuzz-bins: $(FUZZ_BINS)

$(B)/bench/%: $(B)/bench/%.o $(LIBRL) $(LIBQ)
	$(CC) $(QLDFLAGS) -o $@ $^ $(DEP_LIBS) -lpthread

# ---- what a newcomer runs -----------------------------------------------
deps:
	@scripts/install-deps

# The whole suite: unit tests, golden pcap tests, the build's own checks
# and the namespace integration tests (as root), then the unit and golden
# tests again under ASan+UBSan, and a clang build, so every commit is
# checked by both compilers and the sanitizers, then a short pass of the
# libFuzzer harnesses (tests/fuzz/run); last the two QEMU labs:
# the local backend on a kernel with cgroup v2 only (tests/cg2/run), and a
# real Xen (tests/xen/run), both as root.
check: deps
	$(MAKE) all
	tests/run-unit $(B)
	tests/golden/run $(B)/bin/routelet
	tests/rsvp/tshark-check $(B)
	tests/build-checks $(B)
	tests/integ/run $(B)
	$(MAKE) SANITIZE=1 all
	tests/run-unit build-san
	tests/golden/run build-san/bin/routelet
	$(MAKE) CC=clang B=build-clang all
	$(MAKE) SANITIZE=fuzz fuzz-bins
	tests/fuzz/run -t 2 build-fuzz
	tests/cg2/run $(B)
	tests/xen/run $(B)
	@echo "check: all suites passed"

test: check

unit: all
	tests/run-unit $(B)

golden: all
	tests/golden/run $(B)/bin/routelet

integ: all
	tests/integ/run $(B)

demo: deps
	$(MAKE) all
	tools/demo $(B)

bench:
	@scripts/install-deps bench
	$(MAKE) all
	bench/run $(B)

# The paper's experiments (as root): tables, plots and README.md in
# docs/results/; about ten minutes.  tools/experiments --quick is the
# one-minute version.
experiments: deps
	$(MAKE) all
	tools/experiments $(B)

# Each harness FUZZ_SECS seconds from its committed corpus; what it finds
# goes to build-fuzz/fuzz/<harness>/ (tests/fuzz/README.md).
fuzz: deps
	$(MAKE) SANITIZE=fuzz fuzz-bins
	tests/fuzz/run -t $(FUZZ_SECS) -k build-fuzz

install: $(PROGS)
	install -d $(DESTDIR)$(SBINDIR)
	for p in $(PROGS); do install -m 0755 $$p $(DESTDIR)$(SBINDIR)/; done
	install -d $(DESTDIR)$(LIBEXECDIR)
	install -m 0755 scripts/vif-quasar $(DESTDIR)$(LIBEXECDIR)/
	install -d $(DESTDIR)$(DATADIR)
	install -m 0644 docs/quasard.xsd $(DESTDIR)$(DATADIR)/
	install -d $(DESTDIR)$(MANDIR)/man8
	install -m 0644 docs/quasard.8 docs/quasarctl.8 $(DESTDIR)$(MANDIR)/man8/

# ---- Xen: the routelet guest image and the lab (docs/xen.md) ------------
# Both build from Debian packages, fetched and unpacked, never installed;
# downloads and trees are cached under $(B)/xen.
routelet-image: $(ROUTELET)
	routelet/image/mkimage $(ROUTELET) $(B)/xen/routelet $(B)/xen

xen-lab: all
	tests/xen/run $(B)

# The local backend on cgroup v2, which this kind of machine cannot mount
# with controllers: Debian's kernel under QEMU with the unified hierarchy
# only (tests/cg2/run, docs/architecture.md); it shares $(B)/xen's cache.
cgroup2-lab: all
	tests/cg2/run $(B)

clean:
	rm -rf build build-san build-clang build-fuzz

help:
	@sed -n '2,16p' Makefile | sed 's/^# \{0,1\}//'

# $(B)/xen holds the Xen lab's image trees, whose *.d are no make rules.
-include $(shell find $(B) -path $(B)/xen -prune -o -name '*.d' -type f \
	-print 2>/dev/null)
