internal import FoundationEssentials
internal import Glibc

extension Engine {
    /// Checks an artifact name: not empty, at most 255 bytes, no `/`, no NUL, not `.` or `..`.
    static func validateArtifactName(_ name: String) throws(EngineError) {
        guard !name.isEmpty, name.utf8.count <= 255, !name.contains("/"), !name.contains("\0"), name != ".",
            name != ".."
        else {
            throw .invalidArgument("artifact", "\(name.debugDescription) is not a valid artifact name")
        }
    }

    private func artifactPath(_ reference: String, _ name: String) throws(EngineError) -> String {
        try Self.validateArtifactName(name)
        let record = try store.container(reference)
        return paths(record.config.id).artifacts + "/" + name
    }

    /// Stores a named artifact with the container.
    public func addArtifact(_ reference: String, name: String, contents: [UInt8]) async throws(EngineError) {
        let path = try artifactPath(reference, name)
        try FileSystem.makeDirectories(FileSystem.parent(of: path), mode: 0o700)
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard fd >= 0 else { throw .system("open artifact \(name)", errno) }
        close(fd)
        try FileSystem.write(path, contents, mode: 0o600)
    }

    /// Reads a named artifact.
    public func artifact(_ reference: String, name: String) async throws(EngineError) -> [UInt8] {
        let path = try artifactPath(reference, name)
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else {
            if errno == ENOENT { throw .invalidArgument("artifact", "no artifact \(name)") }
            throw .system("open artifact \(name)", errno)
        }
        close(fd)
        return try FileSystem.read(path)
    }

    /// Removes a named artifact.
    public func removeArtifact(_ reference: String, name: String) async throws(EngineError) {
        let path = try artifactPath(reference, name)
        guard unlink(path) == 0 else {
            if errno == ENOENT { throw .invalidArgument("artifact", "no artifact \(name)") }
            throw .system("remove artifact \(name)", errno)
        }
    }
}
