# The root file system the QEMU labs boot (tests/xen/mkdom0 for the Xen
# lab's dom0, tests/cg2/mkguest for the cgroup-v2 lab's guest), sourced
# after scripts/debpkg.sh by those two builders:
#
#   root_kernel                 Debian's kernel: root_kpkg, root_kver and
#                               root_ktree (the unpacked package)
#   root_base BUILD OUT         OUT/dom0/base.cpio: a debootstrap
#                               --variant=minbase of this release with the
#                               Xen tools and every library the project's
#                               programs link, cached (about a minute the
#                               first time, nothing after)
#   root_modules OV DIR...      the kernel's modules under those directories
#                               of lib/modules/<version>, with their
#                               dependencies worked out, into the overlay OV
#   root_install OV BUILD       `make install`'s files into OV
#   root_libs OV FILE...        the host's copies of the libraries FILE
#                               links that the base tree lacks, into OV
#   root_pack OV INITRD         OV as a second archive after base.cpio:
#                               the kernel unpacks concatenated archives in
#                               order
#
# Both labs share one base (it holds what either needs, the Xen tools being
# unused by the cgroup-v2 guest), so a `make check` builds it once.  The
# overlay, cheap to make, is each lab's own and made anew each run.

XEN_VER=${XEN_VER:-4.17}
ROOT_XENPKGS="xen-utils-$XEN_VER xen-utils-common xenstore-utils
libxenmisc$XEN_VER libxencall1 libxendevicemodel1 libxenevtchn1
libxenforeignmemory1 libxengnttab1 libxenhypfs1 libxenstore4 libxentoolcore1
libxentoollog1"

root_say() {
	echo "root: $*"
}

root_kernel() {
	deb_prefetch linux-image-amd64
	root_kpkg=$(deb_kernel)
	deb_prefetch "$root_kpkg"
	root_kver=${root_kpkg#linux-image-}
	root_ktree=$(deb_tree "$root_kpkg")
}

# The Xen tools must be of the hypervisor's build, which is the host apt's
# candidate (often from the security suite, which debootstrap does not
# read), and of libxen-dev's, which the project's programs were linked
# against.  So debootstrap installs what they need and they themselves are
# unpacked over the tree.  Left out: python3 (only pygrub and xenmon use
# it) and udev (libxl runs the hotplug scripts itself), whose size is paid
# for at every boot.
root_base() {
	local B out xendeps xtests libpkgs include xenvers mirror suite url \
	    want base missing
	B=$1
	out=$2
	root_out=$out
	root_out_base=$out/dom0/base
	# shellcheck disable=SC2086
	deb_prefetch $ROOT_XENPKGS
	# shellcheck disable=SC2086
	xendeps=$(apt-cache depends --no-recommends --no-suggests --no-conflicts \
	    --no-breaks --no-replaces --no-enhances $ROOT_XENPKGS |
	    awk '$1 == "Depends:" && $2 !~ /^(<|xen|libxen|python3|udev$|lsb-base$|ucf$)/ {
		print $2 }' | sort -u | tr '\n' ',')
	# The libraries the project's programs link, as the Debian packages
	# that hold them, so that they run in the guest as they do here; the
	# Xen lab's test programs (tests/xen/*.c) too.
	xtests=$(for f in "$B"/tests/xen/*; do
		if [ -f "$f" ] && [ -x "$f" ]; then echo "$f"; fi
	done)
	# Merged /usr: dpkg knows a library by the path its package ships,
	# so it is asked for each spelling, all in one call (one a library
	# takes seconds in all).
	libpkgs=$(for p in "$B"/bin/* $xtests; do ldd "$p"; done |
	    awk '$2 == "=>" && $3 ~ /^\// { l = $3; sub(/^\/usr/, "", l)
		print l; print "/usr" l }' | sort -u |
	    xargs dpkg -S 2>/dev/null | grep -v '^diversion ' | cut -d: -f1 |
	    sort -u | tr '\n' ',')
	include="iproute2,kmod,busybox,tcpdump,procps,$xendeps${libpkgs%,}"
	xenvers=$(for p in $ROOT_XENPKGS; do
		echo "$p=$(deb_version "$p")"
	done | tr '\n' ' ')
	mirror=$(deb_mirror)
	suite=${mirror%% *}
	url=${mirror#* }
	want="$mirror $include $xenvers"
	base=$out/dom0/base
	mkdir -p "$out/dom0"
	if [ -f "$out/dom0/base.stamp" ] &&
	    [ "$(cat "$out/dom0/base.stamp")" = "$want" ]; then
		return 0
	fi
	root_say "debootstrap --variant=minbase $suite from $url (about a minute)"
	rm -rf "$base" "$out/dom0/base.cpio" "$out/dom0/base.stamp"
	debootstrap --variant=minbase --include="$include" "$suite" "$base" "$url" \
	    >"$out/dom0/debootstrap.log" 2>&1 || {
		echo "root: debootstrap failed; the end of $out/dom0/debootstrap.log:" >&2
		tail -n 20 "$out/dom0/debootstrap.log" >&2
		return 1
	}
	# shellcheck disable=SC2086
	deb_fetch $ROOT_XENPKGS || return 1
	for p in $ROOT_XENPKGS; do
		dpkg-deb -x "$(deb_path "$p")" "$base" || return 1
	done
	chroot "$base" ldconfig
	# Every Xen program must find its libraries in the tree.
	missing=$(chroot "$base" sh -c 'for f in /usr/lib/xen-*/bin/* /usr/bin/xenstore*; do
		ldd "$f" 2>/dev/null | grep "not found" | sed "s|^|$f: |"; done')
	if [ -n "$missing" ]; then
		echo "root: Xen programs with missing libraries in the tree:" >&2
		echo "$missing" >&2
		return 1
	fi
	root_say "Xen tools unpacked, ${xenvers%% *}"

	# What nobody reads in a RAM disk: docs, translations, apt's caches,
	# udev's hardware database (udev does not run) and iconv's modules.
	rm -rf "$base/usr/share/doc" "$base/usr/share/man" \
	    "$base/usr/share/info" "$base/usr/share/locale" \
	    "$base/var/cache/apt" "$base/var/lib/apt/lists" \
	    "$base/var/cache/debconf"/*-old "$base/var/log"/* \
	    "$base/usr/lib/udev/hwdb.bin" "$base/usr/lib/udev/hwdb.d" \
	    "$base/usr/lib/x86_64-linux-gnu/gconv"
	mkdir -p "$base/var/cache/apt" "$base/var/lib/apt/lists"
	(cd "$base" && find . | LC_ALL=C sort |
	    cpio -o -H newc -R 0:0 --quiet) >"$out/dom0/base.cpio.tmp" || return 1
	mv "$out/dom0/base.cpio.tmp" "$out/dom0/base.cpio"
	echo "$want" >"$out/dom0/base.stamp"
	root_say "base.cpio ($(du -m "$out/dom0/base.cpio" | cut -f1) MB)"
}

# Needs root_kernel first.
root_modules() {
	local ov kmod d
	ov=$1
	shift
	kmod=$root_ktree/lib/modules/$root_kver
	mkdir -p "$ov/lib/modules/$root_kver"
	for d in "$@"; do
		[ -e "$kmod/$d" ] || continue
		mkdir -p "$ov/lib/modules/$root_kver/$(dirname "$d")"
		cp -a "$kmod/$d" "$ov/lib/modules/$root_kver/$d"
	done
	cp "$kmod/modules.builtin" "$kmod/modules.builtin.modinfo" \
	    "$kmod/modules.order" "$ov/lib/modules/$root_kver/"
	depmod -b "$ov" "$root_kver" 2>"$ov.depmod.log" || {
		cat "$ov.depmod.log" >&2
		return 1
	}
	if grep -q 'needs unknown symbol' "$ov.depmod.log"; then
		echo "root: a module's dependency was left out:" >&2
		cat "$ov.depmod.log" >&2
		return 1
	fi
	rm -f "$ov.depmod.log"
	# The base tree has merged /usr (/lib is a link), and the kernel
	# would not replace a link with the directory an archive names: say
	# usr/lib.
	mkdir -p "$ov/usr/lib"
	mv "$ov/lib/modules" "$ov/usr/lib/modules"
	rmdir "$ov/lib"
}

# The project as `make install` lays it out, at the default PREFIX the
# programs were built for.
root_install() {
	make -s -C "$top" B="$2" DESTDIR="$1" install >/dev/null
}

# Needs root_base first (the tree it looks in).
root_libs() {
	local ov lib to
	ov=$1
	shift
	for lib in $(for f in "$@"; do ldd "$f"; done |
	    awk '$2 == "=>" && $3 ~ /^\// { print $3 }' | sort -u); do
		# Merged /usr again: /lib is the base's link to usr/lib.
		to=/usr${lib#/usr}
		[ -e "$root_out_base$to" ] && continue
		mkdir -p "$ov$(dirname "$to")"
		cp -L "$lib" "$ov$to" || return 1
	done
}

root_pack() {
	local ov initrd
	ov=$1
	initrd=$2
	(cd "$ov" && find . | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) \
	    >"$initrd.overlay" || return 1
	cat "$root_out/dom0/base.cpio" "$initrd.overlay" >"$initrd.tmp" ||
	    return 1
	rm -f "$initrd.overlay"
	mv "$initrd.tmp" "$initrd"
}
