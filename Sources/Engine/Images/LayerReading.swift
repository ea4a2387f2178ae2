/// The engine's reading of an image layer, open to the fuzz targets (`Fuzz/`) and nothing else: not API.
@_spi(Fuzzing) public enum LayerReading {
    /// Extracts the layer tar (plain or compressed) at `path` into `directory` as a load does, with overlayfs
    /// whiteouts or with whiteouts applied (the copy fallback); returns whether the engine accepted the layer.
    public static func extract(_ path: String, into directory: String, overlayWhiteouts: Bool) -> Bool {
        do {
            try LayerArchive.extract(path, into: directory, whiteouts: overlayWhiteouts ? .overlay : .apply)
            return true
        } catch {
            return false
        }
    }
}
