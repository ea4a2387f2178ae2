internal import CSpawn
internal import Glibc

/// Streaming SHA-256 over the C implementation in `CSpawn`.
struct SHA256Digest {
    private var context = cspawn_sha256_ctx()

    init() { cspawn_sha256_init(&context) }

    /// Adds bytes to the digest.
    mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        cspawn_sha256_update(&context, base, buffer.count)
    }

    /// Adds bytes to the digest.
    mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// The digest as lowercase hex.
    mutating func finalizeHex() -> String {
        var digest = [UInt8](repeating: 0, count: 32)
        digest.withUnsafeMutableBufferPointer { cspawn_sha256_final(&context, $0.baseAddress!) }
        return Self.hex(digest)
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
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .system("open \(path)", errno) }
        defer { close(fd) }
        var sha = SHA256Digest()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw .system("read \(path)", errno)
            }
            if n == 0 { break }
            sha.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
        }
        return "sha256:" + sha.finalizeHex()
    }
}
