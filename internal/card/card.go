// Package card draws an article's Open Graph share card: the 1200x630
// PNG that LinkedIn, Slack and others show with a shared link.
//
// A card sets the article's title large in Go Bold, wrapped over up to
// four balanced lines and shrunk for long titles (76 px down to 44 px),
// with an ellipsis only when even the smallest size cannot hold it; the
// site's name above it and the reading time ("6 min read") below, in the
// site's colours, with an accent bar down the left edge. Nothing is drawn
// outside the margins (Card.Layout reports where everything goes).
//
// The default colours are the site's own, from static/css/site.css:
// background --deep (#0d4449), text --surface (#ffffff), accent the dark
// scheme's --focus (#f0a35e, the light scheme's #b3541e is too dark on
// --deep). They match the hand-made static/images/social.png. The text
// colour must reach WCAG's 4.5:1 contrast with the background or Draw
// refuses the card; the accent is used for text only when it reaches
// 4.5:1 too, and is otherwise kept to the bar.
//
// A Cache keeps drawn cards in a folder between builds, keyed by
// everything drawn and the layout's version.
package card

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"slices"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/text/unicode/norm"
)

// The card's size: Open Graph's recommended 1.91:1 at 1200 px wide.
const (
	Width  = 1200
	Height = 630
)

// Defaults for a Card's colours, from static/css/site.css (see the
// package doc).
var (
	DefaultBackground color.Color = color.RGBA{0x0d, 0x44, 0x49, 0xff} // --deep
	DefaultText       color.Color = color.RGBA{0xff, 0xff, 0xff, 0xff} // --surface
	DefaultAccent     color.Color = color.RGBA{0xf0, 0xa3, 0x5e, 0xff} // --focus (dark scheme)
)

// Card is what a share card shows.
type Card struct {
	Title   string // the article's title; required
	Site    string // the site's name, e.g. "Cassidine Consulting"
	Minutes int    // reading time in minutes; 0 leaves it out

	// Colours; nil takes the default. Alpha is ignored: cards are opaque.
	Background, Text, Accent color.Color
}

// The layout, in pixels. Changing anything drawn means changing
// layoutVersion, so cached cards are redrawn (TestLayoutVersion checks).
const (
	layoutVersion = "card/1"

	barWidth    = 16 // the accent bar down the left edge
	marginLeft  = 96 // text starts here, 80 px clear of the bar
	marginRight = 96
	marginTop   = 72 // above the site name's capitals
	marginBot   = 72 // below the reading time's baseline
	textWidth   = Width - marginLeft - marginRight

	siteSize = 34 // the site's name, Go Bold
	metaSize = 30 // the reading time, Go Regular

	// The title, Go Bold: the largest of maxSize, maxSize-sizeStep, ...
	// minSize at which it fits in maxLines between titleTop and
	// titleBottom, its lines leading times the size apart.
	maxSize     = 76
	minSize     = 44
	sizeStep    = 4
	maxLines    = 4
	leading     = 1.16
	titleTop    = marginTop + siteSize*2
	titleBottom = Height - marginBot - 84
)

// Layout is where Draw puts everything, in canvas pixels.
type Layout struct {
	Size      float64 // the title's font size in pixels
	Lines     []Line  // the title, one entry per line
	Truncated bool    // the title did not fit and ends in an ellipsis
	Site      Line    // the site's name (empty Text when there is none)
	Meta      Line    // the reading time (empty Text when there is none)
}

// Line is one line of text and its ink bounds: the pixels it may touch.
type Line struct {
	Text   string
	Dot    fixed.Point26_6 // where its baseline starts
	Bounds image.Rectangle
}

// fonts holds the parsed Go fonts; parsing is done once, faces (which
// are not safe for concurrent use) are made per card.
var fonts = sync.OnceValues(func() ([2]*opentype.Font, error) {
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return [2]*opentype.Font{}, err
	}
	regular, err := opentype.Parse(goregular.TTF)
	return [2]*opentype.Font{bold, regular}, err
})

// face returns a face of f at size pixels, which remembers the metrics
// of each letter it measures.
func face(f *opentype.Font, size float64) font.Face {
	fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		panic(err) // only for a size <= 0, which the constants rule out
	}
	return &measured{Face: fc, bounds: map[rune]glyphBounds{}, kerns: map[[2]rune]fixed.Int26_6{}}
}

// measured is a face that keeps the bounds, advances and kerning it
// looked up: Layout measures the same letters over and over as it tries
// sizes and line breaks, and each lookup loads the glyph's outline.
type measured struct {
	font.Face
	bounds map[rune]glyphBounds
	kerns  map[[2]rune]fixed.Int26_6
}

type glyphBounds struct {
	bounds  fixed.Rectangle26_6
	advance fixed.Int26_6
	ok      bool
}

func (m *measured) GlyphBounds(r rune) (fixed.Rectangle26_6, fixed.Int26_6, bool) {
	g, seen := m.bounds[r]
	if !seen {
		g.bounds, g.advance, g.ok = m.Face.GlyphBounds(r)
		m.bounds[r] = g
	}
	return g.bounds, g.advance, g.ok
}

func (m *measured) Kern(r0, r1 rune) fixed.Int26_6 {
	k, seen := m.kerns[[2]rune{r0, r1}]
	if !seen {
		k = m.Face.Kern(r0, r1)
		m.kerns[[2]rune{r0, r1}] = k
	}
	return k
}

// Unsupported returns the characters of s that the Go fonts cannot draw
// (emoji, CJK, ...); Draw leaves them out, so the builder should warn.
func Unsupported(s string) []rune {
	fs, err := fonts()
	if err != nil {
		return nil
	}
	var missing []rune
	var buf sfnt.Buffer
	for _, r := range norm.NFC.String(s) {
		if !unicode.IsSpace(r) && !hasGlyph(fs[0], &buf, r) && !slices.Contains(missing, r) {
			missing = append(missing, r)
		}
	}
	return missing
}

// hasGlyph reports whether f draws r; buf is reused between calls, as
// a fresh one costs an allocation of the font's lookup tables.
func hasGlyph(f *opentype.Font, buf *sfnt.Buffer, r rune) bool {
	i, err := f.GlyphIndex(buf, r)
	return err == nil && i != 0
}

// clean puts s in the form the card draws: composed (é, not e and a
// combining accent, which the fonts cannot position), one space between
// words, and without characters the fonts lack.
func clean(f *opentype.Font, s string) string {
	s = norm.NFC.String(s)
	var buf sfnt.Buffer
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return ' '
		}
		if !hasGlyph(f, &buf, r) {
			return -1
		}
		return r
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// Layout works out where Draw puts c's text.
func (c Card) Layout() (Layout, error) {
	fs, err := fonts()
	if err != nil {
		return Layout{}, err
	}
	bold, regular := fs[0], fs[1]
	title := clean(bold, c.Title)
	if title == "" {
		return Layout{}, fmt.Errorf("card: title %q has nothing the Go fonts can draw", c.Title)
	}
	var l Layout

	if site := clean(bold, c.Site); site != "" {
		f := face(bold, siteSize)
		site = ellipsize(f, site, textWidth)
		l.Site = line(f, site, marginLeft, marginTop+capHeight(f))
	}
	if c.Minutes > 0 {
		f := face(regular, metaSize)
		l.Meta = line(f, fmt.Sprintf("%d min read", c.Minutes), marginLeft, Height-marginBot)
	}

	// The largest size at which the title fits; balancing its lines at
	// that size keeps their number, so fitting is judged on a plain wrap.
	var lines []string
	var f font.Face
	fits := func() bool {
		return len(lines) <= maxLines && blockHeight(f, l.Size, len(lines)) <= titleBottom-titleTop
	}
	for size := float64(maxSize); size >= minSize; size -= sizeStep {
		f, l.Size = face(bold, size), size
		if lines = wrap(f, title, textWidth); fits() {
			lines = balance(f, title, textWidth)
			break
		}
	}
	if !fits() {
		// Too long even at the smallest size: fill the lines greedily and
		// end the last in an ellipsis.
		n := maxLines
		for n > 1 && blockHeight(f, l.Size, n) > titleBottom-titleTop {
			n--
		}
		rest := lines[n-1]
		for _, ln := range lines[n:] {
			if !strings.HasSuffix(rest, "-") && !strings.HasSuffix(rest, "/") {
				rest += " " // the break was at a space
			}
			rest += ln
		}
		lines = append(lines[:n-1], ellipsize(f, rest, textWidth))
		l.Truncated = true
	}

	// Centre the block vertically between the site name and the reading
	// time; the first baseline sits one ascent (capitals) below its top.
	lh := math.Round(l.Size * leading)
	top := titleTop + (titleBottom-titleTop-blockHeight(f, l.Size, len(lines)))/2
	for i, s := range lines {
		baseline := top + capHeight(f) + int(lh)*i
		l.Lines = append(l.Lines, line(f, s, marginLeft, baseline))
	}
	return l, nil
}

// blockHeight is the height of n title lines from the top of the first
// line's capitals to the bottom of the last line's descenders.
func blockHeight(f font.Face, size float64, n int) int {
	lh := int(math.Round(size * leading))
	return capHeight(f) + lh*(n-1) + f.Metrics().Descent.Ceil()
}

// capHeight is the height of the face's capitals above the baseline.
func capHeight(f font.Face) int {
	if h := f.Metrics().CapHeight; h > 0 {
		return h.Ceil()
	}
	b, _, _ := f.GlyphBounds('H')
	return (-b.Min.Y).Ceil()
}

// line places s with its baseline starting at (x, y).
func line(f font.Face, s string, x, y int) Line {
	dot := fixed.P(x, y)
	b, _ := font.BoundString(f, s)
	return Line{Text: s, Dot: dot, Bounds: image.Rect(
		(dot.X + b.Min.X).Floor(), (dot.Y + b.Min.Y).Floor(),
		(dot.X + b.Max.X).Ceil(), (dot.Y + b.Max.Y).Ceil())}
}

// width is how wide s is drawn with f: its advance or, where a glyph
// overhangs, its ink.
func width(f font.Face, s string) fixed.Int26_6 {
	b, adv := font.BoundString(f, s)
	return max(adv, b.Max.X)
}

// wrap breaks s into lines no wider than w, filling each line greedily.
// Lines break at spaces and after hyphens and slashes inside a word; a
// run wider than w with neither is broken between characters.
func wrap(f font.Face, s string, w int) []string {
	limit := fixed.I(w)
	var lines []string
	cur := ""
	for _, p := range pieces(s) {
		join := p.text
		if p.space {
			join = " " + p.text
		}
		if cur != "" && width(f, cur+join) <= limit {
			cur += join
			continue
		}
		if cur != "" {
			lines = append(lines, cur)
		}
		word := p.text
		for width(f, word) > limit { // an unbreakable run: a URL, a code
			rs := []rune(word)
			n := 1
			for n < len(rs) && width(f, string(rs[:n+1])) <= limit {
				n++
			}
			lines = append(lines, string(rs[:n]))
			word = string(rs[n:])
		}
		cur = word
	}
	if cur != "" {
		lines = append(lines, cur)
	}
	return lines
}

// piece is a run of text a line may end after.
type piece struct {
	text  string
	space bool // a space separates it from the piece before
}

// pieces splits s at spaces and after hyphens, dashes and slashes that
// sit inside a word ("café-table" → "café-", "table").
func pieces(s string) []piece {
	var ps []piece
	for i, word := range strings.Fields(s) {
		start := 0
		rs := []rune(word)
		for j, r := range rs {
			if (r == '-' || r == '‐' || r == '–' || r == '/') && j > 0 && j < len(rs)-1 {
				ps = append(ps, piece{string(rs[start : j+1]), start == 0 && i > 0})
				start = j + 1
			}
		}
		ps = append(ps, piece{string(rs[start:]), start == 0 && i > 0})
	}
	return ps
}

// balance wraps s into as few lines as wrap does at width w, but evens
// their lengths (as CSS text-wrap: balance does): it finds the narrowest
// width that still needs no more lines.
func balance(f font.Face, s string, w int) []string {
	best := wrap(f, s, w)
	if len(best) < 2 {
		return best
	}
	lo, hi := w/len(best), w // at lo the lines cannot fit; at hi they do
	for hi-lo > 4 {
		mid := (lo + hi) / 2
		if lines := wrap(f, s, mid); len(lines) <= len(best) {
			best, hi = lines, mid
		} else {
			lo = mid
		}
	}
	return best
}

// ellipsize shortens s at a word boundary, if it can, until s + "…" fits in w.
func ellipsize(f font.Face, s string, w int) string {
	limit := fixed.I(w)
	if width(f, s) <= limit {
		return s
	}
	trim := func(s string) string {
		return strings.TrimRightFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsPunct(r) && r != '?' && r != '!' })
	}
	words := strings.Fields(s)
	for n := len(words) - 1; n > 0; n-- {
		if t := trim(strings.Join(words[:n], " ")) + "…"; width(f, t) <= limit {
			return t
		}
	}
	rs := []rune(words[0]) // a single word too long: cut it
	for n := len(rs) - 1; n > 0; n-- {
		if t := string(rs[:n]) + "…"; width(f, t) <= limit {
			return t
		}
	}
	return "…"
}

// Draw returns c as a 1200x630 PNG.
func Draw(c Card) ([]byte, error) {
	rgba := canvases.Get().(*image.RGBA)
	defer canvases.Put(rgba)
	m, err := render(c, rgba)
	if err != nil {
		return nil, err
	}
	defer paletted.Put(m)
	return encode(m)
}

// A build draws thousands of cards: the images each is drawn on (4 MB)
// and the PNG encoder's compressor are reused rather than allocated and
// cleared for each, which also keeps the garbage collector out of the way.
var (
	canvases = sync.Pool{New: func() any { return image.NewRGBA(image.Rect(0, 0, Width, Height)) }}
	paletted = sync.Pool{New: func() any { return image.NewPaletted(image.Rect(0, 0, Width, Height), nil) }}
	encoder  = png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: new(encoderBuffers)}
)

// encoderBuffers is a png.EncoderBufferPool over a sync.Pool.
type encoderBuffers struct{ p sync.Pool }

func (b *encoderBuffers) Get() *png.EncoderBuffer {
	eb, _ := b.p.Get().(*png.EncoderBuffer)
	return eb
}

func (b *encoderBuffers) Put(eb *png.EncoderBuffer) { b.p.Put(eb) }

// colours resolves c's colours and checks they are legible.
func colours(c Card) (bg, text, accent, accentText color.RGBA, err error) {
	bg, text, accent = opaque(c.Background, DefaultBackground), opaque(c.Text, DefaultText), opaque(c.Accent, DefaultAccent)
	if r := Contrast(text, bg); r < 4.5 {
		return bg, text, accent, accent, fmt.Errorf("card: text %s on background %s has contrast %.1f:1, want at least 4.5:1", rgbHex(text), rgbHex(bg), r)
	}
	accentText = accent
	if Contrast(accent, bg) < 4.5 {
		accentText = text
	}
	return bg, text, accent, accentText, nil
}

// render draws c as a paletted image.
//
// Everything on a card is one of four colours or a text colour blended
// over the background at the rasterizer's coverage, so the 8-bit palette
// holds the background, the accent, and 254 steps of the two blends
// (about 170 for the title's colour, the rest for the accent's). Half as
// many coverage steps as an RGBA card is invisible, and the PNG is half
// the size (25 KB against 52 KB for a 3-line title) and encodes faster.
func render(c Card, m *image.RGBA) (*image.Paletted, error) {
	bg, text, accent, accentText, err := colours(c)
	if err != nil {
		return nil, err
	}
	l, err := c.Layout()
	if err != nil {
		return nil, err
	}
	fs, _ := fonts()
	draw.Draw(m, m.Bounds(), image.NewUniform(bg), image.Point{}, draw.Src)
	draw.Draw(m, image.Rect(0, 0, barWidth, Height), image.NewUniform(accent), image.Point{}, draw.Src)

	put := func(f font.Face, col color.RGBA, ln Line) {
		d := font.Drawer{Dst: m, Src: image.NewUniform(col), Face: f, Dot: ln.Dot}
		d.DrawString(ln.Text)
	}
	if l.Site.Text != "" {
		put(face(fs[0], siteSize), text, l.Site)
	}
	tf := face(fs[0], l.Size)
	for _, ln := range l.Lines {
		put(tf, text, ln)
	}
	if l.Meta.Text != "" {
		put(face(fs[1], metaSize), accentText, l.Meta)
	}
	return toPalette(m, cardPalette(bg, accent, text, accentText)), nil
}

// cardPalette is the background, the accent, and blends from the
// background to each text colour.
func cardPalette(bg, accent, text, accentText color.RGBA) color.Palette {
	p := color.Palette{bg, accent}
	ramp := func(to color.RGBA, steps int) {
		for i := 1; i <= steps; i++ {
			mix := func(a, b uint8) uint8 { return uint8((int(a)*(steps-i) + int(b)*i + steps/2) / steps) }
			p = append(p, color.RGBA{mix(bg.R, to.R), mix(bg.G, to.G), mix(bg.B, to.B), 0xff})
		}
	}
	ramp(text, 170)
	ramp(accentText, 256-len(p))
	return p
}

// toPalette maps m onto pal, in an image from the pool. Most pixels are
// the background (index 0) and the accent bar (index 1): a row that holds
// nothing else, found with one comparison, is copied whole; in the others
// the few hundred distinct colours are matched once each.
func toPalette(m *image.RGBA, pal color.Palette) *image.Paletted {
	out := paletted.Get().(*image.Paletted)
	out.Palette = pal
	bg := pal[0].(color.RGBA)
	// plainRGBA is a row of nothing but the bar and the background, as
	// render paints it; plainIdx is that row in palette indexes.
	stride, w := m.Stride, m.Rect.Dx()
	plainRGBA, plainIdx := make([]byte, stride), make([]byte, w)
	for x := range w {
		c, idx := bg, byte(0)
		if x < barWidth {
			c, idx = pal[1].(color.RGBA), 1
		}
		copy(plainRGBA[4*x:], []byte{c.R, c.G, c.B, c.A})
		plainIdx[x] = idx
	}
	// Pixels are compared as 32-bit words (every pixel is opaque); a run
	// of one colour, as inside a letter, is matched once.
	bgWord := binary.LittleEndian.Uint32(plainRGBA[4*(w-1):])
	seen := map[uint32]uint8{}
	lastWord, lastIdx := bgWord, uint8(0)
	for y := range m.Rect.Dy() {
		row, dst := m.Pix[y*stride:y*stride+4*w], out.Pix[y*out.Stride:y*out.Stride+w]
		if bytes.Equal(row, plainRGBA[:4*w]) {
			copy(dst, plainIdx)
			continue
		}
		for j := range dst {
			word := binary.LittleEndian.Uint32(row[4*j:])
			switch {
			case word == bgWord:
				dst[j] = 0
			case word == lastWord:
				dst[j] = lastIdx
			default:
				idx, ok := seen[word]
				if !ok {
					idx = uint8(pal.Index(color.RGBA{row[4*j], row[4*j+1], row[4*j+2], 0xff}))
					seen[word] = idx
				}
				dst[j], lastWord, lastIdx = idx, word, idx
			}
		}
	}
	return out
}

// encode writes m as a PNG at zlib's fastest level: on a paletted card
// the best level saves about 1 KB and takes three times as long.
func encode(m image.Image) ([]byte, error) {
	var b bytes.Buffer
	if err := encoder.Encode(&b, m); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func opaque(c, def color.Color) color.RGBA {
	if c == nil {
		c = def
	}
	r, g, b, _ := c.RGBA()
	return color.RGBA{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8), 0xff}
}

func rgbHex(c color.RGBA) string { return fmt.Sprintf("#%02x%02x%02x", c.R, c.G, c.B) }

// Contrast returns the WCAG 2 contrast ratio of two colours, from 1 to 21.
func Contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	if la < lb {
		la, lb = lb, la
	}
	return (la + 0.05) / (lb + 0.05)
}

// luminance is WCAG 2's relative luminance of an sRGB colour.
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		s := float64(v) / 0xffff
		if s <= 0.04045 {
			return s / 12.92
		}
		return math.Pow((s+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}
