# Kiosk: build, test and run kioskd and kioskctl. `make` alone lists the targets.
#
# Every recipe runs in bash with `set -euo pipefail` (see .SHELLFLAGS), so a failing command or a
# failing stage of a pipe stops the target with a non-zero exit.

SHELL := bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-builtin-rules --no-builtin-variables

# The Swift toolchain lives outside the default PATH on the build machines and in CI.
SWIFT_BIN ?= /opt/swift/usr/bin
export PATH := $(SWIFT_BIN):$(PATH)
SWIFT ?= swift

# Extra flags, e.g. `make test SWIFT_TEST_FLAGS='--filter FlowsTests'` or `make build SWIFT_BUILD_FLAGS=-j1`.
SWIFT_BUILD_FLAGS ?=
SWIFT_TEST_FLAGS ?=
# Extra arguments for `kioskd --demo`, and the configuration `check-config` reads.
DEMO_ARGS ?=
CONFIG ?= Kiosk/kiosk.yaml

# The Debian packages the build, the tests and the demo need: C libraries for the module maps,
# pkg-config to find them, tmux for the end-to-end tests, python3 for test helpers, procps and psmisc
# for process handling in scripts and tests. The drivers' tests run real services: pcscd with the
# vpcd driver (and pyscard for the APDU benchmark's peer), cupsd with ippeveprinter and avahi
# (and dbus-daemon for avahi's private bus: avahi alone may bring dbus-broker, which has none),
# poppler and zbar to read printed pages back, SANE's test backend, umockdev for libusb devices and
# the touch panel, libevdev for the console's touch panel.
# cairo, pango, fontconfig's Noto CJK and libqrencode render receipts; libssl gives 3DES for ICAO BAC.
DEB_PACKAGES := \
	pcscd \
	vsmartcard-vpcd \
	pcsc-tools \
	python3-pyscard \
	cups \
	cups-client \
	cups-bsd \
	cups-ipp-utils \
	avahi-daemon \
	dbus-daemon \
	poppler-utils \
	zbar-tools \
	sane-utils \
	umockdev \
	libevdev-dev \
	libumockdev-dev \
	libcairo2-dev \
	libpango1.0-dev \
	libqrencode-dev \
	fonts-noto-cjk \
	libssl-dev \
	libsqlite3-dev \
	sqlite3 \
	libpcsclite-dev \
	libusb-1.0-0-dev \
	libcups2-dev \
	libsane-dev \
	pkg-config \
	tmux \
	python3 \
	procps \
	systemd \
	debootstrap \
	openssl \
	psmisc

RELEASE_DIR := .build/release

# `make install` and `make deb`: release binaries with the Swift runtime linked in (so they run
# without the toolchain), built in their own folder. PREFIX and DESTDIR as usual; the configuration
# always goes to /etc/kiosk. `make deb` leaves kiosk_VERSION_ARCH.deb here.
PREFIX ?= /usr/local
DESTDIR ?=
PKG_SCRATCH ?= .build-pkg
PKG_BUILD = $(SWIFT) build -c release --static-swift-stdlib --scratch-path $(PKG_SCRATCH) $(SWIFT_BUILD_FLAGS)

.PHONY: help deps build build-debug demo test bench fuzz check-config clean swift-available install uninstall deb

help:
	@printf '%s\n' \
	  'Kiosk: self-service terminal daemon (kioskd) and operator client (kioskctl).' \
	  '' \
	  '  make demo          install packages, build, and run the demo kiosk on this terminal' \
	  '  make test          install packages, build, and run every test' \
	  '' \
	  '  make deps          install the Debian packages the build and tests need (idempotent)' \
	  '  make build         release build of kioskd and kioskctl into $(RELEASE_DIR)' \
	  '  make build-debug   debug build into .build/debug' \
	  '  make bench         release build, then kiosk-bench; output also in bench.out' \
	  '  make fuzz          every libFuzzer target in Fuzz/ for FUZZ_RUNS inputs (default 1000000)' \
	  '  make check-config  validate $(CONFIG) with kioskd check-config (CONFIG=... to change)' \
	  '  make install       build (static Swift runtime) and install into $$DESTDIR$(PREFIX) and /etc/kiosk' \
	  '  make uninstall     remove what make install installed (keeps a changed kiosk.yaml)' \
	  '  make deb           build kiosk_VERSION_ARCH.deb here (make install PREFIX=/usr into a staging folder)' \
	  '  make clean         remove build products (keeps package checkouts) and bench.out'

deps:
	@scripts/deps.sh $(DEB_PACKAGES)

swift-available:
	@command -v $(SWIFT) >/dev/null || { \
	  echo "error: '$(SWIFT)' not found (looked on PATH, which starts with $(SWIFT_BIN))." >&2; \
	  echo "       Install Swift 6 there, or run: make SWIFT_BIN=/path/to/swift/usr/bin ..." >&2; \
	  exit 1; }

build: swift-available
	$(SWIFT) build -c release $(SWIFT_BUILD_FLAGS)

build-debug: swift-available
	$(SWIFT) build $(SWIFT_BUILD_FLAGS)

# The terminal check comes first so that a run without a terminal fails at once, not after a build.
demo:
	@scripts/demo.sh --check-terminal
	@$(MAKE) --no-print-directory deps build
	scripts/demo.sh $(DEMO_ARGS)

# The end-to-end tests run the debug binaries from .build/debug under tmux.
test: deps swift-available
	$(SWIFT) build --build-tests --explicit-target-dependency-import-check error $(SWIFT_BUILD_FLAGS)
	$(SWIFT) test $(SWIFT_BUILD_FLAGS) $(SWIFT_TEST_FLAGS)

# Measures the build that ships (static Swift runtime, as `make install` and `make deb` build it).
# The offline-queue half compares the outbox with persist-queue (PyPI), run by python3; without it
# that one row says "not run" and the rest of the report is unchanged. The printing part starts its
# own private cupsd and ippeveprinter (cups, cups-ipp-utils above; cupsd needs root) and fails the
# run when they cannot start.
bench: deps swift-available
	python3 -m pip install --quiet 'persist-queue==1.1.0' \
	  || echo "make bench: persist-queue 1.1.0 could not be installed; the report says so in its row" >&2
	$(PKG_BUILD) --product kioskd
	$(PKG_BUILD) --product kiosk-bench
	$(PKG_SCRATCH)/release/kiosk-bench | tee bench.out

FUZZ_RUNS ?= 1000000
fuzz: swift-available
	for target in $$(cd Fuzz && ls -d */ | tr -d /); do scripts/fuzz.sh "$$target" $(FUZZ_RUNS); done

check-config: build
	$(RELEASE_DIR)/kioskd check-config $(CONFIG)

# Removes build products but keeps the resolved package checkouts; `rm -rf .build` removes those too.
clean: swift-available
	$(SWIFT) package clean
	rm -f bench.out

install: swift-available
	$(PKG_BUILD) --product kioskd
	$(PKG_BUILD) --product kioskctl
	$(PKG_BUILD) --product generate-manual
	PREFIX='$(PREFIX)' DESTDIR='$(DESTDIR)' BIN_DIR='$(PKG_SCRATCH)/release' scripts/install.sh install

uninstall:
	PREFIX='$(PREFIX)' DESTDIR='$(DESTDIR)' scripts/install.sh uninstall

deb: swift-available
	$(PKG_BUILD) --product kioskd
	$(PKG_BUILD) --product kioskctl
	$(PKG_BUILD) --product generate-manual
	SCRATCH='$(PKG_SCRATCH)' scripts/build-deb.sh
