package lambdatest

import (
	"fmt"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// Config is what netlify.toml says, as far as the build and its tests read
// it.
type Config struct {
	Build struct {
		Command     string            `toml:"command"`
		Publish     string            `toml:"publish"`
		Environment map[string]string `toml:"environment"`
	} `toml:"build"`
	// Context holds the per-context settings: production, deploy-preview,
	// branch-deploy.
	Context map[string]struct {
		Command     string            `toml:"command"`
		Environment map[string]string `toml:"environment"`
	} `toml:"context"`
	// Functions is the [functions] table: "directory", and one table per
	// function (e.g. functions.publish.schedule).
	Functions map[string]any `toml:"functions"`
	Redirects []struct {
		From   string `toml:"from"`
		To     string `toml:"to"`
		Status int    `toml:"status"`
		Force  bool   `toml:"force"`
	} `toml:"redirects"`
	Headers []struct {
		For    string            `toml:"for"`
		Values map[string]string `toml:"values"`
	} `toml:"headers"`
}

// ParseConfig decodes netlify.toml; unknown keys are errors, so a typo in
// a key the build relies on does not pass unseen.
func ParseConfig(data []byte) (*Config, error) {
	var c Config
	dec := toml.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("netlify.toml: %w", err)
	}
	return &c, nil
}

// FunctionsDir is [functions] directory.
func (c *Config) FunctionsDir() string {
	s, _ := c.Functions["directory"].(string)
	return s
}

// Function returns the [functions."name"] table.
func (c *Config) Function(name string) map[string]any {
	m, _ := c.Functions[name].(map[string]any)
	return m
}

// Functions are the site's Netlify functions, in the order netlify.toml
// builds them: each is ./cmd/<name>.
var Functions = []string{"api", "publish", "tasks"}

// Scheduled are the functions Netlify runs on a schedule, and when.
var Scheduled = map[string]string{"publish": "@hourly", "tasks": "@hourly"}

// postgresOnly are the functions that open the store (api.Open): on
// Netlify their data lives in Postgres, so they are built without SQLite.
var postgresOnly = map[string]bool{"api": true, "tasks": true}

// FunctionBuild is how Netlify builds the function ./cmd/<name>: its
// environment and the go command writing the binary to out. netlify.toml
// must say the same (cmd/api's tests compare it with FunctionCommand).
// Functions are static linux/amd64 binaries: no cgo, -tags lambda.norpc
// drops the RPC shim the provided.al2 runtime does not use, -s -w and
// -trimpath keep them small. The functions with a store (api, tasks)
// leave SQLite out (nosqlite): on Netlify their data lives in Postgres.
func FunctionBuild(name, out string) (env, args []string) {
	tags := "lambda.norpc"
	if postgresOnly[name] {
		tags += ",nosqlite"
	}
	env = []string{"CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64"}
	args = []string{"go", "build", "-trimpath", "-tags", tags, "-ldflags", "-s -w", "-o", out, "./cmd/" + name}
	return env, args
}

// FunctionCommand is FunctionBuild as netlify.toml writes it, into the
// functions folder dir.
func FunctionCommand(name, dir string) string {
	env, args := FunctionBuild(name, dir+"/"+name)
	return shellJoin(append(env, args...))
}
