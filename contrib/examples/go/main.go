// Runs a container through Podlink's io.podlink interface with Go stubs made by varlink-go-interface-generator.
//
//	podlink-example [ADDRESS] IMAGE
//
// ADDRESS is the service's varlink address (default unix:/run/podlink/io.podlink); IMAGE is an OCI layout
// directory, an oci-archive or a docker-archive on the service's host. The example loads the image, creates a
// container that runs `echo hello from go`, starts it, waits for it, reads its log and removes it. It exits with 0
// only when the log holds the text and the container exited with 0. Build it with build.sh.
package main

import (
	"context"
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
	images, err := iopodlink.LoadImage().Call(ctx, c, nil, imagePath)
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

	lines, err := iopodlink.GetContainerLogs().Call(ctx, c, container, nil, nil, nil, nil)
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
	if err != nil {
		fmt.Fprintln(os.Stderr, "error:", err)
		c.Close()
		os.Exit(1)
	}
	if !ok {
		fmt.Println("FAILED: the log does not hold the text or the exit code is not 0")
		c.Close()
		os.Exit(1)
	}
	fmt.Println("ok")
}
