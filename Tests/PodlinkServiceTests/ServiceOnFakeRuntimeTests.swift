import Engine
import EngineTestSupport
import Foundation
import PodlinkAPI
import PodlinkService
import PodlinkTestSupport
import Testing
import Varlink

/// io.podlink through the dispatcher, in process (the loopback transport), on an engine whose runtime is the fake:
/// the wire types, the one conversion of engine errors and the service's conversions, without a socket or runc.
@Suite("The service on a fake runtime")
struct ServiceOnFakeRuntimeTests {
    /// A service over a fresh engine with a one-file image imported as `tiny`.
    struct Fixture {
        let directory: String
        let engine: Engine
        let client: IoPodlinkClient

        static func make() async throws -> Fixture {
            let base = ProcessInfo.processInfo.environment["PODLINK_TEST_TMP"] ?? "/dev/shm"
            let directory = base + "/podlink-service-" + UUID().uuidString.prefix(12)
            try FileManager.default.createDirectory(
                atPath: directory + "/rootfs/etc", withIntermediateDirectories: true)
            try "root:x:0:0:root:/root:/bin/sh\n".write(
                toFile: directory + "/rootfs/etc/passwd", atomically: false, encoding: .utf8)
            let tar = try ChildProcess(
                "/usr/bin/tar", arguments: ["-C", directory + "/rootfs", "-cf", directory + "/rootfs.tar", "."])
            #expect(await tar.wait() == 0)
            var options = EngineOptions(storageRoot: directory + "/storage", runRoot: directory + "/run")
            options.useOverlay = false
            let engine = try await Engine(options: options, runtime: FakeRuntime())
            let implementation = EngineService(engine: engine, options: options)
            let service = VarlinkService(
                info: .init(vendor: "Podlink", product: "tests", version: "1", url: "https://example.org"),
                interfaces: [implementation], errorMapper: EngineService.mapUndeclared)
            let client = IoPodlinkClient(transport: VarlinkLoopbackTransport(service: service))
            _ = try await client.importImage(source: directory + "/rootfs.tar", reference: "tiny")
            return Fixture(directory: directory, engine: engine, client: client)
        }

        func tearDown() async {
            for container in (try? await engine.listContainers()) ?? [] {
                try? await engine.removeContainer(container.id, force: true)
            }
            try? FileManager.default.removeItem(atPath: directory)
        }
    }

    static func with(_ body: (Fixture) async throws -> Void) async throws {
        try await withTearDown(try await Fixture.make(), tearDown: { await $0.tearDown() }, body)
    }

    @Test("a container's life through the client: create, start, wait, inspect, remove")
    func lifecycleThroughTheClient() async throws {
        try await Self.with { fixture in
            let client = fixture.client
            let id = try await client.createContainer(
                create: .init(image: "tiny", name: "seven", command: ["exit", "7"])
            )
            .container
            #expect(try await client.startContainer(name: "seven").container == id)
            #expect(try await client.waitContainer(name: id).exitcode == 7)
            let inspect = try await client.inspectContainer(name: "seven").container
            #expect(inspect.state.status == .exited && inspect.state.exitCode == 7 && inspect.runtime == "fake")
            #expect(try await client.removeContainer(name: "seven").container == id)
            #expect(try await client.containerExists(name: "seven").exists == false)
        }
    }

    @Test("engine errors arrive as the interface's declared errors, with their parameters")
    func engineErrorsAreTyped() async throws {
        try await Self.with { fixture in
            let client = fixture.client
            await #expect(throws: IoPodlinkError.containerNotFound(id: "ghost")) {
                try await client.startContainer(name: "ghost")
            }
            await #expect(throws: IoPodlinkError.imageNotFound(id: "nope")) {
                try await client.createContainer(create: .init(image: "nope"))
            }
            _ = try await client.createContainer(create: .init(image: "tiny", name: "idle", command: ["sleep"]))
            await #expect(throws: IoPodlinkError.alreadyStopped(id: "idle")) {
                try await client.stopContainer(name: "idle")
            }
            await #expect(throws: IoPodlinkError.invalidState(id: "idle", state: .configured, operation: "pause")) {
                try await client.pauseContainer(name: "idle")
            }
            await #expect(throws: IoPodlinkError.nameInUse(name: "idle")) {
                try await client.createContainer(create: .init(image: "tiny", name: "idle", command: ["sleep"]))
            }
        }
    }

    @Test("extreme numbers in every numeric argument are refused as InvalidArgument naming it")
    func extremeNumbersAreRefused() async throws {
        try await Self.with { fixture in
            let client = fixture.client
            let creates: [(String, IoPodlink.Create)] = [
                ("cpus", .init(image: "tiny", command: ["sleep"], cpus: 1e300)),
                ("cpus", .init(image: "tiny", command: ["sleep"], cpus: -0.5)),
                ("memory", .init(image: "tiny", command: ["sleep"], memory: .min)),
                ("pids", .init(image: "tiny", command: ["sleep"], pids: -1)),
                ("stop_signal", .init(image: "tiny", command: ["sleep"], stopSignal: .max)),
                ("stop_signal", .init(image: "tiny", command: ["sleep"], stopSignal: 0)),
                ("stop_timeout", .init(image: "tiny", command: ["sleep"], stopTimeout: .max)),
                ("stop_timeout", .init(image: "tiny", command: ["sleep"], stopTimeout: -1)),
            ]
            for (argument, create) in creates {
                await #expect {
                    try await client.createContainer(create: create)
                } throws: { error in
                    guard case .invalidArgument(let named, _) = error as? IoPodlinkError else { return false }
                    return named == argument
                }
            }
            let ports: [IoPodlink.PortMapping] = [
                .init(hostPort: 80, containerPort: 80, range: .max),
                .init(hostPort: 80, containerPort: 80, range: .min),
                .init(hostPort: .max, containerPort: 80), .init(hostPort: 0, containerPort: .max),
                .init(hostPort: -1, containerPort: 80), .init(hostPort: 0, containerPort: 80, range: 2),
                .init(hostIp: "999.0.0.1", hostPort: 80, containerPort: 80),
            ]
            for port in ports {
                await #expect {
                    try await client.createContainer(
                        create: .init(image: "tiny", command: ["sleep"], network: .bridge, ports: [port]))
                } throws: { error in
                    guard case .invalidArgument("ports", _) = error as? IoPodlinkError else { return false }
                    return true
                }
            }
            #expect(try await client.listContainers().containers.isEmpty)
            _ = try await client.createContainer(create: .init(image: "tiny", name: "running", command: ["sleep"]))
            _ = try await client.startContainer(name: "running")
            func refused(_ argument: String, _ call: () async throws -> Void) async {
                await #expect {
                    try await call()
                } throws: { error in
                    guard case .invalidArgument(let named, _) = error as? IoPodlinkError else { return false }
                    return named == argument
                }
            }
            for signal in [Int.min, -1, 0, 65, Int.max] {
                await refused("signal") { _ = try await client.killContainer(name: "running", signal: signal) }
            }
            for timeout in [Int.min, -1, Int.max] {
                await refused("timeout") { _ = try await client.stopContainer(name: "running", timeout: timeout) }
                await refused("timeout") { _ = try await client.restartContainer(name: "running", timeout: timeout) }
            }
            await refused("tail") { _ = try await client.getContainerLogs(name: "running", tail: .min) }
            await refused("signal") {
                _ = try await client.batchContainer(
                    name: "running", operations: [.init(operation: .pause), .init(operation: .kill, signal: .max)])
            }
            #expect(try await client.inspectContainer(name: "running").container.state.status == .running)
        }
    }

    @Test("GetVersion and GetInfo report this machine, from the engine")
    func hostFacts() async throws {
        try await Self.with { fixture in
            let host = fixture.engine.host
            #expect(try await fixture.client.getVersion().osArch == "linux/\(host.architecture)")
            let info = try await fixture.client.getInfo()
            #expect(info.cpus == host.cpus && info.kernel == host.kernel && info.images == 1)
        }
    }
}
