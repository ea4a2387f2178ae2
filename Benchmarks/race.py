#!/usr/bin/env python3
"""Lifecycle calls racing on a few containers: CLIENTS threads, each with its own connection, call Start, Stop,
Kill, Restart, Pause, Unpause and Inspect on CONTAINERS containers chosen at random for SECONDS. Prints the
calls done, the typed errors by name, the untyped ones (InternalError, a dropped connection, a reply that is not
io.podlink's: must be 0) and the hangs (a call past 60 s: must be 0); then checks that the store agrees with runc.
With KILLS > 0 the service is killed with SIGKILL that many times during the run (restarted by the caller's
script through RESTART): containers that vanish, and exited containers without an exit code, are counted as lost."""
import collections, json, os, random, socket, subprocess, sys, threading, time

SOCKET, RUNC_ROOT = sys.argv[1:3]
CLIENTS = int(os.environ.get("CLIENTS", "32"))
CONTAINERS = int(os.environ.get("CONTAINERS", "8"))
SECONDS = float(os.environ.get("SECONDS_", "60"))
KILLS = int(os.environ.get("KILLS", "0"))
RESTART = os.environ.get("RESTART", "")
PIDFILE = os.environ.get("PIDFILE", "")
HANG = 60.0


def call(path, method, wait=HANG, **parameters):
    """One call on a connection of its own; `wait` bounds the whole round trip (a call past it is a hang)."""
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(wait)
    try:
        s.connect(path)
        s.sendall(json.dumps({"method": "io.podlink." + method, "parameters": parameters}).encode() + b"\0")
        data = b""
        while not data.endswith(b"\0"):
            chunk = s.recv(1 << 16)
            if not chunk:
                return "dropped", None
            data += chunk
        message = json.loads(data[:-1])
        if "error" in message:
            return message["error"], message.get("parameters")
        return "ok", message.get("parameters", {})
    except socket.timeout:
        return "hang", None
    except (ConnectionRefusedError, FileNotFoundError, ConnectionResetError, BrokenPipeError):
        return "unreachable", None
    finally:
        s.close()


def wait_ready():
    for _ in range(600):
        if call(SOCKET, "GetVersion", wait=5)[0] == "ok":
            return
        time.sleep(0.05)
    sys.exit("the service does not answer")


wait_ready()
ids = []
for n in range(CONTAINERS):
    result, reply = call(SOCKET, "CreateContainer", create={"image": "busybox", "name": f"race{n}",
                                                            "command": ["sh", "-c", "trap 'exit 3' TERM; sleep 1000 & wait"]})
    assert result == "ok", (result, reply)
    ids.append(reply["container"])

counts = collections.Counter()
slowest = []
lock = threading.Lock()
killing = threading.Event()
deadline = time.monotonic() + SECONDS


def client(seed):
    rng = random.Random(seed)
    while time.monotonic() < deadline:
        target = rng.choice(ids)
        method, extra = rng.choice([
            ("StartContainer", {}), ("StartContainer", {}), ("StopContainer", {"timeout": 1}),
            ("KillContainer", {"signal": 9}), ("RestartContainer", {"timeout": 1}), ("PauseContainer", {}),
            ("UnpauseContainer", {}), ("InspectContainer", {}),
        ])
        began = time.monotonic()
        result, _ = call(SOCKET, method, name=target, **extra)
        took = time.monotonic() - began
        if result in ("dropped", "unreachable") and killing.is_set():
            result = "cut by a kill"
            time.sleep(0.05)
        with lock:
            counts[(method, result)] += 1
            slowest.append((took, method, result))
            slowest.sort(reverse=True)
            del slowest[5:]


def killer():
    if KILLS == 0:
        return
    for k in range(KILLS):
        time.sleep(SECONDS / (KILLS + 1))
        killing.set()
        pid = int(open(PIDFILE).read())
        os.kill(pid, 9)
        time.sleep(0.2)
        subprocess.run(["sh", "-c", RESTART], check=True)
        wait_ready()
        time.sleep(1)
        killing.clear()


threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)] + [threading.Thread(target=killer)]
for t in threads:
    t.start()
for t in threads:
    t.join()

total = sum(counts.values())
by_result = collections.Counter()
for (method, result), n in counts.items():
    by_result[result] += n
# Untyped: anything but a reply or an error io.podlink declares (a dropped connection, org.varlink.service.*).
untyped = sum(n for r, n in by_result.items() if r not in ("ok", "hang", "cut by a kill") and not r.startswith("io.podlink."))
print(f"{CLIENTS} clients, {CONTAINERS} containers, {SECONDS:.0f} s, {KILLS} kills of the service: {total} calls "
      f"({total / SECONDS:.0f}/s)")
for result, n in by_result.most_common():
    print(f"  {result:32} {n}")
print(f"untyped errors: {untyped}; hangs: {by_result['hang']}")
print("slowest calls: " + ", ".join(f"{method} {took:.1f} s ({result})" for took, method, result in slowest))

# Settled: every container still there, its status what runc says, an exited one with an exit code.
time.sleep(2)
runc = {}
listing = subprocess.run(["runc", "--root", RUNC_ROOT, "list", "--format", "json"], capture_output=True, text=True)
for entry in json.loads(listing.stdout or "[]") or []:
    runc[entry["id"]] = entry["status"]
lost = 0
disagree = 0
for cid in ids:
    result, reply = call(SOCKET, "InspectContainer", name=cid)
    if result != "ok":
        lost += 1
        print(f"  {cid[:12]}: {result}")
        continue
    state = reply["container"]["state"]
    status = state["status"]
    theirs = runc.get(cid)
    expected = {"running": "running", "paused": "paused", "created": "created"}.get(status)
    if expected != theirs and not (expected is None and theirs in (None, "stopped")):
        disagree += 1
        print(f"  {cid[:12]}: the store says {status}, runc {theirs}")
    if status in ("exited", "stopped") and state.get("exit_code") is None:
        lost += 1
        print(f"  {cid[:12]}: {status} without an exit code")
print(f"containers or exit codes lost: {lost}; store and runc disagree: {disagree}")
for cid in ids:
    call(SOCKET, "RemoveContainer", name=cid, force=True)
sys.exit(1 if untyped or by_result["hang"] or lost or disagree else 0)
