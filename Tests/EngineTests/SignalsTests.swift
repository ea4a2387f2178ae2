import PodlinkShared
import Testing

/// The one signal table the command line, images' `StopSignal` and the engine read.
@Suite("Signal names")
struct SignalsTests {
    @Test(
        "names, numbers and real-time signals",
        arguments: [
            ("TERM", 15), ("SIGTERM", 15), ("sigkill", 9), ("15", 15), ("SIGRTMIN+3", 37), ("RTMIN", 34),
            ("SIGRTMAX-2", 62), ("RTMAX", 64), ("WINCH", 28),
        ])
    func known(_ text: String, _ number: Int) {
        #expect(Signals.number(text) == number)
    }

    @Test("what names no signal", arguments: ["", "0", "65", "-1", "SIGNOPE", "RTMIN+31", "RTMAX-31", "RTMIN+x"])
    func unknown(_ text: String) {
        #expect(Signals.number(text) == nil)
    }
}
