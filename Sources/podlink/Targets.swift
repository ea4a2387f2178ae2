import ArgumentParser

/// Runs an operation on each of several containers or images, as Podman does: an error for one is reported and
/// the others still run; the command then exits with 125.
enum Targets {
    static func each(_ names: [String], _ body: (String) async throws -> Void) async throws {
        var failed = false
        for name in names {
            do {
                try await body(name)
            } catch {
                Console.error(error)
                failed = true
            }
        }
        if failed { throw ExitCode(125) }
    }
}
