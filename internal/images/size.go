package images

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"strconv"
	"strings"

	"golang.org/x/image/webp"
)

// Formats, as Size reports them.
const (
	JPEG = "jpeg"
	PNG  = "png"
	GIF  = "gif"
	WebP = "webp"
	SVG  = "svg"
)

// ErrUnknownFormat is returned for data that is none of the formats Size reads.
var ErrUnknownFormat = errors.New("not a JPEG, PNG, GIF, WebP or SVG image")

// ErrNoSize is returned for an SVG whose root element gives no usable
// size: no width and height in absolute units and no viewBox. The fix is
// to give the <svg> element a viewBox (or width and height).
var ErrNoSize = errors.New(`svg has no usable size: give the <svg> element a viewBox="0 0 W H" (or width and height in px)`)

// Size returns an image's displayed width and height in pixels and its
// format (JPEG, PNG, GIF, WebP or SVG), reading only its header.
//
// A JPEG's EXIF orientation is applied: a portrait photo stored sideways
// reports its upright size, as browsers display it. An SVG's size comes
// from its root element's width and height (unitless, px, or absolute
// units such as pt, in, cm, mm) or else its viewBox; if one of width and
// height is missing the viewBox's aspect ratio gives it. An SVG with
// neither yields an error wrapping ErrNoSize.
func Size(data []byte) (w, h int, format string, err error) {
	format = sniff(data)
	var decodeConfig func(io.Reader) (image.Config, error)
	switch format {
	case JPEG:
		decodeConfig = jpeg.DecodeConfig
	case PNG:
		decodeConfig = png.DecodeConfig
	case GIF:
		decodeConfig = gif.DecodeConfig
	case WebP:
		decodeConfig = webp.DecodeConfig
	case SVG:
		w, h, err = svgSize(data)
		return w, h, format, err
	default:
		return 0, 0, "", ErrUnknownFormat
	}
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil {
		return 0, 0, format, fmt.Errorf("%s: %w", format, err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return 0, 0, format, fmt.Errorf("%s: empty image (%dx%d)", format, cfg.Width, cfg.Height)
	}
	w, h = cfg.Width, cfg.Height
	if format == JPEG && orientation(data).swapsAxes() {
		w, h = h, w
	}
	return w, h, format, nil
}

// sniff names data's format from its first bytes.
func sniff(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\xff\xd8\xff")):
		return JPEG
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return GIF
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return WebP
	}
	// SVG is text: an optional BOM, whitespace, an XML declaration,
	// comments or a doctype, then <svg. Look a little way in.
	head := data[:min(len(data), 4096)]
	head = bytes.TrimPrefix(head, []byte("\xef\xbb\xbf"))
	if t := bytes.TrimLeft(head, " \t\r\n"); bytes.HasPrefix(t, []byte("<")) && bytes.Contains(head, []byte("<svg")) {
		return SVG
	}
	return ""
}

// svgSize reads the root <svg> element's width, height and viewBox.
func svgSize(data []byte) (int, int, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = false // tolerate HTML-ish entities in the prolog; only the root's attributes matter
	for {
		tok, err := d.Token()
		if err != nil {
			return 0, 0, fmt.Errorf("svg: no <svg> element: %w", err)
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if el.Name.Local != "svg" {
			return 0, 0, fmt.Errorf("svg: root element is <%s>, want <svg>", el.Name.Local)
		}
		var width, height, viewBox string
		for _, a := range el.Attr {
			if a.Name.Space != "" && a.Name.Space != "http://www.w3.org/2000/svg" {
				continue
			}
			switch a.Name.Local {
			case "width":
				width = a.Value
			case "height":
				height = a.Value
			case "viewBox":
				viewBox = a.Value
			}
		}
		return svgDims(width, height, viewBox)
	}
}

// svgDims resolves an SVG's pixel size from its attributes.
func svgDims(width, height, viewBox string) (int, int, error) {
	w, wok := svgLength(width)
	h, hok := svgLength(height)
	vw, vh, vok := parseViewBox(viewBox)
	switch {
	case wok && hok:
	case wok && vok:
		h = w * vh / vw
	case hok && vok:
		w = h * vw / vh
	case vok:
		w, h = vw, vh
	default:
		return 0, 0, fmt.Errorf("svg: width %q, height %q, viewBox %q: %w", width, height, viewBox, ErrNoSize)
	}
	return max(1, int(math.Round(w))), max(1, int(math.Round(h))), nil
}

// svgLength parses an SVG length in absolute units into CSS pixels.
// Relative units (%, em, ex) cannot be resolved without a page and
// report false.
func svgLength(s string) (float64, bool) {
	s = strings.TrimSpace(s)
	perPx := map[string]float64{"": 1, "px": 1, "pt": 96.0 / 72, "pc": 16, "in": 96, "cm": 96 / 2.54, "mm": 96 / 25.4}
	i := strings.IndexFunc(s, func(r rune) bool { return r >= 'a' && r <= 'z' || r == '%' })
	if i < 0 {
		i = len(s)
	}
	unit, ok := perPx[s[i:]]
	if !ok {
		return 0, false
	}
	v, err := strconv.ParseFloat(s[:i], 64)
	if err != nil || v <= 0 || math.IsInf(v, 0) {
		return 0, false
	}
	return v * unit, true
}

// parseViewBox returns the width and height of "min-x min-y width height"
// (separated by whitespace and/or commas).
func parseViewBox(s string) (w, h float64, ok bool) {
	f := strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' || r == '\n' || r == '\r' })
	if len(f) != 4 {
		return 0, 0, false
	}
	w, err1 := strconv.ParseFloat(f[2], 64)
	h, err2 := strconv.ParseFloat(f[3], 64)
	if err1 != nil || err2 != nil || w <= 0 || h <= 0 || math.IsInf(w, 0) || math.IsInf(h, 0) {
		return 0, 0, false
	}
	return w, h, true
}
