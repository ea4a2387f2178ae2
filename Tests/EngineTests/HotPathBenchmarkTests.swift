import CSpawn
import Foundation
import Glibc
import Testing

@testable import Engine

/// The engine's create+start+wait+remove of `true`, against conmon + runc doing the same with nothing around them.
/// A benchmark, not part of `make test` (a bound on time fails under the suite's own parallel load): `make
/// bench-engine` runs it alone, release build, and prints the figures.
@Suite(
    "Hot path (benchmark)", .serialized,
    .enabled(if: ProcessInfo.processInfo.environment["PODLINK_BENCH"] == "1", "a benchmark: make bench-engine"))
struct HotPathBenchmarkTests {
    static func median(_ samples: [Duration]) -> Duration {
        let sorted = samples.sorted()
        return sorted[sorted.count / 2]
    }

    /// conmon (runc create) + runc start + exit file + runc delete on a ready bundle: the floor.
    static func bare(_ engine: Engine, bundle: String, id: String) async throws {
        var sync: [Int32] = [-1, -1]
        #expect(cspawn_pipe(&sync) == 0)
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { close(null) }
        let conmon = engine.options.conmonPath
        let arguments = [
            conmon, "--api-version", "1", "-c", id, "-u", id, "-r", engine.options.runtimePath, "-b", bundle, "-p",
            bundle + "/pidfile", "-n", id, "--exit-dir", engine.exitDirectory, "--full-attach", "--socket-dir-path",
            engine.socketDirectory, "-l", "k8s-file:" + bundle + "/ctr.log", "--log-level", "error", "--runtime-arg",
            "--root", "--runtime-arg", engine.runcRoot, "--conmon-pidfile", bundle + "/conmon.pid",
        ]
        let pid = try ChildProcesses.shared.spawn(
            conmon, arguments, environment: ChildProcesses.environment + ["_OCI_SYNCPIPE=3"],
            fds: [(null, 0), (null, 1), (null, 2), (sync[1], 3)], newSession: true)
        close(sync[1])
        // conmon keeps the sync pipe open while the container runs: read up to the end of its JSON reply.
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 512)
        while !reply.contains(UInt8(ascii: "}")) {
            let n = buffer.withUnsafeMutableBytes { read(sync[0], $0.baseAddress, $0.count) }
            if n <= 0 { break }
            reply += buffer[0..<n]
        }
        close(sync[0])
        #expect(String(decoding: reply, as: UTF8.self).contains("\"data\""))
        _ = await ChildProcesses.shared.wait(pid)
        try await engine.runc.start(id)
        #expect(await engine.exits.wait(id) == 0)
        try await engine.runc.delete(id)
        engine.exits.clear(id)
    }

    @Test("create+start+wait+remove of true costs little more than conmon + runc alone")
    func againstBareRuntime() async throws {
        try await TestEngine.with { test in
            let engine = test.engine
            let clock = ContinuousClock()
            // The bare bundle: the engine's own config.json for a `true` container, on a mounted root filesystem.
            let template = try await engine.createContainer(ContainerCreateOptions(image: "busybox", command: ["true"]))
            let rootfs = try await engine.mountContainer(template)
            let config = try await engine.inspectContainer(template).config
            let bundle = test.directory + "/bare"
            try FileSystem.makeDirectories(bundle)
            let spec = OCISpec.make(config: config, rootfs: rootfs, user: OCISpec.User(uid: 0, gid: 0), bundle: bundle)
            try OCISpec.writeNetworkFiles(config: config, bundle: bundle)
            try FileSystem.write(bundle + "/config.json", try spec.encoded())
            var bare: [Duration] = []
            var full: [Duration] = []
            for round in 0..<12 {
                let start = clock.now
                try await Self.bare(engine, bundle: bundle, id: "bare\(round)")
                bare.append(clock.now - start)
                let start2 = clock.now
                let id = try await engine.createContainer(ContainerCreateOptions(image: "busybox", command: ["true"]))
                try await engine.startContainer(id)
                #expect(try await engine.waitContainer(id) == 0)
                try await engine.removeContainer(id)
                full.append(clock.now - start2)
            }
            let bareMedian = Self.median(Array(bare.dropFirst(2)))
            let fullMedian = Self.median(Array(full.dropFirst(2)))
            let ratio = Double(fullMedian.components.attoseconds) / Double(bareMedian.components.attoseconds)
            print("hot path: engine median \(fullMedian), conmon+runc alone \(bareMedian), ratio \(ratio)")
            #expect(ratio < 2.5, "the engine should cost little more than conmon + runc alone")
        }
    }
}
