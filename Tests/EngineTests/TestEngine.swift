import Glibc
import PodlinkTestSupport
import Testing

@testable import Engine

/// An engine over its own storage and run roots under /dev/shm, with the test image loaded as `busybox`.
struct TestEngine {
    /// Where tests keep their storage: `$PODLINK_TEST_TMP` (the test runner's own directory), else `/dev/shm`.
    static let root: String = {
        if let value = getenv("PODLINK_TEST_TMP"), let text = String(validatingCString: value), !text.isEmpty {
            return text
        }
        return "/dev/shm"
    }()

    let directory: String
    let engine: Engine

    var options: EngineOptions { engine.options }

    /// Options over `directory`, with networks of their own: a /16 and bridge names derived from the directory's
    /// random name, so that engines of tests running at once (and a service on the host) never share them.
    static func options(_ directory: String) -> EngineOptions {
        var options = EngineOptions(storageRoot: directory + "/storage", runRoot: directory + "/run")
        let tag = directory.suffix(4)
        let octet = 20 + (Int(tag, radix: 16) ?? 0) % 60
        options.networkPool = IPv4Subnet("10.\(octet).0.0/16")!
        options.bridgePrefix = "plte" + tag
        return options
    }

    /// Creates the engine; loads the image unless `loadImage` is false.
    /// `handlesExits: false` makes an engine that notices exits only when it operates on a container, as one whose
    /// machine is about to reboot under it.
    /// `runtime` replaces runc and conmon (a fake, say); `useOverlay: false` copies root filesystems instead of
    /// mounting them.
    static func make(
        loadImage: Bool = true, handlesExits: Bool = true, runtime: (any ContainerRuntime)? = nil,
        useOverlay: Bool = true
    ) async throws -> TestEngine {
        let directory = root + "/podlink-test-" + String(Identifier.random().prefix(12))
        var options = options(directory)
        options.handlesExits = handlesExits
        options.useOverlay = useOverlay
        let engine = try await Engine(options: options, runtime: runtime)
        if loadImage {
            _ = try await engine.loadImage(from: try await TestImage.layout(), name: "busybox")
        }
        return TestEngine(directory: directory, engine: engine)
    }

    /// A second engine over the same roots (as another process would open them).
    func sibling() async throws -> Engine {
        try await Engine(options: Self.options(directory))
    }

    /// A simulated reboot: the processes and mounts of `ids` are gone and the run root is cleared; returns the
    /// engine over the same roots as it is after the reboot (it refreshes as it opens), for the caller to tear down.
    func reboot(killing ids: [String]) async throws -> TestEngine {
        for id in ids {
            try? await engine.runtime.kill(id, signal: SIGKILL, all: true)
            try? await engine.runtime.resume(id)
            _ = await engine.exits.wait(id, timeout: .seconds(5))
            try await engine.runtime.delete(id)
            try RootFilesystem.unmount(options.storageRoot + "/containers/\(id)/merged")
        }
        try FileSystem.removeTree(options.runRoot)
        return TestEngine(directory: directory, engine: try await sibling())
    }

    /// Removes every container (forcibly) and the roots.
    func tearDown() async {
        // Several passes: a container others depend on can go only after them.
        for _ in 0..<4 {
            guard let containers = try? await engine.listContainers(), !containers.isEmpty else { break }
            for container in containers { try? await engine.removeContainer(container.id, force: true) }
        }
        for name in FileSystem.list(directory + "/storage/containers") {
            try? RootFilesystem.unmount(directory + "/storage/containers/" + name + "/merged")
        }
        try? FileSystem.removeTree(directory)
    }

    /// Runs `body` with a fresh engine and tears it down afterwards, whatever happens.
    static func with(
        loadImage: Bool = true, handlesExits: Bool = true, runtime: (any ContainerRuntime)? = nil,
        useOverlay: Bool = true, _ body: (TestEngine) async throws -> Void
    ) async throws {
        let test = try await make(
            loadImage: loadImage, handlesExits: handlesExits, runtime: runtime, useOverlay: useOverlay)
        try await withTearDown(test, tearDown: { await $0.tearDown() }, body)
    }

    /// Creates a busybox container running `command`.
    func create(
        _ command: [String], name: String? = nil, configure: (inout ContainerCreateOptions) -> Void = { _ in }
    )
        async throws -> String
    {
        var options = ContainerCreateOptions(image: "busybox", name: name, command: command)
        configure(&options)
        return try await engine.createContainer(options)
    }
}

/// Asserts that `body` throws an ``EngineError`` with `code`, and returns it.
@discardableResult
func expectEngineError(
    _ code: EngineError.Code, _ body: () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
) async -> EngineError? {
    do {
        try await body()
        Issue.record("expected \(code), nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as EngineError {
        #expect(error.code == code, "got \(error)", sourceLocation: sourceLocation)
        return error
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}
