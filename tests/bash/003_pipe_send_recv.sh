#!/usr/bin/env bash
# Purpose: a netmap pipe held open by the fd server: frames go both ways, a receiver that takes
# fewer frames than were sent leaves the rest queued for the next one, and a receive with
# nothing queued fails after its timeout (exit 1, or 0 with -n).
source "$(dirname "$0")/lib.sh"

parse_send_recv_arguments "$@"
len=${len:-274}
fill=${fill:-k}
num=${num:-4}
seq=${seq:-}
pipe=pipe73
master="netmap:$pipe{1"
slave="netmap:$pipe}1"

use_fd_server
preopen "$master" "$slave"

# 1. slave -> master, then master -> slave.
$FUNCTIONAL $verbosity -T "$rx_secs" -i "$master" -r "$len:$fill:$num" $seq &
r=$!
$FUNCTIONAL $verbosity -i "$slave" -t "$len:$fill:$num" $seq
check_success $? "send $num from $slave"
wait $r
check_success $? "$master receives $num"

$FUNCTIONAL $verbosity -T "$rx_secs" -i "$slave" -r "$len:$fill:$num" $seq &
r=$!
$FUNCTIONAL $verbosity -i "$master" -t "$len:$fill:$num" $seq
check_success $? "send $num from $master"
wait $r
check_success $? "$slave receives $num"

# 2. Partial reads: send 5 frames whose fill advances (k l m n o); take 3, then the other 2.
$FUNCTIONAL $verbosity -i "$slave" -t "$len:k:5" -q
check_success $? "send 5 from $slave"
$FUNCTIONAL $verbosity -T "$rx_secs" -i "$master" -r "$len:k:3" -q
check_success $? "$master receives the first 3 (k l m)"
$FUNCTIONAL $verbosity -T "$rx_secs" -i "$master" -r "$len:n:2" -q
check_success $? "$master receives the last 2 (n o)"

# 3. Nothing is left: a strict receive times out (exit 1); with -n the timeout is accepted.
$FUNCTIONAL $verbosity -i "$master" -r "$len:k:1" 2>/dev/null
check_failure $? "$master has nothing more to receive"
$FUNCTIONAL $verbosity -i "$master" -r "$len:k:1" -n
check_success $? "$master: with -n the empty receive succeeds"
