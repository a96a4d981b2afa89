package build

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"image"
	"image/jpeg"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"golang.org/x/tools/txtar"

	"github.com/cassidine/site/internal/images"
)

var update = flag.Bool("update", false, "rewrite the expected outputs in testdata/golden/*.txtar")

// goldenNow is the clock of every golden build.
var goldenNow = time.Date(2026, 11, 29, 12, 0, 0, 0, time.UTC)

// TestGolden builds each testdata/golden/*.txtar: its content/, layouts/
// and static/ files, over the shared ones in testdata/layouts.txtar, are
// the input; its public/ files are the expected
// output (only the files listed are compared), and an optional "errors"
// file holds the expected error text of a build that must fail (and
// "warnings" the warnings of one that succeeds). A comment line
// "flags: -drafts -future -expired" sets options. Run with -update to
// rewrite the expectations from the current output.
//
// Images are not text: an input file holding "!image 1000x500 jpeg" (or
// png) is made as a test pattern of that size, and an expected output
// holding "!image 800x400" is compared by its size alone.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/golden/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txtar"), func(t *testing.T) {
			runGolden(t, file)
		})
	}
}

func runGolden(t *testing.T, file string) {
	ar, o := goldenInput(t, file)
	o.Out = filepath.Join(t.TempDir(), "public")

	res, buildErr := Build(context.Background(), o)
	changed := false
	for i := range ar.Files {
		f := &ar.Files[i]
		var got []byte
		switch {
		case f.Name == "errors":
			if buildErr == nil {
				t.Errorf("build succeeded, want errors:\n%s", f.Data)
				continue
			}
			got = []byte(buildErr.Error() + "\n")
		case f.Name == "warnings":
			if buildErr != nil {
				t.Fatalf("build failed:\n%v", buildErr)
			}
			for _, w := range res.Warnings {
				got = fmt.Appendf(got, "%v\n", w)
			}
		case strings.HasPrefix(f.Name, "public/"):
			if buildErr != nil {
				t.Fatalf("build failed:\n%v", buildErr)
			}
			var err error
			got, err = os.ReadFile(filepath.Join(o.Out, strings.TrimPrefix(f.Name, "public/")))
			if err != nil {
				t.Errorf("%s: %v", f.Name, err)
				continue
			}
			if bytes.HasPrefix(f.Data, []byte("!image ")) {
				w, h, _, err := images.Size(got)
				if err != nil {
					t.Errorf("%s: %v", f.Name, err)
					continue
				}
				got = fmt.Appendf(nil, "!image %dx%d", w, h)
			}
			if len(got) > 0 && got[len(got)-1] != '\n' {
				got = append(got, '\n') // txtar files end lines; the output need not
			}
		default:
			continue
		}
		if bytes.Equal(got, f.Data) {
			continue
		}
		if *update {
			f.Data = got
			changed = true
			continue
		}
		t.Errorf("%s: %s differs from the expected output (go test -run TestGolden -update rewrites it):\n%s", file, f.Name, firstDiff(f.Data, got))
	}
	if buildErr != nil && !hasFile(ar, "errors") {
		t.Errorf("build failed:\n%v", buildErr)
	}
	if changed {
		if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// goldenInput reads a golden file: the archive, and the options of its
// build (all but Out).
func goldenInput(t *testing.T, file string) (*txtar.Archive, Options) {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	in := map[string]fstest.MapFS{"content": {}, "layouts": {}, "static": {}}
	o := Options{Now: goldenNow, Workers: 2}
	for _, line := range strings.Split(string(ar.Comment), "\n") {
		if f, ok := strings.CutPrefix(line, "flags:"); ok {
			for _, fl := range strings.Fields(f) {
				switch fl {
				case "-drafts":
					o.Drafts = true
				case "-future":
					o.Future = true
				case "-expired":
					o.Expired = true
				case "-dev":
					o.Dev = true
				default:
					t.Fatalf("%s: unknown flag %q", file, fl)
				}
			}
		}
	}
	shared, err := txtar.ParseFile("testdata/layouts.txtar")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range append(shared.Files, ar.Files...) {
		dir, name, _ := strings.Cut(f.Name, "/")
		if m, ok := in[dir]; ok {
			m[name] = &fstest.MapFile{Data: testImage(t, f.Data)}
		}
	}
	o.Content, o.Layouts, o.Static = in["content"], in["layouts"], in["static"]
	return ar, o
}

// testImage returns data, or the image it describes: "!image 1000x500
// jpeg" is a JPEG of that size holding a test pattern, which resizes to
// smaller files (a flat image might not).
func testImage(t testing.TB, data []byte) []byte {
	t.Helper()
	var w, h int
	var format string
	if _, err := fmt.Sscanf(string(data), "!image %dx%d %s", &w, &h, &format); err != nil {
		return data
	}
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range m.Pix {
		m.Pix[i] = uint8(i * 7 % 251)
	}
	var b bytes.Buffer
	var err error
	switch format {
	case "jpeg":
		err = jpeg.Encode(&b, m, &jpeg.Options{Quality: 90})
	case "png":
		err = png.Encode(&b, m)
	default:
		t.Fatalf("!image: unknown format %q", format)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func hasFile(ar *txtar.Archive, name string) bool {
	for _, f := range ar.Files {
		if f.Name == name {
			return true
		}
	}
	return false
}

// firstDiff shows where want and got first differ, with some context,
// which reads better than a line diff of one-line minified HTML.
func firstDiff(want, got []byte) string {
	i := 0
	for i < len(want) && i < len(got) && want[i] == got[i] {
		i++
	}
	lo := max(0, i-60)
	return fmt.Sprintf("  at byte %d\n  want: …%s…\n  got:  …%s…", i, want[lo:min(len(want), i+60)], got[lo:min(len(got), i+60)])
}
