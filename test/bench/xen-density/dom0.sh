# dom0 side of the density benchmark and check (bash in the rig's dom0,
# started as `sh dom0.sh NAME DOMID` beside the case NAME, which only holds
# the rig open).  Reads /rig/files/density.conf:
#   want=N     guests that must be alive at once
#   cap=M      keep creating up to M guests to find how many fit (M >= N)
#   mem=MIB    memory= of each
# Creates guests dens1, dens2 ... one after the other from NAME's config
# (the tick app, quiet: one line, then it waits for a shutdown), timing
# each from the start of `xl create` to the first bytes of its console log,
# until cap or until xl create fails (the memory is full).  `xl create -e`:
# no xl process stays behind per guest (fifty of them fill dom0's memory);
# a guest that shuts down therefore stays listed as shut down ('s') until
# destroyed.  Then shuts them all down with xl shutdown, waits until each
# is shut down, and destroys them.  Prints lines
#   density: create I MS_CREATE_CMD MS_FIRST_LINE     per guest
#   density: key value                                 the totals
[ -n "$BASH_VERSION" ] || exec bash "$0" "$@"
name=$1
. /rig/files/density.conf
mkfifo /tmp/snooze && exec 9<>/tmp/snooze
snooze() { read -r -t "$1" -u 9 || :; } # a sleep without a fork
now() { echo "${EPOCHREALTIME/./}"; }
free_mib() { xl info | sed -n 's/^free_memory *: *//p'; }

echo "density: free_before $(free_mib)"
made=0
fail=
for ((i = 1; i <= cap; i++)); do
    g=dens$i
    sed -e "s/^name = .*/name = \"$g\"/" -e '/^uuid/d' -e "s/^memory = .*/memory = $mem/" \
        -e "s/^maxmem = .*/maxmem = $mem/" "/rig/$name.cfg" >/tmp/$g.cfg
    printf 'uuid = "6861686b-6f00-4000-9000-%012d"\n' "$i" >>/tmp/$g.cfg
    log=/var/log/xen/console/guest-$g.log
    t0=$(now)
    if ! xl create -e /tmp/$g.cfg >/tmp/$g.create 2>&1; then
        # (the first error says why; later ones are the clean-up's)
        fail="guest $i: $(grep -m 1 -i 'error' /tmp/$g.create || tail -n 1 /tmp/$g.create)"
        xl destroy $g >/dev/null 2>&1
        break
    fi
    t1=$(now)
    for ((k = 0; k < 4000; k++)); do
        [[ -s $log ]] && break
        snooze 0.005
    done
    t2=$(now)
    [[ -s $log ]] || { fail="guest $g printed nothing in 20 s"; made=$i; break; }
    made=$i
    echo "density: create $i $(((t1 - t0) / 1000)) $(((t2 - t0) / 1000))"
    if ((i == want)); then
        alive=$(xl list | awk 'NR > 1 && $1 ~ /^dens[0-9]+$/ && $5 !~ /c/' | wc -l)
        echo "density: alive_at_want $alive"
        echo "density: free_at_want $(free_mib)"
        echo "density: xl_list_mem $(xl list dens1 | awk 'NR == 2 { print $3 }')"
    fi
done
echo "density: made $made"
echo "density: stop ${fail:-cap reached}"
echo "density: free_at_end $(free_mib)"

t0=$(now)
for ((i = 1; i <= made; i++)); do
    xl shutdown dens$i >/dev/null 2>&1 &
    ((i % 8)) || wait
done
wait
for ((k = 0; k < 1200; k++)); do
    left=$(xl list | awk 'NR > 1 && $1 ~ /^dens[0-9]+$/ && $5 !~ /s/' | wc -l)
    ((left == 0)) && break
    snooze 0.1
done
t1=$(now)
echo "density: left_after_shutdown $left"
echo "density: shutdown_all_ms $(((t1 - t0) / 1000))"
clean=0
for ((i = 1; i <= made; i++)); do
    grep -q '^hako: exit status 0' /var/log/xen/console/guest-dens$i.log 2>/dev/null &&
        clean=$((clean + 1))
done
echo "density: clean_exits $clean"
for ((i = 1; i <= made; i++)); do
    xl destroy dens$i >/dev/null 2>&1
done
xl shutdown "$name"
