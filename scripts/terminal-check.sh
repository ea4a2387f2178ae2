#!/usr/bin/env bash
# `podlink run -it` under a real terminal (tmux): the pane's size, a resize, output, and the exit code.
#   scripts/terminal-check.sh PODLINK ADDRESS IMAGE
# Prints the screens it saw; exits 0 when everything was seen.
set -u
podlink=$1 address=$2 image=$3
session=podlink-terminal-$$
tmux_() { tmux -L "$session" "$@"; }
trap 'tmux_ kill-server 2>/dev/null' EXIT
tmux_ new-session -d -x 100 -y 30 -s "$session" \
    "$podlink --url $address run -it --rm $image sh; echo EXIT=\$?; sleep 60" >/dev/null 2>&1 </dev/null
# Waits until the pane shows $1 (at most 10 s); prints the pane.
wait_for() {
    for _ in $(seq 100); do
        screen=$(tmux_ capture-pane -p -t "$session")
        if grep -qF -- "$1" <<<"$screen"; then echo "$screen"; return 0; fi
        sleep 0.1
    done
    echo "$screen"
    echo "--- not seen: $1"
    return 1
}
wait_for "/ #" || exit 1
tmux_ send-keys -t "$session" "stty size; echo h''i" Enter
wait_for "30 100" || exit 1
tmux_ resize-window -t "$session" -x 120 -y 40
sleep 0.3
tmux_ send-keys -t "$session" "stty size; exit 3" Enter
wait_for "EXIT=" >/dev/null || { tmux_ capture-pane -p -t "$session"; exit 1; }
final=$(tmux_ capture-pane -p -t "$session")
echo "$final"
grep -qF "40 120" <<<"$final" && grep -qF "EXIT=3" <<<"$final"
