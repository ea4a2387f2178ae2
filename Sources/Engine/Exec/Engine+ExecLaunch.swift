internal import CSpawn
internal import FoundationEssentials
internal import Glibc

/// Starting an exec session's conmon (exec mode). The protocol, as conmon 2.1 speaks it: a first byte on the start
/// pipe lets it set up; `{"data": 0}` on the attach pipe says its attach socket listens; a second byte releases
/// `runc exec`; the sync pipe then carries `{"data": PID}` (or `{"data": -1, "message": ...}`) and, when the
/// process ends, `{"data": EXIT}`. The sync pipe is a fifo in the session's directory that conmon holds open for
/// writing itself, so that it never writes into a closed pipe (and dies) after this process stops reading.
extension Engine {
    struct ExecLaunch {
        var pid: Int32
        var attachment: AttachSession?
        var failure: String?
    }

    func launchExecConmon(
        _ config: ContainerConfig, _ session: ExecSession, directory: String, attach: Bool
    ) async throws(EngineError) -> ExecLaunch {
        let syncPath = directory + "/sync"
        guard mkfifo(syncPath, 0o600) == 0 else { throw .system("mkfifo \(syncPath)", errno) }
        let syncForConmon = open(syncPath, O_RDWR | O_CLOEXEC)
        let syncReader = open(syncPath, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        var start: [Int32] = [-1, -1]
        var attachPipe: [Int32] = [-1, -1]
        let null = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { for fd in [syncForConmon, null] where fd >= 0 { close(fd) } }
        guard syncForConmon >= 0, syncReader >= 0, null >= 0, cspawn_pipe(&start) == 0, cspawn_pipe(&attachPipe) == 0
        else {
            let error = errno
            for fd in [syncReader] + start + attachPipe where fd >= 0 { close(fd) }
            throw .system("exec session pipes", error)
        }
        defer { for fd in [syncReader, start[1], attachPipe[0]] { close(fd) } }
        var arguments = [
            options.conmonPath, "--api-version", "1", "-c", config.id, "-u", session.id, "-r", options.runtimePath,
            "-b", directory, "-P", directory + "/conmon.pid", "-p", directory + "/pid", "-n", config.name,
            "--exit-dir", directory + "/exit", "--persist-dir", directory + "/persist", "--full-attach",
            "-l", "k8s-file:" + directory + "/log", "--log-level", "error",
            "--runtime-arg", "--root", "--runtime-arg", runcRoot,
            // runc's refusal, in clean words (its stderr is logrus text).
            "--runtime-arg", "--log-format=json", "--runtime-arg", "--log", "--runtime-arg", directory + "/oci-log",
            "-e", "--exec-attach", "--exec-process-spec", directory + "/process.json",
        ]
        if session.tty { arguments.append("-t") }
        if session.stdin { arguments.append("-i") }
        if session.tty && session.stdin { arguments.append("--leave-stdin-open") }
        let conmon: pid_t
        do {
            conmon = try ChildProcesses.shared.spawn(
                options.conmonPath, arguments,
                environment: ChildProcesses.environment + ["_OCI_SYNCPIPE=3", "_OCI_STARTPIPE=4", "_OCI_ATTACHPIPE=5"],
                fds: [(null, 0), (null, 1), (null, 2), (syncForConmon, 3), (start[0], 4), (attachPipe[1], 5)],
                newSession: true, directory: directory)
        } catch {
            for fd in [start[0], attachPipe[1]] { close(fd) }
            throw error
        }
        close(start[0])
        close(attachPipe[1])
        Task.detached { _ = await ChildProcesses.shared.wait(conmon) }
        let startWriter = start[1]
        let attachReader = attachPipe[0]
        var byte: UInt8 = 0
        guard write(startWriter, &byte, 1) == 1 else { throw .runtimeError("conmon did not start (start pipe)") }
        let ready = try await ConmonMessage.read(attachReader, what: "the exec session's attach socket")
        guard ready.data == 0 else {
            throw .runtimeError(Runc.message(ready.message ?? "conmon could not set up the exec session"))
        }
        var attachment: AttachSession?
        if attach {
            let socket = cspawn_connect_seqpacket(directory, "attach")
            guard socket >= 0 else {
                throw .runtimeError("cannot attach to the exec session: \(String(cString: strerror(-socket)))")
            }
            attachment = AttachSession(
                containerID: config.id, tty: session.tty, acceptsInput: session.stdin, socket: socket)
        }
        guard write(startWriter, &byte, 1) == 1 else { throw .runtimeError("conmon went away before the exec") }
        let started = try await ConmonMessage.read(syncReader, what: "the exec session's process")
        if options.subreaper, let real = Int32(FileSystem.readText(directory + "/conmon.pid")?.filter(\.isNumber) ?? "")
        {
            ChildProcesses.shared.adopt(real)
        }
        guard started.data > 0 else {
            let logged = FileSystem.readText(directory + "/oci-log").flatMap(Self.runcLogMessage)
            return ExecLaunch(pid: 0, attachment: attachment, failure: logged ?? Runc.message(started.message ?? ""))
        }
        return ExecLaunch(pid: started.data, attachment: attachment, failure: nil)
    }

    /// The message of runc's last JSON log line (`{"level":"error","msg":"exec failed: ..."}`).
    static func runcLogMessage(_ log: String) -> String? {
        struct Line: Decodable {
            var msg: String
            var level: String?
        }
        for line in log.split(separator: "\n").reversed() {
            if let entry = try? JSONDecoder().decode(Line.self, from: Data(line.utf8)), entry.level == "error" {
                return String(entry.msg.reversed().drop { $0.isWhitespace }.reversed())
            }
        }
        return nil
    }
}
