extension Engine {
    /// Starts an upload: bytes a caller sends for a later call to use by the upload's id.
    public func beginUpload() throws(EngineError) -> Upload {
        try uploads.begin()
    }

    /// Loads images from the finished upload `id` (an oci-archive or a docker-archive, as
    /// ``loadImage(from:name:)``), which is used up.
    public func loadImage(upload id: String, name: String? = nil) async throws(EngineError) -> [ImageRecord] {
        let path = try uploads.claim(id)
        defer { uploads.release(path) }
        return try await loadImage(from: path, name: name)
    }

    /// Imports the root filesystem tarball of the finished upload `id` (as ``importImage(from:name:config:)``),
    /// which is used up.
    public func importImage(
        upload id: String, name: String? = nil, config: ImageRunConfig = ImageRunConfig()
    ) async throws(EngineError) -> ImageRecord {
        let path = try uploads.claim(id)
        defer { uploads.release(path) }
        return try await importImage(from: path, name: name, config: config)
    }
}
