import CSpawn
import CVarlink

#if canImport(Glibc)
import Glibc
#endif

/// Starting helper processes with chosen file descriptors (Foundation's Process cannot pass extra ones).
enum ProcessSupport {
    static func currentEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }

    /// The full path of `command`, searched in `PATH` when it has no slash.
    static func resolve(_ command: String) -> String? {
        if command.contains("/") { return access(command, X_OK) == 0 ? command : nil }
        let path = currentEnvironment()["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = "\(directory)/\(command)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    private static func withCStrings<R>(
        _ strings: [String], _ body: ([UnsafeMutablePointer<CChar>?]) throws -> R
    )
        rethrows -> R
    {
        let pointers = strings.map { strdup($0) } + [nil]
        defer { for pointer in pointers { free(pointer) } }
        return try body(pointers)
    }

    /// Spawns `executable`; child fd i is `fds[i]`.
    static func spawn(
        _ executable: String, arguments: [String], environment: [String: String]?, fds: [Int32]
    )
        throws -> pid_t
    {
        var env = environment ?? currentEnvironment()
        for key in ["LISTEN_FDS", "LISTEN_PID", "LISTEN_FDNAMES"] { env[key] = nil }
        var pid: pid_t = 0
        let targets = fds.indices.map(Int32.init)
        let rc = withCStrings(arguments) { argv in
            withCStrings(env.map { "\($0.key)=\($0.value)" }) { envp in
                cspawn_spawn(executable, argv, envp, fds, targets, fds.count, 0, nil, &pid)
            }
        }
        if rc != 0 {
            throw VarlinkConnection.ConnectionError(
                description: "cannot start \(executable): \(String(cString: strerror(rc)))")
        }
        return pid
    }

    /// Spawns `executable` with `listenFD` as fd 3 and the socket activation variables set.
    static func spawnActivated(
        _ executable: String, arguments: [String], environment: [String: String], listenFD: Int32
    ) throws -> pid_t {
        let pid = withCStrings(arguments) { argv in
            withCStrings(environment.map { "\($0.key)=\($0.value)" }) { envp in
                cvarlink_spawn_activated(executable, argv, envp, listenFD)
            }
        }
        if pid < 0 {
            throw VarlinkConnection.ConnectionError(
                description: "cannot start \(executable): \(String(cString: strerror(-pid)))")
        }
        return pid
    }
}
