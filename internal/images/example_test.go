package images_test

import (
	"bytes"
	"fmt"
	"html/template"
	"image"
	"image/jpeg"
	"log"
	"os"
	"path/filepath"

	"github.com/cassidine/site/internal/images"
)

// The builder's part: size every image, make variants of the large ones,
// and write an <img> that reserves its space, downloads only what the
// screen needs and does not hold up the page.
func ExampleResizer_Variants() {
	data := sampleJPEG(2000, 1125) // content/articles/x/chart.jpg, 2000x1125
	cacheDir, _ := os.MkdirTemp("", "images")
	defer os.RemoveAll(cacheDir)

	r := images.NewResizer(filepath.Join(cacheDir, "images"))
	vs, err := r.Variants("chart.jpg", data, images.DefaultWidths)
	if err != nil {
		log.Fatal(err) // name the markdown file and line
	}
	url := func(v images.Variant) string { return "/articles/x/" + v.Name }
	src := vs[len(vs)-1] // the widest candidate, for browsers without srcset
	img := template.Must(template.New("").Parse(
		`<img src="{{.Src}}" srcset="{{.Srcset}}" sizes="(min-width: 44.5rem) 42rem, calc(100vw - 2.5rem)"` +
			` width="{{.W}}" height="{{.H}}" alt="…" loading="lazy" decoding="async">`))
	img.Execute(os.Stdout, map[string]any{
		"Src": url(src), "Srcset": images.Srcset(vs, url), "W": src.Width, "H": src.Height,
	})
	fmt.Printf("\n%+v\n", r.Stats())
	// Output:
	// <img src="/articles/x/chart-1600w.jpg" srcset="/articles/x/chart-480w.jpg 480w, /articles/x/chart-800w.jpg 800w, /articles/x/chart-1200w.jpg 1200w, /articles/x/chart-1600w.jpg 1600w" sizes="(min-width: 44.5rem) 42rem, calc(100vw - 2.5rem)" width="1600" height="900" alt="…" loading="lazy" decoding="async">
	// {Resized:4 CacheHits:0}
}

func sampleJPEG(w, h int) []byte {
	m := image.NewRGBA(image.Rect(0, 0, w, h))
	for i := range m.Pix {
		m.Pix[i] = uint8(i * 7 % 251)
	}
	var b bytes.Buffer
	jpeg.Encode(&b, m, &jpeg.Options{Quality: 90})
	return b.Bytes()
}
