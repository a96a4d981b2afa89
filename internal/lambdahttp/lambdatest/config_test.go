package lambdatest

import (
	"slices"
	"testing"
)

func TestSplitCommand(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []Step
	}{
		{`go run ./cmd/site build -baseurl "$URL"`, []Step{{Args: []string{"go", "run", "./cmd/site", "build", "-baseurl", "$URL"}}}},
		{"a && \\\n  CGO_ENABLED=0 GOOS=linux go build -ldflags \"-s -w\" -o 'out dir/api' ./cmd/api; b",
			[]Step{{Args: []string{"a"}}, {Env: []string{"CGO_ENABLED=0", "GOOS=linux"}, Args: []string{"go", "build", "-ldflags", "-s -w", "-o", "out dir/api", "./cmd/api"}}, {Args: []string{"b"}}}},
		{`echo "a \"quoted\" \$word" x\ y`, []Step{{Args: []string{"echo", `a "quoted" $word`, "x y"}}}},
	} {
		got, err := SplitCommand(tc.in)
		if err != nil {
			t.Errorf("SplitCommand(%q): %v", tc.in, err)
			continue
		}
		if !slices.EqualFunc(got, tc.want, func(a, b Step) bool { return slices.Equal(a.Env, b.Env) && slices.Equal(a.Args, b.Args) }) {
			t.Errorf("SplitCommand(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	for _, bad := range []string{`a | b`, `a || b`, `echo "open`, `echo 'open`, `a && && b`, `echo $(date)`, ``} {
		if got, err := SplitCommand(bad); err == nil {
			t.Errorf("SplitCommand(%q) = %q, want an error", bad, got)
		}
	}
}

func TestFunctionBuild(t *testing.T) {
	cmd := `go run ./cmd/site build && CGO_ENABLED=0 go build -tags lambda.norpc -ldflags "-s -w" -o dir/api ./cmd/api && go build -o dir/publish ./cmd/publish`
	st, err := FunctionBuild(cmd, "api")
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := st.Getenv("CGO_ENABLED"); v != "0" {
		t.Errorf("CGO_ENABLED = %q, want 0", v)
	}
	if v, _ := st.Flag("tags"); v != "lambda.norpc" {
		t.Errorf("-tags = %q, want lambda.norpc", v)
	}
	if got, want := st.WithOutput("/tmp/x"), []string{"go", "build", "-tags", "lambda.norpc", "-ldflags", "-s -w", "-o", "/tmp/x", "./cmd/api"}; !slices.Equal(got, want) {
		t.Errorf("WithOutput = %q, want %q", got, want)
	}
	if _, err := FunctionBuild(cmd, "nope"); err == nil {
		t.Error("FunctionBuild(nope) found a step; want an error")
	}
}
