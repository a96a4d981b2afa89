package images

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"golang.org/x/image/draw"
)

func TestSize(t *testing.T) {
	tests := []struct {
		name   string
		data   []byte
		w, h   int
		format string
	}{
		{"jpeg", encodeJPEG(t, photo(300, 200), 80), 300, 200, JPEG},
		{"png", encodePNG(t, photo(64, 48)), 64, 48, PNG},
		{"gif", encodeGIF(t, 33, 17), 33, 17, GIF},
		{"webp lossless", webpVP8L(1200, 630), 1200, 630, WebP},
		{"jpeg turned sideways by exif", withOrientation(t, encodeJPEG(t, photo(300, 200), 80), 6), 200, 300, JPEG},
		{"jpeg mirrored by exif", withOrientation(t, encodeJPEG(t, photo(300, 200), 80), 2), 300, 200, JPEG},
		{"svg width and height", []byte(`<svg xmlns="http://www.w3.org/2000/svg" width="440" height="330"/>`), 440, 330, SVG},
		{"svg px units", []byte(`<svg width="100px" height="50.4px"></svg>`), 100, 50, SVG},
		{"svg viewBox", []byte(`<?xml version="1.0"?>` + "\n" + `<!-- chart --><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 640 360"><rect/></svg>`), 640, 360, SVG},
		{"svg viewBox with commas", []byte(`<svg viewBox="0,0,64,32"/>`), 64, 32, SVG},
		{"svg width and viewBox", []byte(`<svg width="200" viewBox="0 0 400 300"/>`), 200, 150, SVG},
		{"svg height and viewBox", []byte(`<svg height="150" viewBox="0 0 400 300"/>`), 200, 150, SVG},
		{"svg percent falls back to viewBox", []byte(`<svg width="100%" height="100%" viewBox="0 0 440 330"/>`), 440, 330, SVG},
		{"svg in points", []byte(`<svg width="72pt" height="36pt"/>`), 96, 48, SVG},
		{"svg with bom and doctype", []byte("\xef\xbb\xbf<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\" \"x\">\n<svg viewBox=\"0 0 10 20\"/>"), 10, 20, SVG},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, h, format, err := Size(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if w != tt.w || h != tt.h || format != tt.format {
				t.Errorf("Size = %dx%d %s, want %dx%d %s", w, h, format, tt.w, tt.h, tt.format)
			}
		})
	}
}

func TestSizeErrors(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want error // nil: any error
	}{
		{"svg without size", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>`), ErrNoSize},
		{"svg with relative units only", []byte(`<svg width="10em" height="100%"/>`), ErrNoSize},
		{"svg with a broken viewBox", []byte(`<svg viewBox="0 0 -5 10"/>`), ErrNoSize},
		{"not an image", []byte("hello"), ErrUnknownFormat},
		{"empty", nil, ErrUnknownFormat},
		{"truncated png", encodePNG(t, photo(8, 8))[:20], nil},
		{"html, not svg", []byte(`<html><body><svg viewBox="0 0 1 1"/></body></html>`), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, h, _, err := Size(tt.data)
			if err == nil {
				t.Fatalf("Size = %dx%d, want an error", w, h)
			}
			if tt.want != nil && !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestVariants(t *testing.T) {
	jpg := encodeJPEG(t, photo(2000, 1000), 90)
	r := NewResizer(t.TempDir())
	vs, err := r.Variants("img/photo.jpg", jpg, []int{1600, 480, 800, 1200, 800, 2400})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name string
		w, h int
	}{
		{"img/photo-480w.jpg", 480, 240},
		{"img/photo-800w.jpg", 800, 400},
		{"img/photo-1200w.jpg", 1200, 600},
		{"img/photo-1600w.jpg", 1600, 800},
		{"img/photo.jpg", 2000, 1000}, // no wider than 2400, the widest asked for
	}
	if len(vs) != len(want) {
		t.Fatalf("got %d variants, want %d: %v", len(vs), len(want), names(vs))
	}
	for i, v := range vs {
		if v.Name != want[i].name || v.Width != want[i].w || v.Height != want[i].h {
			t.Errorf("variant %d = %s %dx%d, want %s %dx%d", i, v.Name, v.Width, v.Height, want[i].name, want[i].w, want[i].h)
		}
		w, h, format, err := Size(v.Data)
		if err != nil || w != v.Width || h != v.Height || format != JPEG {
			t.Errorf("%s decodes as %dx%d %s (%v), want %dx%d jpeg", v.Name, w, h, format, err, v.Width, v.Height)
		}
		if v.Original != (i == len(vs)-1) {
			t.Errorf("%s: Original = %v", v.Name, v.Original)
		}
	}
	if got := r.Stats(); got.Resized != 4 || got.CacheHits != 0 {
		t.Errorf("Stats = %+v, want 4 resized, 0 hits", got)
	}
}

func TestVariantsLeaveOutAnOriginalWiderThanAsked(t *testing.T) {
	vs, err := NewResizer("").Variants("wide.png", encodePNG(t, photo(1000, 100)), []int{480, 800})
	if err != nil {
		t.Fatal(err)
	}
	if got := names(vs); len(got) != 2 || got[0] != "wide-480w.png" || got[1] != "wide-800w.png" {
		t.Errorf("variants = %v, want [wide-480w.png wide-800w.png]", got)
	}
	for _, v := range vs {
		if _, _, format, _ := Size(v.Data); format != PNG {
			t.Errorf("%s is %s, want png", v.Name, format)
		}
	}
}

func TestPalettedPNGStaysPaletted(t *testing.T) {
	c := chart(1600, 1000)
	p := image.NewPaletted(c.Bounds(), palette.Plan9)
	draw.Draw(p, p.Bounds(), c, image.Point{}, draw.Src)
	data := encodePNG(t, p)
	start := time.Now()
	vs, err := NewResizer("").Variants("chart.png", data, []int{1200, 800})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("1600x1000 paletted PNG (%d KB) to 800 and 1200 wide in %v", len(data)/1024, time.Since(start))
	// The 1200 px copy gained shades and outweighs the 1600 px original,
	// which takes its place.
	if got, want := names(vs), []string{"chart-800w.png", "chart.png"}; !slices.Equal(got, want) {
		t.Errorf("variants %v, want %v", got, want)
	}
	for _, v := range vs[:1] {
		m, err := png.Decode(bytes.NewReader(v.Data))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := m.(*image.Paletted); !ok {
			t.Errorf("%s decodes as %T, want *image.Paletted", v.Name, m)
		}
		truecolor := encodePNG(t, toRGBA(m))
		t.Logf("%s: %d KB paletted, %d KB as truecolor", v.Name, len(v.Data)/1024, len(truecolor)/1024)
		if len(v.Data) >= len(truecolor) {
			t.Errorf("%s: %d bytes paletted, not smaller than %d as truecolor", v.Name, len(v.Data), len(truecolor))
		}
	}
}

func TestVariantsHeavierThanAWiderOneAreDropped(t *testing.T) {
	v := func(w, size int) Variant { return Variant{Name: strconv.Itoa(w), Width: w, Data: make([]byte, size)} }
	got := names(dropHeavier([]Variant{v(480, 10), v(800, 30), v(1200, 25), v(1600, 40), v(2000, 35)}))
	if want := []string{"480", "1200", "2000"}; !slices.Equal(got, want) {
		t.Errorf("kept %v, want %v", got, want)
	}
}

func TestVariantsOfSmallAndUnresizableImages(t *testing.T) {
	tests := map[string][]byte{
		"small.jpg":  encodeJPEG(t, photo(300, 200), 80),
		"anim.gif":   encodeGIF(t, 2000, 20),
		"chart.svg":  []byte(`<svg viewBox="0 0 2000 1000"/>`),
		"photo.webp": webpVP8L(3000, 2000),
	}
	for name, data := range tests {
		vs, err := NewResizer("").Variants(name, data, DefaultWidths)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if len(vs) != 1 || !vs[0].Original || vs[0].Name != name || !bytes.Equal(vs[0].Data, data) {
			t.Errorf("%s: variants %v, want the original alone", name, names(vs))
		}
	}
}

func TestVariantsAreCachedBetweenBuilds(t *testing.T) {
	dir := t.TempDir()
	data := encodePNG(t, photo(1000, 500))
	first := NewResizer(dir)
	a, err := first.Variants("chart.png", data, DefaultWidths)
	if err != nil {
		t.Fatal(err)
	}
	// The next build: a new Resizer over the same folder.
	second := NewResizer(dir)
	b, err := second.Variants("chart.png", data, DefaultWidths)
	if err != nil {
		t.Fatal(err)
	}
	if got := second.Stats(); got.Resized != 0 || got.CacheHits != 2 {
		t.Errorf("second build Stats = %+v, want 0 resized, 2 cache hits", got)
	}
	if len(a) != len(b) {
		t.Fatalf("second build gave %d variants, first %d", len(b), len(a))
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Width != b[i].Width || a[i].Height != b[i].Height || !bytes.Equal(a[i].Data, b[i].Data) {
			t.Errorf("variant %d differs: %s %dx%d then %s %dx%d", i, a[i].Name, a[i].Width, a[i].Height, b[i].Name, b[i].Width, b[i].Height)
		}
	}

	// A different quality is a different variant.
	third := NewResizer(dir)
	third.Quality = 60
	if _, err := third.Variants("photo.jpg", encodeJPEG(t, photo(1000, 500), 90), []int{480}); err != nil {
		t.Fatal(err)
	}
	if got := third.Stats(); got.Resized != 1 {
		t.Errorf("new quality: Stats = %+v, want 1 resized", got)
	}
}

func TestCorruptCacheEntryIsRemade(t *testing.T) {
	dir := t.TempDir()
	data := encodeJPEG(t, photo(1000, 500), 90)
	want, err := NewResizer(dir).Variants("p.jpg", data, []int{480})
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(entries) != 1 {
		t.Fatalf("cache holds %v, want one entry", entries)
	}
	b, _ := os.ReadFile(entries[0])
	if err := os.WriteFile(entries[0], b[:len(b)/2], 0o644); err != nil { // a build killed mid-copy
		t.Fatal(err)
	}
	r := NewResizer(dir)
	got, err := r.Variants("p.jpg", data, []int{480})
	if err != nil {
		t.Fatal(err)
	}
	if s := r.Stats(); s.Resized != 1 {
		t.Errorf("Stats = %+v, want the entry resized again", s)
	}
	if !bytes.Equal(got[0].Data, want[0].Data) {
		t.Error("remade variant differs from the original one")
	}
}

func TestConcurrentVariantsResizeOnce(t *testing.T) {
	r := NewResizer(t.TempDir())
	data := encodeJPEG(t, photo(1300, 700), 90)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := r.Variants("p.jpg", data, DefaultWidths); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if got := r.Stats().Resized; got != 3 {
		t.Errorf("Resized = %d, want 3 (480, 800, 1200, once each)", got)
	}
	tmp, _ := filepath.Glob(filepath.Join(r.cache.Dir(), ".tmp-*"))
	if len(tmp) > 0 {
		t.Errorf("temporary files left behind: %v", tmp)
	}
}

func TestDecompressionBombIsRefused(t *testing.T) {
	// A 100-byte PNG claiming 100000x100000 pixels (40 GB decoded).
	bomb := pngWithSize(t, 100_000, 100_000)
	if w, h, _, err := Size(bomb); err != nil || w != 100_000 || h != 100_000 {
		t.Fatalf("Size(bomb) = %dx%d, %v; want the claimed size, read from the header", w, h, err)
	}
	start := time.Now()
	r := NewResizer(t.TempDir())
	_, err := r.Variants("bomb.png", bomb, DefaultWidths)
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	t.Logf("refused in %v: %v", time.Since(start), err)
	if r.Stats().Resized != 0 {
		t.Error("the bomb was resized")
	}

	// The bound is the Resizer's to set.
	r.MaxPixels = 1000 * 499
	if _, err := r.Variants("p.jpg", encodeJPEG(t, photo(1000, 500), 80), DefaultWidths); !errors.Is(err, ErrTooLarge) {
		t.Errorf("1000x500 with MaxPixels %d: err = %v, want ErrTooLarge", r.MaxPixels, err)
	}
}

func TestExifOrientationIsApplied(t *testing.T) {
	// Stored 400x200: left half red, right half blue. Orientation 6 shows
	// it turned clockwise: 200x400, red on top, blue below.
	m := image.NewRGBA(image.Rect(0, 0, 400, 200))
	draw.Draw(m, image.Rect(0, 0, 200, 200), image.NewUniform(color.RGBA{220, 0, 0, 255}), image.Point{}, draw.Src)
	draw.Draw(m, image.Rect(200, 0, 400, 200), image.NewUniform(color.RGBA{0, 0, 220, 255}), image.Point{}, draw.Src)
	stored := encodeJPEG(t, m, 90)

	for o, want := range map[exifOrientation][2]string{
		1: {"red", "blue"}, // left, right when upright
		3: {"blue", "red"},
		6: {"red", "blue"}, // top, bottom when turned
		8: {"blue", "red"},
	} {
		data := withOrientation(t, stored, o)
		vs, err := NewResizer("").Variants("p.jpg", data, []int{100})
		if err != nil {
			t.Fatal(err)
		}
		v := vs[0]
		got, err := jpeg.Decode(bytes.NewReader(v.Data))
		if err != nil {
			t.Fatal(err)
		}
		b := got.Bounds()
		first, second := got.At(b.Dx()/4, b.Dy()/4), got.At(b.Dx()*3/4, b.Dy()*3/4)
		if gotNames := [2]string{colorName(first), colorName(second)}; gotNames != want {
			t.Errorf("orientation %d: %dx%d with %v then %v, want %v", o, b.Dx(), b.Dy(), gotNames[0], gotNames[1], want)
		}
		wantW, wantH := 100, 50
		if o.swapsAxes() {
			wantH = 200
		}
		if b.Dx() != wantW || b.Dy() != wantH || v.Width != wantW || v.Height != wantH {
			t.Errorf("orientation %d: variant %dx%d (decoded %dx%d), want %dx%d", o, v.Width, v.Height, b.Dx(), b.Dy(), wantW, wantH)
		}
	}
}

func TestOrientationOfMalformedExif(t *testing.T) {
	base := encodeJPEG(t, photo(10, 10), 80)
	for name, app1 := range map[string][]byte{
		"truncated tiff":   []byte("Exif\x00\x00II*\x00"),
		"bad byte order":   []byte("Exif\x00\x00XX*\x00\x08\x00\x00\x00"),
		"ifd out of range": []byte("Exif\x00\x00II*\x00\xff\xff\x00\x00"),
		"entries past end": []byte("Exif\x00\x00II*\x00\x08\x00\x00\x00\x09\x00"),
		"orientation 9":    tiff(9),
	} {
		data := insertAPP1(base, app1)
		if o := orientation(data); o != 1 {
			t.Errorf("%s: orientation %d, want 1", name, o)
		}
		if _, _, _, err := Size(data); err != nil {
			t.Errorf("%s: Size: %v", name, err)
		}
	}
}

func TestSrcset(t *testing.T) {
	vs := []Variant{{Name: "a-480w.jpg", Width: 480}, {Name: "a-800w.jpg", Width: 800}, {Name: "a.jpg", Width: 1000, Original: true}}
	if got, want := Srcset(vs, nil), "a-480w.jpg 480w, a-800w.jpg 800w, a.jpg 1000w"; got != want {
		t.Errorf("Srcset = %q, want %q", got, want)
	}
	got := Srcset(vs, func(v Variant) string { return "/articles/x/" + v.Name })
	if want := "/articles/x/a-480w.jpg 480w, /articles/x/a-800w.jpg 800w, /articles/x/a.jpg 1000w"; got != want {
		t.Errorf("Srcset with url = %q, want %q", got, want)
	}
	if got := Srcset(nil, nil); got != "" {
		t.Errorf("Srcset(nil) = %q, want empty", got)
	}
}

// TestScalerQuality measures how far each kernel's downscale strays from
// the exact area average on a chart-like image (thin lines, text-sized
// detail) and checks the chosen one is the better. -v prints the figures.
//
// Factor 2 is logged but not compared: there ApproxBiLinear samples
// exactly between four pixels, which is the 2x2 area average itself, so
// the reference cannot tell the kernels apart. Other factors (the
// shrinks to 800 and 480 from 2400, and every non-integer one) show its
// aliasing.
func TestScalerQuality(t *testing.T) {
	src := chart(2400, 1600)
	for _, factor := range []int{2, 3, 5} { // 1200, 800, 480 wide
		ref := boxDown(src, factor)
		errs := map[string]float64{}
		for name, k := range map[string]draw.Interpolator{"CatmullRom": draw.CatmullRom, "BiLinear": draw.BiLinear, "ApproxBiLinear": draw.ApproxBiLinear} {
			dst := image.NewRGBA(ref.Bounds())
			k.Scale(dst, dst.Bounds(), src, src.Bounds(), draw.Src, nil)
			errs[name] = rmse(dst, ref)
		}
		t.Logf("2400 -> %d: RMSE against the area average: CatmullRom %.1f, BiLinear %.1f, ApproxBiLinear %.1f",
			2400/factor, errs["CatmullRom"], errs["BiLinear"], errs["ApproxBiLinear"])
		if factor != 2 && errs["CatmullRom"] >= errs["ApproxBiLinear"] {
			t.Errorf("2400 -> %d: CatmullRom error %.1f is not below ApproxBiLinear's %.1f", 2400/factor, errs["CatmullRom"], errs["ApproxBiLinear"])
		}
	}
}

// BenchmarkVariants measures a cold build's work for one 2400x1600 JPEG
// (decode, scale to 480, 800, 1200 and 1600, encode at quality 80) with
// each kernel, and a warm build's (every variant from the cache).
func BenchmarkVariants(b *testing.B) {
	data := encodeJPEG(b, photo(2400, 1600), 85)
	b.Logf("original: %d KB", len(data)/1024)
	for _, k := range []struct {
		name string
		k    draw.Interpolator
	}{{"CatmullRom", draw.CatmullRom}, {"BiLinear", draw.BiLinear}, {"ApproxBiLinear", draw.ApproxBiLinear}} {
		b.Run("cold/"+k.name, func(b *testing.B) {
			defer func(s draw.Interpolator) { scaler = s }(scaler)
			scaler = k.k
			var total int
			for b.Loop() {
				vs, err := NewResizer("").Variants("p.jpg", data, DefaultWidths)
				if err != nil {
					b.Fatal(err)
				}
				total = 0
				for _, v := range vs {
					total += len(v.Data)
				}
			}
			b.ReportMetric(float64(total)/1024, "KB/4variants")
		})
	}
	b.Run("warm", func(b *testing.B) {
		dir := b.TempDir()
		if _, err := NewResizer(dir).Variants("p.jpg", data, DefaultWidths); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			if _, err := NewResizer(dir).Variants("p.jpg", data, DefaultWidths); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Size", func(b *testing.B) {
		for b.Loop() {
			if _, _, _, err := Size(data); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// photo returns a photo-like test image: smooth gradients, soft shapes,
// grain and some sharp edges.
func photo(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	rng := rand.New(rand.NewPCG(1, 2))
	for y := range h {
		for x := range w {
			fx, fy := float64(x)/float64(w), float64(y)/float64(h)
			r := 120 + 80*math.Sin(fx*5+fy*2)
			g := 110 + 70*math.Cos(fx*3-fy*4)
			bl := 140 + 60*math.Sin((fx+fy)*7)
			if (x/(w/8+1)+y/(h/6+1))%5 == 0 { // hard-edged blocks
				r, g = g, r
			}
			n := rng.Float64()*16 - 8
			m.SetRGBA(x, y, color.RGBA{clamp(r + n), clamp(g + n), clamp(bl + n), 255})
		}
	}
	return m
}

// chart returns a chart-like image: white, with 1-3 px lines and a grid.
func chart(w, h int) *image.RGBA {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(m, m.Bounds(), image.White, image.Point{}, draw.Src)
	ink := color.RGBA{15, 92, 99, 255}
	for y := 0; y < h; y += 37 {
		for x := range w {
			m.SetRGBA(x, y, color.RGBA{200, 200, 200, 255})
		}
	}
	for x := range w {
		for k := range 6 {
			y := int(float64(h)/2 + float64(h)/3*math.Sin(float64(x)/float64(40+k*17)+float64(k)))
			for d := range 1 + k%3 {
				if y+d >= 0 && y+d < h {
					m.SetRGBA(x, y+d, ink)
				}
			}
		}
	}
	return m
}

// boxDown shrinks m by an integer factor, averaging each factor x factor block.
func boxDown(m *image.RGBA, f int) *image.RGBA {
	b := m.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx()/f, b.Dy()/f))
	for y := range out.Bounds().Dy() {
		for x := range out.Bounds().Dx() {
			var s [4]int
			for dy := range f {
				for dx := range f {
					i := m.PixOffset(x*f+dx, y*f+dy)
					for c := range 4 {
						s[c] += int(m.Pix[i+c])
					}
				}
			}
			i := out.PixOffset(x, y)
			for c := range 4 {
				out.Pix[i+c] = uint8(s[c] / (f * f))
			}
		}
	}
	return out
}

func rmse(a, b *image.RGBA) float64 {
	var s float64
	for i := range a.Pix {
		d := float64(a.Pix[i]) - float64(b.Pix[i])
		s += d * d
	}
	return math.Sqrt(s / float64(len(a.Pix)))
}

func toRGBA(m image.Image) *image.RGBA {
	out := image.NewRGBA(m.Bounds())
	draw.Draw(out, out.Bounds(), m, m.Bounds().Min, draw.Src)
	return out
}

func clamp(v float64) uint8 { return uint8(max(0, min(255, v))) }

func colorName(c color.Color) string {
	r, _, b, _ := c.RGBA()
	switch {
	case r > 0x8000 && b < 0x4000:
		return "red"
	case b > 0x8000 && r < 0x4000:
		return "blue"
	}
	return "mixed"
}

func names(vs []Variant) []string {
	var s []string
	for _, v := range vs {
		s = append(s, v.Name)
	}
	return s
}

func encodeJPEG(t testing.TB, m image.Image, q int) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := jpeg.Encode(&b, m, &jpeg.Options{Quality: q}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodePNG(t testing.TB, m image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, m); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeGIF(t testing.TB, w, h int) []byte {
	t.Helper()
	m := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.White, color.Black})
	var b bytes.Buffer
	if err := gif.EncodeAll(&b, &gif.GIF{Image: []*image.Paletted{m, m}, Delay: []int{10, 10}}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// webpVP8L returns the header of a lossless WebP of the given size, all
// that Size reads (Go has no WebP encoder).
func webpVP8L(w, h int) []byte {
	bits := uint32(w-1) | uint32(h-1)<<14 // no alpha, version 0
	chunk := []byte{0x2f, byte(bits), byte(bits >> 8), byte(bits >> 16), byte(bits >> 24), 0}
	var b bytes.Buffer
	b.WriteString("RIFF")
	binary.Write(&b, binary.LittleEndian, uint32(4+8+len(chunk)))
	b.WriteString("WEBPVP8L")
	binary.Write(&b, binary.LittleEndian, uint32(5))
	b.Write(chunk)
	return b.Bytes()
}

// pngWithSize returns a PNG whose header claims w x h pixels and whose
// single data chunk holds almost nothing.
func pngWithSize(t testing.TB, w, h int) []byte {
	t.Helper()
	data := encodePNG(t, image.NewGray(image.Rect(0, 0, 1, 1)))
	ihdr := data[8+8 : 8+8+13] // after the signature and IHDR's length and type
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	binary.BigEndian.PutUint32(data[8+8+13:], crc32.ChecksumIEEE(data[8+4:8+8+13]))
	return data
}

// withOrientation inserts an EXIF segment with the given orientation
// after a JPEG's start-of-image marker.
func withOrientation(t testing.TB, jpg []byte, o exifOrientation) []byte {
	t.Helper()
	return insertAPP1(jpg, tiff(uint16(o)))
}

// tiff returns an APP1 Exif payload whose IFD0 holds only Orientation.
func tiff(o uint16) []byte {
	var b bytes.Buffer
	b.WriteString("Exif\x00\x00MM\x00\x2a")
	binary.Write(&b, binary.BigEndian, uint32(8)) // IFD0 offset
	binary.Write(&b, binary.BigEndian, uint16(1)) // one entry
	binary.Write(&b, binary.BigEndian, []uint16{0x0112, 3})
	binary.Write(&b, binary.BigEndian, uint32(1))
	binary.Write(&b, binary.BigEndian, []uint16{o, 0})
	binary.Write(&b, binary.BigEndian, uint32(0)) // no next IFD
	return b.Bytes()
}

func insertAPP1(jpg, payload []byte) []byte {
	seg := []byte{0xff, 0xe1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(2+len(payload)))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}
