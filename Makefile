# Loa — one non-recursive Makefile.
#   make                 build the gateway, the five services and tools into build/
#   make SANITIZE=address,undefined   the same with sanitizers (into build/sanitize/)
#   make run             set everything up and start the whole system with demo data
#   make test            set up and run every test (ends with "N passed, N failed")
#   make check           the unit tests alone, on a throw-away PostgreSQL
#   make lint            clang-format check, cppcheck, shellcheck (make test too)
#   make bench           benchmarks (tests/bench/), figures beside their references
#   make fuzz            libFuzzer targets (tests/fuzz/) with clang, ASan and UBSan,
#                        each run FUZZ_SECONDS (60) over its corpus
#   make deps            install the Debian packages the build and the tests need
#                        (plain make only checks them; run, test, bench and fuzz install)
.DELETE_ON_ERROR:
.SECONDARY:
.SUFFIXES:
.DEFAULT_GOAL := all

# FUZZ=1: the build of the fuzz targets (make fuzz), into build/fuzz/: the
# same sources compiled by clang with ASan, UBSan and libFuzzer's coverage.
ifneq ($(FUZZ),)
SANITIZE := address,undefined
BUILD := build/fuzz
CC := clang
endif
SANITIZE ?=
ifneq ($(SANITIZE),)
BUILD ?= build/sanitize
else
BUILD ?= build
endif

# Debian packages: what builds, runs and tests Loa. Installed when missing.
PACKAGES := build-essential pkg-config protobuf-c-compiler libprotobuf-c-dev libzmq3-dev \
	libmicrohttpd-dev libjansson-dev libpq-dev libsodium-dev libcmark-dev check postgresql postgresql-contrib \
	curl jq wrk docker-compose libxml2-utils python3-jsonschema
PKG_MODULES := libzmq libprotobuf-c libmicrohttpd jansson libpq libsodium libcmark
# zlib and Brotli: the gateway's compressed responses (gateway/core/encode.c,
# decision 0042); the unit tests decode them back (libbrotlidec).
PACKAGES += zlib1g-dev libbrotli-dev
PKG_MODULES += zlib libbrotlienc libbrotlidec
# libmagic: the type of an uploaded asset, from its bytes (gateway/media/).
PACKAGES += libmagic-dev
# tests/e2e/test_seo.sh: RFC 4287's Atom schema (tests/e2e/seo/atom.rnc) is
# converted to the XML syntax xmllint reads.
PACKAGES += trang
PKG_MODULES += libmagic
# The web portal's browser tests (tests/browser/, tests/e2e/test_web.sh):
# headless chromium driven by playwright-core from npm (no browser download);
# fonts with Vietnamese diacritics for the screenshots; nodejs (with npm: Debian 12
# packs npm apart, NodeSource's nodejs carries it).
PACKAGES += chromium fonts-dejavu-core nodejs
# tests/e2e/test_compose.sh starts docker-compose.yml for real: Debian's
# Docker engine (docker.io: dockerd, containerd, runc, tini), debootstrap
# for the base image no registry gives here, and PyYAML for the one change
# the test makes to the compose file (no published ports on the host's network).
PACKAGES += docker.io debootstrap python3-yaml
# promtool (Debian's prometheus): tests/e2e/test_metrics.sh checks the
# programs' metrics with it, and deploy/monitoring's rules.
PACKAGES += prometheus
# libzip: packages' BagIt bags (services/media-svc/media_bag.c); unzip checks them in the tests.
PACKAGES += libzip-dev unzip
PKG_MODULES += libzip
# tests/e2e/test_multihost.sh: three "hosts" in network namespaces (iproute2)
# behind Debian's haproxy, as a load balancer in front of several gateways.
PACKAGES += haproxy iproute2
# tests/e2e/test_kube_play.sh: deploy/k8s played by podman (Debian's 4.3),
# with catatonit, the pods' init process (only recommended by podman).
PACKAGES += podman catatonit
# notify-svc: e-mail over SMTP through libcurl, the messages built by GMime
# (with its GLib; linked into notify-svc alone); the tests' SMTP server and
# make run's local mail sink (python3-aiosmtpd).
PACKAGES += libcurl4-openssl-dev libgmime-3.0-dev python3-aiosmtpd
NOTIFY_MODULES := libcurl gmime-3.0
# make lint (tests/lint.sh, also run by make test).
LINT_PACKAGES := clang-format cppcheck shellcheck
PACKAGES += $(LINT_PACKAGES)
# make fuzz, and make test's short runs of it: clang, the compiler-rt
# runtimes it links with -fsanitize=fuzzer (ASan, UBSan, libFuzzer: only
# recommended by clang-14, which apt-get here does not install), Debian's
# libFuzzer for that clang, and libxml2 for the XML target's parser.
FUZZ_PACKAGES := clang libclang-rt-14-dev libfuzzer-14-dev libxml2-dev
ifneq ($(FUZZ),)
PACKAGES += $(FUZZ_PACKAGES)
PKG_MODULES += libxml-2.0
endif

CC ?= cc
CSTD := -std=c11 -D_GNU_SOURCE
WARN := -Wall -Wextra -Werror -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
	-Wno-missing-field-initializers -Wvla -Wwrite-strings
# Hardening: a canary in every function with an array or an address taken,
# one definition per global (no common symbols), relocations read-only
# after start-up and resolved at once.
HARDEN := -fstack-protector-strong -fno-common
HARDEN_LDFLAGS := -Wl,-z,relro,-z,now
OPT ?= -O2 -g
ifneq ($(SANITIZE),)
OPT := -O1 -g -fno-omit-frame-pointer -fsanitize=$(SANITIZE) -fno-sanitize-recover=all
SANLDFLAGS := -fsanitize=$(SANITIZE)
ifneq ($(FUZZ),)
OPT += -fsanitize=fuzzer-no-link
endif
else ifeq ($(filter -O0,$(OPT)),)
# glibc's checked string and memory calls: they need optimisation, and would
# hide from AddressSanitizer the very calls it intercepts, so not with it.
HARDEN += -U_FORTIFY_SOURCE -D_FORTIFY_SOURCE=2
endif

VERSION := 0.1.0
GEN := $(BUILD)/gen
CPPFLAGS := -I services/common -I $(GEN) -MMD -MP -DLOA_VERSION='"$(VERSION)"'
CFLAGS := $(CSTD) $(WARN) $(HARDEN) $(OPT) -pthread
LDFLAGS := -pthread $(HARDEN_LDFLAGS) $(SANLDFLAGS)

# pkg-config results are computed once, after the packages are checked (or
# installed): config.mk is an included makefile, so make builds it first and
# then restarts. Plain make never installs: it stops, naming the missing
# packages, and says to run make deps; make deps, run, test and bench install
# what is missing (DEPS_ACTION=install, which make test also passes to the
# sanitized build it runs).
ifneq ($(filter deps run test bench fuzz,$(MAKECMDGOALS)),)
DEPS_ACTION ?= install
else
DEPS_ACTION ?= check
endif
ifeq ($(filter deps clean distclean format lint,$(MAKECMDGOALS)),)
include $(BUILD)/config.mk
endif
$(BUILD)/config.mk: Makefile
	@mkdir -p $(@D)
	@PACKAGES="$(PACKAGES)" deploy/install-deps.sh $(DEPS_ACTION)
	@echo "PKG_CFLAGS := $$(pkg-config --cflags $(PKG_MODULES))" > $@.tmp
	@echo "PKG_LIBS := $$(pkg-config --libs $(PKG_MODULES))" >> $@.tmp
	@echo "CHECK_CFLAGS := $$(pkg-config --cflags check)" >> $@.tmp
	@echo "CHECK_LIBS := $$(pkg-config --libs check)" >> $@.tmp
	@echo "NOTIFY_CFLAGS := $$(pkg-config --cflags $(NOTIFY_MODULES))" >> $@.tmp
	@echo "NOTIFY_LIBS := $$(pkg-config --libs $(NOTIFY_MODULES))" >> $@.tmp
	@mv $@.tmp $@

.PHONY: deps
deps:
	@PACKAGES="$(sort $(PACKAGES) $(FUZZ_PACKAGES))" deploy/install-deps.sh install

# ---------------------------------------------------------------- protobuf
PROTOS := $(wildcard proto/*.proto)
PROTO_C := $(patsubst proto/%.proto,$(GEN)/%.pb-c.c,$(PROTOS))
PROTO_H := $(PROTO_C:.c=.h)

$(GEN)/%.pb-c.c $(GEN)/%.pb-c.h: proto/%.proto | $(BUILD)/config.mk
	@mkdir -p $(GEN)
	protoc-c --proto_path=proto --c_out=$(GEN) $<

# Protos used only by tests (tests/unit/proto/) are generated into gen/test/.
TEST_PROTOS := $(wildcard tests/unit/proto/*.proto)
TEST_PROTO_C := $(patsubst tests/unit/proto/%.proto,$(GEN)/test/%.pb-c.c,$(TEST_PROTOS))
$(GEN)/test/%.pb-c.c $(GEN)/test/%.pb-c.h: tests/unit/proto/%.proto | $(BUILD)/config.mk
	@mkdir -p $(GEN)/test
	protoc-c --proto_path=tests/unit/proto --c_out=$(GEN)/test $<

# Every object may include any generated header: generate them first.
GEN_HEADERS := $(PROTO_H) $(TEST_PROTO_C:.c=.h)

# The registry of every message descriptor of proto/ (services/common/loa_pbregistry.h).
$(GEN)/pbregistry.c: $(PROTO_H) tools/gen-registry.sh
	@mkdir -p $(@D)
	tools/gen-registry.sh $(PROTO_H) > $@

# ---------------------------------------------------------------- objects
$(BUILD)/obj/%.o: %.c | $(GEN_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(BUILD)/obj/gen/%.o: $(GEN)/%.c | $(GEN_HEADERS)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

# ---------------------------------------------------------------- embedding
# tools/embed turns SQL files into a C table (migrations live in the binary).
EMBED := $(BUILD)/tools/embed
$(EMBED): tools/embed.c
	@mkdir -p $(@D)
	$(CC) $(CSTD) $(WARN) -O2 $< -o $@

COMMON_SQL := $(sort $(wildcard services/common/sql/*.sql))

# ---------------------------------------------------------------- libloa
COMMON_SRC := $(sort $(wildcard services/common/*.c))
LIBLOA_OBJ := $(COMMON_SRC:%.c=$(BUILD)/obj/%.o) $(PROTO_C:$(GEN)/%.c=$(BUILD)/obj/gen/%.o)
LIBLOA_OBJ += $(BUILD)/obj/gen/pbregistry.o
LIBLOA := $(BUILD)/libloa.a
$(LIBLOA): $(LIBLOA_OBJ)
	@rm -f $@
	ar rcs $@ $^

# ---------------------------------------------------------------- services
SERVICES := content-svc feedback-svc quota-svc media-svc notify-svc

define service_rules
$(1)_SRC := $$(sort $$(wildcard services/$(1)/*.c))
$(1)_SQL := $$(COMMON_SQL) $$(sort $$(wildcard services/$(1)/migrations/*.sql))
$(1)_OBJ := $$($(1)_SRC:%.c=$$(BUILD)/obj/%.o) $$(BUILD)/obj/gen/$(1)_migrations.o
$$(GEN)/$(1)_migrations.c: $$($(1)_SQL) $$(EMBED) Makefile
	@mkdir -p $$(@D)
	$$(EMBED) $(subst -,_,$(1))_migrations $$($(1)_SQL) > $$@
$$(BUILD)/$(1): $$($(1)_OBJ) $$(LIBLOA)
	$$(CC) $$(LDFLAGS) $$^ $$(PKG_LIBS) $$($(1)_LIBS) -o $$@
endef
# A service's own libraries: notify-svc's mail (NOTIFY_MODULES).
notify-svc_LIBS = $(NOTIFY_LIBS)
$(foreach s,$(SERVICES),$(eval $(call service_rules,$(s))))
$(notify-svc_OBJ): PKG_CFLAGS += $(NOTIFY_CFLAGS)

# ---------------------------------------------------------------- gateway
# The gateway in layers (docs/gateway.md): core/ and one folder per family of
# endpoints; its files include each other by their path under gateway/.
GATEWAY_SRC := $(sort $(wildcard gateway/*.c gateway/*/*.c))
GATEWAY_OBJ := $(GATEWAY_SRC:%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/gen/gateway_migrations.o
$(GATEWAY_OBJ): CPPFLAGS += -iquote gateway
# The gateway has no events: of the shared SQL it needs only the time helpers.
GATEWAY_SQL := services/common/sql/0000_audit.sql services/common/sql/0000_time.sql services/common/sql/0000_time_stable.sql $(sort $(wildcard gateway/migrations/*.sql))
$(GEN)/gateway_migrations.c: $(GATEWAY_SQL) $(EMBED) Makefile
	@mkdir -p $(@D)
	$(EMBED) gateway_migrations $(GATEWAY_SQL) > $@
$(BUILD)/gateway: $(GATEWAY_OBJ) $(LIBLOA)
	$(CC) $(LDFLAGS) $^ $(PKG_LIBS) -o $@

# ---------------------------------------------------------------- tools
$(BUILD)/loa-rpc: $(BUILD)/obj/tools/loa-rpc.o $(LIBLOA)
	$(CC) $(LDFLAGS) $^ $(PKG_LIBS) -o $@

# The CURVE key pairs of the programs (services/common/loa_curve.h).
$(BUILD)/loa-keygen: $(BUILD)/obj/tools/loa-keygen.o $(LIBLOA)
	$(CC) $(LDFLAGS) $^ $(PKG_LIBS) -o $@

PROGRAMS := $(BUILD)/gateway $(SERVICES:%=$(BUILD)/%) $(BUILD)/loa-rpc $(BUILD)/loa-keygen

# ---------------------------------------------------------------- unit tests
UNIT_SRC := $(sort $(wildcard tests/unit/*/*.c tests/unit/*.c))
UNIT_OBJ := $(UNIT_SRC:%.c=$(BUILD)/obj/%.o) $(TEST_PROTO_C:$(GEN)/%.c=$(BUILD)/obj/gen/%.o)
$(UNIT_OBJ): CPPFLAGS += -I tests/unit -I $(GEN)/test
$(UNIT_OBJ): CPPFLAGS += -iquote gateway -iquote services/quota-svc
$(UNIT_OBJ): CPPFLAGS += -iquote services/media-svc
$(UNIT_OBJ): CPPFLAGS += -iquote services/content-svc -iquote services/feedback-svc
$(UNIT_OBJ): CPPFLAGS += -iquote services/notify-svc
$(UNIT_OBJ): CFLAGS += $(CHECK_CFLAGS)
# notify-svc's tests parse its mail back with GMime.
$(filter $(BUILD)/obj/tests/unit/notify-svc/%,$(UNIT_OBJ)): PKG_CFLAGS += $(NOTIFY_CFLAGS)
# The gateway's modules are tested on their own (tests/unit/gateway/): every
# object but main and the HTTP daemon, so that a test can use the router,
# the auth decision, the cache and the pure modules alike.
GATEWAY_UNIT_OBJ := $(filter-out $(BUILD)/obj/gateway/main.o $(BUILD)/obj/gateway/core/http.o, \
	$(GATEWAY_OBJ))
# And every service's modules but its main.c (tests/unit/<svc>/, and the method
# tables against their declarations in tests/unit/common/test_rpc_decl.c).
SERVICE_UNIT_OBJ := $(filter-out %/main.o,$(foreach s,$(SERVICES),$($(s)_OBJ)))
$(BUILD)/unit-tests: $(UNIT_OBJ) $(GATEWAY_UNIT_OBJ) $(SERVICE_UNIT_OBJ) $(LIBLOA)
	$(CC) $(LDFLAGS) $^ $(PKG_LIBS) $(NOTIFY_LIBS) $(CHECK_LIBS) -o $@

# /api/docs's viewer (gateway/ops/apidocs.c, decision 0043): swagger-ui-dist
# from npm, pinned by tools/apidocs/package-lock.json, its bundle,
# stylesheet and licence copied into the web portal (never committed).
APIDOCS_VENDOR := web/api-docs/vendor/swagger-ui-bundle.js
$(APIDOCS_VENDOR): tools/apidocs/package-lock.json
	cd tools/apidocs && npm ci --no-audit --no-fund --loglevel=error
	mkdir -p web/api-docs/vendor
	cd tools/apidocs/node_modules/swagger-ui-dist && \
	    cp swagger-ui.css LICENSE NOTICE $(CURDIR)/web/api-docs/vendor/ && \
	    cp swagger-ui-bundle.js $(CURDIR)/web/api-docs/vendor/swagger-ui-bundle.js.tmp
	mv web/api-docs/vendor/LICENSE web/api-docs/vendor/LICENSE.txt
	mv web/api-docs/vendor/NOTICE web/api-docs/vendor/NOTICE.txt
	mv web/api-docs/vendor/swagger-ui-bundle.js.tmp $@

.PHONY: all
all: $(PROGRAMS) $(BUILD)/unit-tests $(APIDOCS_VENDOR)

# ---------------------------------------------------------------- fuzz targets
# tests/fuzz/<name>.c: one libFuzzer target per parser of untrusted bytes,
# linked with everything the unit tests link (FUZZ=1 builds, make fuzz).
FUZZ_SRC := $(sort $(wildcard tests/fuzz/*.c))
FUZZ_BIN := $(patsubst tests/fuzz/%.c,$(BUILD)/fuzz-%,$(FUZZ_SRC))
FUZZ_OBJ := $(FUZZ_SRC:%.c=$(BUILD)/obj/%.o)
$(FUZZ_OBJ): CPPFLAGS += -iquote gateway -iquote services/content-svc -iquote services/feedback-svc
$(FUZZ_OBJ): CPPFLAGS += -iquote services/media-svc -iquote services/quota-svc -I $(GEN)/test
FUZZ_LINK := $(TEST_PROTO_C:$(GEN)/%.c=$(BUILD)/obj/gen/%.o) $(GATEWAY_UNIT_OBJ) $(SERVICE_UNIT_OBJ)
$(BUILD)/fuzz-%: $(BUILD)/obj/tests/fuzz/%.o $(FUZZ_LINK) $(LIBLOA)
	$(CC) $(LDFLAGS) -fsanitize=fuzzer $^ $(PKG_LIBS) $(NOTIFY_LIBS) -o $@

.PHONY: fuzz-build
fuzz-build: $(FUZZ_BIN)

# ---------------------------------------------------------------- run, test, bench
.PHONY: run test check lint bench fuzz compose-check clean distclean format
run: all
	BUILD=$(BUILD) deploy/run.sh

# Tests run on the sanitized build (ASan + UBSan + LeakSanitizer).
test:
	$(MAKE) SANITIZE=address,undefined DEPS_ACTION=install all
	$(MAKE) FUZZ=1 DEPS_ACTION=install fuzz-build
	BUILD=build/sanitize tests/run.sh

# Every fuzz target for FUZZ_SECONDS over tests/fuzz/corpus/<name>/ (new
# inputs go to build/fuzz/scratch/, crashes to build/fuzz/crashes/).
FUZZ_SECONDS ?= 60
fuzz:
	$(MAKE) --no-print-directory FUZZ=1 DEPS_ACTION=install fuzz-build
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run.sh

# The static checks: formatting, cppcheck, shellcheck (make test runs them too).
lint:
	@PACKAGES="$(LINT_PACKAGES)" deploy/install-deps.sh check
	tests/lint.sh

# The unit tests alone, on throw-away PostgreSQL clusters (no services, no gateway).
check:
	$(MAKE) --no-print-directory SANITIZE=address,undefined build/sanitize/unit-tests
	BUILD=build/sanitize tests/check.sh

# The media row's reference (nginx), for the benchmarks only: Debian's
# package starts its own nginx on port 80, which the benchmark does not use.
BENCH_PACKAGES := nginx-light
bench: all
	@PACKAGES="$(BENCH_PACKAGES)" deploy/install-deps.sh
	BUILD=$(BUILD) tests/bench/run.sh

clean:
	rm -rf build

distclean: clean
	rm -rf .run web/api-docs/vendor

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
