#!/usr/bin/env bash
# Builds the Debian package kiosk_VERSION_ARCH.deb (what `make deb` runs, after building the release
# binaries): scripts/install.sh with PREFIX=/usr into a staging folder, then DEBIAN/ from
# packaging/deb/ (control with the version kioskd reports and Depends read off the binaries with
# ldd; conffiles; the maintainer scripts), then dpkg-deb. Prints the package's path last.
#
# Settings, from the environment:
#   SCRATCH     .build-pkg: the build folder of the release binaries (its checkouts/ give the
#               licences of the Swift packages linked into them)
#   BIN_DIR     $SCRATCH/release: the release binaries, built with --static-swift-stdlib
#   OUT_DIR     .: where the .deb goes
#   MAINTAINER  the package's Maintainer field
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

SCRATCH=${SCRATCH:-.build-pkg}
BIN_DIR=${BIN_DIR:-$SCRATCH/release}
OUT_DIR=${OUT_DIR:-.}
MAINTAINER=${MAINTAINER:-Kiosk developers <kiosk@example.org>}
staging=${STAGING:-.build-pkg/deb-root}

for tool in dpkg-deb dpkg-query ldd; do
    command -v "$tool" >/dev/null || { echo "error: $tool not found (Debian's dpkg and libc-bin)" >&2; exit 1; }
done
for program in kioskd kioskctl; do
    [ -x "$BIN_DIR/$program" ] || { echo "error: $BIN_DIR/$program is missing: run 'make deb', which builds it" >&2; exit 1; }
done

version=$("$BIN_DIR/kioskd" --version)
if ! [[ "$version" =~ ^[0-9][A-Za-z0-9.+~-]*$ ]]; then
    echo "error: '$BIN_DIR/kioskd --version' printed '$version', not a Debian version" >&2
    exit 1
fi
arch=$(dpkg --print-architecture)

# The Debian package that ships a shared library, by the path ldd printed. Packages of bookworm still
# name some files under /lib, which is /usr/lib on a merged-/usr system, so both spellings are tried.
package_of() {
    local path=$1 candidate owner
    for candidate in "$path" "$(readlink -f "$path")" "${path#/usr}" "/usr${path}"; do
        if owner=$(dpkg-query -S "$candidate" 2>/dev/null); then
            echo "${owner%%:*}"
            return 0
        fi
    done
    echo "error: no Debian package ships $path, which $BIN_DIR's binaries need" >&2
    return 1
}

# Depends: every shared library the binaries load (the Swift runtime is linked in statically),
# as `package (>= the upstream version built against)`.
depends_from_ldd() {
    local libraries library package version
    libraries=$(ldd "$BIN_DIR/kioskd" "$BIN_DIR/kioskctl" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u)
    if ldd "$BIN_DIR/kioskd" "$BIN_DIR/kioskctl" | grep -q 'not found'; then
        echo "error: ldd cannot find some libraries the binaries need:" >&2
        ldd "$BIN_DIR/kioskd" "$BIN_DIR/kioskctl" | grep 'not found' >&2
        exit 1
    fi
    for library in $libraries; do
        package_of "$library"
    done | sort -u | while read -r package; do
        version=$(dpkg-query -W -f='${Version}' "$package")
        version=${version%-*}           # the upstream version, without Debian's revision
        echo "$package (>= $version)"
    done | paste -sd, - | sed 's/,/, /g'
}

depends=$(depends_from_ldd)
[ -n "$depends" ] || { echo "error: ldd found no libraries in $BIN_DIR's binaries" >&2; exit 1; }

rm -rf "$staging"
PREFIX=/usr DESTDIR="$staging" BIN_DIR="$BIN_DIR" scripts/install.sh install >/dev/null

# What Debian wants beside the documentation: the licences of everything in the binaries, a
# changelog, and lintian's overrides.
doc=$staging/usr/share/doc/kiosk
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
date=$(git log -1 --format=%aD 2>/dev/null || date -R)
swift_license=$(dirname "$(dirname "$(command -v swift 2>/dev/null || echo /opt/swift/usr/bin/swift)")")/share/swift/LICENSE.txt
# A licence file, with the Apache License 2.0's own text replaced by a pointer to Debian's copy (what
# comes before and after it, such as the Swift runtime's exception, is kept).
licence_text() {
    awk '
        /^[[:space:]]*Apache License[[:space:]]*$/ && !seen { inside = 1; seen = 1
            print "Apache License, Version 2.0: /usr/share/common-licenses/Apache-2.0"; next }
        inside && /END OF TERMS AND CONDITIONS/ { inside = 0; next }
        !inside { print }
    ' "$1"
}
{
    cat <<TEXT
kiosk $version, built from the Kiosk repository (commit $commit).

The Kiosk sources (kioskd, kioskctl, the flows, texts, services and device catalog):
Copyright the Kiosk developers. The repository does not state a licence yet.

kioskd and kioskctl are linked statically with the Swift runtime and Foundation and with the Swift
packages below; their licences and notices follow (the Apache License 2.0 as a pointer to Debian's copy).
TEXT
    if [ -f "$swift_license" ]; then
        printf '\n==== The Swift runtime and standard library, Foundation (swift.org)\n\n'
        licence_text "$swift_license"
    fi
    for checkout in "$SCRATCH"/checkouts/*/; do
        name=$(basename "$checkout")
        tag=$(git -C "$checkout" describe --tags --exact-match 2>/dev/null || git -C "$checkout" rev-parse --short HEAD 2>/dev/null || echo "?")
        for file in "$checkout"LICENSE* "$checkout"COPYING* "$checkout"NOTICE*; do
            [ -f "$file" ] || continue
            printf '\n==== %s %s: %s\n\n' "$name" "$tag" "$(basename "$file")"
            licence_text "$file"
        done
    done
} >"$doc/copyright"
printf 'kiosk (%s) bookworm; urgency=medium\n\n  * Built from commit %s.\n\n -- %s  %s\n' \
    "$version" "$commit" "$MAINTAINER" "$date" | gzip -9n >"$doc/changelog.gz"
install -D -m 0644 packaging/deb/lintian-overrides "$staging/usr/share/lintian/overrides/kiosk"
chmod 0644 "$doc/copyright" "$doc/changelog.gz"

installed_size=$(du -sk --apparent-size "$staging" | cut -f1)
mkdir -p "$staging/DEBIAN"
sed -e "s|@VERSION@|$version|" -e "s|@ARCH@|$arch|" -e "s|@MAINTAINER@|$MAINTAINER|" \
    -e "s|@INSTALLED_SIZE@|$installed_size|" -e "s|@DEPENDS@|$depends|" \
    packaging/deb/control.in >"$staging/DEBIAN/control"
if grep -q '@[A-Z_]*@' "$staging/DEBIAN/control"; then
    echo "error: packaging/deb/control.in has a placeholder build-deb.sh does not fill:" >&2
    grep '@[A-Z_]*@' "$staging/DEBIAN/control" >&2
    exit 1
fi
install -m 0644 packaging/deb/conffiles "$staging/DEBIAN/conffiles"
for script in postinst prerm postrm; do
    install -m 0755 "packaging/deb/$script" "$staging/DEBIAN/$script"
done
# Every conffile must be in the package.
while read -r conffile; do
    [ -f "$staging$conffile" ] || { echo "error: conffile $conffile is not in the package" >&2; exit 1; }
done <packaging/deb/conffiles
(cd "$staging" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum) \
    >"$staging/DEBIAN/md5sums"
chmod 0644 "$staging/DEBIAN/md5sums"

mkdir -p "$OUT_DIR"
deb="$OUT_DIR/kiosk_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz -z2 --build "$staging" "$deb" >/dev/null
echo "build-deb.sh: Depends: $depends" >&2
echo "$deb"
