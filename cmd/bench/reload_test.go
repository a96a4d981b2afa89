package main

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSummarizeLatencies(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name string
		in   []time.Duration
		want latencyStats
	}{
		{"none", nil, latencyStats{}},
		{"one", []time.Duration{5 * ms}, latencyStats{n: 1, median: 5 * ms, p90: 5 * ms, min: 5 * ms, max: 5 * ms}},
		{
			"four",
			[]time.Duration{40 * ms, 10 * ms, 30 * ms, 20 * ms},
			latencyStats{n: 4, median: 25 * ms, p90: 40 * ms, min: 10 * ms, max: 40 * ms},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := summarizeLatencies(tt.in); got != tt.want {
				t.Errorf("summarizeLatencies(%v): got %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestSSEParser(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  []sseEvent
	}{
		{
			"site reload after retry",
			[]string{"retry: 500", "", "event: reload", `data: {"pages":3}`, ""},
			[]sseEvent{{"reload", `{"pages":3}`}},
		},
		{
			"multi-line data joined with newlines",
			[]string{"event: builderror", "data: line one", "data: line two", ""},
			[]sseEvent{{"builderror", "line one\nline two"}},
		},
		{
			"comments and keepalives ignored",
			[]string{": keepalive", "", "event: reload", ": note", "data: x", ""},
			[]sseEvent{{"reload", "x"}},
		},
		{
			"no event name is message",
			[]string{"data: hi", ""},
			[]sseEvent{{"message", "hi"}},
		},
		{
			"no space after colon",
			[]string{"event:css", "data:{}", ""},
			[]sseEvent{{"css", "{}"}},
		},
		{
			"only one leading space is stripped",
			[]string{"data:  two", ""},
			[]sseEvent{{"message", " two"}},
		},
		{
			"event without data is not dispatched and name is reset",
			[]string{"event: reload", "", "data: later", ""},
			[]sseEvent{{"message", "later"}},
		},
		{
			"empty data line still dispatches",
			[]string{"event: reload", "data", ""},
			[]sseEvent{{"reload", ""}},
		},
		{
			"two events",
			[]string{"event: css", "data: a", "", "event: reload", "data: b", ""},
			[]sseEvent{{"css", "a"}, {"reload", "b"}},
		},
		{
			"unfinished event not dispatched",
			[]string{"event: reload", "data: x"},
			nil,
		},
		{
			"id and unknown fields ignored",
			[]string{"id: 7", "foo: bar", "event: reload", "data: x", ""},
			[]sseEvent{{"reload", "x"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p sseParser
			var got []sseEvent
			for _, l := range tt.lines {
				if ev, ok := p.line(l); ok {
					got = append(got, ev)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("events from %q: got %q, want %q", tt.lines, got, tt.want)
			}
		})
	}
}

func TestServingURL(t *testing.T) {
	tests := []struct {
		line   string
		want   string
		wantOK bool
	}{
		{"built 1042 pages in 480 ms; serving http://127.0.0.1:41234/ (drafts and scheduled articles shown; Ctrl+C stops)", "http://127.0.0.1:41234/", true},
		{"serving http://127.0.0.1:1313/", "http://127.0.0.1:1313/", true},
		{"changed content/articles/a.md: 1 pages written, 0 removed in 4 ms (reload)", "", false},
		{"serving http:// (broken)", "", false},
		{"serving https://127.0.0.1:1/ x", "", false},
	}
	for _, tt := range tests {
		got, ok := servingURL(tt.line)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("servingURL(%q): got %q, %v, want %q, %v", tt.line, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestLiveReloadCommand(t *testing.T) {
	tests := []struct {
		msg      string
		wantCmd  string
		wantPath string
	}{
		{`{"command":"reload","path":"/x.js","originalPath":"","liveCSS":true,"liveImg":true}`, "reload", "/x.js"},
		{"{\n\t\"command\": \"hello\",\n\t\"protocols\": [ \"http://livereload.com/protocols/official-7\" ],\n\t\"serverName\": \"Hugo\"\n}", "hello", ""},
		{`{"command":"alert","message":"x"}`, "alert", ""},
		{`not json`, "", ""},
		{`{}`, "", ""},
	}
	for _, tt := range tests {
		cmd, path := liveReloadCommand(tt.msg)
		if cmd != tt.wantCmd || path != tt.wantPath {
			t.Errorf("liveReloadCommand(%q): got %q, %q, want %q, %q", tt.msg, cmd, path, tt.wantCmd, tt.wantPath)
		}
	}
}

func TestReloadPages(t *testing.T) {
	tests := []struct {
		data   string
		want   int
		wantOK bool
	}{
		{`{"pages":211}`, 211, true},
		{`{"pages":0}`, 0, true},
		{`{}`, 0, false},
		{``, 0, false},
		{`{"pages":"x"}`, 0, false},
	}
	for _, tt := range tests {
		got, ok := reloadPages(tt.data)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("reloadPages(%q): got %d, %v, want %d, %v", tt.data, got, ok, tt.want, tt.wantOK)
		}
	}
}

const article = `---
title: "Forecast Structure Outcome Scorecard"
date: 2020-01-01
tags: [leadership, growth]
---

## Strategy Gap

Gap the with hiring founder. Structure a will technology. See [x](/x/) for more.

- Not a paragraph. Really not.
`

func TestEditBody(t *testing.T) {
	tests := []editCase{
		{
			"first sentence of first paragraph",
			article, "body 3",
			strings.Replace(article, "Gap the with hiring founder.", "Reload bench edit body 3 rewrote this sentence.", 1),
			false,
		},
		{
			"a second edit replaces the first",
			strings.Replace(article, "Gap the with hiring founder.", "Reload bench edit body 3 rewrote this sentence.", 1), "body 4",
			strings.Replace(article, "Gap the with hiring founder.", "Reload bench edit body 4 rewrote this sentence.", 1),
			false,
		},
		{
			"skips code, lists, quotes, one-sentence lines",
			"---\ntitle: x\n---\n```\ncode here. more code\n```\n> Quote. Quote.\n- List. Item.\nShort line.\nOne. Two.\n", "t",
			"---\ntitle: x\n---\n```\ncode here. more code\n```\n> Quote. Quote.\n- List. Item.\nShort line.\nReload bench edit t rewrote this sentence. Two.\n",
			false,
		},
		{
			"keeps CRLF line ends",
			"---\r\ntitle: x\r\n---\r\nOne. Two.\r\n", "t",
			"---\r\ntitle: x\r\n---\r\nReload bench edit t rewrote this sentence. Two.\r\n",
			false,
		},
		{"front matter lines are not body", "---\ntitle: A. B.\n---\n# Only a heading\n", "t", "", true},
		{"no front matter", "One. Two.\n", "t", "", true},
		{"unclosed front matter", "---\ntitle: x\nOne. Two.\n", "t", "", true},
	}
	checkEdit(t, "editBody", editBody, tests)
}

func TestEditTitle(t *testing.T) {
	tests := []editCase{
		{
			"double-quoted title",
			article, "title 1",
			strings.Replace(article, `title: "Forecast Structure Outcome Scorecard"`, `title: "Forecast Structure Outcome Scorecard (bench title 1)"`, 1),
			false,
		},
		{
			"an earlier suffix is replaced, not stacked",
			strings.Replace(article, `Scorecard"`, `Scorecard (bench title 1)"`, 1), "title 2",
			strings.Replace(article, `Scorecard"`, `Scorecard (bench title 2)"`, 1),
			false,
		},
		{"plain title", "---\ntitle: Plain (see)\n---\nbody\n", "t", "---\ntitle: \"Plain (see) (bench t)\"\n---\nbody\n", false},
		{"single-quoted title", "---\ntitle: 'It''s'\n---\n", "t", "---\ntitle: \"It's (bench t)\"\n---\n", false},
		{"quote inside is escaped", "---\ntitle: 'Say \"hi\"'\n---\n", "t", "---\ntitle: \"Say \\\"hi\\\" (bench t)\"\n---\n", false},
		{"body title: line untouched", "---\ndate: 2020-01-01\n---\ntitle: not front matter\n", "t", "", true},
		{"no front matter", "title: x\n", "t", "", true},
	}
	checkEdit(t, "editTitle", editTitle, tests)
}

// editCase is a test of an edit: src edited with tag is want, or an error.
type editCase struct {
	name    string
	src     string
	tag     string
	want    string
	wantErr bool
}

// checkEdit runs the edit function named name on each test.
func checkEdit(t *testing.T, name string, edit func(src []byte, tag string) ([]byte, error), tests []editCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := edit([]byte(tt.src), tt.tag)
			if (err != nil) != tt.wantErr {
				t.Fatalf("%s error: got %v, want error %v", name, err, tt.wantErr)
			}
			if string(got) != tt.want {
				t.Errorf("%s(%q, %q):\ngot  %q\nwant %q", name, tt.src, tt.tag, got, tt.want)
			}
		})
	}
}

func TestEditsShowTheirMarker(t *testing.T) {
	for _, kind := range editKinds {
		got, err := kind.apply([]byte(article), kind.name+" 9")
		if err != nil {
			t.Fatalf("%s edit: %v", kind.name, err)
		}
		if bytes.Equal(got, []byte(article)) {
			t.Errorf("%s edit: got the input unchanged, want a change", kind.name)
		}
		if m := kind.marker(kind.name + " 9"); !strings.Contains(string(got), m) {
			t.Errorf("%s edit: got a file without %q, want it", kind.name, m)
		}
	}
}

func TestSplitFrontMatter(t *testing.T) {
	tests := []struct {
		in       string
		fm, body string
		wantErr  bool
	}{
		{"---\na: 1\n---\nbody\n", "---\na: 1\n---\n", "body\n", false},
		{"---\na: 1\n---", "---\na: 1\n---", "", false},
		{"---\n---\n", "---\n---\n", "", false},
		{"---\na: 1\n", "", "", true},
		{"a: 1\n---\n", "", "", true},
		{"", "", "", true},
	}
	for _, tt := range tests {
		fm, body, err := splitFrontMatter(tt.in)
		if (err != nil) != tt.wantErr || fm != tt.fm || body != tt.body {
			t.Errorf("splitFrontMatter(%q): got %q, %q, %v, want %q, %q, error %v", tt.in, fm, body, err, tt.fm, tt.body, tt.wantErr)
		}
	}
}

func TestSpread(t *testing.T) {
	tests := []struct {
		n, k int
		want []int
	}{
		{1000, 5, []int{100, 300, 500, 700, 900}},
		{10, 1, []int{5}},
		{3, 3, []int{0, 1, 2}},
		{2, 4, []int{0, 0, 1, 1}},
		{1, 3, []int{0, 0, 0}},
	}
	for _, tt := range tests {
		if got := spread(tt.n, tt.k); !slices.Equal(got, tt.want) {
			t.Errorf("spread(%d, %d): got %v, want %v", tt.n, tt.k, got, tt.want)
		}
	}
}

func TestPlanEdits(t *testing.T) {
	var names []string
	for i := range 1000 {
		names = append(names, fmt.Sprintf("article-%05d.md", i))
	}
	p := planEdits(names, 20)
	if p.warm != "article-00012.md" {
		t.Errorf("warm-up article: got %s, want article-00012.md", p.warm)
	}
	seen := map[string]bool{p.warm: true}
	for _, kind := range editKinds {
		if got := len(p.byKind[kind.name]); got != 20 {
			t.Errorf("%s edits: got %d, want 20", kind.name, got)
		}
		for _, a := range p.byKind[kind.name] {
			if seen[a] {
				t.Errorf("article %s planned twice, want each once", a)
			}
			seen[a] = true
		}
	}
}

func TestReloadRatioLine(t *testing.T) {
	ms := time.Millisecond
	site := &latencyStats{median: 12 * ms}
	hugo := &latencyStats{median: 180 * ms}
	tests := []struct {
		kind       string
		target     time.Duration
		site, hugo *latencyStats
		want       string
	}{
		{"body", 50 * ms, site, hugo, "body edit: site median 12.0 ms (target < 50 ms), hugo median 180.0 ms, hugo/site 15.0x"},
		{"title", 150 * ms, &latencyStats{median: 40500 * time.Microsecond}, &latencyStats{median: 20250 * time.Microsecond}, "title edit: site median 40.5 ms (target < 150 ms), hugo median 20.2 ms, hugo/site 0.5x"},
		{"body", 50 * ms, site, nil, "body edit: site median 12.0 ms (target < 50 ms), hugo not run"},
		{"body", 50 * ms, nil, hugo, "body edit: site not run, hugo median 180.0 ms"},
		{"body", 50 * ms, &latencyStats{}, hugo, "body edit: site median 0.0 ms (target < 50 ms), hugo median 180.0 ms, hugo/site n/a"},
	}
	for _, tt := range tests {
		if got := reloadRatioLine(tt.kind, tt.target, tt.site, tt.hugo); got != tt.want {
			t.Errorf("reloadRatioLine(%s): got %q, want %q", tt.kind, got, tt.want)
		}
	}
}

func TestLatencyRow(t *testing.T) {
	ms := time.Millisecond
	s := latencyStats{n: 20, median: 12345 * time.Microsecond, p90: 20 * ms, min: 9 * ms, max: 1234 * ms}
	got := strings.Fields(latencyRow("site", "title", s))
	want := []string{"site", "title", "20", "12.3", "20.0", "9.0", "1234.0"}
	if !slices.Equal(got, want) {
		t.Errorf("latencyRow fields: got %q, want %q", got, want)
	}
	if h, r := len(latencyHeader()), len(latencyRow("site", "title", s)); h != r {
		t.Errorf("header and row widths differ: got %d and %d, want equal", h, r)
	}
}

func TestLineLog(t *testing.T) {
	var seen []string
	l := &lineLog{max: 2, onLine: func(s string) { seen = append(seen, s) }}
	for _, chunk := range []string{"one\ntw", "o\r\n", "three\nfour\npart"} {
		if n, err := l.Write([]byte(chunk)); n != len(chunk) || err != nil {
			t.Fatalf("Write(%q): got %d, %v, want %d, nil", chunk, n, err, len(chunk))
		}
	}
	if want := []string{"one", "two", "three", "four"}; !slices.Equal(seen, want) {
		t.Errorf("lines: got %q, want %q", seen, want)
	}
	if got, want := l.tail(), "three\nfour\npart"; got != want {
		t.Errorf("tail: got %q, want %q", got, want)
	}
	if got, want := (&lineLog{max: 2}).tail(), "(none)"; got != want {
		t.Errorf("empty tail: got %q, want %q", got, want)
	}
}

func TestReloadInfo(t *testing.T) {
	tests := []struct {
		tool, data, want string
	}{
		{"site", `{"pages":1}`, " (site rewrote 1 page)"},
		{"site", `{"pages":211}`, " (site rewrote 211 pages)"},
		{"site", `junk`, ""},
		{"hugo", "/x.js", " (hugo reloads /x.js)"},
		{"hugo", "", ""},
	}
	for _, tt := range tests {
		if got := reloadInfo(tt.tool, tt.data); got != tt.want {
			t.Errorf("reloadInfo(%q, %q): got %q, want %q", tt.tool, tt.data, got, tt.want)
		}
	}
}
