internal import FoundationEssentials

extension ImageStore {
    /// Stores the image a pull copied into the OCI layout `staging`: its config and layers, verified against the
    /// registry's own manifest (`manifestBytes`, kept as the image's manifest), named `name`.
    func storePulled(
        _ staging: String, manifest: OCIImageFormat.Manifest, manifestBytes: [UInt8], name: String
    ) throws(EngineError) -> ImageRecord {
        let configBytes = try ensureLayers(of: manifest, in: staging)
        let image = try record(
            configBytes: configBytes, names: [try Self.normalizedName(name)],
            manifestDigest: SHA256Digest.digest(of: manifestBytes))
        try keepBlob(configBytes)
        try keepBlob(manifestBytes)
        try store.saveImage(image, event: .pull)
        return try store.image(image.id)
    }
}
