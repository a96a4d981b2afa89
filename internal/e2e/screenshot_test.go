package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestScreenshots writes full-page PNGs of the main pages at a phone's
// width (390) and a desktop's (1280) for a person to look at.
func TestScreenshots(t *testing.T) {
	t.Parallel()
	srv := startServe(t, newSite(t))
	resultID := srv.postQuiz(t, 2)
	b := newBrowser(t, srv.Origin)
	if err := os.MkdirAll(artifactsDir, 0o755); err != nil {
		t.Fatal(err)
	}
	pages := []struct{ name, path, ready string }{
		{"home", "/", ""},
		{"article", "/articles/what-is-a-fractional-coo/", ""},
		{"quiz", "/quiz/", ""},
		{"result", "/quiz/result/" + resultID + "/", ""},
		{"booking", "/book/", `document.querySelectorAll("[data-slot-list] input[name=slot]").length > 0`},
	}
	for _, vp := range []struct {
		name  string
		width int
		set   browserOption
	}{{"phone", 390, phone(1)}, {"desktop", 1280, desktop}} {
		vp.set(b)
		for _, p := range pages {
			b.open(p.path)
			if p.ready != "" {
				b.waitJS(p.name+" ready", p.ready, stepTimeout)
			}
			if w := eval[int](b, `document.documentElement.clientWidth`); w != vp.width {
				t.Errorf("%s at %s: the page is %d wide, want %d (horizontal overflow?)", p.name, vp.name, w, vp.width)
			}
			if sw := eval[int](b, `document.documentElement.scrollWidth`); sw > vp.width {
				t.Errorf("%s at %s: the content is %d wide in a %d viewport (it scrolls sideways)", p.name, vp.name, sw, vp.width)
			}
			png := run(b, "screenshot "+p.name, chromedp.FullScreenshot(100))
			file := filepath.Join(artifactsDir, p.name+"-"+vp.name+".png")
			if err := os.WriteFile(file, png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	t.Logf("screenshots: %s/{home,article,quiz,result,booking}-{phone,desktop}.png", artifactsDir)
}
