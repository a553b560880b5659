#!/usr/bin/env bash
# Purpose: the life-cycle rules of a persistent VALE port through vale-ctl's exit codes: create
# once (again: EEXIST), attach once per bridge (again: EBUSY), no destroy while attached (EBUSY),
# detach once (again: ENXIO), destroy once (again: ENXIO); and frames cross the bridge while the
# port is attached.
source "$(dirname "$0")/lib.sh"

parse_send_recv_arguments "$@"
len=${len:-150}
fill=${fill:-p}
num=${num:-2}
seq=${seq:-}
bdg=vale72
port=p72

create_vale_persistent_port "$port"
create_vale_persistent_port "$port" 1 # EEXIST

attach_to_vale_bridge "$bdg" "$port"
attach_to_vale_bridge "$bdg" "$port" 1 # EBUSY: already on this bridge
destroy_vale_persistent_port "$port" 1 # EBUSY: still attached

# It is listed on its bridge.
run_cmd vale-ctl -l "$bdg:$port" >/dev/null
check_success $? "list $bdg:$port"

# Frames between the attached port and an ephemeral port of the same bridge, both directions.
use_fd_server
preopen "$bdg:$port" "$bdg:e"
$FUNCTIONAL $verbosity -T "$rx_secs" -i "$bdg:e" -r "$len:$fill:$num" $seq &
r=$!
$FUNCTIONAL $verbosity -i "$bdg:$port" -t "$len:$fill:$num" $seq
check_success $? "send from $bdg:$port"
wait $r
check_success $? "$bdg:e receives from $bdg:$port"
$FUNCTIONAL $verbosity -T "$rx_secs" -i "$bdg:$port" -r "$len:$fill:$num" $seq &
r=$!
$FUNCTIONAL $verbosity -i "$bdg:e" -t "$len:$fill:$num" $seq
check_success $? "send from $bdg:e"
wait $r
check_success $? "$bdg:$port receives from $bdg:e"
# The fd server holds the port: stop it before detaching.
close_fd_server

detach_from_vale_bridge "$bdg" "$port"
detach_from_vale_bridge "$bdg" "$port" 1 # ENXIO: not attached any more
run_cmd vale-ctl -l "$bdg:$port" 2>/dev/null
check_failure $? "list $bdg:$port after the detach"

destroy_vale_persistent_port "$port"
destroy_vale_persistent_port "$port" 1 # ENXIO: gone
