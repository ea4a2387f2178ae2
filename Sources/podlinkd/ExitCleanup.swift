import Engine
import Logging
import Varlink
import VarlinkNIO

#if canImport(Glibc)
import Glibc
#endif

/// podlinkd as conmon's exit command: records one container's exit in the store, cleans up, and wakes the service
/// when the container's restart policy asks for a restart (a socket-activated service may have exited when idle;
/// connecting starts it, and it restarts the container as it starts).
enum ExitCleanup {
    /// The arguments that make conmon run this executable for an exit: podlinkd's own settings, then the
    /// `--container-exited` option (conmon appends the container's id).
    static func command(
        storageRoot: String, runRoot: String, runtime: String, conmon: String, address: String, config: String,
        extra: [String] = []
    ) -> [String] {
        [
            executable(), "--config", config, "--storage-root", storageRoot, "--run-root", runRoot, "--runtime",
            runtime, "--conmon", conmon, "--address", address,
        ] + extra + ["--container-exited"]
    }

    /// This process's executable.
    static func executable() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return CommandLine.arguments[0] }
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Handles the exit of `id` with an engine of its own, then wakes the service if a restart is due. While a
    /// service runs, it records the exit itself (it watches the exit files): this process then ends at once,
    /// without opening the store or taking the container's lock from under the service.
    static func run(id: String, options: EngineOptions, address: String, logger: Logger) async {
        if Engine.exitsAreWatched(runRoot: options.runRoot) { return }
        var options = options
        options.handlesExits = false
        options.subreaper = false
        options.opensExistingOnly = true
        do {
            let engine = try await Engine(options: options)
            guard await engine.containerExited(id) else { return }
        } catch {
            logger.error("exit of \(id.prefix(12)): \(error)")
            return
        }
        do {
            let connection = try await VarlinkConnection.connect(to: VarlinkAddress(parsing: address))
            _ = try await OrgVarlinkServiceClient(VarlinkClient(transport: connection)).getInfo()
            await connection.close()
        } catch {
            logger.warning("container \(id.prefix(12)) is due a restart, but the service cannot be reached: \(error)")
        }
    }
}
