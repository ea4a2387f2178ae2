internal import FoundationEssentials
internal import Glibc

extension Engine {
    /// skopeo as this engine's options set it up.
    var skopeo: Skopeo { Skopeo(options: options.registries, temporaryDirectory: options.storageRoot + "/tmp") }

    /// Pulls `reference` from its registry (an unqualified name: from the first of registries.conf's
    /// `unqualified-search-registries` that has it), for the host's platform when it names a list, and stores it
    /// under its qualified name. Layer blobs the store holds are not fetched; `progress` hears of every blob as bytes
    /// move. Returns the image.
    public func pullImage(
        _ reference: String, access: RegistryAccess = RegistryAccess(),
        progress: @escaping @Sendable ([LayerProgress]) -> Void = { _ in }
    ) async throws(EngineError) -> ImageRecord {
        guard let parsed = ImageReference(reference) else {
            throw .invalidArgument("reference", "\(reference) is not an image reference")
        }
        var candidates = [parsed]
        if parsed.domain == nil {
            let registries = SearchRegistries.load(options.registries.configurationPath)
            guard !registries.isEmpty else {
                throw .invalidArgument(
                    "reference",
                    "\(reference) names no registry, and \(options.registries.configurationPath) lists no "
                        + "unqualified-search-registries")
            }
            candidates = registries.map { parsed.qualified(with: $0) }
        }
        var tried: [String] = []
        var failure: EngineError?
        for candidate in candidates {
            do {
                return try await pull(candidate, access, progress)
            } catch {
                tried.append(candidate.description)
                if error.code != .notInRegistry { failure = failure ?? error }
            }
        }
        // A registry that could not say (unreachable, refused) says more than the ones that had nothing.
        throw failure ?? .notInRegistry(reference, tried: tried)
    }

    private func pull(
        _ reference: ImageReference, _ access: RegistryAccess,
        _ progress: @escaping @Sendable ([LayerProgress]) -> Void
    ) async throws(EngineError) -> ImageRecord {
        let registry = reference.domain ?? ""
        var (manifestBytes, digest) = try await manifest(of: reference, access, expecting: reference.digest)
        // An index (or a Docker manifest list) has manifests and no config.
        if let index = try? ImageStore.decode(OCIImageFormat.Index.self, manifestBytes, "index") {
            let host = HostInfo.current()
            guard
                let entry = index.manifests.first(where: {
                    $0.platform?.os == host.os && $0.platform?.architecture == host.architecture
                })
            else {
                throw .registryRefused(registry, "\(reference) has no image for \(host.os)/\(host.architecture)")
            }
            var one = reference
            one.digest = entry.digest
            (manifestBytes, digest) = try await manifest(of: one, access, expecting: entry.digest)
        }
        let manifest = try ImageStore.decode(OCIImageFormat.Manifest.self, manifestBytes, "the manifest")
        guard manifest.schemaVersion == 2 else {
            throw .registryRefused(registry, "\(reference) has a schema \(manifest.schemaVersion ?? 0) manifest")
        }

        // skopeo copies into a layout of the call's own, which already holds the layer blobs the store keeps.
        let images = self.images
        let staging = try images.temporaryDirectory()
        defer { try? FileSystem.removeTree(staging) }
        try FileSystem.write(staging + "/oci-layout", #"{"imageLayoutVersion":"1.0.0"}"#)
        try FileSystem.makeDirectories(staging + "/blobs/sha256")
        var layers: [LayerProgress] = []
        for layer in manifest.layers {
            var entry = LayerProgress(digest: layer.digest, done: 0, total: layer.size ?? 0, state: .waiting)
            if images.hasBlob(layer.digest),
                link(try images.blobPath(layer.digest), staging + "/" + (try ImageStore.blobPath(layer.digest))) == 0
            {
                entry.state = .present
                entry.done = entry.total
            }
            layers.append(entry)
        }
        progress(layers)
        var source = reference
        source.digest = digest
        let watcher = PullWatcher(staging: staging, layers: layers, report: progress)
        let watching = Task { await watcher.run() }
        do {
            try await skopeo.copy(
                "docker://" + source.transportReference, "oci:" + staging + ":pull", registry: registry, side: "src",
                access.skopeo)
        } catch {
            watching.cancel()
            throw error
        }
        watching.cancel()
        await watching.value
        progress(
            layers.map { layer in
                var layer = layer
                if layer.state != .present {
                    layer.state = .done
                    layer.done = layer.total
                }
                return layer
            })
        // Named by tag, or by digest when that is all the reference gives.
        let name = reference.digest == nil ? reference.description : reference.repository + "@" + digest
        let kept = manifestBytes
        return try await Offload.run { () throws(EngineError) in
            try images.storePulled(staging, manifest: manifest, manifestBytes: kept, name: name)
        }
    }

    /// The raw manifest of `reference` and its digest, which must be `expected` when given.
    private func manifest(
        of reference: ImageReference, _ access: RegistryAccess, expecting expected: String?
    ) async throws(EngineError) -> ([UInt8], String) {
        let bytes = try await skopeo.rawManifest(reference, access.skopeo)
        guard bytes.count <= ImageStore.metadataLimit else {
            throw .registryRefused(
                reference.domain ?? "", "the manifest of \(reference) passes \(ImageStore.metadataLimit) bytes")
        }
        let digest = SHA256Digest.digest(of: bytes)
        if let expected, digest != expected {
            throw .registryRefused(
                reference.domain ?? "", "the manifest of \(reference) has digest \(digest), not \(expected)")
        }
        return (bytes, digest)
    }
}
