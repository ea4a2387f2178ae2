internal import FoundationEssentials
internal import Glibc

/// The archive formats images are saved in.
public enum ImageArchiveFormat: String, Sendable, CaseIterable {
    /// An OCI image layout in a tar (`podman save --format oci-archive`).
    case ociArchive = "oci-archive"
    /// Docker's `docker save` tar (`podman save`'s default).
    case dockerArchive = "docker-archive"
}

extension Engine {
    /// Pushes the image `name` to `destination` (a qualified reference; the image's name when nil), sending the
    /// blobs the store kept, so that its digests stay what they were. `progress` hears of every blob before and
    /// after. Returns the digest of the manifest the registry holds.
    public func pushImage(
        _ name: String, to destination: String? = nil, access: RegistryAccess = RegistryAccess(),
        progress: @escaping @Sendable ([LayerProgress]) -> Void = { _ in }
    ) async throws(EngineError) -> String {
        let image = try store.image(name)
        let target = destination ?? (ImageReference(name)?.domain != nil ? name : image.names.first ?? name)
        guard let reference = ImageReference(target), let registry = reference.domain else {
            throw .invalidArgument("destination", "\(target) is not a reference with a registry (HOST/NAME[:TAG])")
        }
        let images = self.images
        let staging = try images.temporaryDirectory()
        defer { try? FileSystem.removeTree(staging) }
        let blobs = try await Offload.run { () throws(EngineError) in
            try images.writeLayout(image, at: staging + "/layout", tag: "push")
        }
        let waiting = blobs.map { LayerProgress(digest: $0.digest, done: 0, total: $0.size ?? 0, state: .waiting) }
        progress(waiting)
        let digestFile = staging + "/digest"
        try await skopeo.copy(
            "oci:" + staging + "/layout:push", "docker://" + reference.transportReference, registry: registry,
            side: "dest", access.skopeo, extra: ["--digestfile", digestFile])
        progress(waiting.map { LayerProgress(digest: $0.digest, done: $0.total, total: $0.total, state: .done) })
        let digest = (FileSystem.readText(digestFile) ?? "").filter { !$0.isWhitespace }
        try store.appendImageEvent(image, action: .push, name: reference.description)
        return digest
    }

    /// Saves the image `name` as an archive of `format` at `path` on this host (a new file), named in it as
    /// `name`. Loading the archive gives back the same image id.
    public func saveImage(_ name: String, format: ImageArchiveFormat, to path: String) async throws(EngineError) {
        let path = try Checked.absolutePath(path, argument: "output")
        guard !FileSystem.exists(path) else { throw .invalidArgument("output", "\(path) exists already") }
        try await withSavedArchive(name, format: format) { (archive) throws(EngineError) in
            guard rename(archive, path) != 0 else { return }
            // Another file system: copied in chunks, beside the path first, then renamed into place.
            let partial = path + ".partial-" + Identifier.random().prefix(8)
            try await Offload.run { () throws(EngineError) in
                try FileSystem.withOpenFile(archive, flags: O_RDONLY) { (input) throws(EngineError) in
                    try FileSystem.withOpenFile(partial, flags: O_WRONLY | O_CREAT | O_EXCL, mode: 0o600) {
                        (output) throws(EngineError) in
                        try FileSystem.readChunks(input, size: 1 << 18, path: archive) { (chunk) throws(EngineError) in
                            try FileSystem.writeAll(output, chunk, path: partial)
                        }
                    }
                }
            }
            guard rename(partial, path) == 0 else {
                unlink(partial)
                throw .system("rename \(partial)", errno)
            }
        }
    }

    /// Saves the image `name` as an archive of `format` and hands its bytes to `sink` as they are read.
    public func saveImage(
        _ name: String, format: ImageArchiveFormat, streamingTo sink: @escaping ByteSink
    )
        async throws(EngineError)
    {
        try await withSavedArchive(name, format: format) { (archive) throws(EngineError) in
            let fd = open(archive, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw .system("open \(archive)", errno) }
            defer { close(fd) }
            try await BytePump.drain(fd, to: sink)
        }
    }

    /// Writes the image `name` as an archive of `format` in a directory of the store's own, runs `body` with its
    /// path, then removes what is left of it.
    private func withSavedArchive(
        _ name: String, format: ImageArchiveFormat, _ body: (String) async throws(EngineError) -> Void
    ) async throws(EngineError) {
        let image = try store.image(name)
        // Named in the archive as asked, when that is one of its names.
        let asked = try? ImageStore.normalizedName(name)
        let named = image.names.first(where: { $0 == asked }) ?? image.names.first
        let images = self.images
        let staging = try images.temporaryDirectory()
        defer { try? FileSystem.removeTree(staging) }
        _ = try await Offload.run { () throws(EngineError) in
            try images.writeLayout(image, at: staging + "/layout", tag: "save")
        }
        let archive = staging + "/archive.tar"
        let destination: String
        switch format {
        case .ociArchive: destination = "oci-archive:" + archive + (named.map { ":" + $0 } ?? "")
        case .dockerArchive: destination = "docker-archive:" + archive + (named.map { ":" + $0 } ?? "")
        }
        try await skopeo.copy(
            "oci:" + staging + "/layout:save", destination, registry: "", side: "dest", RegistryAccess().skopeo)
        try await body(archive)
        try store.appendImageEvent(image, action: .save, name: named ?? "")
    }

    /// Checks `username` and `password` against `registry` and stores them in the auth file pulls and pushes
    /// read (as `podman login`).
    public func login(
        _ registry: String, username: String, password: String, tlsVerify: Bool? = nil
    ) async throws(EngineError) {
        guard ImageReference.isDomain(registry) else {
            throw .invalidArgument("registry", "\(registry) is not a registry (HOST[:PORT])")
        }
        try await skopeo.login(
            registry, Skopeo.Credentials(username: username, password: password), tlsVerify: tlsVerify)
    }

    /// Forgets the stored credentials of `registry`, or of every registry when nil (as `podman logout`).
    public func logout(_ registry: String?) async throws(EngineError) {
        if let registry, !ImageReference.isDomain(registry) {
            throw .invalidArgument("registry", "\(registry) is not a registry (HOST[:PORT])")
        }
        try await skopeo.logout(registry)
    }
}
