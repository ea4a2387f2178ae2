#!/usr/bin/env python3
"""Runs a container through Podlink's io.podlink interface with the python varlink package (pip install varlink).

    podlink_example.py [ADDRESS] IMAGE

ADDRESS is the service's varlink address (default unix:/run/podlink/io.podlink); IMAGE is an OCI layout directory,
an oci-archive or a docker-archive on the service's host. The example loads the image, creates a container that
runs `echo hello from python`, starts it, waits for it, reads its log and removes it. Then it runs an interactive
exec session in a second container: python's varlink has no client side for `upgrade`, so that call and the bytes
after it go over a plain socket (frames of 8-byte headers, the last one the exit code). It exits with 0 only when
the log holds the text, the container exited with 0, and the session echoed its input and exited with 5.
"""

import json
import os
import socket
import struct
import sys

import varlink

TEXT = "hello from python"


def step(name, detail=""):
    print(f"{name:<18}{detail}", flush=True)


def describe(error):
    """A varlink error reply: its name and parameters."""
    return f"{error.error()} {error.parameters()}"


def run(podman, image_path):
    loaded = podman.LoadImage(input_file=image_path)
    image = loaded.images[0]
    step("LoadImage", image)

    create = {"image": image, "command": ["echo"] + TEXT.split(" ")}
    container = podman.CreateContainer(create).container
    step("CreateContainer", container)
    try:
        podman.StartContainer(container)
        step("StartContainer", container)

        exit_code = podman.WaitContainer(container).exitcode
        step("WaitContainer", f"exit code {exit_code}")

        lines = podman.GetContainerLogs(container).lines
        text = "\n".join(line.text for line in lines)
        for line in lines:
            step("GetContainerLogs", f"{line.time} {line.stream} {line.text}")
    finally:
        podman.RemoveContainer(container, True)
        step("RemoveContainer", container)

    return TEXT in text and exit_code == 0


def interactive_exec(podman, address, image):
    """Runs `cat` in an exec session: its input from here, its output back, its exit code in the last frame."""
    container = podman.CreateContainer({"image": image, "command": ["sleep", "1000"]}).container
    try:
        podman.StartContainer(container)
        command = ["sh", "-c", "cat; exit 5"]
        session = podman.CreateExecSession(name=container, command=command, stdin=True).session
        step("CreateExecSession", session)
        path = address[len("unix:"):].split(";")[0]
        raw = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        raw.connect(path)
        call = {"method": "io.podlink.StartExecSession", "parameters": {"session": session}, "upgrade": True}
        text = TEXT.encode() + b" (interactive)\n"
        # The call, then this process's input as one stdin frame; the half-close ends the session's input.
        raw.sendall(json.dumps(call).encode() + b"\0" + struct.pack(">BxxxI", 0, len(text)) + text)
        raw.shutdown(socket.SHUT_WR)
        data = b""
        while b"\0" not in data:
            chunk = raw.recv(65536)
            if not chunk:
                raise OSError("the service closed the connection before its reply")
            data += chunk
        reply, data = data.split(b"\0", 1)
        reply = json.loads(reply)
        if "error" in reply:
            raise OSError(f"StartExecSession: {reply['error']} {reply.get('parameters')}")
        step("StartExecSession", f"upgraded, tty {reply['parameters']['tty']}")
        while True:
            chunk = raw.recv(65536)
            if not chunk:
                break
            data += chunk
        raw.close()
        output, code = b"", None
        while len(data) >= 8:
            stream, length = struct.unpack(">BxxxI", data[:8])
            payload, data = data[8 : 8 + length], data[8 + length :]
            if stream == 1:
                output += payload
            elif stream == 3:
                code = struct.unpack(">i", payload)[0]
        step("exec output", output.decode().rstrip())
        step("exec exit code", code)
        return output == text and code == 5
    finally:
        podman.RemoveContainer(container, True)


def main():
    arguments = sys.argv[1:]
    address = arguments.pop(0) if len(arguments) > 1 else "unix:/run/podlink/io.podlink"
    if len(arguments) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    image_path = os.path.abspath(arguments[0])
    try:
        with varlink.Client(address=address) as client, client.open("io.podlink", namespaced=True) as podman:
            ok = run(podman, image_path)
            if address.startswith("unix:"):
                image = podman.LoadImage(input_file=image_path).images[0]
                ok = interactive_exec(podman, address, image) and ok
    except varlink.VarlinkError as error:
        print(f"error: {describe(error)}", file=sys.stderr)
        return 1
    except (OSError, varlink.ConnectionError) as error:
        print(f"error: cannot talk to {address}: {error}", file=sys.stderr)
        return 1
    print("ok" if ok else "FAILED: a log, an output or an exit code is not what was expected")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
