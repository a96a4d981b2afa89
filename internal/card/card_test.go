package card

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/image/font"
)

var write = flag.String("write", "", "write the sample cards as PNGs into this folder, to look at them")

// samples are titles from short to absurd; TestSamples draws each.
var samples = []struct{ name, title string }{
	{"short", "Hiring your first COO"},
	{"typical", "What a Fractional COO Does — and “When” You Need One"},
	{"accents", "Élan and café-table strategy: naïve plans, déjà vu, and the CEO’s “quick” fixes"},
	{"long", "Why strategy stalls between the leadership offsite and the Monday meeting: operating rhythm and accountability"},
	{"too long", "Why strategy stalls between the leadership offsite and the Monday meeting: a field guide to execution gaps, operating rhythm, accountability, weekly metrics, quarterly planning and the café-table conversations that fix them for good"},
	{"hyphenated", "Operational-excellence-transformation-programme-management-office-restructuring"},
	{"unbreakable", "Pneumonoultramicroscopicsilicovolcanoconiosis_Supercalifragilisticexpialidocious_Floccinaucinihilipilification_Antidisestablishmentarianism"},
}

func TestSamples(t *testing.T) {
	for _, s := range samples {
		t.Run(s.name, func(t *testing.T) {
			c := Card{Title: s.title, Site: "Cassidine Consulting", Minutes: 6}
			data, err := Draw(c)
			if err != nil {
				t.Fatal(err)
			}
			if *write != "" {
				if err := os.WriteFile(filepath.Join(*write, "card-"+strings.ReplaceAll(s.name, " ", "-")+".png"), data, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if len(data) > 100<<10 {
				t.Errorf("card is %d KB, want under 100 KB", len(data)>>10)
			}
			m, err := png.Decode(bytes.NewReader(data))
			if err != nil {
				t.Fatal(err)
			}
			if b := m.Bounds(); b.Dx() != 1200 || b.Dy() != 630 {
				t.Fatalf("card is %dx%d, want 1200x630", b.Dx(), b.Dy())
			}
			l, err := c.Layout()
			if err != nil {
				t.Fatal(err)
			}
			assertInBounds(t, l)
			assertBlankOutsideMargins(t, m)
		})
	}
}

// assertInBounds checks every line against the margins, measuring each
// with the font itself rather than trusting the layout's arithmetic.
func assertInBounds(t *testing.T, l Layout) {
	t.Helper()
	if len(l.Lines) == 0 || len(l.Lines) > maxLines {
		t.Errorf("title has %d lines, want 1-%d", len(l.Lines), maxLines)
	}
	if l.Size < minSize || l.Size > maxSize {
		t.Errorf("title size %v, want %d-%d", l.Size, minSize, maxSize)
	}
	fs, _ := fonts()
	title := face(fs[0], l.Size)
	check := func(what string, f font.Face, ln Line, top, bottom int) {
		b, adv := font.BoundString(f, ln.Text)
		left := (ln.Dot.X + b.Min.X).Floor()
		right := (ln.Dot.X + max(adv, b.Max.X)).Ceil()
		ink := image.Rect(left, (ln.Dot.Y + b.Min.Y).Floor(), right, (ln.Dot.Y + b.Max.Y).Ceil())
		area := image.Rect(marginLeft, top, Width-marginRight, bottom)
		if !ink.In(area) {
			t.Errorf("%s %q: ink %v outside %v", what, ln.Text, ink, area)
		}
	}
	for _, ln := range l.Lines {
		check("title line", title, ln, titleTop, titleBottom)
	}
	check("site", face(fs[0], siteSize), l.Site, marginTop-20, titleTop)
	check("reading time", face(fs[1], metaSize), l.Meta, titleBottom, Height-marginBot/2)
	for i := 1; i < len(l.Lines); i++ {
		if l.Lines[i].Bounds.Min.Y < l.Lines[i-1].Bounds.Max.Y-int(l.Size/4) {
			t.Errorf("title lines %d and %d overlap: %v, %v", i-1, i, l.Lines[i-1].Bounds, l.Lines[i].Bounds)
		}
	}
}

// assertBlankOutsideMargins checks that the pixels outside the text area
// (besides the accent bar) are all background.
func assertBlankOutsideMargins(t *testing.T, m image.Image) {
	t.Helper()
	bg := color.RGBAModel.Convert(DefaultBackground)
	inside := image.Rect(marginLeft-4, marginTop-20, Width-marginRight, Height-marginBot/2)
	for y := range Height {
		for x := barWidth; x < Width; x++ {
			if (image.Point{x, y}).In(inside) {
				continue
			}
			if c := color.RGBAModel.Convert(m.At(x, y)); c != bg {
				t.Fatalf("pixel (%d, %d) is %v outside the text area %v, want background", x, y, c, inside)
			}
		}
	}
}

func TestLongTitlesShrinkWrapAndEllipsize(t *testing.T) {
	var sizes []float64
	for _, s := range samples {
		l, err := Card{Title: s.title, Site: "S", Minutes: 1}.Layout()
		if err != nil {
			t.Fatal(err)
		}
		sizes = append(sizes, l.Size)
		var text []string
		for _, ln := range l.Lines {
			text = append(text, ln.Text)
		}
		t.Logf("%-11s %2.0f px, %d lines, truncated %v: %q", s.name, l.Size, len(l.Lines), l.Truncated, text)

		// Lines break at spaces or after hyphens: compare without spaces.
		joined := strings.ReplaceAll(strings.Join(text, ""), " ", "")
		title := strings.ReplaceAll(s.title, " ", "")
		if s.name == "too long" {
			if !l.Truncated || !strings.HasSuffix(joined, "…") || !strings.HasPrefix(title, strings.TrimSuffix(joined, "…")) {
				t.Errorf("%s: want the title's start and an ellipsis, got %q", s.name, text)
			}
		} else if l.Truncated || joined != title {
			t.Errorf("%s: lines %q, want the whole title %q", s.name, text, s.title)
		}
	}
	// The natural titles, shortest first, get no larger.
	natural := sizes[:5]
	if !slices.IsSortedFunc(natural, func(a, b float64) int { return int(b - a) }) {
		t.Errorf("sizes %v: want longer titles no larger", natural)
	}
	if natural[0] != maxSize || natural[4] != minSize {
		t.Errorf("sizes %v: want the short title at %d px and the too long one at %d px", natural, maxSize, minSize)
	}
}

func TestBalancedLines(t *testing.T) {
	l, err := Card{Title: samples[1].title}.Layout()
	if err != nil {
		t.Fatal(err)
	}
	// Greedy wrapping would leave a short last line; balanced lines are
	// within a word or so of each other.
	var widths []int
	for _, ln := range l.Lines {
		widths = append(widths, ln.Bounds.Dx())
	}
	if slices.Min(widths) < slices.Max(widths)*2/3 {
		t.Errorf("line widths %v are not balanced", widths)
	}
}

func TestNonASCII(t *testing.T) {
	title := "Café — “quotes” – naïve ‘déjà vu’… Ærø, Straße, Łódź, Ελλάδα, Привет"
	if u := Unsupported(title); len(u) != 0 {
		t.Errorf("Unsupported = %q, want none: the Go fonts cover Latin, Greek and Cyrillic", string(u))
	}
	l, err := Card{Title: title}.Layout()
	if err != nil {
		t.Fatal(err)
	}
	var text []string
	for _, ln := range l.Lines {
		text = append(text, ln.Text)
	}
	if got := strings.Join(text, " "); got != title {
		t.Errorf("drawn %q, want %q", got, title)
	}

	// Decomposed accents are composed; characters the fonts lack are left
	// out and reported.
	l, err = Card{Title: "Cafe\u0301 growth 🚀  plan 成长"}.Layout()
	if err != nil {
		t.Fatal(err)
	}
	if got := l.Lines[0].Text; got != "Café growth plan" {
		t.Errorf("drawn %q, want %q", got, "Café growth plan")
	}
	if got := string(Unsupported("Growth 🚀 成长")); got != "🚀成长" {
		t.Errorf("Unsupported = %q, want 🚀成长", got)
	}
}

func TestOptionalParts(t *testing.T) {
	l, err := Card{Title: "Only a title"}.Layout()
	if err != nil {
		t.Fatal(err)
	}
	if l.Site.Text != "" || l.Meta.Text != "" {
		t.Errorf("site %q, meta %q; want both empty", l.Site.Text, l.Meta.Text)
	}
	l, _ = Card{Title: "T", Minutes: 12}.Layout()
	if l.Meta.Text != "12 min read" {
		t.Errorf("meta %q, want 12 min read", l.Meta.Text)
	}
	if _, err := Draw(Card{Title: " \t🚀 "}); err == nil {
		t.Error("a title with nothing drawable: want an error")
	}
}

func TestGoldenPixels(t *testing.T) {
	data, err := Draw(Card{Title: samples[1].title, Site: "Cassidine Consulting", Minutes: 6})
	if err != nil {
		t.Fatal(err)
	}
	m, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	bg, accent := hexOf(DefaultBackground), hexOf(DefaultAccent)
	for _, p := range []struct {
		x, y int
		want string
	}{
		{Width - 1, 0, bg}, {Width - 1, Height - 1, bg}, {barWidth, 0, bg}, {Width / 2, Height - 1, bg},
		{0, 0, accent}, {barWidth - 1, Height - 1, accent}, // the bar
	} {
		if got := hexOf(m.At(p.x, p.y)); got != p.want {
			t.Errorf("pixel (%d, %d) = %s, want %s", p.x, p.y, got, p.want)
		}
	}
	// The title is drawn in the text colour: its lines hold solid white.
	l, _ := Card{Title: samples[1].title, Site: "Cassidine Consulting", Minutes: 6}.Layout()
	if !hasColour(m, l.Lines[0].Bounds, hexOf(DefaultText)) {
		t.Errorf("no %s pixel in the first title line %v", hexOf(DefaultText), l.Lines[0].Bounds)
	}
	if !hasColour(m, l.Meta.Bounds, accent) {
		t.Errorf("no %s pixel in the reading time %v", accent, l.Meta.Bounds)
	}
}

// TestLayoutVersion fails when what a card looks like changes without
// layoutVersion changing, which would leave stale cards in every cache
// folder. It hashes the layout, the palette and the drawing's constants
// rather than pixels, which may differ in the last bit between CPU
// architectures (fused multiply-add in the rasterizer).
func TestLayoutVersion(t *testing.T) {
	h := sha256.New()
	for _, title := range []string{
		"Hiring your first COO",
		"What a Fractional COO Does — and “When” You Need One",
		strings.Repeat("Operating rhythm, accountability and weekly metrics; ", 6),
	} {
		c := Card{Title: title, Site: "Cassidine Consulting", Minutes: 6}
		l, err := c.Layout()
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(h, "%+v\n", l)
	}
	bg, text, accent, accentText, _ := colours(Card{})
	fmt.Fprintf(h, "%v %v %d %d %d\n", cardPalette(bg, accent, text, accentText), image.Rect(0, 0, barWidth, Height), siteSize, metaSize, maxSize)
	got := hex.EncodeToString(h.Sum(nil)[:8])
	want := map[string]string{
		"card/1": "b4e6c654b9d334fb",
	}[layoutVersion]
	if got != want {
		t.Errorf("the cards' layout changed (hash %s, want %s for %s): bump layoutVersion and record the new hash here", got, want, layoutVersion)
	}
}

func TestColours(t *testing.T) {
	// The defaults are the stylesheet's (see the package doc).
	css, err := os.ReadFile("../../static/css/site.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, decl := range []string{"--deep: #0d4449;", "--surface: #fff;", "--focus: #f0a35e;"} {
		if !bytes.Contains(css, []byte(decl)) {
			t.Errorf("static/css/site.css has no %q: update the card's defaults to match", decl)
		}
	}
	for name, r := range map[string]float64{
		"text": Contrast(DefaultText, DefaultBackground), "accent": Contrast(DefaultAccent, DefaultBackground),
	} {
		if r < 4.5 {
			t.Errorf("default %s contrast %.2f:1, want at least 4.5:1", name, r)
		}
	}

	_, err = Draw(Card{Title: "T", Text: color.RGBA{0x44, 0x66, 0x66, 255}})
	if err == nil || !strings.Contains(err.Error(), "contrast") {
		t.Errorf("low-contrast text: err = %v, want a contrast error", err)
	}

	// An accent too dark for text stays on the bar; the reading time
	// takes the text colour.
	dark := color.RGBA{0x1b, 0x55, 0x5a, 255}
	_, _, _, accentText, err := colours(Card{Accent: dark})
	if err != nil || accentText != color.RGBAModel.Convert(DefaultText) {
		t.Errorf("dark accent: reading time in %v (%v), want the text colour", accentText, err)
	}
}

func TestCache(t *testing.T) {
	dir := t.TempDir()
	c := Card{Title: samples[1].title, Site: "Cassidine Consulting", Minutes: 6}
	first := NewCache(dir)
	a, err := first.Draw(c)
	if err != nil {
		t.Fatal(err)
	}
	second := NewCache(dir) // the next build
	b, err := second.Draw(c)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("cached card differs from the drawn one")
	}
	if got := second.Stats(); got.Drawn != 0 || got.CacheHits != 1 {
		t.Errorf("second build: Stats = %+v, want 0 drawn, 1 hit", got)
	}
	// Anything drawn changes the key.
	for _, changed := range []Card{
		{Title: c.Title + "!", Site: c.Site, Minutes: 6},
		{Title: c.Title, Site: c.Site, Minutes: 7},
		{Title: c.Title, Site: "Other", Minutes: 6},
		{Title: c.Title, Site: c.Site, Minutes: 6, Accent: color.RGBA{0xff, 0xcc, 0x00, 255}},
	} {
		if _, err := second.Draw(changed); err != nil {
			t.Fatal(err)
		}
	}
	if got := second.Stats(); got.Drawn != 4 {
		t.Errorf("after 4 changed cards: Stats = %+v, want 4 drawn", got)
	}

	// Concurrent builds of the same card draw it once.
	third := NewCache(t.TempDir())
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := third.Draw(c); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got := third.Stats().Drawn; got != 1 {
		t.Errorf("4 concurrent draws: %d drawn, want 1", got)
	}

	if _, err := NewCache(dir).Draw(Card{Title: "T", Text: DefaultBackground}); err == nil {
		t.Error("illegible card through the cache: want an error")
	}
}

func TestCorruptCachedCardIsRedrawn(t *testing.T) {
	dir := t.TempDir()
	c := Card{Title: "Hiring your first COO"}
	want, err := NewCache(dir).Draw(c)
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(files) != 1 {
		t.Fatalf("cache holds %v, want one card", files)
	}
	if err := os.WriteFile(files[0], []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	cache := NewCache(dir)
	got, err := cache.Draw(c)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) || cache.Stats().Drawn != 1 {
		t.Errorf("corrupt entry: Stats %+v, same bytes %v; want redrawn", cache.Stats(), bytes.Equal(got, want))
	}
}

func BenchmarkDraw(b *testing.B) {
	for _, s := range samples[1:] {
		if s.name != "typical" && s.name != "too long" {
			continue
		}
		b.Run(strings.ReplaceAll(s.name, " ", "-"), func(b *testing.B) {
			var n int
			for b.Loop() {
				data, err := Draw(Card{Title: s.title, Site: "Cassidine Consulting", Minutes: 6})
				if err != nil {
					b.Fatal(err)
				}
				n = len(data)
			}
			b.ReportMetric(float64(n)/1024, "KB")
		})
	}
}

func hexOf(c color.Color) string {
	r, g, b, _ := c.RGBA()
	return hexRGB(uint8(r>>8), uint8(g>>8), uint8(b>>8))
}

func hexRGB(r, g, b uint8) string { return "#" + hex.EncodeToString([]byte{r, g, b}) }

func hasColour(m image.Image, r image.Rectangle, want string) bool {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if hexOf(m.At(x, y)) == want {
				return true
			}
		}
	}
	return false
}

// TestKey checks that a card's key follows what it draws: the builder
// names card files by it, so a share of the page refetches the image
// exactly when it changed.
func TestKey(t *testing.T) {
	c := Card{Title: "Hiring your first COO", Site: "Cassidine Consulting", Minutes: 6}
	key := func(c Card) string {
		t.Helper()
		k, err := c.Key()
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	base := key(c)
	explicit := c
	explicit.Background, explicit.Text, explicit.Accent = DefaultBackground, DefaultText, DefaultAccent
	if key(explicit) != base {
		t.Error("the default colours given explicitly change the key; want the same card, the same key")
	}
	for _, changed := range []Card{
		{Title: c.Title + "!", Site: c.Site, Minutes: 6},
		{Title: c.Title, Site: c.Site, Minutes: 7},
		{Title: c.Title, Site: "Other", Minutes: 6},
		{Title: c.Title, Site: c.Site, Minutes: 6, Accent: color.RGBA{0xff, 0xcc, 0x00, 255}},
	} {
		if key(changed) == base {
			t.Errorf("%+v: same key as %+v", changed, c)
		}
	}
	if _, err := (Card{Title: "T", Text: DefaultBackground}).Key(); err == nil {
		t.Error("illegible card: want an error from Key, as from Draw")
	}
}

// TestCacheFile checks the file a builder links into the site: the card's
// PNG exactly, readable by all, and drawn again when the file was cut
// short or changed (its PNG checksums fail).
func TestCacheFile(t *testing.T) {
	dir := t.TempDir()
	c := Card{Title: "Hiring your first COO", Site: "Cassidine Consulting", Minutes: 6}
	want, err := Draw(c)
	if err != nil {
		t.Fatal(err)
	}
	cache := NewCache(dir)
	file, _, err := cache.File(c)
	if err != nil {
		t.Fatal(err)
	}
	key, _ := c.Key()
	if file != filepath.Join(dir, key+".png") {
		t.Errorf("File = %s, want the card's key in %s", file, dir)
	}
	got, err := os.ReadFile(file)
	if err != nil || !bytes.Equal(got, want) {
		t.Fatalf("file holds %d bytes (%v), want the card's %d", len(got), err, len(want))
	}
	if fi, err := os.Stat(file); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("file mode %v (%v), want 0644: a linked card is published as it is", fi.Mode(), err)
	}
	if _, _, err := cache.File(c); err != nil || cache.Stats() != (Stats{Drawn: 1, CacheHits: 1}) {
		t.Errorf("second File: %v, Stats %+v; want read from the folder", err, cache.Stats())
	}

	for name, damage := range map[string]func([]byte) []byte{
		"cut short":    func(b []byte) []byte { return b[:len(b)/2] },
		"byte flipped": func(b []byte) []byte { b = bytes.Clone(b); b[len(b)/2] ^= 1; return b },
		"no IEND":      func(b []byte) []byte { return b[:len(b)-12] },
		"trailing":     func(b []byte) []byte { return append(bytes.Clone(b), 0) },
	} {
		if wholePNG(damage(want)) {
			t.Errorf("%s: wholePNG accepts it", name)
		}
		if err := os.WriteFile(file, damage(want), 0o644); err != nil {
			t.Fatal(err)
		}
		again := NewCache(dir)
		f, _, err := again.File(c)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := os.ReadFile(f)
		if !bytes.Equal(got, want) || again.Stats().Drawn != 1 {
			t.Errorf("%s: Stats %+v, same bytes %v; want drawn again", name, again.Stats(), bytes.Equal(got, want))
		}
	}
	if !wholePNG(want) {
		t.Error("wholePNG refuses a card Draw made")
	}

	// Without a folder: no file, the bytes.
	f, data, err := NewCache("").File(c)
	if err != nil || f != "" || !bytes.Equal(data, want) {
		t.Errorf("no folder: File = %q, %d bytes, %v; want no file and the card", f, len(data), err)
	}
}
