"""How long an exit takes to reach the store: for containers running `true` under a podlinkd nobody else calls,
the time between conmon writing the exit file (Inspect's `finished`) and the stored `died` event."""
import statistics
import sys
import time
from datetime import datetime

import varlink


def parse(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def main(address, count):
    with varlink.Client(address=address) as client, client.open("io.podlink", namespaced=True) as podlink:
        delays = []
        for _ in range(count):
            container = podlink.CreateContainer({"image": "busybox", "command": ["true"]}).container
            podlink.StartContainer(container)
            # No call touches the container until its exit must have been handled: the service does it alone.
            time.sleep(0.5)
            died = [e for e in podlink.GetEvents(None, None, None, ["died"], container).events]
            finished = podlink.InspectContainer(container).container.state.finished
            delays.append((parse(died[-1].time) - parse(finished)).total_seconds() * 1000)
            podlink.RemoveContainer(container, True)
    delays.sort()
    print(f"exit -> state stored, {count} containers: median {statistics.median(delays):.1f} ms, "
          f"p90 {delays[int(len(delays) * 0.9) - 1]:.1f} ms, max {delays[-1]:.1f} ms (goal: <= 50 ms)")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 30)
