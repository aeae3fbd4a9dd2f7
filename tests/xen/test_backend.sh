#!/bin/sh
# The xen backend itself (src/be_xen.c) through the backend interface, in
# the Xen lab's dom0: xen_backend (tests/xen/xen_backend.c) creates one
# routelet domain from the image and drives every operation.
here=$(dirname "$0")
exec "$here/xen_backend" -k "$QUASAR_IMAGE/vmlinux" \
    -r "$QUASAR_IMAGE/initrd" -s "$QUASAR_LIBEXEC/vif-quasar"
