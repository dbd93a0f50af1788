#!/usr/bin/env bash
# Installs or removes Kiosk: the binaries, the content and catalog folders, a default configuration,
# the systemd units and the sysusers.d, tmpfiles.d, modules-load.d and udev files, shell completions,
# manual pages (made with swift-argument-parser's generate-manual, which `make install` builds too),
# the documentation, and the files in systemd/ that a site installs by choice (logind.conf.d,
# the encrypted-credentials drop-in) as examples in the documentation folder. docs/deployment.md
# says where each file goes and why.
#
#   scripts/install.sh install     (what `make install` runs, after building the binaries)
#   scripts/install.sh uninstall   (what `make uninstall` runs)
#
# Settings, from the environment (the Makefile passes its variables):
#   PREFIX      /usr/local; /usr for a distribution package
#   DESTDIR     empty; a staging folder that stands for / (`make deb` uses one)
#   SYSCONFDIR  /etc: the configuration goes to $SYSCONFDIR/kiosk/kiosk.yaml whatever PREFIX is,
#               since that is where kioskd and its unit look for it
#   BIN_DIR     .build-pkg/release: where the release binaries (built with --static-swift-stdlib) are
#   STRIP       strip: the binaries are installed without their symbol tables (133 MB -> 75 MB each);
#               STRIP= keeps them
#
# An existing configuration is never overwritten: the new default goes beside it as kiosk.yaml.new.
# Uninstalling removes the configuration only when it is still the default. Installing into the
# running system (DESTDIR empty, as root) also creates the users and /run/kiosk and reloads systemd
# and udev where they run; it never enables or starts kioskd.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

action=${1:-}
case "$action" in
    install|uninstall) ;;
    *) echo "usage: $0 install|uninstall   (settings: PREFIX, DESTDIR, SYSCONFDIR, BIN_DIR)" >&2; exit 2 ;;
esac

PREFIX=${PREFIX:-/usr/local}
DESTDIR=${DESTDIR:-}
SYSCONFDIR=${SYSCONFDIR:-/etc}
BIN_DIR=${BIN_DIR:-.build-pkg/release}
STRIP=${STRIP-strip}
for setting in PREFIX SYSCONFDIR; do
    case "${!setting}" in
        /*) ;;
        *) echo "error: $setting must be an absolute path, not '${!setting}'" >&2; exit 2 ;;
    esac
done
PREFIX=${PREFIX%/}
SYSCONFDIR=${SYSCONFDIR%/}
if [ -n "$DESTDIR" ]; then
    mkdir -p "$DESTDIR"
    DESTDIR=$(cd "$DESTDIR" && pwd)
fi

# Where things go, without DESTDIR.
bindir=$PREFIX/bin
datadir=$PREFIX/share/kiosk
docdir=$PREFIX/share/doc/kiosk
unitdir=$PREFIX/lib/systemd/system
sysusersdir=$PREFIX/lib/sysusers.d
tmpfilesdir=$PREFIX/lib/tmpfiles.d
modulesloaddir=$PREFIX/lib/modules-load.d
udevrulesdir=$PREFIX/lib/udev/rules.d
confdir=$SYSCONFDIR/kiosk
bashcompdir=$PREFIX/share/bash-completion/completions
fishcompdir=$PREFIX/share/fish/vendor_completions.d
mandir=$PREFIX/share/man
# Debian's zsh reads packages' completions from vendor-completions; /usr/local's from site-functions.
if [ "$PREFIX" = /usr ]; then zshcompdir=$PREFIX/share/zsh/vendor-completions; else zshcompdir=$PREFIX/share/zsh/site-functions; fi

units=()
for unit in systemd/*.service systemd/*.socket systemd/*.timer systemd/*.path; do
    [ -e "$unit" ] && units+=("$(basename "$unit")")
done
docs=(README.md docs/*.md)
# systemd/ files that are not installed where systemd reads them, only offered as examples.
examples=(systemd/kiosk-logind.conf systemd/kioskd-credentials-encrypted.conf)

say() { echo "install.sh: $*"; }

# The default configuration: the repository's Kiosk/kiosk.yaml with its folders pointed at the
# installed ones. Each change is checked, so an edit of Kiosk/kiosk.yaml that this script no longer
# fits stops the install instead of shipping a configuration that points nowhere.
default_configuration() {
    local source=Kiosk/kiosk.yaml
    local line
    for line in '^content: \.$' '^catalog: \.\./Devices$' '^state: /var/lib/kiosk/kiosk\.sqlite$' \
                '^  id: ' '^holder-key-salt: ' '^  pickups: demo/pickups\.yaml$'; do
        if ! grep -q -E "$line" "$source"; then
            echo "error: $source has no line matching '$line': update default_configuration in $0" >&2
            exit 1
        fi
    done
    cat <<HEADER
# kioskd's configuration. Every key is described in $docdir/configuration.md.
#
# BEFORE STARTING kioskd set:
#   kiosk.id         this kiosk's id as the platform knows it (up to 32 letters, digits and dashes)
#   holder-key-salt  the salt the platform uses for this kiosk's pickup manifest (16 characters or more)
# then check the file, put kioskd's credentials in $confdir/credentials and start the service
# ($docdir/deployment.md, "Installing"):
#   kioskd check-config $confdir/kiosk.yaml
#   systemctl enable --now kioskd
#
# The devices below are the simulated models, the only drivers in this build; the real models are
# in the catalog ($datadir/Devices) and are refused until their drivers land.
HEADER
    # The repository file's opening comment (about the demo) gives way to the header above.
    awk 'body || !/^#/ { body = 1; print }' "$source" | sed -E \
        -e "s|^content: \\.\$|content: $datadir/Kiosk|" \
        -e "s|^catalog: \\.\\./Devices\$|catalog: $datadir/Devices|" \
        -e "s|^  id: .*\$|  id: HK-CHANGE-ME|" \
        -e "s|^holder-key-salt: .*\$|holder-key-salt: change-me-to-the-platform-salt|" \
        -e "s|^  pickups: demo/pickups\\.yaml\$|  pickups: $datadir/Kiosk/demo/pickups.yaml|"
}

# A unit with the paths of our own files moved to PREFIX: /usr/bin/kioskd and /usr/bin/kioskctl
# (wherever they appear: ExecStart=, a shell command line in it) and the documentation. Other
# programs' paths (/usr/bin/kmscon, /bin/kill) stay as they are.
rewrite_unit() {
    sed -E -e "s#/usr/bin/(kioskd|kioskctl)([^A-Za-z0-9_.-]|\$)#$bindir/\\1\\2#g" \
        -e "s#/usr/share/doc/kiosk/#$docdir/#g" "$1"
}

# Copies a folder's files (not dot files) to a destination, with 0644 files and 0755 folders.
copy_tree() {
    local from=$1 to=$2
    rm -rf "$to"
    mkdir -p "$to"
    tar -C "$from" --exclude='.[!/]*' -cf - . | tar -C "$to" --no-same-owner --no-same-permissions -xf -
    find "$to" -type d -exec chmod 0755 {} +
    find "$to" -type f -exec chmod 0644 {} +
}

if [ "$action" = install ]; then
    for program in kioskd kioskctl generate-manual; do
        if [ ! -x "$BIN_DIR/$program" ]; then
            echo "error: $BIN_DIR/$program is missing: run 'make install', which builds it first." >&2
            exit 1
        fi
    done
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT

    # Everything generated first, so a failure leaves nothing half-installed.
    default_configuration >"$work/kiosk.yaml"
    "$BIN_DIR/kioskd" udev-rules --catalog Devices >"$work/70-kiosk.rules"
    for program in kioskd kioskctl; do
        # A completion is sourced, not run: no #! line.
        "$BIN_DIR/$program" --generate-completion-script bash | sed '1{/^#!/d}' >"$work/$program.bash"
        "$BIN_DIR/$program" --generate-completion-script zsh >"$work/_$program"
        "$BIN_DIR/$program" --generate-completion-script fish >"$work/$program.fish"
    done
    for unit in "${units[@]}"; do rewrite_unit "systemd/$unit" >"$work/$unit"; done
    # kioskd(8), an administrator's command; kioskctl(1). Dated by the last commit, so a rebuild of
    # the same sources gives the same pages.
    man_date=$(git log -1 --format=%cs 2>/dev/null || date +%Y-%m-%d)
    "$BIN_DIR/generate-manual" "$BIN_DIR/kioskd" --section 8 --date "$man_date" --output-directory "$work" >/dev/null
    "$BIN_DIR/generate-manual" "$BIN_DIR/kioskctl" --section 1 --date "$man_date" --output-directory "$work" >/dev/null
    gzip -9n "$work/kioskd.8" "$work/kioskctl.1"

    root=$DESTDIR
    for program in kioskd kioskctl; do
        install -D -m 0755 "$BIN_DIR/$program" "$root$bindir/$program"
        if [ -n "$STRIP" ] && command -v "$STRIP" >/dev/null; then "$STRIP" "$root$bindir/$program"; fi
    done
    copy_tree Kiosk "$root$datadir/Kiosk"
    copy_tree Devices "$root$datadir/Devices"
    for unit in "${units[@]}"; do install -D -m 0644 "$work/$unit" "$root$unitdir/$unit"; done
    install -D -m 0644 systemd/kiosk.sysusers.conf "$root$sysusersdir/kiosk.conf"
    install -D -m 0644 systemd/kiosk.tmpfiles.conf "$root$tmpfilesdir/kiosk.conf"
    install -D -m 0644 systemd/kiosk.modules-load.conf "$root$modulesloaddir/kiosk.conf"
    install -D -m 0644 "$work/70-kiosk.rules" "$root$udevrulesdir/70-kiosk.rules"
    for program in kioskd kioskctl; do
        install -D -m 0644 "$work/$program.bash" "$root$bashcompdir/$program"
        install -D -m 0644 "$work/_$program" "$root$zshcompdir/_$program"
        install -D -m 0644 "$work/$program.fish" "$root$fishcompdir/$program.fish"
    done
    install -D -m 0644 "$work/kioskd.8.gz" "$root$mandir/man8/kioskd.8.gz"
    install -D -m 0644 "$work/kioskctl.1.gz" "$root$mandir/man1/kioskctl.1.gz"
    for doc in "${docs[@]}"; do install -D -m 0644 "$doc" "$root$docdir/$(basename "$doc")"; done
    for example in "${examples[@]}"; do install -D -m 0644 "$example" "$root$docdir/examples/$(basename "$example")"; done

    # The configuration holds the holder-key salt: 0640, and group kiosk once that group exists (the
    # Debian package's postinst sets root:kiosk with dpkg-statoverride).
    config=$root$confdir/kiosk.yaml
    if [ -e "$config" ] && ! cmp -s "$work/kiosk.yaml" "$config"; then
        install -D -m 0640 "$work/kiosk.yaml" "$config.new"
        say "kept your $confdir/kiosk.yaml; the new default is $confdir/kiosk.yaml.new"
    else
        install -D -m 0640 "$work/kiosk.yaml" "$config"
    fi

    say "installed kioskd and kioskctl in $root$bindir (PREFIX=$PREFIX${DESTDIR:+, DESTDIR=$DESTDIR})"
    if [ -z "$DESTDIR" ] && [ "$(id -u)" -eq 0 ]; then
        command -v systemd-sysusers >/dev/null && systemd-sysusers "$sysusersdir/kiosk.conf" || true
        command -v systemd-tmpfiles >/dev/null && systemd-tmpfiles --create "$tmpfilesdir/kiosk.conf" || true
        if getent group kiosk >/dev/null; then chgrp kiosk "$config" "$config.new" 2>/dev/null || true; fi
        if [ -d /run/systemd/system ]; then
            systemctl daemon-reload || true
            systemctl restart systemd-modules-load.service || true
        fi
        if command -v udevadm >/dev/null && [ -d /run/udev ]; then
            udevadm control --reload || true
            udevadm trigger --subsystem-match=usb --subsystem-match=hidraw --subsystem-match=tty --action=change || true
        fi
        say "set kiosk.id and holder-key-salt in $confdir/kiosk.yaml and add the credentials ($docdir/deployment.md), then: systemctl enable --now kioskd"
    fi
    exit 0
fi

# uninstall
root=$DESTDIR
removed=()
remove() { if [ -e "$1" ] || [ -L "$1" ]; then rm -rf "$1"; removed+=("$1"); fi; }
for program in kioskd kioskctl; do
    remove "$root$bindir/$program"
    remove "$root$bashcompdir/$program"
    remove "$root$zshcompdir/_$program"
    remove "$root$fishcompdir/$program.fish"
done
remove "$root$mandir/man8/kioskd.8.gz"
remove "$root$mandir/man1/kioskctl.1.gz"
remove "$root$datadir"
remove "$root$docdir"
for unit in "${units[@]}"; do remove "$root$unitdir/$unit"; done
remove "$root$sysusersdir/kiosk.conf"
remove "$root$tmpfilesdir/kiosk.conf"
remove "$root$modulesloaddir/kiosk.conf"
remove "$root$udevrulesdir/70-kiosk.rules"
config=$root$confdir/kiosk.yaml
remove "$config.new"
if [ -e "$config" ]; then
    if cmp -s <(default_configuration) "$config"; then
        remove "$config"
        rmdir "$root$confdir" 2>/dev/null || true
    else
        say "kept $confdir/kiosk.yaml: it is not the default any more (remove it yourself if you wish)"
    fi
fi
say "removed ${#removed[@]} files and folders${DESTDIR:+ under $DESTDIR}; the user kiosk and /var/lib/kiosk stay"
if [ -z "$DESTDIR" ] && [ "$(id -u)" -eq 0 ]; then
    if [ -d /run/systemd/system ]; then systemctl daemon-reload || true; fi
    if command -v udevadm >/dev/null && [ -d /run/udev ]; then udevadm control --reload || true; fi
fi
