package build

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"golang.org/x/tools/txtar"
)

// hugoBlogImages are the images of testdata/hugoblog, made when a test
// runs rather than kept in the repository.
var hugoBlogImages = map[string]string{
	"about/portrait.jpg":               "!image 300x300 jpeg",
	"articles/2023/launch/signups.jpg": "!image 1000x500 jpeg",
	"articles/2023/launch/plan.png":    "!image 50x50 png",
}

// hugoBlog returns testdata/hugoblog/content, a Hugo blog's posts as a
// consultant would copy them in (posts/ moved to articles/), with its
// images.
func hugoBlog(t testing.TB) fstest.MapFS {
	t.Helper()
	fsys := fstest.MapFS{}
	root := filepath.Join("testdata", "hugoblog", "content")
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(p)
		rel, _ := filepath.Rel(root, p)
		fsys[filepath.ToSlash(rel)] = &fstest.MapFile{Data: data}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	for name, spec := range hugoBlogImages {
		fsys[name] = &fstest.MapFile{Data: testImage(t, []byte(spec))}
	}
	return fsys
}

// hugoBlogPages are the pages and files Hugo (0.111) writes for the blog,
// its aliases left aside: Hugo writes each as a page that redirects, this
// site as a line of _redirects (see hugoBlogRedirects).
var hugoBlogPages = []string{
	"index.html",
	"about/index.html",
	"about/portrait.jpg",
	"get-in-touch/index.html",
	"articles/index.html",
	"articles/2023/index.html",
	"articles/2023/launch/index.html",
	"articles/2023/launch/data.csv",
	"articles/2023/launch/plan.png",
	"articles/2023/launch/signups.jpg",
	"articles/2023/q4-review/index.html",
	"articles/2024/hello-world/index.html",
	"articles/getting-started/index.html",
	"articles/notes-on-ops/index.html",
	"categories/index.html",
	"categories/company-news/index.html",
	"categories/operations/index.html",
	"guides/index.html",
	"guides/setup/index.html",
	"guides/tuning/index.html",
	"tags/index.html",
	"tags/basics/index.html",
	"tags/launch/index.html",
	"tags/meta/index.html",
	"tags/operations/index.html",
}

// hugoBlogRedirects are the blog's aliases, where Hugo puts them.
var hugoBlogRedirects = []string{
	"/launch-post/ /articles/2023/launch/ 301",
	"/articles/2023/launch-old/ /articles/2023/launch/ 301",
	"/contact-us/ /get-in-touch/ 301",
}

// hugoBlogLeftOut are the pages a default build leaves out, as Hugo does:
// a draft, one scheduled for later and one expired. -drafts, -future and
// -expired bring them in, so nothing is lost.
var hugoBlogLeftOut = []string{
	"articles/2024/draft/index.html",
	"articles/2024/scheduled/index.html",
	"articles/2024/expired/index.html",
}

// hugoBlogWarnings are what the build says about the blog's front matter
// that changes nothing here (a theme's series); every other key of its
// posts is one this site reads.
var hugoBlogWarnings = []string{
	"content/articles/notes-on-ops.md:7: warning: front matter: series is not used: no layout reads .Params.series (remove it, or show it in a layout)",
}

func buildHugoBlog(t *testing.T, o Options) (*Result, string) {
	t.Helper()
	shared, err := txtar.ParseFile("testdata/layouts.txtar")
	if err != nil {
		t.Fatal(err)
	}
	lay, static := fstest.MapFS{}, fstest.MapFS{}
	for _, f := range shared.Files {
		dir, name, _ := strings.Cut(f.Name, "/")
		map[string]fstest.MapFS{"layouts": lay, "static": static}[dir][name] = &fstest.MapFile{Data: f.Data}
	}
	o.Content, o.Layouts, o.Static = hugoBlog(t), lay, static
	o.Now, o.Workers = goldenNow, 2
	o.Out = filepath.Join(t.TempDir(), "public")
	res, err := Build(context.Background(), o)
	if err != nil {
		t.Fatalf("building the Hugo blog:\n%v", err)
	}
	return res, o.Out
}

// TestHugoBlog builds a Hugo blog's content and checks that every page
// and file is where Hugo puts it, every alias redirects, the pages left
// out come back with the flags that include them, and every front-matter
// key is used or reported.
func TestHugoBlog(t *testing.T) {
	res, out := buildHugoBlog(t, Options{})
	for _, name := range hugoBlogPages {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("%s: not written; Hugo writes it", name)
		}
	}
	redirects := readOut(t, out, "_redirects")
	for _, r := range hugoBlogRedirects {
		if !strings.Contains(redirects, r+"\n") {
			t.Errorf("_redirects: no %q:\n%s", r, redirects)
		}
	}
	for _, name := range hugoBlogLeftOut {
		if _, err := os.Stat(filepath.Join(out, name)); err == nil {
			t.Errorf("%s: written by a default build, want it left out", name)
		}
	}
	var got []string
	for _, w := range res.Warnings {
		got = append(got, w.Error())
	}
	if !slices.Equal(got, hugoBlogWarnings) {
		t.Errorf("warnings:\n got %q\nwant %q", got, hugoBlogWarnings)
	}

	// Every markdown page is written; every other file is published.
	published := map[string]bool{}
	filepath.WalkDir(out, func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(out, p)
			published[filepath.ToSlash(rel)] = true
		}
		return nil
	})
	for _, name := range slices.Concat(hugoBlogPages, []string{"feed.xml", "sitemap.xml"}) {
		delete(published, name)
	}
	for name := range published {
		if !strings.HasPrefix(name, "assets/") && !slices.Contains([]string{"404.html", "feed.json", "robots.txt", "_headers", "_redirects", "schedule.json", "robots-extra.txt", "logo.svg"}, name) &&
			!strings.HasPrefix(name, "articles/2023/launch/signups-") {
			t.Errorf("%s: written, but Hugo does not write it", name)
		}
	}

	// The front matter as Hugo reads it: the page's description stands in
	// from its first paragraph, a summary or the teaser.
	feed := readOut(t, out, "feed.xml")
	for _, want := range []string{
		"<summary>The first post of 2024, written with JSON front matter.</summary>",
		"<summary>Short notes, summarised.</summary>",
		"<summary>How we started: a first paragraph that stands in for the description.</summary>",
		"<author><name>Jane Doe</name></author>",
		`<category term="Company News"/>`,
	} {
		if !strings.Contains(feed, want) {
			t.Errorf("feed.xml: no %s", want)
		}
	}

	// With the flags, the pages left out are built.
	_, out = buildHugoBlog(t, Options{Drafts: true, Future: true, Expired: true})
	for _, name := range hugoBlogLeftOut {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("%s: not written with -drafts -future -expired", name)
		}
	}
}

// TestHugoBlogAsHugoBuildsIt builds the same blog with Hugo itself, when
// it is installed, and compares the pages and files both write.
func TestHugoBlogAsHugoBuildsIt(t *testing.T) {
	hugo, err := exec.LookPath("hugo")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("hugo is not installed: .ci/run installs it (apt-get install hugo)")
		}
		t.Skip("hugo is not installed (apt-get install hugo): not comparing with Hugo's own output")
	}
	dir := t.TempDir()
	for name, f := range hugoBlog(t) {
		if name == "site.toml" {
			continue
		}
		writeFile(t, filepath.Join(dir, "content", name), f.Data)
	}
	writeFile(t, filepath.Join(dir, "hugo.toml"), []byte("baseURL = \"https://blog.example.com/\"\ntitle = \"Hugo Blog\"\ntimeZone = \"Europe/London\"\ndisableKinds = [\"RSS\", \"sitemap\", \"robotsTXT\", \"404\"]\n"))
	layout := []byte("{{ .Title }} {{ .Content }}{{ range .Pages }}{{ .RelPermalink }}{{ end }}")
	for _, name := range []string{"_default/single.html", "_default/list.html", "index.html"} {
		writeFile(t, filepath.Join(dir, "layouts", name), layout)
	}
	cmd := exec.Command(hugo, "--quiet", "--source", dir, "--destination", filepath.Join(dir, "public"))
	if msg, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("hugo: %v\n%s", err, msg)
	}
	var got []string
	filepath.WalkDir(filepath.Join(dir, "public"), func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(filepath.Join(dir, "public"), p)
			got = append(got, filepath.ToSlash(rel))
		}
		return nil
	})
	// Hugo writes an alias as a page; this site as a redirect.
	for _, r := range hugoBlogRedirects {
		from, _, _ := strings.Cut(r, " ")
		got = slices.DeleteFunc(got, func(name string) bool { return name == strings.TrimPrefix(from, "/")+"index.html" })
	}
	want := slices.Sorted(slices.Values(hugoBlogPages))
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("Hugo writes\n%s\nthe test expects\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func writeFile(t testing.TB, name string, data []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, data, 0o644); err != nil {
		t.Fatal(fmt.Errorf("writing %s: %w", name, err))
	}
}
