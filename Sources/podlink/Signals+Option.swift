import PodlinkShared

extension Signals {
    /// The signal an option names (`number(text)`), or an error naming the option.
    static func parse(_ text: String, option: String) throws -> Int {
        guard let number = number(text) else { throw CLIError("invalid signal for \(option): \"\(text)\"") }
        return number
    }
}
