import Foundation
import PodlinkAPI
import PodlinkClient
import PodlinkTestSupport
import Testing
import Varlink
import VarlinkNIO

#if canImport(Glibc)
import Glibc
#endif

/// Pulls and pushes against Debian's docker-registry on 127.0.0.1, through the real socket and the CLI.
@Suite(
    "Registries",
    .enabled(
        if: PodlinkdFixture.available && FileManager.default.isExecutableFile(atPath: "/usr/bin/docker-registry"),
        "needs root, runc, conmon, podlinkd and docker-registry"),
    .timeLimit(.minutes(3)))
struct RegistryTests {
    /// A registry of its own: a free port on 127.0.0.1, storage and configuration in `directory`.
    final class Registry: @unchecked Sendable {
        let directory: String
        let port: Int
        let process: ChildProcess
        var address: String { "127.0.0.1:\(port)" }

        /// Starts the registry; `configure`, given its directory first, may write files there and returns YAML
        /// appended to the configuration: top-level keys (`auth:`), or keys of `http:` indented by two spaces (`tls:`).
        init(configure: (_ directory: String) async throws -> String = { _ in "" }) async throws {
            directory = PodlinkdFixture.root + "/podlink-e2e-registry-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            port = Self.freePort()
            let extra: String
            do {
                extra = try await configure(directory)
            } catch {
                try? FileManager.default.removeItem(atPath: directory)
                throw error
            }
            let config = """
                version: 0.1
                log:
                  level: error
                storage:
                  filesystem:
                    rootdirectory: \(directory)/data
                http:
                  addr: 127.0.0.1:\(port)
                \(extra)
                """
            try config.write(toFile: directory + "/config.yml", atomically: true, encoding: .utf8)
            process = try ChildProcess(
                "/usr/bin/docker-registry", arguments: ["serve", directory + "/config.yml"],
                output: directory + "/log")
            for _ in 0..<200 where !Self.listening(port) { try await Task.sleep(for: .milliseconds(25)) }
            guard Self.listening(port) else {
                let log = (try? String(contentsOfFile: directory + "/log", encoding: .utf8)) ?? ""
                await stop()
                throw PodlinkdFixture.Failure(description: "the registry did not start: \(log)")
            }
        }

        func stop() async {
            process.terminate()
            await process.wait()
            try? FileManager.default.removeItem(atPath: directory)
        }

        static func freePort() -> Int {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                    _ = bind(fd, pointer, length)
                    return getsockname(fd, pointer, &length)
                }
            }
            return Int(UInt16(bigEndian: address.sin_port))
        }

        static func listening(_ port: Int) -> Bool {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = UInt16(port).bigEndian
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
                }
            }
        }
    }

    static func podlink(_ fixture: PodlinkdFixture, _ arguments: String...) async -> CommandResult {
        await ChildProcess.run(
            [PodlinkdFixture.products + "/podlink", "--url", "unix:\(fixture.socket)"] + arguments, timeout: 120)
    }

    /// A service whose registries.conf searches the registry for unqualified names and allows it plain HTTP (unless
    /// not `insecure`), started with `arguments` besides.
    static func service(
        _ registry: Registry, insecure: Bool = true, arguments: [String] = []
    ) async throws -> PodlinkdFixture {
        let conf = registry.directory + "/registries.conf"
        try """
        unqualified-search-registries = ["\(registry.address)"]

        [[registry]]
        location = "\(registry.address)"
        insecure = \(insecure)
        """.write(toFile: conf, atomically: true, encoding: .utf8)
        return try await PodlinkdFixture(arguments: ["--registries-conf", conf] + arguments)
    }

    /// Runs `body` with a registry, a service that reaches it (``service(_:insecure:arguments:)``) and a client
    /// with the test image loaded; tears them down afterwards.
    static func withRegistryService(
        _ body: (Registry, PodlinkdFixture, IoPodlinkClient) async throws -> Void
    ) async throws {
        let registry = try await Registry()
        try await withTearDown(registry, tearDown: { await $0.stop() }) { registry in
            let fixture = try await Self.service(registry)
            try await withTearDown(fixture, tearDown: { await $0.tearDown() }) { fixture in
                let (client, connection) = try await fixture.clientWithImage()
                defer { Task { await connection.close() } }
                try await body(registry, fixture, client)
            }
        }
    }

    @Test func pushRemovePullBackByTagAndDigestAndRun() async throws {
        try await Self.withRegistryService { registry, fixture, client in
            let name = "\(registry.address)/tests/busybox:1"
            try await client.tagImage(name: "test:latest", tagged: name)
            let id = try await client.inspectImage(name: name).image.id
            let pushed = await Self.podlink(fixture, "push", "-q", name)
            #expect(pushed.status == 0, "\(pushed)")
            let digest = pushed.output.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(digest.hasPrefix("sha256:"), "\(pushed)")
            _ = try await client.removeImage(name: "test:latest", force: true)
            #expect(try await client.listImages().images.isEmpty)

            // Back through the unqualified name, with progress replies on the way.
            var progressReplies = 0
            var pulledID: String?
            for try await reply in client.pullImage(reference: "tests/busybox:1", .more) {
                if reply.progress != nil { progressReplies += 1 }
                if let image = reply.image { pulledID = image }
            }
            #expect(progressReplies > 0)
            #expect(pulledID == id, "the same config, so the same id")
            let image = try await client.inspectImage(name: name).image
            #expect(image.digest == digest, "the manifest pushed is the manifest pulled")

            // By digest; the layer blob is in the store, so nothing is fetched.
            var states: [IoPodlink.BlobProgress.State] = []
            for try await reply in client.pullImage(reference: "\(registry.address)/tests/busybox@\(digest)", .more) {
                states += reply.progress?.map(\.state) ?? []
            }
            #expect(!states.isEmpty && states.allSatisfy { $0 == .present }, "\(states)")

            let run = await Self.podlink(fixture, "run", "--rm", name, "echo", "pulled")
            #expect(run.status == 0 && run.output == "pulled\n", "\(run)")

            // A client with only the bridge (as over ssh) pulls and runs too.
            _ = try await client.removeImage(name: image.id, force: true)
            let bridgedPull = await TransferTests.bridged(fixture, ["pull", "-q", "tests/busybox:1"])
            #expect(bridgedPull.status == 0 && bridgedPull.output.contains(id), "\(bridgedPull)")
            let bridgedRun = await TransferTests.bridged(fixture, ["run", "--rm", name, "echo", "bridged"])
            #expect(bridgedRun.status == 0 && bridgedRun.output == "bridged\n", "\(bridgedRun)")

            // Saved and loaded: the same image id.
            for format in ["oci-archive", "docker-archive"] {
                let archive = fixture.directory + "/saved-\(format).tar"
                let saved = await Self.podlink(fixture, "save", "--format", format, "-o", archive, name)
                #expect(saved.status == 0, "\(saved)")
                _ = try await client.removeImage(name: image.id, force: true)
                let loaded = try await client.loadImage(name: nil, inputFile: archive).images
                #expect(loaded == [id], "\(format)")
            }
        }
    }

    @Test func registryFailuresAreTyped() async throws {
        let registry = try await Registry()
        try await withTearDown(registry, tearDown: { await $0.stop() }) { registry in
            let fixture = try await Self.service(registry)
            try await withTearDown(fixture, tearDown: { await $0.tearDown() }) { fixture in
                let (client, connection) = try await fixture.connect()
                defer { Task { await connection.close() } }
                await #expect(
                    throws: IoPodlinkError.imageNotInRegistry(
                        reference: "nothere", tried: ["\(registry.address)/nothere:latest"])
                ) { _ = try await client.pullImage(reference: "nothere") }
                let closed = Registry.freePort()
                await #expect {
                    _ = try await client.pullImage(reference: "127.0.0.1:\(closed)/busybox")
                } throws: { error in
                    guard case .registryUnreachable(let name, _) = error as? IoPodlinkError else { return false }
                    return name == "127.0.0.1:\(closed)"
                }
                await #expect {
                    _ = try await client.pullImage(reference: "Not A Reference")
                } throws: { error in
                    if case .invalidArgument = error as? IoPodlinkError { return true }
                    return false
                }
                // Nothing half-stored: no image, and the store's temporary directory is empty.
                #expect(try await client.listImages().images.isEmpty)
                let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.directory + "/storage/tmp")
                #expect(leftovers.isEmpty, "\(leftovers)")
                let pull = await Self.podlink(fixture, "pull", "nothere")
                #expect(pull.status == 125 && pull.error.contains("nothere"), "\(pull)")
            }
        }
    }

    @Test func aBlobWhoseDigestDoesNotMatchIsRefusedAndNothingStored() async throws {
        try await Self.withRegistryService { registry, fixture, client in
            let name = "\(registry.address)/tests/tampered:1"
            try await client.tagImage(name: "test:latest", tagged: name)
            #expect(await Self.podlink(fixture, "push", "-q", name).status == 0)
            _ = try await client.removeImage(name: "test:latest", force: true)
            // The registry's copy of the layer blob (its largest), its bytes changed in place (same size).
            let blobs = registry.directory + "/data/docker/registry/v2/blobs/sha256"
            let files = FileManager.default.subpaths(atPath: blobs)?.filter { $0.hasSuffix("/data") } ?? []
            func size(_ file: String) -> Int {
                ((try? FileManager.default.attributesOfItem(atPath: blobs + "/" + file))?[.size] as? Int) ?? 0
            }
            let data = blobs + "/" + (try #require(files.max { size($0) < size($1) }, "no blobs in \(blobs)"))
            var bytes = try #require(FileManager.default.contents(atPath: data))
            bytes[bytes.count / 2] ^= 0xff
            try bytes.write(to: URL(fileURLWithPath: data))
            await #expect {
                _ = try await client.pullImage(reference: name)
            } throws: { error in
                guard case .registryRefused(let refusing, let reason) = error as? IoPodlinkError else {
                    return false
                }
                return refusing == registry.address && reason.lowercased().contains("digest")
            }
            #expect(try await client.listImages().images.isEmpty)
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.directory + "/storage/tmp")
            #expect(leftovers.isEmpty, "\(leftovers)")
        }
    }
}
