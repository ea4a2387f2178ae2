#!/usr/bin/env bash
# `podlink run -it` under a real terminal (tmux): the pane's size, a resize, output, detaching with ctrl-p,ctrl-q,
# `podlink attach` back in, and the exit code.
#   scripts/terminal-check.sh PODLINK ADDRESS IMAGE
# Prints the screens it saw; exits 0 when everything was seen.
set -u
podlink=$1 address=$2 image=$3
session=podlink-terminal-$$
name=terminal-check-$$
tmux_() { tmux -L "$session" "$@"; }
trap 'tmux_ kill-server 2>/dev/null; "$podlink" --url "$address" rm -f "$name" >/dev/null 2>&1' EXIT
tmux_ new-session -d -x 100 -y 30 -s "$session" \
    "$podlink --url $address run -it --name $name $image sh; echo DETACHED=\$?;
     $podlink --url $address attach $name; echo EXIT=\$?; sleep 60" >/dev/null 2>&1 </dev/null
# Waits until the pane shows $1 (at most 10 s); prints the pane when it does not.
wait_for() {
    for _ in $(seq 100); do
        screen=$(tmux_ capture-pane -p -t "$session")
        if grep -qF -- "$1" <<<"$screen"; then return 0; fi
        sleep 0.1
    done
    echo "$screen"
    echo "--- not seen: $1"
    return 1
}
wait_for "/ #" || exit 1
tmux_ send-keys -t "$session" "stty size; echo h''i" Enter
wait_for "30 100" || exit 1
wait_for "hi" || exit 1
tmux_ resize-window -t "$session" -x 120 -y 40
sleep 0.3
tmux_ send-keys -t "$session" "stty size" Enter
wait_for "40 120" || exit 1
# ctrl-p, ctrl-q: podlink returns 0, the shell runs on.
tmux_ send-keys -t "$session" C-p C-q
wait_for "DETACHED=0" || exit 1
"$podlink" --url "$address" ps | grep -q "$name" || { echo "--- not running after detaching"; exit 1; }
# Back in: the same shell answers.
sleep 0.3
tmux_ send-keys -t "$session" "echo back''again; exit 3" Enter
wait_for "EXIT=3" || exit 1
tmux_ capture-pane -p -t "$session"
wait_for "backagain"
