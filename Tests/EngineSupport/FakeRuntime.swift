public import Engine
import Glibc
import Synchronization

/// A container runtime without processes, for tests that need neither root's runc nor conmon: containers are
/// entries in a table, and a process "ends" when the fake writes its exit file, as conmon would.
///
/// What a container's process does follows its command: `true` exits 0 and `false` 1 as soon as it starts,
/// `exit N` exits N, `ignore-term` ignores SIGTERM, anything else runs until a signal ends it (128 + the signal).
public final class FakeRuntime: ContainerRuntime {
    private struct Container {
        var status: String
        var pid: Int32
        var command: [String]
        var exitDirectory: String
    }

    private struct State {
        var containers: [String: Container] = [:]
        var nextPID: Int32 = 5_000_000
        var calls: [String] = []
    }

    private let state = Mutex(State())

    /// A runtime with no containers.
    public init() {}

    /// The runtime's name.
    public var name: String { "fake" }

    /// Every call so far, as `operation id` (`kill id 15` for a kill), in order.
    public var calls: [String] { state.withLock { $0.calls } }

    /// A typed runtime error, as runc's would be.
    private func failure(_ message: String) -> EngineError { .runtimeError(message) }

    /// Records a created container; a restore is refused (the fake has nothing to restore).
    public func create(_ request: RuntimeCreateRequest) async throws(EngineError) -> RuntimeProcess {
        guard request.restore == nil else { throw failure("the fake runtime cannot restore") }
        return try state.withLock { (state) throws(EngineError) -> RuntimeProcess in
            state.calls.append("create \(request.id)")
            guard state.containers[request.id] == nil else {
                throw failure("container with id \(request.id) already exists")
            }
            // Pids past Linux's largest: nothing in the test can signal a real process by mistake.
            state.nextPID += 1
            state.containers[request.id] = Container(
                status: "created", pid: state.nextPID, command: request.command,
                exitDirectory: request.exitDirectory)
            return RuntimeProcess(pid: state.nextPID, monitorPID: 0)
        }
    }

    /// Starts the process: a command that exits at once writes its exit file now.
    public func start(_ id: String) async throws(EngineError) {
        let exit = try state.withLock { (state) throws(EngineError) -> Int32? in
            state.calls.append("start \(id)")
            guard var container = state.containers[id] else { throw failure("container \(id) does not exist") }
            guard container.status == "created" else { throw failure("cannot start a container that has stopped") }
            container.status = "running"
            state.containers[id] = container
            switch container.command.first {
            case "true": return 0
            case "false": return 1
            case "exit": return Int32(container.command.dropFirst().first ?? "") ?? 0
            default: return nil
            }
        }
        if let exit { end(id, code: exit) }
    }

    /// Ends the process with 128 + `signal`, unless it is `ignore-term` and the signal is SIGTERM.
    public func kill(_ id: String, signal: Int32, all: Bool) async throws(EngineError) {
        let ends = try state.withLock { (state) throws(EngineError) -> Bool in
            state.calls.append("kill \(id) \(signal)")
            guard let container = state.containers[id] else { throw failure("container \(id) does not exist") }
            guard container.status != "stopped" else { throw failure("container not running") }
            return !(container.command.first == "ignore-term" && signal == SIGTERM)
        }
        if ends { end(id, code: 128 + signal) }
    }

    /// Freezes a running container.
    public func pause(_ id: String) async throws(EngineError) {
        try transition(id, "pause", from: "running", to: "paused")
    }

    /// Thaws a paused container.
    public func resume(_ id: String) async throws(EngineError) {
        try transition(id, "resume", from: "paused", to: "running")
    }

    /// The table's entry.
    public func state(_ id: String) async throws(EngineError) -> RuntimeState? {
        state.withLock { state in
            state.containers[id].map { RuntimeState(status: $0.status, pid: $0.status == "stopped" ? 0 : $0.pid) }
        }
    }

    /// Forgets the container; one still running ends first (as `runc delete --force` kills it).
    public func delete(_ id: String) async throws(EngineError) {
        let running = state.withLock { state -> Bool in
            state.calls.append("delete \(id)")
            return state.containers[id].map { $0.status != "stopped" } ?? false
        }
        if running { end(id, code: 137) }
        state.withLock { _ = $0.containers.removeValue(forKey: id) }
    }

    /// Ends a running process from outside (a crash, an OOM kill) with `code`.
    public func crash(_ id: String, code: Int32) {
        end(id, code: code)
    }

    private func transition(_ id: String, _ operation: String, from: String, to: String) throws(EngineError) {
        try state.withLock { (state) throws(EngineError) in
            state.calls.append("\(operation) \(id)")
            guard var container = state.containers[id] else { throw failure("container \(id) does not exist") }
            guard container.status == from else { throw failure("container not \(from)") }
            container.status = to
            state.containers[id] = container
        }
    }

    /// Marks the process stopped and writes its exit file, as conmon does when the process ends.
    private func end(_ id: String, code: Int32) {
        let directory = state.withLock { state -> String? in
            guard var container = state.containers[id], container.status != "stopped" else { return nil }
            container.status = "stopped"
            state.containers[id] = container
            return container.exitDirectory
        }
        guard let directory else { return }
        let path = directory + "/" + id
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return }
        let text = Array(String(code).utf8)
        _ = text.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
    }
}
