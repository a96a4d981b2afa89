package main

import (
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cassidine/site/internal/quiz"
	"github.com/cassidine/site/internal/runenv"
)

func TestSummarize(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name string
		in   []time.Duration
		want latencyStats
	}{
		{"none", nil, latencyStats{}},
		{"unsorted input", []time.Duration{3 * ms, 1 * ms, 2 * ms}, latencyStats{n: 3, p50: 2 * ms, p90: 3 * ms, p99: 3 * ms, max: 3 * ms}},
		{"one slow request shows at p99 of 100", append(slices.Repeat([]time.Duration{ms}, 98), 2*ms, 50*ms),
			latencyStats{n: 100, p50: ms, p90: ms, p99: 2 * ms, max: 50 * ms}},
		{"two slow requests of 100 reach p99", append(slices.Repeat([]time.Duration{ms}, 98), 40*ms, 50*ms),
			latencyStats{n: 100, p50: ms, p90: ms, p99: 40 * ms, max: 50 * ms}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := slices.Clone(tt.in)
			if got := summarize(in); got != tt.want {
				t.Errorf("summarize: got %+v, want %+v", got, tt.want)
			}
			if !slices.Equal(in, tt.in) {
				t.Error("summarize modified its input")
			}
		})
	}
}

func TestSchedule(t *testing.T) {
	tests := []struct {
		name  string
		rate  int
		d     time.Duration
		n     int
		check map[int]time.Duration // index → offset
	}{
		{"500/s for 10s", 500, 10 * time.Second, 5000, map[int]time.Duration{0: 0, 1: 2 * time.Millisecond, 250: 500 * time.Millisecond, 4999: 9998 * time.Millisecond}},
		{"1/s for 3s", 1, 3 * time.Second, 3, map[int]time.Duration{0: 0, 1: time.Second, 2: 2 * time.Second}},
		{"3/s does not drift", 3, 3 * time.Second, 9, map[int]time.Duration{1: 333333333, 3: time.Second, 8: 2666666666}},
		{"partial second rounds down", 10, 1550 * time.Millisecond, 15, map[int]time.Duration{14: 1400 * time.Millisecond}},
		{"too short for one", 1, 500 * time.Millisecond, 0, nil},
		{"zero rate", 0, time.Second, 0, nil},
		{"zero duration", 500, 0, 0, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := schedule(tt.rate, tt.d)
			if len(got) != tt.n {
				t.Fatalf("schedule(%d, %s): got %d requests, want %d", tt.rate, tt.d, len(got), tt.n)
			}
			for i, want := range tt.check {
				if got[i] != want {
					t.Errorf("schedule(%d, %s)[%d]: got %v, want %v", tt.rate, tt.d, i, got[i], want)
				}
			}
			if !slices.IsSorted(got) {
				t.Errorf("schedule(%d, %s) is not in order", tt.rate, tt.d)
			}
			for _, off := range got {
				if off < 0 || off >= tt.d {
					t.Errorf("schedule(%d, %s): offset %v outside [0, %s)", tt.rate, tt.d, off, tt.d)
				}
			}
		})
	}
}

func TestLuaQuote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", `""`},
		{"q.0.a=1&v=abc&website=", `"q.0.a=1&v=abc&website="`},
		{`say "hi"`, `"say \"hi\""`},
		{`back\slash`, `"back\\slash"`},
		{"line\nbreak\r", `"line\010break\013"`},
		{"\x00" + "1", `"\0001"`}, // three digits, so the 1 stays a 1
		{"café", `"caf\195\169"`},
		{"del\x7f", `"del\127"`},
	}
	for _, tt := range tests {
		if got := luaQuote(tt.in); got != tt.want {
			t.Errorf("luaQuote(%q): got %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestLuaScript(t *testing.T) {
	tests := []struct {
		name    string
		path    string
		headers [][2]string
		bodies  []string
		want    []string // lines or fragments that must appear
		notWant []string
	}{
		{
			name:    "quiz with JSON",
			path:    "/api/quiz",
			headers: formHeaders(true),
			bodies:  []string{"q.0.a=1&v=x&website=", "q.0.a=4&v=x&website="},
			want: []string{
				`local path = "/api/quiz"`,
				`  {"Content-Type", "application/x-www-form-urlencoded"},`,
				`  {"Accept", "application/json"},`,
				`  "q.0.a=1&v=x&website=",`,
				`  "q.0.a=4&v=x&website=",`,
				`requests[i] = wrk.format("POST", path, h, body)`,
				"function init(args)",
				"function request()",
				"n = n % #requests + 1",
			},
		},
		{
			name:    "no-JS sends no Accept",
			path:    "/api/quiz",
			headers: formHeaders(false),
			bodies:  []string{"b"},
			want:    []string{`{"Content-Type", "application/x-www-form-urlencoded"},`},
			notWant: []string{"Accept"},
		},
		{
			name:    "baseline at /, quoted body",
			path:    "/",
			headers: formHeaders(true),
			bodies:  []string{`a="b"`},
			want:    []string{`local path = "/"`, `  "a=\"b\"",`},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := luaScript(tt.path, tt.headers, tt.bodies)
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("script lacks %q:\n%s", w, got)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(got, w) {
					t.Errorf("script has %q:\n%s", w, got)
				}
			}
			if n := strings.Count(got, "\n  \""); n != len(tt.bodies) {
				t.Errorf("script has %d body lines, want %d", n, len(tt.bodies))
			}
			// Balanced braces and function/end pairs: a cheap syntax check
			// (the real one is wrk loading it).
			if o, c := strings.Count(got, "{"), strings.Count(got, "}"); o != c {
				t.Errorf("script has %d { and %d }", o, c)
			}
			opens := strings.Count(got, "function ") + strings.Count(got, " do\n") + strings.Count(got, " do ")
			if ends := strings.Count(got, "end\n") + strings.Count(got, " end "); opens != ends {
				t.Errorf("script has %d blocks opened and %d ends:\n%s", opens, ends, got)
			}
		})
	}
}

func TestQuizBodies(t *testing.T) {
	q := &quiz.Quiz{}
	for i := range 15 {
		q.Questions = append(q.Questions, quiz.Question{ID: "s" + strconv.Itoa(i)})
	}
	tests := []struct {
		name    string
		q       *quiz.Quiz
		version string
		n       int
	}{
		{"15 statements, 8 bodies", q, "0123456789ab", 8},
		{"one statement", &quiz.Quiz{Questions: []quiz.Question{{ID: "a"}}}, "v1", 3},
		{"version that needs escaping", q, "a b&c", 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bodies := quizBodies(tt.q, tt.version, tt.n)
			if len(bodies) != tt.n {
				t.Fatalf("got %d bodies, want %d", len(bodies), tt.n)
			}
			seen := map[string]bool{}
			sums := map[int]bool{}
			for k, body := range bodies {
				if seen[body] && len(tt.q.Questions) > 1 {
					t.Errorf("body %d repeats an earlier one: %s", k, body)
				}
				seen[body] = true
				vals, err := url.ParseQuery(body)
				if err != nil {
					t.Fatalf("body %d does not parse: %v", k, err)
				}
				if want := len(tt.q.Questions) + 2; len(vals) != want {
					t.Errorf("body %d has %d fields, want %d: %s", k, len(vals), want, body)
				}
				sum := 0
				for i := range tt.q.Questions {
					v := vals[quiz.FieldName(i)]
					a, err := strconv.Atoi(strings.Join(v, ""))
					if len(v) != 1 || err != nil || a < 0 || a >= quiz.ScaleSize {
						t.Errorf("body %d: %s = %q, want one answer 0..%d", k, quiz.FieldName(i), v, quiz.ScaleSize-1)
					}
					sum += a
				}
				sums[sum] = true
				if got := vals["v"]; len(got) != 1 || got[0] != tt.version {
					t.Errorf("body %d: v = %q, want %q", k, got, tt.version)
				}
				if got, ok := vals["website"]; !ok || len(got) != 1 || got[0] != "" {
					t.Errorf("body %d: website = %q (present %v), want present and empty", k, got, ok)
				}
			}
			if tt.n >= quiz.ScaleSize && len(sums) < quiz.ScaleSize-1 {
				t.Errorf("bodies give only %d different totals, want varied scores", len(sums))
			}
		})
	}
}

// A wrk 4.1 --latency report, as Debian's wrk prints it.
const wrkSample = `Running 10s test @ http://127.0.0.1:40123/api/quiz
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    17.52ms    6.01ms  80.33ms   75.21%
    Req/Sec     0.92k   101.55     1.16k    70.50%
  Latency Distribution
     50%   16.64ms
     75%   20.39ms
     90%   24.86ms
     99%   37.01ms
  18342 requests in 10.01s, 61.33MB read
Requests/sec:   1832.46
Transfer/sec:      6.13MB
`

const wrkErrorsSample = `Running 2s test @ http://127.0.0.1:40124/
  2 threads and 32 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency   612.00us  1.20ms   1.50s    99.00%
    Req/Sec    26.10k     2.00k   30.00k    80.00%
  Latency Distribution
     50%  412.00us
     75%  700.50us
     90%    1.02ms
     99%    1.50s
  104400 requests in 2.00s, 13.14MB read
  Socket errors: connect 1, read 2, write 3, timeout 4
  Non-2xx or 3xx responses: 17
Requests/sec:  52187.03
Transfer/sec:      6.57MB
`

func TestParseWrk(t *testing.T) {
	ms, us := time.Millisecond, time.Microsecond
	tests := []struct {
		name    string
		in      string
		want    wrkResult
		wantErr bool
	}{
		{"clean run", wrkSample, wrkResult{
			Requests: 18342, Duration: 10010 * ms, RPS: 1832.46,
			Latency: []percentile{{50, 16640 * us}, {75, 20390 * us}, {90, 24860 * us}, {99, 37010 * us}},
		}, false},
		{"errors, us and s units", wrkErrorsSample, wrkResult{
			Requests: 104400, Duration: 2 * time.Second, RPS: 52187.03,
			Latency:   []percentile{{50, 412 * us}, {75, 700500 * time.Nanosecond}, {90, 1020 * us}, {99, 1500 * ms}},
			Non2xx3xx: 17, Socket: socketErrors{1, 2, 3, 4},
		}, false},
		{"without --latency", "  10 requests in 1.00s, 1.00KB read\nRequests/sec:     10.00\n", wrkResult{
			Requests: 10, Duration: time.Second, RPS: 10,
		}, false},
		{"minutes", "  Latency Distribution\n     50%    1.50m\nRequests/sec: 0.50\n", wrkResult{
			RPS: 0.5, Latency: []percentile{{50, 90 * time.Second}},
		}, false},
		{"no Requests/sec", strings.Replace(wrkSample, "Requests/sec:   1832.46\n", "", 1), wrkResult{}, true},
		{"empty", "", wrkResult{}, true},
		{"usage text", "Usage: wrk <options> <url>\n  Options:\n", wrkResult{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseWrk(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseWrk: err %v, wantErr %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if got.Requests != tt.want.Requests || got.Duration != tt.want.Duration || got.RPS != tt.want.RPS ||
				got.Non2xx3xx != tt.want.Non2xx3xx || got.Socket != tt.want.Socket || !slices.Equal(got.Latency, tt.want.Latency) {
				t.Errorf("parseWrk:\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestWrkResultAt(t *testing.T) {
	r, err := parseWrk(wrkSample)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		p    float64
		want time.Duration
		ok   bool
	}{
		{50, 16640 * time.Microsecond, true},
		{99, 37010 * time.Microsecond, true},
		{99.9, 0, false},
	}
	for _, tt := range tests {
		if got, ok := r.at(tt.p); got != tt.want || ok != tt.ok {
			t.Errorf("at(%g): got %v, %v; want %v, %v", tt.p, got, ok, tt.want, tt.ok)
		}
	}
}

func TestWrkLine(t *testing.T) {
	r, err := parseWrk(wrkErrorsSample)
	if err != nil {
		t.Fatal(err)
	}
	want := "bare: 52187 req/s, 104400 requests in 2s, p50 0.41 ms, p99 1500 ms, 17 non-2xx/3xx, 10 socket errors"
	if got := wrkLine("bare", r); got != want {
		t.Errorf("wrkLine:\n got %q\nwant %q", got, want)
	}
}

func TestSummaryLines(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name, got, want string
	}{
		{"throughput", throughputLine(1830, 5200), "quiz throughput 1830 req/s, bare net/http 5200 req/s, ratio 0.35 (target >= 0.5)"},
		{"throughput no baseline", throughputLine(1830, 0), "quiz throughput 1830 req/s, bare net/http 0 req/s, ratio n/a (target >= 0.5)"},
		{"latency", latencyLine(500, 10*time.Second, latencyStats{n: 5000, p50: 1200 * time.Microsecond, p90: 2 * ms, p99: 4800 * time.Microsecond, max: 12345 * time.Microsecond}, 0, 5000, 5000),
			"quiz at 500 req/s for 10s: p50 1.20 ms, p90 2 ms, p99 4.80 ms (target < 10 ms), max 12.35 ms, 0 errors, 5000 stored rows = 5000 responses"},
		{"latency mismatch", latencyLine(500, 10*time.Second, latencyStats{}, 3, 4998, 4997),
			"quiz at 500 req/s for 10s: p50 0 ms, p90 0 ms, p99 0 ms (target < 10 ms), max 0 ms, 3 errors, 4998 stored rows != 4997 responses"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s:\n got %q\nwant %q", tt.name, tt.got, tt.want)
		}
	}
}

func TestConfigCheck(t *testing.T) {
	ok := config{rounds: 2, duration: 10 * time.Second, warmup: 2 * time.Second, threads: 2, connections: 32, nojs: true,
		rate: 500, rateDuration: 10 * time.Second, workers: 64, timeout: 3 * time.Minute}
	tests := []struct {
		name    string
		edit    func(*config)
		wantErr string
	}{
		{"defaults", func(*config) {}, ""},
		{"no warm-up", func(c *config) { c.warmup = 0 }, ""},
		{"latency only", func(c *config) { c.rounds = 0; c.warmup = 0 }, ""},
		{"negative rounds", func(c *config) { c.rounds = -1 }, "-rounds"},
		{"fractional duration", func(c *config) { c.duration = 1500 * time.Millisecond }, "-duration"},
		{"fractional warm-up", func(c *config) { c.warmup = 500 * time.Millisecond }, "-warmup"},
		{"fewer connections than threads", func(c *config) { c.connections = 1 }, "-connections"},
		{"zero rate", func(c *config) { c.rate = 0 }, "-rate"},
		{"rate duration too short", func(c *config) { c.rate = 1; c.rateDuration = 100 * time.Millisecond }, "-rate-duration"},
		{"no workers", func(c *config) { c.workers = 0 }, "-workers"},
		{"plan longer than timeout", func(c *config) { c.rounds = 10 }, "-timeout"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ok
			tt.edit(&c)
			checkErrAbout(t, c.check(), tt.wantErr)
		})
	}
}

// checkErrAbout reports a check error other than the one wanted: none for
// an empty wantErr, else one mentioning wantErr.
func checkErrAbout(t *testing.T, err error, wantErr string) {
	t.Helper()
	switch {
	case wantErr == "" && err != nil:
		t.Errorf("check: %v, want nil", err)
	case wantErr != "" && (err == nil || !strings.Contains(err.Error(), wantErr)):
		t.Errorf("check: %v, want an error about %s", err, wantErr)
	}
}

func TestTargetArgv(t *testing.T) {
	c := config{threads: 2, connections: 32}
	tg := target{script: "/tmp/x/quiz.lua", url: "http://127.0.0.1:5000/api/quiz"}
	got := runenv.ShellQuote(tg.argv("/usr/bin/wrk", c, 10*time.Second)...)
	want := "/usr/bin/wrk -t2 -c32 -d10s --latency -s /tmp/x/quiz.lua http://127.0.0.1:5000/api/quiz"
	if got != want {
		t.Errorf("argv:\n got %s\nwant %s", got, want)
	}
}

func TestParseCPULine(t *testing.T) {
	tests := []struct {
		line               string
		busy, total, steal uint64
		wantErr            bool
	}{
		{"cpu  100 5 50 1000 20 3 2 7 0 0", 160, 1187, 7, false},
		{"cpu 1 0 1 8 0 0 0 0", 2, 10, 0, false},
		{"cpu0 100 5 50 1000 20 3 2 7 0 0", 0, 0, 0, true},
		{"cpu 1 2 3", 0, 0, 0, true},
		{"cpu 1 2 3 x 5 6 7 8", 0, 0, 0, true},
		{"", 0, 0, 0, true},
	}
	for _, tt := range tests {
		busy, total, steal, err := parseCPULine(tt.line)
		if (err != nil) != tt.wantErr || busy != tt.busy || total != tt.total || steal != tt.steal {
			t.Errorf("parseCPULine(%q): got %d, %d, %d, %v; want %d, %d, %d, error %v", tt.line, busy, total, steal, err, tt.busy, tt.total, tt.steal, tt.wantErr)
		}
	}
}

func TestParseSelfStat(t *testing.T) {
	// Fields 14 to 17 are utime, stime, cutime, cstime.
	rest := " S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 20 0 0"
	tests := []struct {
		in      string
		want    uint64
		wantErr bool
	}{
		{"1234 (loadtest)" + rest, 11 + 12 + 13 + 14, false},
		{"1234 (a (weird) name)" + rest, 50, false},
		{"1234 (loadtest) S 1 2", 0, true},
		{"no name", 0, true},
		{"1234 (x) S 1 2 3 4 5 6 7 8 9 10 11 -12 13 14 20", 0, true},
	}
	for _, tt := range tests {
		got, err := parseSelfStat(tt.in)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("parseSelfStat(%q): got %d, %v; want %d, error %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestCPUUse(t *testing.T) {
	n := float64(runtime.NumCPU())
	a := cpuSample{ok: true, busy: 1000, total: 4000, steal: 10, self: 300}
	tests := []struct {
		name string
		b    cpuSample
		want cpuUse
	}{
		{"all busy, half ours", cpuSample{ok: true, busy: 1200, total: 4200, steal: 10, self: 400},
			cpuUse{ok: true, cpus: runtime.NumCPU(), self: n / 2, others: n / 2}},
		{"idle with steal", cpuSample{ok: true, busy: 1000, total: 4100, steal: 30, self: 300},
			cpuUse{ok: true, cpus: runtime.NumCPU(), stealFrac: 0.2}},
		{"own ticks above machine's clamp others at 0", cpuSample{ok: true, busy: 1010, total: 4100, steal: 10, self: 320},
			cpuUse{ok: true, cpus: runtime.NumCPU(), self: 0.2 * n}},
		{"unknown", cpuSample{}, cpuUse{}},
		{"no time passed", a, cpuUse{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := a.until(tt.b); got != tt.want {
				t.Errorf("until: got %+v, want %+v", got, tt.want)
			}
		})
	}
	if got := (cpuUse{}).suffix("x"); got != "" {
		t.Errorf("suffix of unknown use: got %q, want empty", got)
	}
	u := cpuUse{ok: true, cpus: 2, self: 1.5, others: 0.25, stealFrac: 0.01}
	if got, want := u.suffix("this process"), "; CPU: this process 1.50 of 2, other processes 0.25, steal 1%"; got != want {
		t.Errorf("suffix: got %q, want %q", got, want)
	}
}
