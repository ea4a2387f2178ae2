internal import FoundationEssentials
internal import Glibc

/// skopeo, the engine's registry transport: the containers/image library Podman is built on, so registries.conf
/// (mirrors, insecure and blocked registries), `certs.d` and the auth files mean to Podlink what they mean to Podman.
/// Credentials given with a call go to skopeo in an auth file of the call's own (mode 0600), never on its command
/// line, which every local user can read.
struct Skopeo: Sendable {
    let options: RegistryOptions
    /// Where a call's own auth file is written (the image store's temporary directory).
    let temporaryDirectory: String

    /// Credentials for one call.
    struct Credentials: Sendable {
        var username: String
        var password: String
    }

    /// How one call reaches its registry.
    struct Access: Sendable {
        /// Overrides registries.conf's `insecure` for the registry: false allows plain HTTP and unverified TLS.
        var tlsVerify: Bool?
        var credentials: Credentials?
    }

    /// The arguments common to every call on the source (`src`) or destination (`dest`) side of `registry`.
    /// skopeo's certificate directory holds one registry's files; the configured one holds a directory per
    /// registry (`HOST[:PORT]/ca.crt`, as containers' certs.d), so the registry's own is passed.
    private func accessArguments(
        _ side: String?, _ access: Access, authFile: String?, registry: String
    ) -> [String] {
        let prefix = side.map { $0 + "-" } ?? ""
        var arguments: [String] = []
        if let authFile = authFile ?? options.authFile { arguments += ["--\(prefix)authfile", authFile] }
        if let directory = options.certificatesDirectory, !registry.isEmpty {
            arguments += ["--\(prefix)cert-dir", directory + "/" + registry]
        }
        if let verify = access.tlsVerify { arguments.append("--\(prefix)tls-verify=\(verify)") }
        return arguments
    }

    private var globalArguments: [String] {
        ["--registries-conf", options.configurationPath] + (options.policyPath.map { ["--policy", $0] } ?? [])
    }

    /// Runs `body` with the path of an auth file holding the call's credentials (nil without credentials); the file
    /// is removed afterwards.
    private func withAuthFile<T>(
        _ access: Access, registry: String, _ body: (String?) async throws(EngineError) -> T
    ) async throws(EngineError) -> T {
        guard let credentials = access.credentials else { return try await body(nil) }
        let path = temporaryDirectory + "/" + Identifier.random().prefix(16) + ".auth.json"
        let token = Array((credentials.username + ":" + credentials.password).utf8)
        let auth = ["auths": [registry: ["auth": Data(token).base64EncodedString()]]]
        let bytes: [UInt8]
        do {
            bytes = Array(try JSONEncoder().encode(auth))
        } catch {
            throw .internalError("encode credentials: \(error)")
        }
        try FileSystem.write(path, bytes, mode: 0o600)
        defer { unlink(path) }
        return try await body(path)
    }

    /// The raw manifest (or index) of `reference`, as the registry serves it.
    func rawManifest(_ reference: ImageReference, _ access: Access) async throws(EngineError) -> [UInt8] {
        let registry = reference.domain ?? ""
        return try await withAuthFile(access, registry: registry) { (authFile) throws(EngineError) in
            let output = try await run(
                ["inspect", "--raw", "--no-tags"] + accessArguments(nil, access, authFile: authFile, registry: registry)
                    + ["docker://" + reference.transportReference])
            guard output.status == 0 else { throw Self.failure(output.stderrText, registry: registry) }
            return output.stdout
        }
    }

    /// Copies `source` to `destination` (transport references), with `access` on the registry side, `side`.
    func copy(
        _ source: String, _ destination: String, registry: String, side: String, _ access: Access,
        extra: [String] = []
    ) async throws(EngineError) {
        try await withAuthFile(access, registry: registry) { (authFile) throws(EngineError) in
            let output = try await run(
                ["copy", "--quiet"] + extra + accessArguments(side, access, authFile: authFile, registry: registry) + [
                    source, destination,
                ])
            guard output.status == 0 else { throw Self.failure(output.stderrText, registry: registry) }
        }
    }

    /// Checks the credentials against `registry` and stores them in the auth file.
    func login(_ registry: String, _ credentials: Credentials, tlsVerify: Bool?) async throws(EngineError) {
        var arguments = ["login", "--username", credentials.username, "--password-stdin"]
        arguments += accessArguments(nil, Access(tlsVerify: tlsVerify), authFile: nil, registry: registry)
        let output = try await run(arguments + [registry], stdin: Array(credentials.password.utf8))
        guard output.status == 0 else { throw Self.failure(output.stderrText, registry: registry) }
    }

    /// Removes the stored credentials of `registry`, or of every registry when nil.
    func logout(_ registry: String?) async throws(EngineError) {
        var arguments = ["logout"]
        if let authFile = options.authFile { arguments += ["--authfile", authFile] }
        let output = try await run(arguments + (registry.map { [$0] } ?? ["--all"]))
        guard output.status == 0 else {
            let text = output.stderrText
            if text.contains("not logged into") {
                throw .invalidArgument("registry", "not logged in to \(registry ?? "any registry")")
            }
            throw Self.failure(text, registry: registry ?? "")
        }
    }

    private func run(_ arguments: [String], stdin: [UInt8]? = nil) async throws(EngineError) -> ProcessOutput {
        guard access(options.skopeoPath, X_OK) == 0 else {
            throw .runtimeError("skopeo is not installed at \(options.skopeoPath)")
        }
        return try await ProcessRunner.run(
            options.skopeoPath, [options.skopeoPath] + globalArguments + arguments, stdin: stdin,
            timeout: options.timeout)
    }

    /// The typed error for skopeo's words about `registry`.
    static func failure(_ stderr: String, registry: String) -> EngineError {
        let lines = stderr.split(separator: "\n").map { String($0) }
        var reason = lines.last(where: { !$0.isEmpty }) ?? "skopeo failed"
        // skopeo prefixes its fatal line with its log fields.
        if let start = reason.firstRange(of: "msg=\"") {
            reason = String(reason[start.upperBound...])
            if reason.hasSuffix("\"") { reason.removeLast() }
            reason = reason.split(separator: "\\\"", omittingEmptySubsequences: false).joined(separator: "\"")
        }
        let lower = reason.lowercased()
        // Status codes as words of their own: ports and digests hold the same digits.
        let words = Set(lower.split(whereSeparator: { !$0.isLetter && !$0.isNumber }))
        if lower.contains("manifest unknown") || lower.contains("name unknown") || lower.contains("not found")
            || words.contains("404")
        {
            return EngineError(code: .notInRegistry, message: reason, subject: registry)
        }
        if lower.contains("unauthorized") || lower.contains("authentication required")
            || lower.contains("invalid username/password") || lower.contains("denied") || words.contains("401")
        {
            return .registryUnauthorized(registry, reason)
        }
        if lower.contains("digest") && (lower.contains("did not match") || lower.contains("mismatch")) {
            return .registryRefused(registry, reason)
        }
        if lower.contains("blocked") { return .registryRefused(registry, reason) }
        if lower.contains("dial tcp") || lower.contains("connection refused") || lower.contains("no such host")
            || lower.contains("i/o timeout") || lower.contains("x509") || lower.contains("tls")
            || lower.contains("http response to https client") || lower.contains("pinging container registry")
            || lower.contains("connection reset") || lower.contains("eof")
        {
            return .registryUnreachable(registry, reason)
        }
        return .registryRefused(registry, reason)
    }
}
