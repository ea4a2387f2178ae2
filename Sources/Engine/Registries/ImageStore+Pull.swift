internal import FoundationEssentials

extension ImageStore {
    /// Stores the image a pull copied into the OCI layout `staging`: its config and layers, verified against the
    /// registry's own manifest (`manifestBytes`, kept as the image's manifest), named `name`.
    func storePulled(
        _ staging: String, manifest: OCIImageFormat.Manifest, manifestBytes: [UInt8], name: String
    ) throws(EngineError) -> ImageRecord {
        let configBytes = try Self.verifiedBlob(staging, manifest.config.digest, "config")
        let config = try Self.decode(OCIImageFormat.ImageConfig.self, configBytes, "the image config")
        guard config.rootfs.diff_ids.count == manifest.layers.count else {
            throw .invalidArgument(
                "image", "manifest has \(manifest.layers.count) layers, config \(config.rootfs.diff_ids.count)")
        }
        for (layer, diffID) in zip(manifest.layers, config.rootfs.diff_ids) {
            try ensureLayer(
                blob: try Self.blobPath(layer.digest), in: staging, diffID: diffID, compressedDigest: layer.digest)
        }
        let image = try record(
            configBytes: configBytes, names: [try Self.normalizedName(name)],
            manifestDigest: SHA256Digest.digest(of: manifestBytes))
        try keepBlob(configBytes)
        try keepBlob(manifestBytes)
        try store.saveImage(image, event: .pull)
        return try store.image(image.id)
    }
}
