// Package images measures the images in articles and makes the smaller
// copies that let a phone download only the pixels it shows.
//
// Size reads an image's width and height from its header (JPEG, PNG, GIF,
// WebP, SVG), for the width and height attributes that keep the page from
// jumping as images arrive.
//
// A Resizer turns a large JPEG or PNG into variants at a list of widths
// (only those narrower than the original), kept as the same format:
// JPEG at quality 80, PNG as PNG. Variants are scaled with Catmull-Rom
// (see resize.go for the measurements behind that choice), upright
// according to the JPEG's EXIF orientation, and named after the original
// ("chart.png" → "chart-800w.png"). Srcset joins them into a srcset
// attribute.
//
// Resizing is slow next to the rest of a build, so a Resizer keeps its
// variants in a cache folder (package filecache) keyed by the original's
// bytes, the width, the quality and this package's algorithm version: a
// rebuild decodes and resizes only the images that changed.
//
// Decoding an image costs memory for every pixel it claims, so an image
// claiming more than a Resizer's MaxPixels is refused before it is
// decoded (a "decompression bomb" is a small file declaring a gigantic
// canvas).
package images

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/cassidine/site/internal/filecache"
	"golang.org/x/image/draw"
)

// Defaults for a Resizer's settings.
const (
	// DefaultQuality is the JPEG quality of variants: at 80, photos and
	// charts show no visible loss on a phone, at about half the bytes of 92.
	DefaultQuality = 80

	// DefaultMaxPixels bounds the images a Resizer decodes: 40 megapixels
	// (an 8000x5000 photo) takes about 220 MB decoded (4 bytes a pixel,
	// plus a JPEG's own 1.5). Camera originals above it should be exported
	// smaller; 2400 px wide is plenty here.
	DefaultMaxPixels = 40_000_000
)

// DefaultWidths are the widths worth making for an article's column
// (42rem, 672 CSS px): 480 and 800 for phones at 1-2x, 1200 for phones
// at 3x and laptops at 2x, 1600 for wide screens at 2x.
var DefaultWidths = []int{480, 800, 1200, 1600}

// ErrTooLarge is wrapped by the error for an image over a Resizer's MaxPixels.
var ErrTooLarge = errors.New("image too large to decode")

// version names the resizing algorithm and encoders in every cache key;
// change it when variants would come out differently, so old cache
// entries are not served.
const version = "images/1 catmullrom palette"

// Variant is one candidate of a responsive image.
type Variant struct {
	// Name is the original's name with the width before the extension
	// ("img/chart.png" → "img/chart-800w.png"), or the original's own name
	// when Original is set.
	Name string
	// Width and Height are the displayed size in pixels.
	Width, Height int
	// Data is the encoded image. It may be shared with the cache and
	// other callers: do not modify it.
	Data []byte
	// Original reports that this is the unresized original.
	Original bool
}

// Resizer makes variants, keeping them in a cache folder between builds.
// Set its fields before first use. It is safe for concurrent use.
type Resizer struct {
	// MaxPixels refuses images whose width times height exceeds it.
	MaxPixels int
	// Quality is the JPEG quality of variants, 1-100.
	Quality int

	cache   *filecache.Cache
	resized atomic.Int64
	hits    atomic.Int64
}

// NewResizer returns a Resizer with the default settings keeping its
// variants in cacheDir (created when first needed). An empty cacheDir
// keeps nothing between calls.
func NewResizer(cacheDir string) *Resizer {
	return &Resizer{
		MaxPixels: DefaultMaxPixels,
		Quality:   DefaultQuality,
		cache:     filecache.New(cacheDir),
	}
}

// ReadOnly makes r use the copies its cache folder holds but keep none it
// makes (site check writes nothing).
func (r *Resizer) ReadOnly() { r.cache.ReadOnly() }

// Stats counts a Resizer's work since it was made.
type Stats struct {
	Resized   int64 // variants decoded, scaled and encoded
	CacheHits int64 // variants read from the cache folder instead
}

// Stats returns the work done so far, for a build's summary line.
func (r *Resizer) Stats() Stats {
	return Stats{Resized: r.resized.Load(), CacheHits: r.hits.Load()}
}

// Resizable reports whether Variants makes smaller copies of a format
// (as named by Size). GIF (possibly animated), WebP (Go has no encoder)
// and SVG (it scales by itself) are served as they are.
func Resizable(format string) bool { return format == JPEG || format == PNG }

// Variants returns the candidates for a responsive image named name
// (used only to name the variants), smallest first: a resized copy for
// each of widths narrower than the original, then the original itself if
// it is no wider than the widest of widths. An original wider than all of
// widths is left out (the caller still publishes it if anything links to
// it), unless it is lighter in bytes than the widest copy. A copy that
// came out no smaller in bytes than a wider candidate is left out too,
// so the browser takes the wider one. (Both happen with flat-colour PNGs,
// whose scaled copies gain shades that compress worse than the original's
// hard edges.)
//
// Formats that are not Resizable yield the original alone, so callers
// treat every image the same way. Data over MaxPixels is refused with an
// error wrapping ErrTooLarge; nothing is decoded then. Errors start with
// name; the caller adds where the image is used (file:line).
func (r *Resizer) Variants(name string, data []byte, widths []int) ([]Variant, error) {
	w, h, format, err := Size(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	original := Variant{Name: name, Width: w, Height: h, Data: data, Original: true}
	if !Resizable(format) {
		return []Variant{original}, nil
	}
	if int64(w)*int64(h) > int64(r.MaxPixels) {
		return nil, fmt.Errorf("%s: %w: %dx%d is %.1f megapixels, over the limit of %.0f: export it smaller (2400 px wide is plenty)",
			name, ErrTooLarge, w, h, float64(w)*float64(h)/1e6, float64(r.MaxPixels)/1e6)
	}

	targets := slices.Clone(widths)
	slices.Sort(targets)
	targets = slices.Compact(targets)
	sum := filecache.Sum(data)
	// Decoded on the first cache miss, then shared by the other widths.
	var src *image.RGBA
	var palette color.Palette
	var out []Variant
	for _, tw := range targets {
		if tw <= 0 || tw >= w {
			continue
		}
		th := max(1, int(math.Round(float64(h)*float64(tw)/float64(w))))
		key := filecache.Key(version, sum, strconv.Itoa(tw), strconv.Itoa(r.Quality))
		vdata, hit, err := r.cache.Do(key, func() ([]byte, error) {
			if src == nil {
				m, pal, err := decode(data, format)
				if err != nil {
					return nil, err
				}
				src, palette = m, pal
			}
			r.resized.Add(1)
			return encode(resize(src, orientation(data), tw, th), format, palette, r.Quality)
		})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if hit {
			r.hits.Add(1)
		}
		out = append(out, Variant{Name: variantName(name, tw), Width: tw, Height: th, Data: vdata})
	}
	// The original is the widest candidate when it is not wider than asked
	// for, or when it is still lighter than the widest copy.
	if len(out) == 0 || w <= targets[len(targets)-1] || len(data) < len(out[len(out)-1].Data) {
		out = append(out, original)
	}
	return dropHeavier(out), nil
}

// dropHeavier removes each candidate that is no smaller in bytes than a
// wider one: a browser choosing it would download more for fewer pixels.
// vs is sorted by width.
func dropHeavier(vs []Variant) []Variant {
	var kept []Variant
	lightest := math.MaxInt
	for i := len(vs) - 1; i >= 0; i-- {
		if len(vs[i].Data) < lightest {
			kept = append(kept, vs[i])
			lightest = len(vs[i].Data)
		}
	}
	slices.Reverse(kept)
	return kept
}

// decode decodes a JPEG or PNG into RGBA: Catmull-Rom reads each source
// pixel many times per variant, and from a JPEG's YCbCr it would convert
// colour on every read (converting once halves the scaling time), while
// premultiplied alpha keeps transparent edges free of dark fringes.
// A paletted PNG's palette is returned too, for its variants.
func decode(data []byte, format string) (*image.RGBA, color.Palette, error) {
	var m image.Image
	var err error
	switch format {
	case JPEG:
		m, err = jpeg.Decode(bytes.NewReader(data))
	case PNG:
		m, err = png.Decode(bytes.NewReader(data))
	default:
		err = fmt.Errorf("cannot resize %s", format)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %w", format, err)
	}
	var pal color.Palette
	if p, ok := m.(*image.Paletted); ok && format == PNG {
		pal = p.Palette
	}
	if rgba, ok := m.(*image.RGBA); ok {
		return rgba, pal, nil
	}
	rgba := image.NewRGBA(m.Bounds())
	draw.Draw(rgba, rgba.Bounds(), m, m.Bounds().Min, draw.Src)
	return rgba, pal, nil
}

// encode writes a variant: JPEG at quality when there is no palette, else
// PNG, paletted again when the original was.
//
// A paletted PNG (a chart or screenshot run through pngquant or saved as
// 8-bit) stays paletted: as truecolor its variants came out 4-6 times
// larger, the 1600 px one 4 times the size of the 2400 px original.
func encode(m *image.RGBA, format string, pal color.Palette, quality int) ([]byte, error) {
	var b bytes.Buffer
	var err error
	switch {
	case format == JPEG:
		err = jpeg.Encode(&b, m, &jpeg.Options{Quality: quality})
	case pal != nil:
		err = png.Encode(&b, toPalette(m, pal))
	default:
		err = png.Encode(&b, m)
	}
	return b.Bytes(), err
}

// toPalette maps each pixel of m to the nearest colour of pal, without
// dithering (charts keep clean edges). The scaled image has a few
// thousand distinct colours at most, so each is matched once and
// remembered: image/draw's own conversion searches the palette for every
// pixel and took seconds at 1600 px. m is a fresh image from resize, its
// rows contiguous from (0, 0).
func toPalette(m *image.RGBA, pal color.Palette) *image.Paletted {
	out := image.NewPaletted(m.Bounds(), pal)
	seen := map[uint32]uint8{}
	for i := 0; i+4 <= len(m.Pix); i += 4 {
		p := m.Pix[i : i+4 : i+4]
		key := uint32(p[0])<<24 | uint32(p[1])<<16 | uint32(p[2])<<8 | uint32(p[3])
		idx, ok := seen[key]
		if !ok {
			idx = uint8(pal.Index(color.RGBA{p[0], p[1], p[2], p[3]}))
			seen[key] = idx
		}
		out.Pix[i/4] = idx
	}
	return out
}

// variantName inserts "-<width>w" before name's extension.
func variantName(name string, width int) string {
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext) + "-" + strconv.Itoa(width) + "w" + ext
}

// Srcset returns a srcset attribute value listing vs by width:
// "chart-480w.png 480w, chart-800w.png 800w". url maps a variant to the
// address the page uses for it (nil uses its Name), so the caller decides
// where variants are published and whether they are fingerprinted.
//
// Pair it with a sizes attribute describing the column the image fills,
// for the article column: sizes="(min-width: 44.5rem) 42rem, calc(100vw - 2.5rem)".
func Srcset(vs []Variant, url func(Variant) string) string {
	var b strings.Builder
	for i, v := range vs {
		if i > 0 {
			b.WriteString(", ")
		}
		u := v.Name
		if url != nil {
			u = url(v)
		}
		b.WriteString(u + " " + strconv.Itoa(v.Width) + "w")
	}
	return b.String()
}
