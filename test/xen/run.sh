#!/bin/bash
# run.sh: run a Xen PV kernel image under the real Xen 4.17 hypervisor, inside
# QEMU (TCG only, never KVM), as dom0 or as a domU started by the real `xl`.
#
# Usage:
#   test/xen/run.sh [--dom0|--domu] [--memory MiB] [--timeout S]
#                   [--shutdown-after S] [--net] [--disk MIB] [--dom0-script SH]
#                   [--log FILE] [--dump-core DIR] IMAGE [ARGS...]
#   test/xen/run.sh --batch FILE [--outdir DIR] [--timeout S] [--net] [--disk MIB]
#                   [--dom0-script SH] [--add FILE]... [--log FILE] [--dump-core DIR]
#                   [--host-disk FILE[:ro]]... [--case-disks NAME=K[:ro],...]...
#
# Modes:
#   --domu (default)  Xen boots the rig's Debian dom0 Linux (built and cached by
#       mkinitramfs.sh); its /init (dom0-init.sh) starts xenstored and
#       xenconsoled and runs `xl create -F` on a generated config:
#         name="hako", type="pv", memory=MiB (default 32), vcpus=1, fixed uuid,
#         cmdline=ARGS, on_poweroff/on_reboot/on_crash="destroy"
#       --shutdown-after S: dom0 runs `xl shutdown` S seconds after the create
#       (the guest sees control/shutdown = "poweroff" in xenstore).
#       --net: dom0 sets up bridge xenbr0 (10.0.0.1/24) and the guest gets
#       vif = ['bridge=xenbr0,mac=00:16:3e:00:00:01'], and a DHCP server on
#       the bridge gives that MAC 10.0.0.2 (batch: case K gets MAC
#       00:16:3e:00:00:K and 10.0.0.K+1).
#       --disk MIB: dom0 loads blkback and loop, makes a zeroed sparse file
#       /run/NAME.disk of MIB MiB before each case, and the case gets it as
#       disk = ['format=raw,vdev=xvda,access=rw,target=/run/NAME.disk'] (its
#       dom0 script can look at the file while the guest runs).
#       --dom0-script SH: dom0 runs `sh SH NAME DOMID` (busybox sh: wget, ip,
#       xl, xenstore-* are there; busybox brctl has no `show`, read
#       /sys/class/net/xenbr0/brif/) as soon as the domain exists, and kills it
#       when the domain is gone: a network client, or `xl shutdown "$1"` after
#       a check. Its output goes to stderr ("dom0-script: ..."; batch:
#       NAME.dom0). For a vif, wait for /sys/class/net/xenbr0/brif/vif$2.0.
#       --host-disk FILE[:ro] (domU and batch, repeatable): the host's disk
#       image FILE (raw) is the rig's virtio-blk disk K (0, 1... in order;
#       :ro: QEMU opens it read-only), which dom0 exports to guests as it
#       is, through blkback: what a guest writes is in FILE when run.sh
#       returns, for the host's own tools (e2fsck, debugfs), and nothing is
#       copied over the serial line.  A single domU gets every host disk,
#       xvda, xvdb... in order; a batch case gets the ones --case-disks
#       NAME=K[:ro],... lists, in that order (:ro: access=ro, a read-only
#       vbd), after the --disk one when there is one.  Cases run one after
#       the other, so a later case sees what an earlier one wrote.
#       --add FILE (domU and batch, repeatable): FILE is copied into dom0 as
#       /rig/files/BASENAME, for a dom0 script (a client program, another
#       guest's kernel).
#       --timeout S (default 30): the guest's time from `xl create` to its end;
#       dom0's boot has its own budget (HAKO_XEN_BOOT_BUDGET, default 90 s).
#       --dump-core DIR: a post-mortem of a guest that crashes or times out.
#       Its config says on_crash = "preserve"; dom0 then runs Xen's `xenctx
#       -f -S` on it with the image's symbols (nm -n of IMAGE.elf, when it
#       is beside IMAGE), `xl dump-core` and `xl destroy`, and sends both to
#       the host: DIR/NAME.xenctx and DIR/NAME.core (Xen's dump-core format:
#       build/gdb/xencore.py makes it a core gdb opens), NAME "hako" for a
#       single image.  The core comes over the serial line, gzip'ed, and is
#       kept only when its checksum matches.
#   --dom0  Xen boots IMAGE itself as dom0 (about 1 s of Xen boot, no Linux).
#       dom0_mem = MiB (default 64). The image ends the run by writing its exit
#       status to I/O port 0xf4 (after PHYSDEVOP_set_iopl), so QEMU exits with
#       status*2+1; poweroff/crash halt Xen, which run.sh notices in the serial
#       log ("Hardware Dom0 halted/crashed", "Manual reset required").
#       --timeout S (default 30) bounds the whole QEMU run.
#   --batch FILE  boot dom0 once and run every case of FILE in turn (saves the
#       ~5 s dom0 boot per image). FILE has one case per line, TAB-separated:
#         NAME<TAB>IMAGE<TAB>MEMORY_MIB<TAB>SHUTDOWN_AFTER_S[<TAB>ARG]...
#       NAME: [A-Za-z0-9_.-], unique; IMAGE: relative to the current directory;
#       MEMORY_MIB empty = 32; SHUTDOWN_AFTER_S empty or 0 = never; each further
#       field is one guest argument (may contain spaces). Blank lines and lines
#       starting with # are skipped. --timeout, --net and --dom0-script apply
#       to each case; --memory and --shutdown-after are not used (columns).
#       Writes OUTDIR/NAME.out (the guest's console) and OUTDIR/NAME.status (its
#       exit status as below, one number) for every case, plus NAME.xen (Xen's
#       own lines while it ran: a crash's register dump) and, with
#       --dom0-script, NAME.dom0; OUTDIR defaults to FILE's directory. The MAC
#       of case K (1-based) is 00:16:3e:00:00:K (hex). Prints
#       "NAME: status N (reason, T ms)" per case on stdout.
#
# Initrd: IMAGE.initrd, when it exists beside an image (make builds it from
# the app's rootfs/), goes with it: a domU gets it as `ramdisk =` in its xl
# config, dom0 as Xen's second multiboot module (dom0's initrd).
#
# Guest arguments: joined with spaces into the guest's command line; an
# argument that is empty or holds whitespace, " or \ is wrapped in double
# quotes with " and \ backslash-escaped (Hako's command-line parser undoes
# this). In dom0 mode commas are doubled for QEMU's -initrd syntax.
#
# Output: stdout carries only the guest's console lines (batch: the per-case
# lines above). Progress and the summary line go to stderr. The whole serial
# log (Xen + dom0) goes to --log FILE, or to a temporary file that is kept,
# and its path printed, when the run fails.
#
# HAKO_XEN_DOM0_MEM (MiB, default 192): dom0's memory in --domu mode (QEMU
# gets that + 320 MiB at least).
# Debugging: HAKO_XEN_APPEND adds to Xen's command line (e.g. sync_console),
# HAKO_XEN_DOM0_APPEND to dom0 Linux's (e.g. loglevel=7) in --domu mode,
# HAKO_XEN_QEMU_ARGS to QEMU's (split on spaces; hal/xen/debug.sh gives
# "-gdb tcp:127.0.0.1:PORT -S" for gdb on a dom0 image).
#
# Exit status (batch: of each case, in NAME.status):
#   N    the guest printed "hako: exit status N" (this line wins)
#   255  no status line, and the guest crashed (or ended in any other way,
#        e.g. powered off without printing one)
#   124  timeout, or the rig failed (the last 40 serial-log lines go to stderr)
#   125  the domain was destroyed from outside (`xl destroy`, e.g. by a dom0
#        script) before it printed a status line: not a timeout, not a crash
# Batch mode itself exits 0 if every case got status 0, 1 if some case did
# not, 124 if the rig failed before all cases had run.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
RIG_NAME=run
DIE_STATUS=124

# ---- options ----------------------------------------------------------------
MODE=domu
MEMORY=""
TIMEOUT=30
SHUTDOWN_AFTER=0
NET=0
DISK=0
LOG=""
BATCH=""
OUTDIR=""
IMAGE=""
DOM0_SCRIPT=""
ADD=()
HOST_DISKS=()
declare -A CASE_DISKS
DUMP_CORE=""
ARGS=()

usage() {
    sed -n '2,/^set -euo/p' "$0" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//' >&2
    exit 124
}

parse_args() {
    while (($#)); do
        case $1 in
            --dom0) MODE=dom0 ;;
            --domu) MODE=domu ;;
            --memory) MEMORY=${2:?--memory needs MiB}; shift ;;
            --timeout) TIMEOUT=${2:?--timeout needs seconds}; shift ;;
            --shutdown-after) SHUTDOWN_AFTER=${2:?--shutdown-after needs seconds}; shift ;;
            --net) NET=1 ;;
            --disk) DISK=${2:?--disk needs MiB}; shift ;;
            --dom0-script) DOM0_SCRIPT=${2:?--dom0-script needs a file}; shift ;;
            --add) ADD+=("${2:?--add needs a file}"); shift ;;
            --host-disk) HOST_DISKS+=("${2:?--host-disk needs a file}"); shift ;;
            --case-disks)
                [[ "${2:-}" =~ ^[A-Za-z0-9_.-]+=[0-9]+(:ro)?(,[0-9]+(:ro)?)*$ ]] ||
                    die "--case-disks NAME=K[:ro],...: got '${2:-}'"
                CASE_DISKS[${2%%=*}]=${2#*=}; shift ;;
            --dump-core) DUMP_CORE=${2:?--dump-core needs a directory}; shift ;;
            --log) LOG=${2:?--log needs a file}; shift ;;
            --batch) BATCH=${2:?--batch needs a file}; shift ;;
            --outdir) OUTDIR=${2:?--outdir needs a directory}; shift ;;
            -h | --help) usage ;;
            --) shift; break ;;
            -*) die "unknown option $1 (--help)" ;;
            *) break ;;
        esac
        shift
    done
    [[ "$TIMEOUT" =~ ^[0-9]+$ && "$TIMEOUT" -gt 0 ]] || die "--timeout: whole seconds > 0"
    [[ "$SHUTDOWN_AFTER" =~ ^[0-9]+$ ]] || die "--shutdown-after: whole seconds"
    [[ -z "$MEMORY" || "$MEMORY" =~ ^[0-9]+$ ]] || die "--memory: MiB"
    [[ "$DISK" =~ ^[0-9]+$ && "$DISK" -le 1024 ]] || die "--disk: MiB, at most 1024"
    [[ -z "$DOM0_SCRIPT" || -f "$DOM0_SCRIPT" ]] || die "no such script: $DOM0_SCRIPT"
    [[ -z "$DOM0_SCRIPT" || "$MODE" == domu ]] || die "--dom0-script needs --domu"
    local f
    for f in "${ADD[@]}"; do
        [[ -f "$f" ]] || die "--add: no such file: $f"
    done
    [[ ${#ADD[@]} -eq 0 || "$MODE" == domu ]] || die "--add needs --domu"
    [[ ${#HOST_DISKS[@]} -eq 0 || "$MODE" == domu ]] || die "--host-disk needs --domu"
    for f in "${HOST_DISKS[@]}"; do
        [[ -f "${f%:ro}" ]] || die "--host-disk: no such file: ${f%:ro}"
    done
    local k
    for f in "${CASE_DISKS[@]}"; do
        for k in ${f//,/ }; do
            ((${k%:ro} < ${#HOST_DISKS[@]})) || die "--case-disks: no host disk ${k%:ro}"
        done
    done
    [[ -z "$DUMP_CORE" || "$MODE" == domu ]] || die "--dump-core needs --domu"
    if [[ -n "$BATCH" ]]; then
        [[ $# -eq 0 ]] || die "--batch takes no IMAGE"
        [[ "$MODE" == domu ]] || die "--batch runs domUs only"
        return
    fi
    [[ $# -ge 1 ]] || usage
    IMAGE=$1
    shift
    ARGS=("$@")
    [[ -f "$IMAGE" ]] || die "no such image: $IMAGE"
}

# ---- quoting ----------------------------------------------------------------
# The guest's command line: arguments joined by spaces, quoted for a parser
# that knows double quotes and backslash escapes.
guest_cmdline() {
    local out="" a sep=""
    for a in "$@"; do
        [[ "$a" != *$'\n'* ]] || die "a guest argument cannot hold a newline"
        if [[ -z "$a" || "$a" =~ [[:space:]\"\\] ]]; then
            a=${a//\\/\\\\}
            a=${a//\"/\\\"}
            a="\"$a\""
        fi
        out+="$sep$a"
        sep=" "
    done
    printf '%s' "$out"
}

# A string literal for an xl config file: double quotes, with \ and " escaped.
xl_string() {
    local s=${1//\\/\\\\}
    printf '"%s"' "${s//\"/\\\"}"
}

# ---- the pieces -------------------------------------------------------------
# Xen's multiboot ELF, unpacked from Debian's gzip once per hypervisor build.
ensure_xen() {
    [[ -f "$XEN_GZ" ]] || need_pkgs "$XEN_HV_PKG"
    local key
    key=$(sha256_of "$XEN_GZ")
    XEN_ELF="$RIG_CACHE/xen-$key.elf"
    if [[ ! -s "$XEN_ELF" ]]; then
        mkdir -p "$RIG_CACHE"
        say "unpacking $XEN_GZ into $RIG_CACHE"
        zcat "$XEN_GZ" >"$XEN_ELF.tmp.$$"
        mv "$XEN_ELF.tmp.$$" "$XEN_ELF"
        local old
        for old in "$RIG_CACHE"/xen-*.elf; do
            [[ "$old" == "$XEN_ELF" ]] || rm -f "$old"
        done
    fi
}

ensure_qemu() {
    command -v qemu-system-x86_64 >/dev/null || need_pkgs qemu-system-x86
}

TMP=""
KEEP_TMP=0
SERIAL=""
# shellcheck disable=SC2317  # (called from the EXIT trap)
cleanup() {
    if [[ -n "${QEMU_PID:-}" ]] && kill -0 "$QEMU_PID" 2>/dev/null; then
        kill "$QEMU_PID" 2>/dev/null || true
        wait "$QEMU_PID" 2>/dev/null || true
    fi
    [[ -z "$TMP" || "$KEEP_TMP" -eq 1 ]] || rm -rf "$TMP"
}

setup_tmp() {
    TMP=$(mktemp -d "${TMPDIR:-/tmp}/hako-xen.XXXXXX")
    # QEMU's -initrd takes "PATH ARGS,PATH ARGS": the paths it gets (links
    # in TMP) must hold neither spaces nor commas.
    [[ "$TMP" != *[[:space:],]* ]] || { rm -rf "$TMP"; die "TMPDIR must not contain spaces or commas"; }
    trap cleanup EXIT
    trap 'exit 124' INT TERM
    SERIAL=${LOG:-$TMP/serial.log}
    : >"$SERIAL"
}

# Print the run's failure context: the tail of the serial log.
show_tail() {
    say "last 40 lines of the serial log ($1):"
    tail -n 40 "$SERIAL" | tr -d '\r' | sed 's/^/    /' >&2
    if [[ -z "$LOG" ]]; then
        KEEP_TMP=1
        say "full serial log: $SERIAL"
    else
        say "full serial log: $LOG"
    fi
}

# ---- QEMU -------------------------------------------------------------------
QEMU_PID=""
QEMU_RC=""
T_START=0

# --host-disk K: virtio-blk with serial hako-hdK (how dom0 finds it).
HOST_DISK_ARGS=()
host_disk_args() {
    local k=0 f ro file
    for f in "${HOST_DISKS[@]}"; do
        ro=
        [[ "$f" == *:ro ]] && ro=,readonly=on
        file=${f%:ro}
        HOST_DISK_ARGS+=(-drive "file=${file//,/,,},if=none,format=raw,id=hd$k$ro"
            -device "virtio-blk-pci,drive=hd$k,serial=hako-hd$k")
        k=$((k + 1))
    done
}

# start_qemu MEMORY_MIB XEN_CMDLINE INITRD_STRING
start_qemu() {
    T_START=$(now_ms)
    # shellcheck disable=SC2086  # (HAKO_XEN_QEMU_ARGS is a word list)
    ln -sf "$XEN_ELF" "$TMP/xen"
    # TCG only: the rig must behave the same on machines without KVM.
    # RDRAND: Xen passes its CPUID bit to guests, and hal_entropy uses it
    # (qemu64 alone has none: guests fell back to clock jitter).
    qemu-system-x86_64 -accel tcg -cpu qemu64,+rdrand -display none -nodefaults -no-reboot \
        -m "$1" -nic none -monitor none \
        -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
        -serial "file:$SERIAL" \
        -kernel "$TMP/xen" -append "$2" -initrd "$3" "${HOST_DISK_ARGS[@]}" ${HAKO_XEN_QEMU_ARGS:-} \
        </dev/null >"$TMP/qemu.out" 2>&1 &
    QEMU_PID=$!
}

stop_qemu() {
    kill "$QEMU_PID" 2>/dev/null || true
    wait "$QEMU_PID" 2>/dev/null || true
}

# Wait until QEMU exits, or the serial log shows END_RE (then stop QEMU
# ourselves), or the deadline passes. Sets QEMU_RC and END ("exit", "log:LINE",
# "timeout"). READY_RE/AFTER_READY_S: when a line matching READY_RE shows up,
# the deadline moves to that moment plus AFTER_READY_S.  dom0's "rig:"
# progress lines are shown as they come.
# The log is read as it grows, each line once, and the loop starts no
# process: it runs as long as the rig (minutes under TCG), and a grep, a
# date and a sleep ten times a second were a fifth of a core taken from the
# rig and from whatever runs beside it.
# show_rig_line LINE: a dom0 "rig:" progress line, with the rig's time.
show_rig_line() {
    [[ "$1" != "rig: "* ]] || say "[$(elapsed "$T_START" "$(now_ms)") s] ${1#rig: }"
}

wait_qemu() {
    local end_re=$1 deadline_s=$2 ready_re=${3:-} after_ready_s=${4:-0}
    local deadline=$((T_START + deadline_s * 1000)) ready=0 line part="" log nap now
    END=""
    exec {log}<"$SERIAL"
    [[ -p "$TMP/nap" ]] || mkfifo "$TMP/nap"
    exec {nap}<>"$TMP/nap" # (read -t on it: a sleep without a process)
    while :; do
        # (a line read without its newline yet is kept for the next round)
        while IFS= read -r -u "$log" line || { part+=$line && false; }; do
            line=$part$line
            part=""
            line=${line//$'\r'/}
            show_rig_line "$line"
            if [[ "$line" =~ $end_re ]]; then
                END="log:$line"
                break
            fi
            if [[ -n "$ready_re" && $ready -eq 0 && "$line" =~ $ready_re ]]; then
                ready=1
                deadline=$(($(now_ms) + after_ready_s * 1000))
            fi
        done
        if [[ -n "$END" ]]; then
            read -r -t 0.2 -u "$nap" _ || true # let the lines that follow reach the log
            stop_qemu
            QEMU_RC=""
            break
        fi
        if ! kill -0 "$QEMU_PID" 2>/dev/null; then
            QEMU_RC=0
            wait "$QEMU_PID" || QEMU_RC=$?
            END="exit"
            # (its last lines)
            while IFS= read -r -u "$log" line; do
                show_rig_line "${line//$'\r'/}"
            done
            break
        fi
        ms_into now
        if ((now > deadline)); then
            stop_qemu
            QEMU_RC=""
            END=timeout
            break
        fi
        read -r -t 0.1 -u "$nap" _ || true
    done
    exec {log}<&- {nap}>&-
}

# ---- status -----------------------------------------------------------------
# status_of OUTFILE REASON -> the exit status by the rules in the header.
status_of() {
    local line
    line=$(grep -a -E '^hako: exit status [0-9]+$' "$1" | tail -n 1 || true)
    if [[ -n "$line" ]]; then
        echo "${line##* }"
    elif [[ "$2" == destroyed ]]; then
        echo 125
    elif [[ "$2" == timeout || "$2" == error || "$2" == rig-* ]]; then
        echo 124
    else
        echo 255
    fi
}

# ---- dom0 mode --------------------------------------------------------------
run_dom0() {
    local mem=${MEMORY:-64} qmem cmdline t_end status reason
    qmem=$((mem + 192 > 256 ? mem + 192 : 256))
    cmdline=$(guest_cmdline "${ARGS[@]}")
    # QEMU opens the path up to the first space and splits modules on ',':
    # hand it a plain path, and double the commas of the command line.
    ln -s "$(realpath "$IMAGE")" "$TMP/image"
    local initrd=""
    if [[ -f "$IMAGE.initrd" ]]; then
        ln -s "$(realpath "$IMAGE.initrd")" "$TMP/initrd"
        initrd=",$TMP/initrd"
    fi
    say "booting Xen with $IMAGE as dom0 (QEMU TCG, dom0_mem ${mem}M, timeout ${TIMEOUT}s)"
    start_qemu "$qmem" \
        "console=com1 loglvl=all guest_loglvl=all noreboot console_timestamps=boot dom0_mem=${mem}M,max:${mem}M dom0_max_vcpus=1${HAKO_XEN_APPEND:+ $HAKO_XEN_APPEND}" \
        "$TMP/image${cmdline:+ ${cmdline//,/,,}}$initrd"
    wait_qemu '^\(XEN\) .*(Hardware Dom0 (halted|crashed)|Manual reset required)' "$TIMEOUT"
    t_end=$(now_ms)

    # The guest's lines: what follows Xen's hand-over that is not Xen's own.
    tr -d '\r' <"$SERIAL" | sed -n '/\*\*\* Serial input to DOM0/,$p' | sed '1d' >"$TMP/after.log"
    grep -a -v '^(XEN)' "$TMP/after.log" >"$TMP/guest.out" || true
    grep -a '^(XEN)' "$TMP/after.log" >"$TMP/guest.xen" || true
    cat "$TMP/guest.out"

    # Why it ended: the exit port (QEMU's odd status), or a line Xen printed.
    case $END in
        exit)
            # QEMU's own errors also exit 1 (= port code 0): trust the port
            # only once Xen has handed over to the image.
            if ! grep -q -a 'Serial input to DOM0' "$SERIAL"; then
                reason="rig-failure: QEMU exited with $QEMU_RC before Xen started: $(head -c 300 "$TMP/qemu.out")"
            elif ((QEMU_RC % 2 == 1)); then reason="port 0xf4 code $(((QEMU_RC - 1) / 2))"
            elif ((QEMU_RC == 0)); then reason=reboot
            else reason="rig-qemu-status-$QEMU_RC"; fi ;;
        *crashed* | *'Manual reset'*) reason=crash ;;
        *halted*) reason=poweroff ;;
        timeout) reason=timeout ;;
    esac
    status=$(status_of "$TMP/guest.out" "$reason")
    if [[ "$status" == 255 && "$reason" == port* ]]; then
        status=${reason##* }   # no status line, but the port tells
    fi
    report_single "$status" "$reason" "$t_end"
}

# ---- domU / batch mode ------------------------------------------------------
CASE_NAMES=()
declare -A CASE_IMAGE CASE_MEM CASE_AFTER CASE_CMDLINE

add_case() {   # add_case NAME IMAGE MEMORY AFTER ARGS...
    local name=$1 image=$2 mem=${3:-32} after=${4:-0}
    shift 4
    [[ "$name" =~ ^[A-Za-z0-9_.-]+$ ]] || die "bad case name '$name' (use [A-Za-z0-9_.-])"
    [[ -z "${CASE_IMAGE[$name]:-}" ]] || die "case $name is listed twice"
    [[ -f "$image" ]] || die "case $name: no such image: $image"
    [[ "$mem" =~ ^[0-9]+$ && "$mem" -ge 4 ]] || die "case $name: memory '$mem' (MiB, at least 4)"
    [[ "$after" =~ ^[0-9]+$ ]] || die "case $name: shutdown-after '$after' (seconds)"
    CASE_NAMES+=("$name")
    CASE_IMAGE[$name]=$image
    CASE_MEM[$name]=$mem
    CASE_AFTER[$name]=$after
    CASE_CMDLINE[$name]=$(guest_cmdline "$@")
}

read_batch() {
    local line fields
    [[ -f "$BATCH" ]] || die "no such batch file: $BATCH"
    while IFS= read -r line || [[ -n "$line" ]]; do
        line=${line%$'\r'}
        [[ -z "${line//[[:space:]]/}" || "$line" == \#* ]] && continue
        # Split on every TAB by hand: `read -a` would merge empty fields,
        # and an empty MEMORY or SHUTDOWN_AFTER field means "default".
        fields=()
        while [[ "$line" == *$'\t'* ]]; do
            fields+=("${line%%$'\t'*}")
            line=${line#*$'\t'}
        done
        fields+=("$line")
        ((${#fields[@]} >= 2)) || die "batch line needs NAME<TAB>IMAGE...: $line"
        while ((${#fields[@]} < 4)); do fields+=(""); done
        add_case "${fields[0]}" "${fields[1]}" "${fields[2]}" "${fields[3]:-0}" "${fields[@]:4}"
    done <"$BATCH"
    ((${#CASE_NAMES[@]})) || die "no cases in $BATCH"
}

# The per-run cpio: /rig/cases, one xl config per case, the images, /rig/net.
build_rig_cpio() {
    local stage=$TMP/stage i=0 name img sum mem cfg rd
    mkdir -p "$stage/rig/img"
    : >"$stage/rig/cases"
    ((NET)) && : >"$stage/rig/net"
    ((DISK)) && echo "$DISK" >"$stage/rig/blk"
    ((${#HOST_DISKS[@]} == 0)) || echo "${#HOST_DISKS[@]}" >"$stage/rig/hostdisks"
    if ((${#ADD[@]})); then
        mkdir -p "$stage/rig/files"
        cp "${ADD[@]}" "$stage/rig/files/"
    fi
    for name in "${CASE_NAMES[@]}"; do
        i=$((i + 1))
        sum=$(sha256sum "${CASE_IMAGE[$name]}" | cut -c1-16)
        img=/rig/img/$sum
        [[ -f "$stage$img" ]] || cp "${CASE_IMAGE[$name]}" "$stage$img"
        mem=${CASE_MEM[$name]}
        cfg=$stage/rig/$name.cfg
        {
            echo "name = \"$name\""
            echo 'type = "pv"'
            echo "kernel = \"$img\""
            if [[ -f "${CASE_IMAGE[$name]}.initrd" ]]; then
                rd=/rig/img/$(sha256sum "${CASE_IMAGE[$name]}.initrd" | cut -c1-16).rd
                [[ -f "$stage$rd" ]] || cp "${CASE_IMAGE[$name]}.initrd" "$stage$rd"
                echo "ramdisk = \"$rd\""
            fi
            echo "memory = $mem"
            echo "maxmem = $mem"
            echo 'vcpus = 1'
            # A fixed uuid: otherwise xl waits ~3 s for entropy dom0 lacks.
            printf 'uuid = "6861686b-6f00-4000-8000-%012d"\n' "$i"
            [[ -z "${CASE_CMDLINE[$name]}" ]] || echo "cmdline = $(xl_string "${CASE_CMDLINE[$name]}")"
            echo 'on_poweroff = "destroy"'
            echo 'on_reboot = "destroy"'
            if [[ -n "$DUMP_CORE" ]]; then
                echo 'on_crash = "preserve"'
            else
                echo 'on_crash = "destroy"'
            fi
            # A fixed MAC, for the same entropy reason.
            ((NET)) && printf "vif = [ 'bridge=xenbr0,mac=00:16:3e:00:00:%02x' ]\n" "$i"
            local disks=() letters=abcdefghijklmnop k spec
            ((DISK)) && disks+=("'format=raw,vdev=xvda,access=rw,target=/run/$name.disk'")
            local cd=${CASE_DISKS[$name]:-}
            for k in ${cd//,/ }; do
                [[ "$k" == *:ro ]] && spec=ro || spec=rw
                disks+=("'format=raw,vdev=xvd${letters:${#disks[@]}:1},access=$spec,target=/run/hd/${k%:ro}'")
            done
            ((${#disks[@]})) && echo "disk = [ $(IFS=,; echo "${disks[*]}") ]"
        } >"$cfg"
        printf '%s\t%s\t%s\n' "$name" "$TIMEOUT" "${CASE_AFTER[$name]}" >>"$stage/rig/cases"
        [[ -z "$DOM0_SCRIPT" ]] || cp "$DOM0_SCRIPT" "$stage/rig/$name.sh"
        if [[ -n "$DUMP_CORE" ]]; then
            : >"$stage/rig/$name.dump"
            [[ ! -f "${CASE_IMAGE[$name]}.elf" ]] || nm -n "${CASE_IMAGE[$name]}.elf" >"$stage/rig/$name.syms"
        fi
    done
    # The base is padded to 512 bytes, so this archive starts aligned.
    ln -s "$RIG_CACHE/vmlinux" "$TMP/vmlinux"
    cp "$RIG_CACHE/initramfs.gz" "$TMP/initramfs"
    (cd "$stage" && find rig | LC_ALL=C sort |
        "$RIG_CACHE/busybox" cpio -o -H newc -R 0:0 2>/dev/null) >>"$TMP/initramfs"
}

# extract_case NAME OUT XEN DOM0: pull case NAME's console (into OUT), Xen's
# lines while it ran (XEN) and its dom0 script's output (DOM0, only when there
# is a script) out of the serial log. Sets C_REASON and C_MS.
extract_case() {
    local name=$1 file=$2 end n
    sed -n "s/^@@hako:$name| //p" "$TMP/clean.log" >"$file"
    : >"$3"
    [[ -z "$DOM0_SCRIPT" ]] || sed -n "s/^@@hako-rig dom0:$name| //p" "$TMP/clean.log" >"$4"
    end=$(grep -a "^@@hako-rig end $name " "$TMP/clean.log" | tail -n 1 || true)
    if [[ -z "$end" ]]; then
        C_REASON=rig-missing
        C_MS=0
        return
    fi
    C_REASON=$(sed -n 's/.* reason=\([^ ]*\).*/\1/p' <<<"$end")
    C_MS=$(sed -n 's/.* ms=\([0-9]*\).*/\1/p' <<<"$end")
    n=$(sed -n 's/.* lines=\([0-9]*\).*/\1/p' <<<"$end")
    if [[ "$n" != "$(wc -l <"$file")" ]]; then
        say "warning: $name: dom0 sent $n console lines, $(wc -l <"$file") arrived intact"
    fi
    # Xen's own lines while the case ran (a crashed PV guest gets a register
    # dump and stack there), for the crash diagnostics.
    awk -v s="rig: case $name: xl create" -v e="rig: case $name: " \
        'index($0, s) == 1 {on = 1; next} on && index($0, e) == 1 {exit}
         on && /^\(XEN\)/' "$TMP/clean.log" >"$3"
    [[ -z "$DUMP_CORE" ]] || extract_post_mortem "$name"
    if [[ "$C_REASON" == error ]]; then
        say "$name: xl create failed:"
        sed -n "s/^@@hako-rig xl:$name| /    /p" "$TMP/clean.log" >&2
    fi
}

# extract_post_mortem NAME: DUMP_CORE/NAME.xenctx and, when its checksum
# matches, DUMP_CORE/NAME.core (--dump-core).
extract_post_mortem() {
    local name=$1 sum want
    mkdir -p "$DUMP_CORE"
    rm -f "$DUMP_CORE/$name.core" "$DUMP_CORE/$name.xenctx"
    sed -n "s/^@@hako-rig xenctx:$name| //p" "$TMP/clean.log" >"$DUMP_CORE/$name.xenctx"
    [[ -s "$DUMP_CORE/$name.xenctx" ]] || rm -f "$DUMP_CORE/$name.xenctx"
    want=$(sed -n "s/^@@hako-rig core-end $name \([0-9a-f]*\)$/\1/p" "$TMP/clean.log" | tail -n 1)
    [[ -n "$want" ]] || return 0
    sed -n "s/^@@hako-rig core:$name| //p" "$TMP/clean.log" | base64 -d >"$TMP/$name.core.gz" 2>/dev/null
    sum=$(md5sum <"$TMP/$name.core.gz" | cut -d' ' -f1)
    if [[ "$sum" != "$want" ]]; then
        say "$name: the core was damaged on the serial line (md5 $sum, dom0 sent $want): not kept"
        return 0
    fi
    gzip -dc "$TMP/$name.core.gz" >"$DUMP_CORE/$name.core"
    say "$name: core in $DUMP_CORE/$name.core ($(wc -c <"$DUMP_CORE/$name.core") bytes)"
}

run_domu() {
    local maxmem=0 name qmem budget per_case t_end
    budget=${HAKO_XEN_BOOT_BUDGET:-90}
    for name in "${CASE_NAMES[@]}"; do
        ((CASE_MEM[$name] > maxmem)) && maxmem=${CASE_MEM[$name]}
    done
    # dom0 keeps 192 MiB (less fails: "allocation is too small for kernel image");
    # HAKO_XEN_DOM0_MEM gives it more (the libvirt test's libraries).
    local d0=${HAKO_XEN_DOM0_MEM:-192}
    [[ "$d0" =~ ^[0-9]+$ && "$d0" -ge 192 ]] || die "HAKO_XEN_DOM0_MEM: MiB, at least 192"
    qmem=$((maxmem + d0 + 96 > d0 + 320 ? maxmem + d0 + 96 : d0 + 320))
    per_case=$((${#CASE_NAMES[@]} * (TIMEOUT + 10)))

    "$RIG_DIR/mkinitramfs.sh" || die "cannot build the dom0 initramfs"
    build_rig_cpio
    host_disk_args
    say "booting Xen + dom0 Linux for ${#CASE_NAMES[@]} guest(s) (QEMU TCG, ${qmem} MiB)"
    start_qemu "$qmem" \
        "console=com1 loglvl=all guest_loglvl=all noreboot console_timestamps=boot dom0_mem=${d0}M,max:${d0}M dom0_max_vcpus=1${HAKO_XEN_APPEND:+ $HAKO_XEN_APPEND}" \
        "$TMP/vmlinux console=hvc0 earlyprintk=xen rdinit=/init loglevel=4${HAKO_XEN_DOM0_APPEND:+ ${HAKO_XEN_DOM0_APPEND//,/,,}},$TMP/initramfs"
    # (anchored: guest lines arrive prefixed and cannot fake these)
    wait_qemu '^@@hako-rig (done|fail)|^\(XEN\) .*(Hardware Dom0 (halted|crashed)|Manual reset required)|^\[ *[0-9.]+\] Kernel panic' \
        "$budget" '^rig: dom0 ready' "$per_case"
    t_end=$(now_ms)
    tr -d '\r' <"$SERIAL" >"$TMP/clean.log"

    RIG_FAILED=""
    case $END in
        'log:@@hako-rig done' | exit) ;;
        timeout) RIG_FAILED="QEMU timed out" ;;
        log:*) RIG_FAILED="${END#log:}" ;;
    esac
    if [[ "$END" == exit ]] && ! grep -q -a '^@@hako-rig done' "$TMP/clean.log"; then
        RIG_FAILED="QEMU exited with status $QEMU_RC before dom0 finished $(head -c 300 "$TMP/qemu.out")"
    fi
    T_END=$t_end
}

run_single_domu() {
    add_case hako "$IMAGE" "$MEMORY" "$SHUTDOWN_AFTER" "${ARGS[@]}"
    local k all=()
    for ((k = 0; k < ${#HOST_DISKS[@]}; k++)); do
        if [[ "${HOST_DISKS[k]}" == *:ro ]]; then all+=("$k:ro"); else all+=("$k"); fi
    done
    ((${#all[@]} == 0)) || CASE_DISKS[hako]=$(IFS=,; echo "${all[*]}")
    run_domu
    extract_case hako "$TMP/guest.out" "$TMP/guest.xen" "$TMP/guest.dom0"
    cat "$TMP/guest.out"
    [[ -z "$DOM0_SCRIPT" ]] || sed 's/^/run: dom0-script: /' "$TMP/guest.dom0" >&2
    local reason=$C_REASON
    if [[ -n "$RIG_FAILED" && "$reason" == rig-missing ]]; then
        reason="rig-failure: $RIG_FAILED"
    fi
    report_single "$(status_of "$TMP/guest.out" "$reason")" "$reason" "$T_END" "$C_MS"
}

run_batch() {
    read_batch
    OUTDIR=${OUTDIR:-$(dirname "$BATCH")}
    mkdir -p "$OUTDIR"
    run_domu
    local name status all=0 failed=0 reason
    for name in "${CASE_NAMES[@]}"; do
        extract_case "$name" "$OUTDIR/$name.out" "$OUTDIR/$name.xen" "$OUTDIR/$name.dom0"
        reason=$C_REASON
        status=$(status_of "$OUTDIR/$name.out" "$reason")
        echo "$status" >"$OUTDIR/$name.status"
        echo "$name: status $status ($reason, ${C_MS:-?} ms)"
        ((status == 0)) || all=1
        [[ "$reason" != rig-missing ]] || failed=1
    done
    local total
    total=$(elapsed "$T_START" "$T_END")
    if [[ -n "$RIG_FAILED" ]] || ((failed)); then
        show_tail "${RIG_FAILED:-cases missing}"
        say "batch: rig FAILED after $total s (${RIG_FAILED:-some cases did not run}); results in $OUTDIR"
        return 124
    fi
    say "batch: ${#CASE_NAMES[@]} cases in $total s, $( ((all)) && echo 'some non-zero' || echo 'all 0'); results in $OUTDIR"
    return "$all"
}

# ---- reporting --------------------------------------------------------------
# report_single STATUS REASON T_END [GUEST_MS]: summary line, diagnostics, exit.
report_single() {
    local status=$1 reason=$2 total guest=""
    total=$(elapsed "$T_START" "$3")
    [[ -z "${4:-}" ]] || guest=", guest ${4} ms"
    case $status in
        124)
            show_tail "$reason"
            say "FAILED: $reason after $total s (status 124)" ;;
        125)
            say "the domain was destroyed (xl destroy) after $total s$guest, without a status line (status 125)" ;;
        255)
            if [[ -s "$TMP/guest.xen" ]]; then
                say "Xen's lines while the guest ran (first 25 of $(wc -l <"$TMP/guest.xen")):"
                head -n 25 "$TMP/guest.xen" | sed 's/^/    /' >&2
            fi
            [[ -n "$LOG" ]] || KEEP_TMP=1
            say "guest ended without a status line ($reason); serial log: $SERIAL"
            say "status 255 ($reason) in $total s$guest" ;;
        *)
            say "hako: exit status $status ($reason) in $total s$guest" ;;
    esac
    exit "$status"
}

main() {
    parse_args "$@"
    ensure_qemu
    ensure_xen
    setup_tmp
    if [[ -n "$BATCH" ]]; then
        local rc=0
        run_batch || rc=$?
        exit "$rc"
    elif [[ "$MODE" == dom0 ]]; then
        run_dom0
    else
        run_single_domu
    fi
}

main "$@"
