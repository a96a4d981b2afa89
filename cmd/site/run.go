package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"strings"

	"github.com/cassidine/site/internal/build"
	"github.com/cassidine/site/internal/theme"
)

var errHelp = flag.ErrHelp

// usageError is a mistake in the command line (exit status 2).
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// command is one subcommand of site.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *env, args []string) error
}

// env is what a command may touch: the environment only through getenv.
type env struct {
	getenv func(string) string
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

func commands() []command {
	return []command{
		{"build", "write the site to public/ (or -out)", runBuild},
		{"serve", "preview the site with live reload at http://127.0.0.1:1313/", runServe},
		{"new", "start an article: site new \"Title\"", runNew},
		{"check", "validate content and links without writing (-external: external links too)", runCheck},
		{"leads", "list quiz results and bookings, send queued emails, cancel or move a booking, check calendar feeds (leads quiz, bookings, send, cancel, move, calendars, calendar)", runLeads},
	}
}

// run is the whole program; main only adds the process around it.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	e := &env{getenv: getenv, stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		usage(stderr)
		return usageError{"no command given"}
	}
	if args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, e, args[1:])
		}
	}
	usage(stderr)
	return usageError{fmt.Sprintf("unknown command %q", args[0])}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: site <command> [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nRun \"site <command> -h\" for a command's flags.")
}

// newFlagSet returns a flag set whose errors and help go to stderr.
func newFlagSet(e *env, name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: site %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses flags, turning errors into usage errors.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	return nil
}

// siteFlags are the flags shared by build, check and serve.
type siteFlags struct {
	content, out, baseURL, cache string
	drafts, future, expired      bool
}

// register adds the shared flags; drafts is the default of -drafts and
// -future (on for serve and check, off for build).
func (f *siteFlags) register(fs *flag.FlagSet, e *env, drafts bool) {
	fs.StringVar(&f.content, "content", "content", "read articles, pages and site.toml from `DIR`; layouts/ and static/ stay the site's own")
	fs.BoolVar(&f.drafts, "drafts", drafts, "include pages marked draft: true")
	fs.BoolVar(&f.future, "future", drafts, "include pages dated in the future (scheduled: their publishDate, else date)")
	fs.BoolVar(&f.expired, "expired", false, "include pages whose expiryDate has passed")
	fs.StringVar(&f.baseURL, "baseurl", "", "absolute `URL` the site is served from, overriding site.toml's baseURL (canonical links, feeds, sitemap)")
	fs.StringVar(&f.cache, "cache", cacheDir(e.getenv), "keep resized images and share cards in `DIR` between builds (deleting it is always safe); empty: make them again each time")
}

// cacheDir is the default -cache: cassidine-site in the user's cache
// folder, found as os.UserCacheDir does but through getenv; "" if there
// is none.
func cacheDir(getenv func(string) string) string {
	var base string
	switch runtime.GOOS {
	case "windows":
		base = getenv("LocalAppData")
	case "darwin", "ios":
		if home := getenv("HOME"); home != "" {
			base = filepath.Join(home, "Library", "Caches")
		}
	case "plan9":
		if home := getenv("home"); home != "" {
			base = filepath.Join(home, "lib", "cache")
		}
	default:
		base = getenv("XDG_CACHE_HOME")
		if !filepath.IsAbs(base) {
			base = ""
			if home := getenv("HOME"); home != "" {
				base = filepath.Join(home, ".cache")
			}
		}
	}
	if base == "" {
		return ""
	}
	return filepath.Join(base, "cassidine-site")
}

func (f *siteFlags) options() build.Options {
	o := build.Options{
		Sources: theme.Sources{
			Content:    os.DirFS(f.content),
			ContentDir: filepath.ToSlash(filepath.Clean(f.content)),
			Layouts:    os.DirFS("layouts"),
			Static:     os.DirFS("static"),
		},
		Out:     f.out,
		Drafts:  f.drafts,
		Future:  f.future,
		Expired: f.expired,
		BaseURL: f.baseURL,
		Cache:   f.cache,
	}
	if filepath.Clean(f.content) != "content" {
		o.Defaults, o.DefaultsDir = os.DirFS("content"), "content"
	}
	return o
}

func runBuild(ctx context.Context, e *env, args []string) error {
	var f siteFlags
	var quiet bool
	fs := newFlagSet(e, "build", "build [flags]\n\nBuilds the site into a fresh folder and swaps it in place of -out only if\nevery page built; on any error the previous site is left untouched and\nevery problem is listed as file:line.")
	f.register(fs, e, false)
	fs.StringVar(&f.out, "out", "public", "write the site to `DIR` (replaced whole on success)")
	fs.BoolVar(&quiet, "quiet", false, "do not print the summary line")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the build to `FILE`, for go tool pprof")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := checkBaseURL(f.baseURL); err != nil {
		return err
	}
	tuneGC(e.getenv)
	if *cpuProfile != "" {
		stop, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stop()
	}
	res, err := build.Build(ctx, f.options())
	if err != nil {
		return fmt.Errorf("%w\nbuild failed: %s left unchanged", err, f.out)
	}
	printWarnings(e.stderr, res.Warnings)
	if !quiet {
		fmt.Fprintln(e.stdout, res.Summary(f.out))
	}
	return nil
}

// startCPUProfile profiles the process into file until stop is called.
func startCPUProfile(file string) (stop func(), err error) {
	f, err := os.Create(file)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// printWarnings writes a build's warnings, one "file:line: warning: ..."
// a line, and what to do about them.
func printWarnings(w io.Writer, warnings []error) {
	for _, warning := range warnings {
		fmt.Fprintln(w, warning)
	}
	if n := len(warnings); n > 0 {
		fmt.Fprintf(w, "%d warnings: the build went on, site check fails until they are fixed\n", n)
	}
}

// checkBaseURL accepts what site.toml's baseURL accepts: the absolute URL
// of a domain's root.
func checkBaseURL(s string) error {
	if s == "" {
		return nil
	}
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Path, "/") != "" {
		return usageError{fmt.Sprintf("-baseurl %q: want the absolute URL of the site's root, such as https://example.com/", s)}
	}
	return nil
}

// tuneGC trades memory for speed in the short-lived build: the collector
// runs a quarter as often as by default. A GOGC set by the user wins.
func tuneGC(getenv func(string) string) {
	if getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
}

// settingsDir is the folder whose site.toml (and quiz.toml) the build
// uses: -content's when it has one, else the site's own content/.
func (f *siteFlags) settingsDir() string {
	if _, err := os.Stat(filepath.Join(f.content, "site.toml")); err == nil {
		return f.content
	}
	return "content"
}
