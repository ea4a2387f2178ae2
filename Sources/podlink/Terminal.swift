import Glibc

/// This process's terminal in raw mode while a container's terminal is attached, restored afterwards.
struct Terminal {
    private let saved: termios

    /// Puts standard input's terminal in raw mode; nil when standard input is not a terminal.
    static func raw() -> Terminal? {
        guard isatty(0) != 0 else { return nil }
        var original = termios()
        guard tcgetattr(0, &original) == 0 else { return nil }
        var raw = original
        cfmakeraw(&raw)
        guard tcsetattr(0, TCSANOW, &raw) == 0 else { return nil }
        return Terminal(saved: original)
    }

    /// Puts the terminal back as it was.
    func restore() {
        var original = saved
        _ = tcsetattr(0, TCSANOW, &original)
    }
}

extension Terminal {
    /// The size of this process's terminal (standard output's, else standard input's), when it has one.
    static func size() -> (rows: Int, columns: Int)? {
        var size = winsize()
        for fd: Int32 in [1, 0] where ioctl(fd, UInt(TIOCGWINSZ), &size) == 0 && size.ws_row > 0 {
            return (Int(size.ws_row), Int(size.ws_col))
        }
        return nil
    }
}
