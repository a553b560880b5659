#!/usr/bin/env bash
# Purpose: frames between ephemeral VALE ports held open by the fd server: a broadcast from one
# port reaches both others, a unicast to a learned MAC reaches only its owner, and a receiver
# that expects a different payload fails with exit 1.
source "$(dirname "$0")/lib.sh"

parse_send_recv_arguments "$@"
len=${len:-274}
fill=${fill:-c}
num=${num:-3}
seq=${seq:-}
bdg=vale71

use_fd_server
preopen "$bdg:a" "$bdg:b" "$bdg:c"

# 1. a broadcasts; b and c both receive every frame.
$FUNCTIONAL $verbosity -T "$rx_secs" -i "$bdg:b" -r "$len:$fill:$num" $seq &
rb=$!
$FUNCTIONAL $verbosity -T "$rx_secs" -i "$bdg:c" -r "$len:$fill:$num" $seq &
rc=$!
$FUNCTIONAL $verbosity -i "$bdg:a" -t "$len:$fill:$num" $seq
check_success $? "broadcast from $bdg:a"
wait $rb
check_success $? "$bdg:b receives the broadcast"
wait $rc
check_success $? "$bdg:c receives the broadcast"

# 2. c sends from a random MAC (the bridge learns it on c); then a unicast to that MAC reaches c
#    only, and b's ring stays empty (VALE forwards during the sender's txsync, so once the sender
#    has exited a strict receive on b must time out and fail).
mac=$(get_random_MAC)
$FUNCTIONAL $verbosity -T "$rx_secs" -i "$bdg:a" -s "$mac" -r "$len:$fill:1" &
ra=$!
$FUNCTIONAL $verbosity -T "$rx_secs" -i "$bdg:b" -s "$mac" -r "$len:$fill:1" &
rb=$!
$FUNCTIONAL $verbosity -i "$bdg:c" -s "$mac" -t "$len:$fill:1"
check_success $? "learning frame from $mac on $bdg:c"
wait $ra
check_success $? "$bdg:a receives the learning frame"
wait $rb
check_success $? "$bdg:b receives the learning frame"

$FUNCTIONAL $verbosity -T "$rx_secs" -i "$bdg:c" -d "$mac" -r "$len:$fill:1" &
rc=$!
$FUNCTIONAL $verbosity -i "$bdg:a" -d "$mac" -t "$len:$fill:1"
check_success $? "unicast to $mac from $bdg:a"
wait $rc
check_success $? "$bdg:c receives the unicast"
$FUNCTIONAL $verbosity -i "$bdg:b" -d "$mac" -r "$len:$fill:1" 2>/dev/null
check_failure $? "$bdg:b does not get the unicast (its receive times out)"

# 3. a payload mismatch is a failure (exit 1), not a hang or a crash.
$FUNCTIONAL $verbosity -i "$bdg:a" -t "$len:x:1"
check_success $? "send x-filled frame from $bdg:a"
$FUNCTIONAL $verbosity -i "$bdg:b" -r "$len:y:1" 2>/dev/null
check_failure $? "$bdg:b refuses a frame filled with x when expecting y"
