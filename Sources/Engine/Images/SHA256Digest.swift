internal import Crypto
internal import SystemPackage

/// Streaming SHA-256 (swift-crypto's), with the `sha256:<hex>` spellings OCI digests use.
struct SHA256Digest {
    private var hasher = SHA256()

    /// Adds bytes to the digest.
    mutating func update(_ buffer: UnsafeRawBufferPointer) {
        hasher.update(bufferPointer: buffer)
    }

    /// Adds bytes to the digest.
    mutating func update(_ bytes: [UInt8]) {
        hasher.update(data: bytes)
    }

    /// The digest as lowercase hex.
    mutating func finalizeHex() -> String {
        Self.hex(Array(hasher.finalize()))
    }

    /// Lowercase hex of `bytes`.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 15)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `sha256:<hex>` of `bytes`.
    static func digest(of bytes: [UInt8]) -> String {
        var sha = SHA256Digest()
        sha.update(bytes)
        return "sha256:" + sha.finalizeHex()
    }

    /// `sha256:<hex>` of the file at `path`, read in 256 KiB blocks.
    static func digest(ofFile path: String) throws(EngineError) -> String {
        var sha = SHA256Digest()
        try FileSystem.withOpenFile(path) { (file) throws(EngineError) in
            try FileSystem.readChunks(file, size: 1 << 18) { sha.update($0) }
        }
        return "sha256:" + sha.finalizeHex()
    }
}
