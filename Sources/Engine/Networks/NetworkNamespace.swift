/// A named network namespace (`ip netns`, a bind mount under `/run/netns`), as Podman makes one per container
/// before netavark sets it up; the OCI runtime joins it by path.
enum NetworkNamespace {
    /// `ip`.
    static let ip = "/usr/sbin/ip"

    /// The namespace's name for a container.
    static func name(for containerID: String) -> String { "podlink-" + containerID.prefix(16) }

    /// The path the runtime joins.
    static func path(_ name: String) -> String { "/run/netns/" + name }

    /// Makes the namespace (its loopback up) and returns its path.
    static func create(_ name: String) async throws(EngineError) -> String {
        try await ip(["netns", "add", name])
        do {
            try await ip(["-n", name, "link", "set", "lo", "up"])
        } catch {
            try? await delete(name)
            throw error
        }
        return path(name)
    }

    /// Removes the namespace; one that is gone is fine.
    static func delete(_ name: String) async throws(EngineError) {
        let output = try await ProcessRunner.run(ip, [ip, "netns", "delete", name], timeout: .seconds(30))
        if output.status != 0 && !output.stderrText.contains("No such file") {
            throw .runtimeError("ip netns delete \(name): \(output.stderrText)")
        }
    }

    private static func ip(_ arguments: [String]) async throws(EngineError) {
        let output = try await ProcessRunner.run(ip, [ip] + arguments, timeout: .seconds(30))
        guard output.status == 0 else {
            throw .runtimeError("ip \(arguments.joined(separator: " ")): \(output.stderrText)")
        }
    }
}
