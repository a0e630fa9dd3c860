# Shared by the gantry-image scripts (POSIX sh). The image is a 4 KiB block
# at the start of the instance's first disk: a text header naming the
# instance, padded with NUL bytes. No file system, no partition table, no
# tool that needs root.

IMAGE_MAGIC="GANTRY-IMAGE 1"
IMAGE_BYTES=4096

fail() {
  echo "gantry-image: $*" >&2
  exit 1
}

usage_if_args() {
  if [ "$#" -ne 0 ]; then
    echo "usage: $0 (takes no arguments; see Ganeti's OS interface)" >&2
    exit 2
  fi
}

# Prints the environment in the "verbose" variant, for debugging installs.
show_environment() {
  if [ "${OS_VARIANT:-}" = "verbose" ]; then
    echo "gantry-image: environment of $1:"
    env | LC_ALL=C sort | sed 's/^/  /'
  fi
}

# The header for the current instance (INSTANCE_NAME etc. from the OS API).
image_header() {
  printf '%s\n' "$IMAGE_MAGIC"
  printf 'name=%s\n' "$1"
  printf 'os=%s\n' "${INSTANCE_OS:-}"
  printf 'variant=%s\n' "${OS_VARIANT:-}"
  printf 'hypervisor=%s\n' "${HYPERVISOR:-}"
  printf 'label=%s\n' "${OSP_LABEL:-}"
  printf 'end\n'
}

# write_header <device> <text>: zero the image block, then write the text.
write_header() {
  dd if=/dev/zero of="$1" bs="$IMAGE_BYTES" count=1 conv=notrunc 2>/dev/null ||
    fail "cannot write to $1"
  printf '%s\n' "$2" | dd of="$1" conv=notrunc 2>/dev/null ||
    fail "cannot write to $1"
}

# read_header <device>: the header text (up to its "end" line).
read_header() {
  dd if="$1" bs="$IMAGE_BYTES" count=1 2>/dev/null | tr -d '\000' |
    sed -n '1,/^end$/p'
}

# has_image <device>: whether the device starts with a gantry image.
has_image() {
  [ "$(dd if="$1" bs=${#IMAGE_MAGIC} count=1 2>/dev/null)" = "$IMAGE_MAGIC" ]
}

# The first disk's path (DISK_0_PATH), or a clear failure.
first_disk() {
  [ "${DISK_COUNT:-0}" -ge 1 ] || fail "instance ${INSTANCE_NAME:-?} has no disks"
  [ -n "${DISK_0_PATH:-}" ] || fail "disk 0 of ${INSTANCE_NAME:-?} has no local path"
  printf '%s\n' "$DISK_0_PATH"
}
