internal import FoundationEssentials
internal import Glibc

extension ImageStore {
    private static func decodeJSON<T: Decodable>(_ type: T.Type, _ path: String) throws(EngineError) -> T {
        let bytes = try FileSystem.read(path)
        do {
            return try JSONDecoder().decode(type, from: Data(bytes))
        } catch {
            throw .invalidArgument("image", "cannot parse \(path): \(error)")
        }
    }

    private static func blobPath(_ layout: String, _ digest: String) throws(EngineError) -> String {
        let parts = digest.split(separator: ":", maxSplits: 1)
        guard parts.count == 2, parts[0] == "sha256", parts[1].count == 64, parts[1].allSatisfy(\.isHexDigit) else {
            throw .invalidArgument("digest", "\(digest) is not a sha256 digest")
        }
        return "\(layout)/blobs/sha256/\(parts[1])"
    }

    /// Loads every image of the OCI image layout at `layout`; `name` tags them when they carry no ref name.
    func loadOCILayout(_ layout: String, name: String?) throws(EngineError) -> [ImageRecord] {
        guard FileSystem.exists(layout + "/oci-layout") else {
            throw .invalidArgument("path", "\(layout) is not an OCI image layout")
        }
        let index = try Self.decodeJSON(OCIImageFormat.Index.self, layout + "/index.json")
        var images: [ImageRecord] = []
        var pending = index.manifests
        while !pending.isEmpty {
            let descriptor = pending.removeFirst()
            let path = try Self.blobPath(layout, descriptor.digest)
            if let type = descriptor.mediaType, OCIImageFormat.indexTypes.contains(type) {
                pending += try Self.decodeJSON(OCIImageFormat.Index.self, path).manifests
                continue
            }
            let manifestBytes = try FileSystem.read(path)
            guard SHA256Digest.digest(of: manifestBytes) == descriptor.digest else {
                throw .invalidArgument("image", "manifest \(descriptor.digest) does not match its digest")
            }
            let manifest = try Self.decodeJSON(OCIImageFormat.Manifest.self, path)
            let configBytes = try FileSystem.read(try Self.blobPath(layout, manifest.config.digest))
            guard SHA256Digest.digest(of: configBytes) == manifest.config.digest else {
                throw .invalidArgument("image", "config \(manifest.config.digest) does not match its digest")
            }
            let config: OCIImageFormat.ImageConfig
            do {
                config = try JSONDecoder().decode(OCIImageFormat.ImageConfig.self, from: Data(configBytes))
            } catch {
                throw .invalidArgument("image", "bad image config: \(error)")
            }
            guard config.rootfs.diff_ids.count == manifest.layers.count else {
                throw .invalidArgument(
                    "image", "manifest has \(manifest.layers.count) layers, config \(config.rootfs.diff_ids.count)")
            }
            for (layer, diffID) in zip(manifest.layers, config.rootfs.diff_ids) {
                try ensureLayer(
                    blob: try Self.blobPath(layout, layer.digest), diffID: diffID, compressedDigest: layer.digest)
            }
            var names: [String] = []
            if let ref = descriptor.annotations?["org.opencontainers.image.ref.name"] {
                names.append(
                    try Self.normalizedName(
                        ref.contains(":") || ref.contains("/")
                            ? ref
                            : (name.map { n in n.split(separator: ":").first.map(String.init) ?? n }
                                ?? "localhost/image") + ":" + ref))
            } else if let name {
                names.append(try Self.normalizedName(name))
            }
            let image = try record(configBytes: configBytes, names: names, manifestDigest: descriptor.digest)
            try store.saveImage(image, event: .load)
            images.append(try store.image(image.id))
        }
        return images
    }

    /// Loads an `oci-archive` or a `docker-archive` (a tar, possibly compressed), or an OCI layout directory.
    func load(_ path: String, name: String?) throws(EngineError) -> [ImageRecord] {
        if FileSystem.isDirectory(path) { return try loadOCILayout(path, name: name) }
        guard FileSystem.exists(path) else { throw .invalidArgument("path", "\(path) does not exist") }
        let temporary = try temporaryDirectory()
        defer { try? FileSystem.removeTree(temporary) }
        try LayerArchive.extract(path, into: temporary, whiteouts: .none)
        if FileSystem.exists(temporary + "/oci-layout") { return try loadOCILayout(temporary, name: name) }
        if FileSystem.exists(temporary + "/manifest.json") { return try loadDockerArchive(temporary, name: name) }
        throw .invalidArgument("path", "\(path) is neither an oci-archive nor a docker-archive")
    }

    private func loadDockerArchive(_ directory: String, name: String?) throws(EngineError) -> [ImageRecord] {
        let entries = try Self.decodeJSON([OCIImageFormat.DockerManifestEntry].self, directory + "/manifest.json")
        var images: [ImageRecord] = []
        for entry in entries {
            guard let configName = LayerArchive.sanitize(entry.Config) else {
                throw .invalidArgument("image", "config path \(entry.Config) leaves the archive")
            }
            let configBytes = try FileSystem.read(directory + "/" + configName)
            let config: OCIImageFormat.ImageConfig
            do {
                config = try JSONDecoder().decode(OCIImageFormat.ImageConfig.self, from: Data(configBytes))
            } catch {
                throw .invalidArgument("image", "bad image config: \(error)")
            }
            guard config.rootfs.diff_ids.count == entry.Layers.count else {
                throw .invalidArgument("image", "layer count does not match the config")
            }
            for (layer, diffID) in zip(entry.Layers, config.rootfs.diff_ids) {
                guard let layerName = LayerArchive.sanitize(layer) else {
                    throw .invalidArgument("image", "layer path \(layer) leaves the archive")
                }
                try ensureLayer(blob: directory + "/" + layerName, diffID: diffID, compressedDigest: nil)
            }
            var names: [String] = []
            for tag in entry.RepoTags ?? [] { names.append(try Self.normalizedName(tag)) }
            if names.isEmpty, let name { names.append(try Self.normalizedName(name)) }
            let image = try record(configBytes: configBytes, names: names, manifestDigest: nil)
            try store.saveImage(image, event: .load)
            images.append(try store.image(image.id))
        }
        return images
    }

    /// Imports a root filesystem tarball as a one-layer image (as `podman import`).
    func importRootfs(_ path: String, name: String?, config: ImageRunConfig) throws(EngineError) -> ImageRecord {
        guard FileSystem.exists(path) else { throw .invalidArgument("path", "\(path) does not exist") }
        let (diffID, _) = try LayerArchive.uncompressedDigest(of: path)
        try ensureLayer(blob: path, diffID: diffID, compressedDigest: nil)
        let created = Date().formatted(.iso8601)
        let imageConfig = OCIImageFormat.ImageConfig(
            created: created, architecture: "amd64", os: "linux", config: config,
            rootfs: OCIImageFormat.RootFS(type: "layers", diff_ids: [diffID]))
        let bytes: [UInt8]
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            bytes = Array(try encoder.encode(imageConfig))
        } catch {
            throw .internalError("encode config: \(error)")
        }
        let names = try name.map { (n) throws(EngineError) in [try Self.normalizedName(n)] } ?? []
        let image = try record(configBytes: bytes, names: names, manifestDigest: nil)
        try store.saveImage(image, event: .import)
        return try store.image(image.id)
    }
}
