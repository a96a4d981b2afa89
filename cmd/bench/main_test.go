package main

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSummarize(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name string
		in   []sample
		want summary
	}{
		{"none", nil, summary{}},
		{"one", []sample{{100 * ms, 2048}}, summary{median: 100 * ms, min: 100 * ms, max: 100 * ms, rssKiB: 2048}},
		{
			"three",
			[]sample{{300 * ms, 900}, {100 * ms, 1100}, {200 * ms, 1000}},
			summary{median: 200 * ms, min: 100 * ms, max: 300 * ms, rssKiB: 1000},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := summarize(tt.in); got != tt.want {
				t.Errorf("summarize(%v): got %+v, want %+v", tt.in, got, tt.want)
			}
		})
	}
}

func TestWallRatioLine(t *testing.T) {
	tests := []struct {
		hugo, site time.Duration
		want       string
	}{
		{6300 * time.Millisecond, time.Second, "hugo/site wall: 6.3x (target >= 5x)"},
		{2 * time.Second, 4 * time.Second, "hugo/site wall: 0.5x (target >= 5x)"},
		{time.Second, 3 * time.Second, "hugo/site wall: 0.3x (target >= 5x)"},
		{time.Second, 0, "hugo/site wall: n/a (target >= 5x)"},
	}
	for _, tt := range tests {
		if got := wallRatioLine(tt.hugo, tt.site); got != tt.want {
			t.Errorf("wallRatioLine(%v, %v): got %q, want %q", tt.hugo, tt.site, got, tt.want)
		}
	}
}

func TestRSSRatioLine(t *testing.T) {
	tests := []struct {
		site, hugo int64
		want       string
	}{
		{42, 100, "peak RSS site/hugo: 0.42 (target < 1)"},
		{150, 100, "peak RSS site/hugo: 1.50 (target < 1)"},
		{1, 3, "peak RSS site/hugo: 0.33 (target < 1)"},
		{100, 0, "peak RSS site/hugo: n/a (target < 1)"},
	}
	for _, tt := range tests {
		if got := rssRatioLine(tt.site, tt.hugo); got != tt.want {
			t.Errorf("rssRatioLine(%d, %d): got %q, want %q", tt.site, tt.hugo, got, tt.want)
		}
	}
}

func TestMiB(t *testing.T) {
	tests := []struct {
		kib  int64
		want string
	}{
		{0, "0.0"},
		{1024, "1.0"},
		{1536, "1.5"},
		{317440, "310.0"},
	}
	for _, tt := range tests {
		if got := mib(tt.kib); got != tt.want {
			t.Errorf("mib(%d): got %q, want %q", tt.kib, got, tt.want)
		}
	}
}

func TestTableRow(t *testing.T) {
	s := summary{median: 412 * time.Millisecond, min: 398 * time.Millisecond, max: 1450 * time.Millisecond, rssKiB: 87347, pages: 1024}
	got := strings.Fields(tableRow("site", s))
	want := []string{"site", "412", "398", "1450", "85.3", "1024"}
	if !slices.Equal(got, want) {
		t.Errorf("tableRow fields: got %q, want %q", got, want)
	}
	if h, r := len(tableHeader()), len(tableRow("site", s)); h != r {
		t.Errorf("header and row widths differ: got %d and %d, want equal", h, r)
	}
}

func TestParseCounts(t *testing.T) {
	tests := []struct {
		in      string
		want    []int
		wantErr bool
	}{
		{"1000,10000", []int{1000, 10000}, false},
		{" 10 , 5 ,", []int{10, 5}, false},
		{"1", []int{1}, false},
		{"", nil, true},
		{",", nil, true},
		{"0", nil, true},
		{"-5", nil, true},
		{"1k", nil, true},
		{"10,10", nil, true},
	}
	for _, tt := range tests {
		got, err := parseCounts(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("parseCounts(%q) error: got %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("parseCounts(%q): got %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestParseTools(t *testing.T) {
	tests := []struct {
		in      string
		want    []string
		wantErr bool
	}{
		{"site,hugo", []string{"site", "hugo"}, false},
		{"hugo", []string{"hugo"}, false},
		{"hugo, site,hugo", []string{"hugo", "site"}, false},
		{"", nil, true},
		{"site,eleventy", nil, true},
		{"Site", nil, true},
	}
	for _, tt := range tests {
		got, err := parseTools(tt.in)
		if (err != nil) != tt.wantErr {
			t.Errorf("parseTools(%q) error: got %v, want error %v", tt.in, err, tt.wantErr)
			continue
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("parseTools(%q): got %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestCountHTML(t *testing.T) {
	dir := t.TempDir()
	files := map[string]string{
		"index.html":            "12345",
		"articles/a/index.html": "123",
		"tags/index.xml":        "ignored",
		"style.css":             "ignored",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	pages, size, err := countHTML(dir)
	if err != nil {
		t.Fatal(err)
	}
	if pages != 2 || size != 8 {
		t.Errorf("countHTML: got %d pages, %d bytes, want 2 pages, 8 bytes", pages, size)
	}
	pages, size, err = countHTML(filepath.Join(dir, "missing"))
	if err != nil || pages != 0 || size != 0 {
		t.Errorf("countHTML(missing): got %d pages, %d bytes, %v, want 0 pages, 0 bytes, nil", pages, size, err)
	}
}
