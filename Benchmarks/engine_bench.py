#!/usr/bin/env python3
"""The engine's figures side by side: Podlink over its varlink socket, Podman's REST service over its own, and bare
runc on a bundle of the same image; printed as one Markdown table with ratios. Run by Benchmarks/engine.sh, which
starts both services with storage of their own."""
import ctypes, http.client, json, os, socket, statistics, subprocess, sys, threading, time

PODLINK, PODMAN, WORK, IMAGE = sys.argv[1:5]
RUNS = int(os.environ.get("RUNS", "15"))
SCALES = [int(n) for n in os.environ.get("SCALES", "10,100,1000").split(",")]


class Varlink:
    """A raw varlink connection: one JSON call, NUL-terminated, one reply."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX)
        self.sock.connect(path)
        self.buffer = b""

    def call_raw(self, method, **parameters):
        """Sends a call and returns its reply's bytes, unparsed (what the round-trip figures time)."""
        self.sock.sendall(json.dumps({"method": "io.podlink." + method, "parameters": parameters}).encode() + b"\0")
        chunks = [self.buffer]
        while b"\0" not in chunks[-1]:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise RuntimeError("connection closed")
            chunks.append(chunk)
        reply, self.buffer = b"".join(chunks).split(b"\0", 1)
        return reply

    def call(self, method, **parameters):
        message = json.loads(self.call_raw(method, **parameters))
        if "error" in message:
            raise RuntimeError(f"{method}: {message}")
        return message.get("parameters", {})


class Podman:
    """Podman's libpod REST API over its unix socket, one kept-alive connection."""

    class Connection(http.client.HTTPConnection):
        def __init__(self, path):
            super().__init__("localhost", timeout=300)
            self.unix_path = path

        def connect(self):
            self.sock = socket.socket(socket.AF_UNIX)
            self.sock.connect(self.unix_path)

    def __init__(self, path):
        self.connection = Podman.Connection(path)

    def request_raw(self, method, path, body=None):
        """Sends a request and returns its body's bytes, unparsed (what the round-trip figures time)."""
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json"} if data else {}
        self.connection.request(method, "/v4.0.0/libpod" + path, body=data, headers=headers)
        response = self.connection.getresponse()
        text = response.read()
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status} {text[:200]}")
        return text

    def request(self, method, path, body=None):
        text = self.request_raw(method, path, body)
        return json.loads(text) if text else None


def median_ms(samples):
    return statistics.median(samples) * 1000


def timed(function, runs=RUNS):
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        function()
        samples.append(time.perf_counter() - start)
    return samples


def podlink_lifecycle(client):
    id = client.call("CreateContainer", create={"image": "busybox", "command": ["true"]})["container"]
    client.call("StartContainer", name=id)
    client.call("WaitContainer", name=id)
    client.call("RemoveContainer", name=id)


def podman_lifecycle(client, image):
    id = client.request("POST", "/containers/create", {"image": image, "command": ["true"], "netns": {"nsmode": "none"}})["Id"]
    client.request("POST", f"/containers/{id}/start")
    client.request("POST", f"/containers/{id}/wait")
    client.request("DELETE", f"/containers/{id}?force=true")


libc = ctypes.CDLL(None, use_errno=True)
PR_SET_CHILD_SUBREAPER = 36


class BareRunc:
    """runc on a bundle of the same image, as an engine with a monitor drives it: create, start, wait for the exit,
    delete. This process is a subreaper, so the container's process is its child to wait for."""

    def __init__(self, rootfs, config):
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        self.root = WORK + "/bare-runc"
        self.bundle = WORK + "/bare-bundle"
        os.makedirs(self.bundle, exist_ok=True)
        spec = json.load(open(config))
        spec["root"] = {"path": rootfs, "readonly": True}
        spec["process"]["args"] = ["true"]
        spec["process"]["terminal"] = False
        spec["linux"]["cgroupsPath"] = "/podlink-bench/bare"
        # The bind-mounted files of the original bundle stay where they are.
        json.dump(spec, open(self.bundle + "/config.json", "w"))
        self.count = 0

    def lifecycle(self):
        self.count += 1
        name = f"bare{self.count}"
        pid_file = self.bundle + "/pid"
        subprocess.run(["runc", "--root", self.root, "create", "--bundle", self.bundle, "--pid-file", pid_file, name],
                       check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        pid = int(open(pid_file).read())
        subprocess.run(["runc", "--root", self.root, "start", name], check=True)
        os.waitpid(pid, 0)
        subprocess.run(["runc", "--root", self.root, "delete", name], check=True)

    def run(self):
        self.count += 1
        subprocess.run(["runc", "--root", self.root, "run", "--bundle", self.bundle, f"bare{self.count}"],
                       check=True, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)


def rss_kib(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def concurrent_starts(start, ids, clients=20):
    """Starts every id, `clients` callers at once, each its share in turn; total and slowest start."""
    latencies, lock = [], threading.Lock()

    def worker(share):
        caller = start()
        for id in share:
            begin = time.perf_counter()
            caller(id)
            with lock:
                latencies.append(time.perf_counter() - begin)

    threads = [threading.Thread(target=worker, args=(ids[i::clients],)) for i in range(clients)]
    begin = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - begin, max(latencies)


def main():
    podlink = Varlink(PODLINK)
    podman = Podman(PODMAN)
    image = IMAGE
    podlinkd_pid = int(os.environ["PODLINKD_PID"])
    rows = []

    def row(figure, ours, theirs=None, bare=None, unit="ms", goal=""):
        rows.append((figure, ours, theirs, bare, unit, goal))

    idle = rss_kib(podlinkd_pid)
    # Lifecycle of `true`, and against bare runc on the same image's root filesystem.
    for _ in range(3):
        podlink_lifecycle(podlink)
        podman_lifecycle(podman, image)
    ours = timed(lambda: podlink_lifecycle(podlink))
    theirs = timed(lambda: podman_lifecycle(podman, image))
    probe = podlink.call("CreateContainer", create={"image": "busybox", "command": ["true"]})["container"]
    rootfs = podlink.call("MountContainer", name=probe)["path"]
    podlink.call("InitContainer", name=probe)
    bundle = podlink.call("InspectContainer", name=probe)["container"]["bundle_path"]
    bare = BareRunc(rootfs, bundle + "/config.json")
    bare.lifecycle()
    runc_times = timed(bare.lifecycle)
    runc_run = timed(bare.run)
    row("create+start+wait+remove of `true`", median_ms(ours), median_ms(theirs), median_ms(runc_times),
        goal="≤ 1.10× runc, ≥ 6.5× Podman")
    row("bare `runc run` of `true` (no monitor)", None, None, median_ms(runc_run))
    # Store size: lifecycle, list and inspect with 10, 100, 1000 containers kept.
    kept_podlink, kept_podman = [], []
    for scale in SCALES:
        while len(kept_podlink) < scale:
            kept_podlink.append(podlink.call("CreateContainer", create={"image": "busybox", "command": ["true"]})["container"])
        while len(kept_podman) < scale:
            kept_podman.append(podman.request("POST", "/containers/create", {"image": image, "command": ["true"], "netns": {"nsmode": "none"}})["Id"])
        ours = timed(lambda: podlink_lifecycle(podlink))
        theirs = timed(lambda: podman_lifecycle(podman, image))
        row(f"lifecycle of `true`, {scale} containers stored", median_ms(ours), median_ms(theirs))
        # Round trips: the call sent, the whole reply received (each client's own JSON parsing is not timed).
        ours = timed(lambda: podlink.call_raw("ListContainers"))
        theirs = timed(lambda: podman.request_raw("GET", "/containers/json?all=true"))
        row(f"list {scale} containers", median_ms(ours), median_ms(theirs), goal="≤ 5 ms at 1000, ≥ 10× Podman" if scale == 1000 else "")
    one_podlink, one_podman = kept_podlink[0], kept_podman[0]
    ours = timed(lambda: podlink.call_raw("InspectContainer", name=one_podlink), RUNS * 10)
    theirs = timed(lambda: podman.request_raw("GET", f"/containers/{one_podman}/json"), RUNS * 10)
    row("inspect one", median_ms(ours), median_ms(theirs), goal="≤ 0.5 ms, ≥ 10× Podman")
    # 100 containers started at once by 20 clients.
    ids = [podlink.call("CreateContainer", create={"image": "busybox", "command": ["sleep", "1000"]})["container"] for _ in range(100)]
    total, slowest = concurrent_starts(lambda: (lambda c: (lambda id: c.call("StartContainer", name=id)))(Varlink(PODLINK)), ids)
    pids = [podman.request("POST", "/containers/create", {"image": image, "command": ["sleep", "1000"], "netns": {"nsmode": "none"}})["Id"] for _ in range(100)]
    ptotal, pslowest = concurrent_starts(lambda: (lambda c: (lambda id: c.request("POST", f"/containers/{id}/start")))(Podman(PODMAN)), pids)
    row("100 containers started at once by 20 clients: total", total * 1000, ptotal * 1000)
    row("100 containers started at once: the slowest start", slowest * 1000, pslowest * 1000)
    busy = rss_kib(podlinkd_pid)
    for id in ids:
        podlink.call("RemoveContainer", name=id, force=True)
    for id in pids:
        podman.request("DELETE", f"/containers/{id}?force=true&timeout=0")
    row("idle RSS of the service", idle / 1024, None, None, "MiB", "≤ 15 MiB")
    row(f"RSS after the runs ({max(SCALES)} containers kept)", busy / 1024, None, None, "MiB")
    activation = os.environ.get("ACTIVATION_MS")
    if activation:
        row("cold socket activation → first reply", float(activation), None, None, goal="≤ 20 ms")

    print(f"\n| figure | Podlink | Podman 4.3 REST | bare runc | Podlink/Podman | Podlink/runc | goal |")
    print("|---|---|---|---|---|---|---|")
    for figure, ours, theirs, bare_, unit, goal in rows:
        cell = lambda v: "–" if v is None else (f"{v:.2f} {unit}" if v < 10 else f"{v:.1f} {unit}")
        ratio = lambda a, b: "–" if a is None or b is None or b == 0 else f"×{a / b:.2f}"
        print(f"| {figure} | {cell(ours)} | {cell(theirs)} | {cell(bare_)} | {ratio(ours, theirs)} | {ratio(ours, bare_)} | {goal} |")


main()
