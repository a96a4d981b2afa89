// Package lambdatest builds the site's functions the way Netlify does and
// runs them under the AWS Lambda Runtime Interface Emulator (aws-lambda-rie),
// the real Lambda runtime API, on loopback ports. The tests of cmd/api and
// the cold-start benchmark (cmd/coldstart) use it; the function itself never
// imports it.
//
// FunctionBuild is the one statement of how Netlify builds a function;
// cmd/api's tests check that netlify.toml says the same, so what is tested
// and timed is what Netlify deploys.
package lambdatest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// The emulator's module and version: the version the Go module proxy lists.
const (
	EmulatorModule  = "github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie"
	EmulatorVersion = "v0.0.0-20261030222936-bef5c4ba774d"
	// InstallEmulator is the command that installs it (.ci/run runs it).
	InstallEmulator = "go install " + EmulatorModule + "@" + EmulatorVersion
)

// ErrNoEmulator is returned by FindEmulator when aws-lambda-rie is not
// installed.
var ErrNoEmulator = errors.New("aws-lambda-rie is not installed; install it with: " + InstallEmulator)

// FindEmulator returns the path of aws-lambda-rie: on PATH, or where go
// install puts it ($GOBIN, else $GOPATH/bin).
func FindEmulator() (string, error) {
	if p, err := exec.LookPath("aws-lambda-rie"); err == nil {
		return p, nil
	}
	for _, v := range []string{"GOBIN", "GOPATH"} {
		out, err := exec.Command("go", "env", v).Output()
		dir := strings.TrimSpace(string(out))
		if err != nil || dir == "" {
			continue
		}
		if v == "GOPATH" {
			dir = filepath.Join(filepath.SplitList(dir)[0], "bin")
		}
		p := filepath.Join(dir, "aws-lambda-rie")
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	return "", ErrNoEmulator
}

// RepoRoot returns the module's root folder (where go.mod and
// netlify.toml are), found from the current directory upwards.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "netlify.toml")); err == nil {
			if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
				return dir, nil
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("lambdatest: no folder with go.mod and netlify.toml above the current one")
		}
		dir = parent
	}
}

// BuildFunction builds ./cmd/<name> of the module at root as Netlify does
// (FunctionBuild), writing the binary to out. It returns the command as
// run, for messages.
func BuildFunction(ctx context.Context, root, name, out string) (string, error) {
	env, args := FunctionBuild(name, out)
	cmd := exec.CommandContext(ctx, args[0], args[1:]...)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), env...)
	shown := shellJoin(append(env, args...))
	if msg, err := cmd.CombinedOutput(); err != nil {
		return shown, fmt.Errorf("%s: %v\n%s", shown, err, msg)
	}
	return shown, nil
}

// shellJoin quotes words that need it, for showing a command.
func shellJoin(words []string) string {
	q := make([]string, len(words))
	for i, w := range words {
		if w == "" || strings.ContainsAny(w, " \t\"'$\\") {
			w = strconv.Quote(w)
		}
		q[i] = w
	}
	return strings.Join(q, " ")
}

// Emulator is aws-lambda-rie running one function binary.
type Emulator struct {
	// URL is the emulator's invoke endpoint (POST an event to it).
	URL string

	cmd  *exec.Cmd
	log  *syncBuffer
	done chan struct{}
	err  error // the emulator's exit, once done is closed
}

// Start runs the emulator at rie with the function binary fn, on free
// loopback ports, in dir, with exactly env as its environment (the
// emulator passes it on to the function, adding the Lambda variables). It
// returns once the emulator accepts connections. The function process
// itself starts at the first Invoke, as a cold start does.
func Start(ctx context.Context, rie, fn, dir string, env []string) (*Emulator, error) {
	apiAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	emuAddr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	e := &Emulator{URL: "http://" + emuAddr + "/2015-03-31/functions/function/invocations", log: &syncBuffer{}, done: make(chan struct{})}
	e.cmd = exec.Command(rie, "--runtime-api-address", apiAddr, "--runtime-interface-emulator-address", emuAddr, fn)
	e.cmd.Dir = dir
	e.cmd.Env = env
	e.cmd.Stdout = e.log
	e.cmd.Stderr = e.log
	if err := e.cmd.Start(); err != nil {
		return nil, fmt.Errorf("lambdatest: starting %s: %w", rie, err)
	}
	go func() {
		e.err = e.cmd.Wait()
		close(e.done)
	}()
	deadline := time.Now().Add(15 * time.Second)
	for {
		c, err := net.DialTimeout("tcp", emuAddr, 100*time.Millisecond)
		if err == nil {
			c.Close()
			return e, nil
		}
		select {
		case <-e.done:
			return nil, fmt.Errorf("lambdatest: the emulator exited before listening (%v); its log:\n%s", e.err, e.Log())
		case <-ctx.Done():
			e.Stop()
			return nil, ctx.Err()
		case <-time.After(2 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			e.Stop()
			return nil, fmt.Errorf("lambdatest: the emulator did not listen on %s within 15s; its log:\n%s", emuAddr, e.Log())
		}
	}
}

// Invoke sends ev to the function and returns its response event and the
// raw JSON it answered. A function error (an error payload, or an init
// failure) is an error carrying the emulator's log.
func (e *Emulator) Invoke(ctx context.Context, ev events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, []byte, error) {
	var res events.APIGatewayProxyResponse
	payload, err := json.Marshal(ev)
	if err != nil {
		return res, nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, e.URL, bytes.NewReader(payload))
	if err != nil {
		return res, nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return res, nil, fmt.Errorf("lambdatest: invoke: %w; the emulator's log:\n%s", err, e.Log())
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return res, nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return res, raw, fmt.Errorf("lambdatest: invoke: the emulator answered %s: %s; its log:\n%s", resp.Status, raw, e.Log())
	}
	var fnErr struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
	}
	if json.Unmarshal(raw, &fnErr) == nil && (fnErr.ErrorMessage != "" || fnErr.ErrorType != "") {
		return res, raw, fmt.Errorf("lambdatest: the function failed: %s (%s); the emulator's log:\n%s", fnErr.ErrorMessage, fnErr.ErrorType, e.Log())
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&res); err != nil {
		return res, raw, fmt.Errorf("lambdatest: the function's answer is not an API Gateway proxy response: %v: %s", err, raw)
	}
	return res, raw, nil
}

var initRE = regexp.MustCompile(`INIT REPORT\(durationMs: ([0-9.]+)\)`)

// InitDuration is the emulator's measure of the function's init phase:
// from starting the function process to its first request for work (the
// runtime's "INIT REPORT"), once the first Invoke has started it.
func (e *Emulator) InitDuration() (time.Duration, bool) {
	m := initRE.FindStringSubmatch(e.Log())
	if m == nil {
		return 0, false
	}
	ms, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, false
	}
	return time.Duration(ms * float64(time.Millisecond)), true
}

// Log is what the emulator and the function wrote so far.
func (e *Emulator) Log() string { return e.log.String() }

// Stop ends the emulator and the function it started: SIGTERM, which the
// emulator passes on, then SIGKILL for whatever is left after 5 seconds.
func (e *Emulator) Stop() {
	children := childPIDs(e.cmd.Process.Pid)
	e.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-e.done:
	case <-time.After(5 * time.Second):
		e.cmd.Process.Kill()
		<-e.done
	}
	for _, pid := range children {
		// The function runs in its own process group; it is gone unless
		// the emulator could not end it.
		if p, err := os.FindProcess(pid); err == nil {
			p.Signal(syscall.SIGKILL)
		}
	}
}

// childPIDs lists pid's child processes (Linux; none elsewhere).
func childPIDs(pid int) []int {
	var pids []int
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, t := range tasks {
		data, _ := os.ReadFile(t)
		for _, f := range strings.Fields(string(data)) {
			if n, err := strconv.Atoi(f); err == nil {
				pids = append(pids, n)
			}
		}
	}
	return pids
}

// freeAddr returns a loopback address with a port that was free just now.
func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer l.Close()
	return l.Addr().String(), nil
}

// MinimalEnv is the environment of the build machine that a function may
// see (PATH, HOME, TMPDIR) followed by vars: nothing else of the caller's
// environment (a developer's DATABASE_URL, say) leaks into the function.
func MinimalEnv(vars ...string) []string {
	var env []string
	for _, k := range []string{"PATH", "HOME", "TMPDIR"} {
		if v, ok := os.LookupEnv(k); ok {
			env = append(env, k+"="+v)
		}
	}
	return append(env, vars...)
}

// syncBuffer is a bytes.Buffer safe for the emulator's two output streams.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
