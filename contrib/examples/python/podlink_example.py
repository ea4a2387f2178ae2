#!/usr/bin/env python3
"""Runs a container through Podlink's io.podlink interface with the python varlink package (pip install varlink).

    podlink_example.py [ADDRESS] IMAGE

ADDRESS is the service's varlink address (default unix:/run/podlink/io.podlink); IMAGE is an OCI layout directory,
an oci-archive or a docker-archive on the service's host. The example loads the image, creates a container that
runs `echo hello from python`, starts it, waits for it, reads its log and removes it. It exits with 0 only when
the log holds the text and the container exited with 0.
"""

import os
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
    except varlink.VarlinkError as error:
        print(f"error: {describe(error)}", file=sys.stderr)
        return 1
    except (OSError, varlink.ConnectionError) as error:
        print(f"error: cannot talk to {address}: {error}", file=sys.stderr)
        return 1
    print("ok" if ok else "FAILED: the log does not hold the text or the exit code is not 0")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
