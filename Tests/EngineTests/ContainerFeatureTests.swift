import FoundationEssentials
import Glibc
import Synchronization
import Testing

@testable import Engine

@Suite("Container features")
struct ContainerFeatureTests {
    static func counter(_ test: TestEngine, _ id: String) -> Int {
        let path = test.options.storageRoot + "/containers/\(id)/upper/tmp/count"
        return Int((FileSystem.readText(path) ?? "").filter(\.isNumber)) ?? -1
    }

    @Test("pause freezes the container: its counter stops, and runs again after unpause")
    func pauseFreezes() async throws {
        try await TestEngine.with { test in
            let engine = test.engine
            let id = try await test.create([
                // Written aside and renamed: a read (or the freeze) never sees a truncated file.
                "/bin/sh", "-c",
                "i=0; while true; do i=$((i+1)); echo $i > /tmp/count.new; mv /tmp/count.new /tmp/count; sleep 0.02; done",
            ])
            await expectEngineError(.invalidState) { try await engine.pauseContainer(id) }
            try await engine.startContainer(id)
            try await Task.sleep(for: .milliseconds(300))
            try await engine.pauseContainer(id)
            #expect(try await engine.inspectContainer(id).state.status == .paused)
            let frozen = Self.counter(test, id)
            #expect(frozen > 0)
            try await Task.sleep(for: .milliseconds(400))
            #expect(Self.counter(test, id) == frozen)
            await expectEngineError(.invalidState) { try await engine.pauseContainer(id) }
            await expectEngineError(.invalidState) { try await engine.killContainer(id) }
            try await engine.unpauseContainer(id)
            await expectEngineError(.invalidState) { try await engine.unpauseContainer(id) }
            try await Task.sleep(for: .milliseconds(300))
            #expect(Self.counter(test, id) > frozen)
            // Stop works on a paused container too.
            try await engine.pauseContainer(id)
            try await engine.stopContainer(id, timeout: 1)
            #expect(try await engine.inspectContainer(id).state.status == .stopped)
        }
    }

    @Test("exec: exit codes, output on both streams, env, user, workdir, stdin")
    func exec() async throws {
        try await TestEngine.with { test in
            let engine = test.engine
            let id = try await test.create(["sleep", "1000"])
            await expectEngineError(.invalidState) {
                _ = try await engine.execContainer(id, ExecOptions(command: ["true"]))
            }
            try await engine.startContainer(id)
            let result = try await engine.execContainer(
                id,
                ExecOptions(
                    command: ["/bin/sh", "-c", "echo out $GREETING; echo err >&2; id -u; pwd; exit 3"],
                    environment: ["GREETING=hi"], user: "nobody", workingDirectory: "/tmp"))
            #expect(result.exitCode == 3)
            #expect(String(decoding: result.stdout, as: UTF8.self) == "out hi\n65534\n/tmp\n")
            #expect(String(decoding: result.stderr, as: UTF8.self) == "err\n")
            let cat = try await engine.execContainer(id, ExecOptions(command: ["cat"], stdin: Array("fed\n".utf8)))
            #expect(cat.stdout == Array("fed\n".utf8))
            #expect(cat.exitCode == 0)
            let missing = try await engine.execContainer(id, ExecOptions(command: ["/no/such"]))
            #expect(missing.exitCode == 127)
            #expect(try await engine.inspectContainer(id).execSessions.isEmpty)
            let events = try await engine.events(EventFilter(actions: ["exec"], subject: id))
            #expect(events.count == 3)
        }
    }

    @Test("exec streams its output as it comes; runc's failure arrives as stderr with 127")
    func execStreams() async throws {
        try await TestEngine.with { test in
            let engine = test.engine
            let id = try await test.create(["sleep", "1000"])
            try await engine.startContainer(id)
            let clock = ContinuousClock()
            let start = clock.now
            let firstChunk = Mutex<Duration?>(nil)
            let chunks = AttachTests.Collected()
            let (_, code) = try await engine.execContainer(
                id, ExecOptions(command: ["/bin/sh", "-c", "echo early; sleep 0.6; echo late >&2; exit 2"])
            ) { stream, bytes in
                firstChunk.withLock { if $0 == nil { $0 = clock.now - start } }
                chunks.add(stream, bytes)
            }
            let total = clock.now - start
            #expect(code == 2)
            #expect(chunks.text(.stdout) == "early\n")
            #expect(chunks.text(.stderr) == "late\n")
            let first = try #require(firstChunk.withLock { $0 })
            #expect(total - first > .milliseconds(400))
            let missing = AttachTests.Collected()
            let (_, missingCode) = try await engine.execContainer(id, ExecOptions(command: ["/no/such"])) {
                missing.add($0, $1)
            }
            #expect(missingCode == 127)
            #expect(missing.text(.stderr).contains("no such file"))
            #expect(!missing.text(.stderr).contains("time="))
        }
    }

    @Test("exec sessions are recorded while they run")
    func execSessionRecorded() async throws {
        try await TestEngine.with { test in
            let engine = test.engine
            let id = try await test.create(["sleep", "1000"])
            try await engine.startContainer(id)
            let running = Task { try await engine.execContainer(id, ExecOptions(command: ["sleep", "2"])) }
            var sessions: [ExecSession] = []
            for _ in 0..<100 where sessions.isEmpty {
                try await Task.sleep(for: .milliseconds(20))
                sessions = try await engine.inspectContainer(id).execSessions
            }
            #expect(sessions.count == 1)
            #expect(sessions.first?.command == ["sleep", "2"])
            #expect(sessions.first?.running == true)
            #expect(try await running.value.exitCode == 0)
            #expect(try await engine.inspectContainer(id).execSessions.isEmpty)
        }
    }

    @Test("logs: content, streams, tail, since")
    func logs() async throws {
        try await TestEngine.with { test in
            let engine = test.engine
            let id = try await test.create([
                "/bin/sh", "-c", "echo one; echo two >&2; sleep 0.3; echo three; printf partial",
            ])
            try await engine.startContainer(id)
            #expect(try await engine.waitContainer(id) == 0)
            let all = try await engine.logs(id)
            #expect(all.map(\.text) == ["one", "two", "three", "partial"])
            #expect(all.map(\.stream) == [.stdout, .stderr, .stdout, .stdout])
            #expect(try await engine.logs(id, LogOptions(streams: [.stderr])).map(\.text) == ["two"])
            #expect(try await engine.logs(id, LogOptions(tail: 2)).map(\.text) == ["three", "partial"])
            let since = all[2].time
            #expect(try await engine.logs(id, LogOptions(since: since)).map(\.text) == ["three", "partial"])
            #expect(abs(all[0].time.timeIntervalSinceNow) < 30)
            #expect(all[0].formatted(timestamps: true).hasSuffix(" one"))
        }
    }

    @Test("mount and unmount are reference-counted; export contains a file written inside")
    func mountAndExport() async throws {
        try await TestEngine.with { test in
            let engine = test.engine
            let id = try await test.create(["/bin/sh", "-c", "echo written-inside > /root/proof; rm /hello.txt"])
            await expectEngineError(.invalidState) { try await engine.unmountContainer(id) }
            let path = try await engine.mountContainer(id)
            #expect(FileSystem.exists(path + "/bin/busybox"))
            #expect(FileSystem.readText(path + "/hello.txt") == "hello from layer 2\n")
            #expect(!FileSystem.exists(path + "/etc/removed"))
            #expect(FileSystem.list(path + "/etc/opaque") == ["new"])
            _ = try await engine.mountContainer(id)
            #expect(try await engine.inspectContainer(id).state.mountCount == 2)
            try await engine.unmountContainer(id)
            #expect(RootFilesystem.isMountPoint(path))
            try await engine.unmountContainer(id)
            #expect(!RootFilesystem.isMountPoint(path))
            try await engine.startContainer(id)
            #expect(try await engine.waitContainer(id) == 0)
            let tar = test.directory + "/export.tar"
            try await engine.exportContainer(id, toPath: tar)
            let listing = try await TestImage.sh(["/usr/bin/tar", "-tf", tar])
            #expect(listing.contains("root/proof"))
            #expect(listing.contains("bin/busybox") || listing.contains("usr/bin/busybox"))
            #expect(!listing.contains("hello.txt"))
            let proof = try await TestImage.sh(["/usr/bin/tar", "-xOf", tar, "root/proof"])
            #expect(proof == "written-inside\n")
            #expect(try await engine.inspectContainer(id).state.mountCount == 0)
        }
    }

    @Test("the runtime's mount cannot be unmounted while running")
    func unmountWhileRunning() async throws {
        try await TestEngine.with { test in
            let id = try await test.create(["sleep", "1000"])
            try await test.engine.startContainer(id)
            await expectEngineError(.invalidState) { try await test.engine.unmountContainer(id) }
            _ = try await test.engine.mountContainer(id)
            try await test.engine.unmountContainer(id, force: true)
            #expect(try await test.engine.inspectContainer(id).state.mountCount == 1)
        }
    }

    @Test("artifacts: add, get, remove; traversal and bad names refused")
    func artifacts() async throws {
        try await TestEngine.with { test in
            let engine = test.engine
            let id = try await test.create(["true"])
            try await engine.addArtifact(id, name: "checkpoint.json", contents: Array("{}".utf8))
            #expect(try await engine.artifact(id, name: "checkpoint.json") == Array("{}".utf8))
            for bad in [
                "../escape", "..", ".", "a/b", "", "nul\0byte", String(repeating: "x", count: 300), "/etc/passwd",
            ] {
                await expectEngineError(.invalidArgument) { try await engine.addArtifact(id, name: bad, contents: [1]) }
                await expectEngineError(.invalidArgument) { _ = try await engine.artifact(id, name: bad) }
                await expectEngineError(.invalidArgument) { try await engine.removeArtifact(id, name: bad) }
            }
            #expect(!FileSystem.exists(test.options.storageRoot + "/containers/escape"))
            // A symlink planted in the folder is not followed.
            let folder = test.options.storageRoot + "/containers/\(id)/artifacts"
            symlink("/etc/hostname", folder + "/link")
            await expectEngineError(.internalError) { _ = try await engine.artifact(id, name: "link") }
            try await engine.removeArtifact(id, name: "checkpoint.json")
            await expectEngineError(.invalidArgument) { _ = try await engine.artifact(id, name: "checkpoint.json") }
        }
    }

    @Test("cleanup, sync, restart and batch")
    func cleanupSyncRestartBatch() async throws {
        try await TestEngine.with { test in
            let engine = test.engine
            let id = try await test.create(["sleep", "1000"])
            try await engine.startContainer(id)
            // Kill from outside the engine: Sync notices the exit.
            try await engine.runc.kill(id, signal: SIGKILL)
            _ = await engine.exits.wait(id, timeout: .seconds(5))
            let state = try await engine.syncContainer(id)
            #expect(state.status == .exited)
            #expect(state.exitCode == 137)
            try await engine.cleanupContainer(id)
            try await engine.restartContainer(id, timeout: 0)
            #expect(try await engine.inspectContainer(id).state.status == .running)
            let firstPID = try await engine.inspectContainer(id).state.pid
            try await engine.restartContainer(id, timeout: 0)
            let after = try await engine.inspectContainer(id).state
            #expect(after.status == .running)
            #expect(after.pid != firstPID)
            #expect(after.restartCount == 2)
            let observed = try await engine.batch(id) { (batch) throws(EngineError) -> [ContainerStatus] in
                var seen: [ContainerStatus] = [batch.state.status]
                try await batch.pause()
                seen.append(batch.state.status)
                try await batch.unpause()
                try await batch.stop(timeout: 0)
                seen.append(batch.state.status)
                return seen
            }
            #expect(observed == [.running, .paused, .stopped])
            #expect(try await engine.inspectContainer(id).state.status == .stopped)
        }
    }

    @Test("refresh after a simulated reboot re-creates created, running and paused containers")
    func refreshAfterReboot() async throws {
        let first = try await TestEngine.make(handlesExits: false)
        let engine = first.engine
        let created = try await first.create(["sleep", "1000"], name: "was-created")
        try await engine.initContainer(created)
        let running = try await first.create(["sleep", "1000"], name: "was-running")
        try await engine.startContainer(running)
        let paused = try await first.create(["sleep", "1000"], name: "was-paused")
        try await engine.startContainer(paused)
        try await engine.pauseContainer(paused)
        let exited = try await first.create(["true"], name: "was-exited")
        try await engine.startContainer(exited)
        _ = try await engine.waitContainer(exited)
        let configured = try await first.create(["true"], name: "was-configured")
        // The "reboot": every process and mount is gone, the run root is cleared.
        let test = try await first.reboot(killing: [created, running, paused])
        let rebooted = test.engine
        do {
            for id in [created, running, paused] {
                let state = try await rebooted.inspectContainer(id).state
                #expect(state.status == .created)
                #expect(try await rebooted.runc.state(id)?.status == "created")
            }
            #expect(try await rebooted.inspectContainer(exited).state.status == .exited)
            #expect(try await rebooted.inspectContainer(configured).state.status == .configured)
            try await rebooted.startContainer(running)
            #expect(try await rebooted.inspectContainer(running).state.status == .running)
            // Refresh without a reboot leaves running containers alone.
            let pid = try await rebooted.inspectContainer(running).state.pid
            try await rebooted.refresh()
            #expect(try await rebooted.inspectContainer(running).state.status == .running)
            #expect(try await rebooted.inspectContainer(running).state.pid == pid)
            // The marker is there now: another engine does not refresh again.
            let again = try await test.sibling()
            #expect(try await again.inspectContainer(running).state.status == .running)
        } catch {
            await test.tearDown()
            throw error
        }
        await test.tearDown()
    }

    @Test("config.json: Podman's capabilities without CAP_SYS_RESOURCE, clamped rlimits, masked paths, limits")
    func ociConfig() async throws {
        try await TestEngine.with { test in
            let engine = test.engine
            let id = try await test.create(["sleep", "1000"]) {
                $0.limits = ResourceLimits(memoryBytes: 64 << 20, pids: 50, cpus: 0.5)
                $0.readOnlyRootfs = true
                $0.hostname = "boxhost"
            }
            try await engine.startContainer(id)
            let json = FileSystem.readText(try await engine.inspectContainer(id).bundlePath + "/config.json") ?? ""
            #expect(!json.contains("CAP_SYS_RESOURCE"))
            #expect(json.contains("CAP_NET_BIND_SERVICE"))
            #expect(json.contains("/proc/kcore"))
            var limit = rlimit()
            getrlimit(__rlimit_resource_t(7), &limit)
            #expect(json.contains("\"hard\":\(limit.rlim_max)"))
            let memory = FileSystem.readText("/sys/fs/cgroup/memory/podlink/\(id)/memory.limit_in_bytes") ?? ""
            #expect(memory.filter(\.isNumber) == String(64 << 20))
            let pids = FileSystem.readText("/sys/fs/cgroup/pids/podlink/\(id)/pids.max") ?? ""
            #expect(pids.filter(\.isNumber) == "50")
            let write = try await engine.execContainer(id, ExecOptions(command: ["touch", "/x"]))
            #expect(write.exitCode != 0)
            let host = try await engine.execContainer(id, ExecOptions(command: ["hostname"]))
            #expect(host.stdout == Array("boxhost\n".utf8))
            let files = try await engine.execContainer(
                id, ExecOptions(command: ["cat", "/etc/hostname", "/etc/hosts"]))
            #expect(String(decoding: files.stdout, as: UTF8.self).hasPrefix("boxhost\n127.0.0.1\tlocalhost\n"))
            #expect(String(decoding: files.stdout, as: UTF8.self).contains("127.0.1.1\tboxhost\n"))
            let links = try await engine.execContainer(id, ExecOptions(command: ["ls", "/sys/class/net"]))
            #expect(String(decoding: links.stdout, as: UTF8.self) == "lo\n")
            try await engine.removeContainer(id, force: true)
            #expect(!FileSystem.exists("/sys/fs/cgroup/memory/podlink/\(id)"))
        }
    }

    @Test("a terminal: the process sees a tty and its output is logged")
    func tty() async throws {
        try await TestEngine.with { test in
            let id = try await test.create(["/bin/sh", "-c", "tty; test -t 1 && echo is-a-tty"]) { $0.tty = true }
            try await test.engine.startContainer(id)
            #expect(try await test.engine.waitContainer(id) == 0)
            let text = try await test.engine.logs(id).map(\.text).joined(separator: "|")
            #expect(text.contains("/dev/pts/0"))
            #expect(text.contains("is-a-tty"))
        }
    }

    @Test("host network and bind mounts")
    func hostNetworkAndBinds() async throws {
        try await TestEngine.with { test in
            let shared = test.directory + "/shared"
            try FileSystem.makeDirectories(shared)
            try FileSystem.write(shared + "/in", "from host\n")
            let id = try await test.create([
                "/bin/sh", "-c", "cat /mnt/in; echo back > /mnt/out; ls /sys/class/net | wc -l",
            ]) {
                $0.network = .host
                $0.mounts = [BindMount(source: shared, destination: "/mnt")]
            }
            try await test.engine.startContainer(id)
            #expect(try await test.engine.waitContainer(id) == 0)
            let lines = try await test.engine.logs(id).map(\.text)
            #expect(lines.first == "from host")
            #expect((Int(lines.last ?? "") ?? 0) > 1)
            #expect(FileSystem.readText(shared + "/out") == "back\n")
        }
    }

    @Test("copy fallback when overlay is not used, shown in inspect")
    func copyFallback() async throws {
        let directory = TestEngine.root + "/podlink-test-" + String(Identifier.random().prefix(12))
        var options = TestEngine.options(directory)
        options.useOverlay = false
        let engine = try await Engine(options: options)
        let test = TestEngine(directory: directory, engine: engine)
        do {
            _ = try await engine.loadImage(from: try await TestImage.layout(), name: "busybox")
            let id = try await test.create([
                "/bin/sh", "-c", "cat /hello.txt; ls /etc/opaque; test -e /etc/removed || echo gone",
            ])
            try await engine.startContainer(id)
            #expect(try await engine.waitContainer(id) == 0)
            #expect(try await engine.inspectContainer(id).state.rootfsKind == .copy)
            #expect(try await engine.logs(id).map(\.text) == ["hello from layer 2", "new", "gone"])
        } catch {
            await test.tearDown()
            throw error
        }
        await test.tearDown()
    }
}

@Suite("Attach")
struct AttachTests {
    final class Collected: Sendable {
        let chunks = Mutex<[(LogStream, [UInt8])]>([])
        func add(_ stream: LogStream, _ bytes: [UInt8]) { chunks.withLock { $0.append((stream, bytes)) } }
        func text(_ stream: LogStream) -> String {
            chunks.withLock { String(decoding: $0.filter { $0.0 == stream }.flatMap(\.1), as: UTF8.self) }
        }
    }

    @Test("StartAndAttach loses no output, separates the streams, and returns the exit code")
    func startAndAttach() async throws {
        try await TestEngine.with { test in
            let id = try await test.create(["/bin/sh", "-c", "echo first; echo oops >&2; echo last; exit 4"])
            let collected = Collected()
            let code = try await test.engine.startAndAttach(id) { collected.add($0, $1) }
            #expect(code == 4)
            #expect(collected.text(.stdout) == "first\nlast\n")
            #expect(collected.text(.stderr) == "oops\n")
        }
    }

    @Test("StartAndAttach feeds stdin")
    func attachStdin() async throws {
        try await TestEngine.with { test in
            let id = try await test.create(["/bin/sh", "-c", "read line; echo got $line"]) { $0.stdin = true }
            let collected = Collected()
            let code = try await test.engine.startAndAttach(id, stdin: Array("hello\n".utf8)) { collected.add($0, $1) }
            #expect(code == 0)
            #expect(collected.text(.stdout) == "got hello\n")
        }
    }
}
