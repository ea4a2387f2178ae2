/// Linux signals by name, as the command line, images' `StopSignal` and the engine all read them.
public enum Signals {
    /// The numbers a signal may have on Linux: 1 to 64 (`SIGRTMAX`).
    public static let range: ClosedRange<Int> = 1...64

    /// Numbers by name, without the `SIG` prefix.
    public static let numbers: [String: Int] = [
        "HUP": 1, "INT": 2, "QUIT": 3, "ILL": 4, "TRAP": 5, "ABRT": 6, "IOT": 6, "BUS": 7, "FPE": 8, "KILL": 9,
        "USR1": 10, "SEGV": 11, "USR2": 12, "PIPE": 13, "ALRM": 14, "TERM": 15, "STKFLT": 16, "CHLD": 17,
        "CONT": 18, "STOP": 19, "TSTP": 20, "TTIN": 21, "TTOU": 22, "URG": 23, "XCPU": 24, "XFSZ": 25,
        "VTALRM": 26, "PROF": 27, "WINCH": 28, "IO": 29, "POLL": 29, "PWR": 30, "SYS": 31, "RTMIN": 34,
        "RTMAX": 64,
    ]

    /// The number `text` names: `15`, `TERM`, `SIGTERM`, `sigterm`, `RTMIN+3`, `SIGRTMAX-2`; nil when it names no
    /// signal (a number out of ``range`` included).
    public static func number(_ text: String) -> Int? {
        if let number = Int(text) { return range.contains(number) ? number : nil }
        var name = text.uppercased()
        if name.hasPrefix("SIG") { name.removeFirst(3) }
        if let number = numbers[name] { return number }
        for (base, sign) in [("RTMIN+", 1), ("RTMAX-", -1)] where name.hasPrefix(base) {
            guard let offset = Int(name.dropFirst(base.count)), let start = numbers[String(base.dropLast())] else {
                return nil
            }
            let number = start + sign * offset
            return (34...64).contains(number) ? number : nil
        }
        return nil
    }
}
