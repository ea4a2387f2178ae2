/// IPv4 addresses as the command line reads them, before the service checks them against its networks.
enum IPv4Text {
    /// Whether `text` is a dotted-quad IPv4 address (`10.88.0.5`): four decimal numbers of 0-255, without
    /// leading zeros.
    static func isValid(_ text: String) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { part in
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                let value = Int(part), value <= 255
            else { return false }
            return part == "0" || !part.hasPrefix("0")
        }
    }
}
