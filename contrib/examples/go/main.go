// Runs a container through Podlink's io.podlink interface with Go stubs made by varlink-go-interface-generator.
//
//	podlink-example [ADDRESS] IMAGE
//
// ADDRESS is the service's varlink address (default unix:/run/podlink/io.podlink); IMAGE is an OCI layout
// directory, an oci-archive or a docker-archive on the service's host. The example loads the image, creates a
// container that runs `echo hello from go`, starts it, waits for it, reads its log and removes it. Then it runs an
// interactive exec session in a second container over varlink/go's Upgrade: a line in, the line back, the exit code
// in the last frame. It exits with 0 only when the log holds the text, the container exited with 0 and the session
// echoed its line and exited with 5. Build it with build.sh.
package main

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/varlink/go/varlink"

	"iopodlink"
)

const text = "hello from go"

func step(name, detail string) {
	fmt.Printf("%-18s%s\n", name, detail)
}

func run(ctx context.Context, c *varlink.Connection, imagePath string) (bool, error) {
	images, err := iopodlink.LoadImage().Call(ctx, c, nil, &imagePath, nil)
	if err != nil {
		return false, fmt.Errorf("LoadImage: %w", err)
	}
	if len(images) == 0 {
		return false, fmt.Errorf("LoadImage: no image in %s", imagePath)
	}
	step("LoadImage", images[0])

	command := append([]string{"echo"}, strings.Fields(text)...)
	container, err := iopodlink.CreateContainer().Call(ctx, c, iopodlink.Create{Image: images[0], Command: &command})
	if err != nil {
		return false, fmt.Errorf("CreateContainer: %w", err)
	}
	step("CreateContainer", container)

	force := true
	defer func() {
		if _, err := iopodlink.RemoveContainer().Call(ctx, c, container, &force); err != nil {
			fmt.Fprintf(os.Stderr, "RemoveContainer: %v\n", err)
			return
		}
		step("RemoveContainer", container)
	}()

	if _, err := iopodlink.StartContainer().Call(ctx, c, container); err != nil {
		return false, fmt.Errorf("StartContainer: %w", err)
	}
	step("StartContainer", container)

	exitCode, _, err := iopodlink.WaitContainer().Call(ctx, c, container, nil)
	if err != nil {
		return false, fmt.Errorf("WaitContainer: %w", err)
	}
	step("WaitContainer", fmt.Sprintf("exit code %d", exitCode))

	lines, err := iopodlink.GetContainerLogs().Call(ctx, c, container, nil, nil, nil, nil, nil)
	if err != nil {
		return false, fmt.Errorf("GetContainerLogs: %w", err)
	}
	found := false
	for _, line := range lines {
		step("GetContainerLogs", line.Time+" "+line.Stream+" "+line.Text)
		found = found || strings.Contains(line.Text, text)
	}
	return found && exitCode == 0, nil
}

// frame is one attach frame: an 8-byte header [stream, 0, 0, 0, length as big-endian u32], then the bytes.
func frame(stream byte, payload []byte) []byte {
	header := []byte{stream, 0, 0, 0, 0, 0, 0, 0}
	binary.BigEndian.PutUint32(header[4:], uint32(len(payload)))
	return append(header, payload...)
}

func interactiveExec(ctx context.Context, address string, image string) (bool, error) {
	c, err := varlink.NewConnection(ctx, address)
	if err != nil {
		return false, err
	}
	defer c.Close()
	command := []string{"sleep", "1000"}
	container, err := iopodlink.CreateContainer().Call(ctx, c, iopodlink.Create{Image: image, Command: &command})
	if err != nil {
		return false, fmt.Errorf("CreateContainer: %w", err)
	}
	force := true
	defer iopodlink.RemoveContainer().Call(ctx, c, container, &force)
	if _, err := iopodlink.StartContainer().Call(ctx, c, container); err != nil {
		return false, fmt.Errorf("StartContainer: %w", err)
	}
	stdin := true
	script := []string{"sh", "-c", `read line; echo "$line"; exit 5`}
	session, err := iopodlink.CreateExecSession().Call(ctx, c, container, script, nil, &stdin, nil, nil, nil, nil)
	if err != nil {
		return false, fmt.Errorf("CreateExecSession: %w", err)
	}
	step("CreateExecSession", session)

	// The upgrade takes a connection of its own: after its reply it carries the session's bytes.
	attached, err := varlink.NewConnection(ctx, address)
	if err != nil {
		return false, err
	}
	defer attached.Close()
	receive, err := attached.Upgrade(ctx, "io.podlink.StartExecSession", map[string]string{"session": session})
	if err != nil {
		return false, fmt.Errorf("StartExecSession: %w", err)
	}
	var reply struct {
		Session string `json:"session"`
		Tty     bool   `json:"tty"`
	}
	_, stream, err := receive(ctx, &reply)
	if err != nil {
		return false, fmt.Errorf("StartExecSession: %w", err)
	}
	step("StartExecSession", fmt.Sprintf("upgraded, tty %v", reply.Tty))
	line := text + " (interactive)\n"
	if _, err := stream.Write(ctx, frame(0, []byte(line))); err != nil {
		return false, err
	}
	var data, output []byte
	code := int32(-1)
	buffer := make([]byte, 65536)
	for {
		n, err := stream.Read(ctx, buffer)
		data = append(data, buffer[:n]...)
		for len(data) >= 8 && len(data) >= 8+int(binary.BigEndian.Uint32(data[4:8])) {
			length := int(binary.BigEndian.Uint32(data[4:8]))
			payload := data[8 : 8+length]
			switch data[0] {
			case 1:
				output = append(output, payload...)
			case 3:
				code = int32(binary.BigEndian.Uint32(payload))
			}
			data = data[8+length:]
		}
		if err != nil || n == 0 {
			break
		}
	}
	step("exec output", strings.TrimSpace(string(output)))
	step("exec exit code", fmt.Sprintf("%d", code))
	return string(output) == line && code == 5, nil
}

func main() {
	arguments := os.Args[1:]
	address := "unix:/run/podlink/io.podlink"
	if len(arguments) > 1 {
		address, arguments = arguments[0], arguments[1:]
	}
	if len(arguments) != 1 {
		fmt.Fprintln(os.Stderr, "usage: podlink-example [ADDRESS] IMAGE")
		os.Exit(2)
	}
	imagePath, err := filepath.Abs(arguments[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		os.Exit(2)
	}

	ctx := context.Background()
	c, err := varlink.NewConnection(ctx, address)
	if err != nil {
		fmt.Fprintf(os.Stderr, "error: cannot connect to %s: %v\n", address, err)
		os.Exit(1)
	}
	defer c.Close()

	ok, err := run(ctx, c, imagePath)
	if err == nil && strings.HasPrefix(address, "unix:") {
		var images []string
		images, err = iopodlink.LoadImage().Call(ctx, c, nil, &imagePath, nil)
		if err == nil {
			var interactive bool
			interactive, err = interactiveExec(ctx, address, images[0])
			ok = ok && interactive
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		c.Close()
		os.Exit(1)
	}
	if !ok {
		fmt.Println("FAILED: a log, an output or an exit code is not what was expected")
		c.Close()
		os.Exit(1)
	}
	fmt.Println("ok")
}
