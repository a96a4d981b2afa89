package lambdatest

import (
	"fmt"
	"slices"
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

// Step is one command of a build command's chain (cmd1 && cmd2 ...).
type Step struct {
	Env  []string // leading NAME=value assignments
	Args []string // the command and its arguments, unquoted, $VARS unexpanded
}

// SplitCommand splits a shell command into its steps, as sh would split
// words: quotes removed, backslash-newline joined, split at && and ;.
// Variables are not expanded. Other shell syntax (pipes, ||, $(...)) is an
// error: the build command has none.
func SplitCommand(s string) ([]Step, error) {
	var steps []Step
	var words []string
	var word strings.Builder
	inWord := false
	endWord := func() {
		if inWord {
			words = append(words, word.String())
			word.Reset()
			inWord = false
		}
	}
	endStep := func() error {
		endWord()
		if len(words) == 0 {
			return fmt.Errorf("empty command in %q", s)
		}
		var st Step
		for len(words) > 0 && isAssignment(words[0]) {
			st.Env = append(st.Env, words[0])
			words = words[1:]
		}
		st.Args = words
		steps = append(steps, st)
		words = nil
		return nil
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s):
			i++
			if s[i] != '\n' {
				word.WriteByte(s[i])
				inWord = true
			}
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				return nil, fmt.Errorf("unclosed ' in %q", s)
			}
			word.WriteString(s[i+1 : i+1+j])
			inWord = true
			i += j + 1
		case c == '"':
			inWord = true
			for i++; ; i++ {
				if i >= len(s) {
					return nil, fmt.Errorf("unclosed \" in %q", s)
				}
				if s[i] == '"' {
					break
				}
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("$`\"\\\n", s[i+1]) >= 0 {
					i++
					if s[i] == '\n' {
						continue
					}
				}
				word.WriteByte(s[i])
			}
		case c == ' ' || c == '\t' || c == '\n':
			endWord()
		case c == '&' && i+1 < len(s) && s[i+1] == '&':
			i++
			if err := endStep(); err != nil {
				return nil, err
			}
		case c == ';':
			if err := endStep(); err != nil {
				return nil, err
			}
		case strings.IndexByte("|&<>`(){}", c) >= 0 || (c == '$' && i+1 < len(s) && s[i+1] == '('):
			return nil, fmt.Errorf("shell syntax %q not understood in %q", c, s)
		default:
			word.WriteByte(c)
			inWord = true
		}
	}
	if err := endStep(); err != nil {
		return nil, err
	}
	return steps, nil
}

func isAssignment(w string) bool {
	name, _, ok := strings.Cut(w, "=")
	if !ok || name == "" {
		return false
	}
	for i, r := range name {
		if !(r == '_' || 'A' <= r && r <= 'Z' || 'a' <= r && r <= 'z' || i > 0 && '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}

// FunctionBuild returns the step of command that builds ./cmd/<name>
// with go build.
func FunctionBuild(command, name string) (Step, error) {
	steps, err := SplitCommand(command)
	if err != nil {
		return Step{}, err
	}
	for _, st := range steps {
		if len(st.Args) >= 2 && st.Args[0] == "go" && st.Args[1] == "build" && st.Args[len(st.Args)-1] == "./cmd/"+name {
			return st, nil
		}
	}
	return Step{}, fmt.Errorf("netlify.toml: the build command has no `go build ... ./cmd/%s` step", name)
}

// Flag returns the value of the flag -name in the step ("-name value" or
// "-name=value").
func (s Step) Flag(name string) (string, bool) {
	for i, a := range s.Args {
		for _, dash := range []string{"-", "--"} {
			if a == dash+name && i+1 < len(s.Args) {
				return s.Args[i+1], true
			}
			if v, ok := strings.CutPrefix(a, dash+name+"="); ok {
				return v, true
			}
		}
	}
	return "", false
}

// Getenv returns the value the step assigns to name.
func (s Step) Getenv(name string) (string, bool) {
	for _, kv := range s.Env {
		if k, v, _ := strings.Cut(kv, "="); k == name {
			return v, true
		}
	}
	return "", false
}

// WithOutput returns the step's arguments with -o's value replaced by out
// (or -o out added before the package).
func (s Step) WithOutput(out string) []string {
	args := slices.Clone(s.Args)
	for i, a := range args {
		if a == "-o" && i+1 < len(args) {
			args[i+1] = out
			return args
		}
		if strings.HasPrefix(a, "-o=") {
			args[i] = "-o=" + out
			return args
		}
	}
	return slices.Insert(args, len(args)-1, "-o", out)
}
