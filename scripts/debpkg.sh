# Debian packages as raw material for images, sourced by the image builders
# (routelet/image/mkimage, tests/qemu/root.sh).  Packages are fetched with
# `apt-get download` and unpacked with `dpkg-deb -x`, never installed: a
# hypervisor or kernel package installed on the build host would run its
# bootloader hooks there.  Everything is cached under $DEB_CACHE so that a
# second build costs a version check per package.
#
#   DEB_CACHE=dir; . scripts/debpkg.sh
#   deb_kernel                  name of the kernel package linux-image-amd64
#                               points at (linux-image-6.1.0-N-amd64)
#   deb_prefetch PKG...         looks up the candidate versions of many
#                               packages at once (each look-up costs ~1 s)
#   deb_fetch PKG...            the .deb files, into $DEB_CACHE/debs/
#   deb_tree PKG                unpacks PKG once; prints the tree's path
#   deb_mirror                  "SUITE URL": the release and the mirror apt
#                               is configured with, for debootstrap
#
# Written for dash (Debian's sh), whose `local` keeps the helpers from
# touching their callers' variables.  All functions return non-zero with a message on stderr when a package
# cannot be had; callers run under `set -e`.

: "${DEB_CACHE:?DEB_CACHE must name the cache directory}"

deb_log() {
	echo "debpkg: $*" >&2
}

# The candidate versions apt would install, remembered in $DEB_CACHE/apt-
# candidates ("PKG VERSION" lines) because one apt-cache call costs about a
# second here.  The file is dropped whenever apt's lists are newer.
deb_memo="$DEB_CACHE/apt-candidates"

deb_memo_fresh() {
	[ -f "$deb_memo" ] || return 1
	[ -z "$(find /var/lib/apt/lists -maxdepth 1 -newer "$deb_memo" \
	    -name '*Packages*' 2>/dev/null | head -n 1)" ]
}

# deb_prefetch PKG...: asks apt once for all of PKG's candidates it does
# not know yet.
deb_prefetch() {
	local p want
	mkdir -p "$DEB_CACHE"
	deb_memo_fresh || rm -f "$deb_memo"
	want=""
	for p in "$@"; do
		awk -v p="$p" '$1 == p { f = 1; exit } END { exit !f }' \
		    "$deb_memo" 2>/dev/null || want="$want $p"
	done
	[ -n "$want" ] || return 0
	# shellcheck disable=SC2086
	apt-cache policy $want 2>/dev/null | awk '
		/^[^ ]/ { p = $1; sub(/:$/, "", p) }
		$1 == "Candidate:" && $2 != "(none)" && p != "" { print p, $2 }' \
	    >>"$deb_memo"
}

deb_candidate() {
	local v
	deb_memo_fresh || rm -f "$deb_memo"
	v=$(awk -v p="$1" '$1 == p { print $2; exit }' "$deb_memo" 2>/dev/null)
	if [ -z "$v" ]; then
		deb_prefetch "$1"
		v=$(awk -v p="$1" '$1 == p { print $2; exit }' "$deb_memo" 2>/dev/null)
	fi
	echo "$v"
}

deb_version() {
	local v
	v=$(deb_candidate "$1")
	if [ -z "$v" ] && [ "$(id -u)" -eq 0 ]; then
		# A fresh machine whose lists were never fetched knows nothing.
		deb_log "apt does not know $1; apt-get update"
		apt-get update -qq >&2 || return 1
		v=$(deb_candidate "$1")
	fi
	if [ -z "$v" ]; then
		deb_log "no candidate version of $1 in the apt sources"
		return 1
	fi
	echo "$v"
}

# The cached .deb of PKG at its candidate version, if there is one.
deb_cached() {
	local f
	for f in "$DEB_CACHE/debs/$1"_*.deb; do
		[ -f "$f" ] || continue
		[ "$(dpkg-deb -f "$f" Package)" = "$1" ] || continue
		[ "$(dpkg-deb -f "$f" Version)" = "$2" ] || continue
		echo "$f"
		return 0
	done
	return 1
}

deb_fetch() {
	local p v want
	mkdir -p "$DEB_CACHE/debs"
	want=""
	for p in "$@"; do
		v=$(deb_version "$p") || return 1
		deb_cached "$p" "$v" >/dev/null || want="$want $p=$v"
	done
	[ -z "$want" ] && return 0
	deb_log "downloading$want"
	# APT::Sandbox::User: the cache belongs to root, not to _apt.
	# shellcheck disable=SC2086
	(cd "$DEB_CACHE/debs" &&
	    apt-get -qq -o APT::Sandbox::User=root download $want >&2) || {
		deb_log "apt-get download$want failed"
		return 1
	}
}

deb_path() {
	local v
	v=$(deb_version "$1") || return 1
	deb_cached "$1" "$v" || { deb_log "$1 $v: not fetched"; return 1; }
}

deb_tree() {
	local f d
	deb_fetch "$1" || return 1
	f=$(deb_path "$1") || return 1
	d="$DEB_CACHE/pkg/$(basename "$f" .deb)"
	if [ ! -f "$d/.unpacked" ]; then
		rm -rf "$d"
		mkdir -p "$d"
		dpkg-deb -x "$f" "$d" || { deb_log "dpkg-deb -x $f failed"; return 1; }
		: >"$d/.unpacked"
	fi
	echo "$d"
}

deb_kernel() {
	local k
	deb_version linux-image-amd64 >/dev/null || return 1
	k=$(awk '$1 == "kernel:" { print $2; exit }' "$deb_memo" 2>/dev/null)
	if [ -z "$k" ]; then
		k=$(apt-cache depends linux-image-amd64 2>/dev/null |
		    awk '$1 == "Depends:" && $2 ~ /^linux-image-/ { print $2; exit }')
		[ -n "$k" ] || { deb_log "linux-image-amd64 names no kernel"; return 1; }
		echo "kernel: $k" >>"$deb_memo"
	fi
	echo "$k"
}

# The archive apt fetches this release's own suite from (one-line or deb822
# sources), for debootstrap.  Third-party sources have suites of their own
# names, so the suite must be the release's codename exactly.
deb_mirror() {
	local suite m
	suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	[ -n "$suite" ] || { deb_log "no VERSION_CODENAME in /etc/os-release"; return 1; }
	m=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
	    awk -v s="$suite" '$1 == "deb" { for (i = 2; i < NF; i++)
		if ($i ~ /^[a-z]+:\/\//) { if ($(i + 1) == s) { print $i; exit } break } }')
	if [ -z "$m" ]; then
		m=$(cat /etc/apt/sources.list.d/*.sources 2>/dev/null |
		    awk -v s="$suite" '/^[^ \t]/ && !/^(URIs|Suites):/ { next }
			/^$/ { u = "" } /^URIs:/ { u = $2 }
			/^Suites:/ && u != "" { for (i = 2; i <= NF; i++)
				if ($i == s) { print u; exit } }')
	fi
	[ -n "$m" ] || { deb_log "no $suite archive in the apt sources"; return 1; }
	echo "$suite $m"
}
