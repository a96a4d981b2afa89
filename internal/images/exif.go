package images

import (
	"bytes"
	"encoding/binary"
	"image"
)

// exifOrientation is the EXIF Orientation tag (0x0112): how a camera
// stored the picture relative to how it should be shown. 1 is upright;
// 2-8 are the mirrorings and quarter turns of the TIFF specification.
type exifOrientation int

// swapsAxes reports whether the displayed image is the stored one turned
// a quarter, so its width is the stored height.
func (o exifOrientation) swapsAxes() bool { return o >= 5 && o <= 8 }

// orientation reads a JPEG's EXIF orientation, or 1 when it has none or
// the metadata is malformed (a broken tag never fails a build; the image
// is then shown as stored, which is what browsers do too).
//
// It walks the marker segments up to the first scan, finds the APP1
// "Exif" segment and reads the tag from the TIFF header's first IFD:
// no pixel data is touched.
func orientation(data []byte) exifOrientation {
	if len(data) < 4 || data[0] != 0xff || data[1] != 0xd8 {
		return 1
	}
	i := 2
	for i+4 <= len(data) {
		if data[i] != 0xff {
			return 1
		}
		marker := data[i+1]
		if marker == 0xff { // fill byte
			i++
			continue
		}
		if marker == 0xda || marker == 0xd9 { // start of scan, end of image
			return 1
		}
		n := int(binary.BigEndian.Uint16(data[i+2:]))
		if n < 2 || i+2+n > len(data) {
			return 1
		}
		seg := data[i+4 : i+2+n]
		if marker == 0xe1 && bytes.HasPrefix(seg, []byte("Exif\x00\x00")) {
			return tiffOrientation(seg[6:])
		}
		i += 2 + n
	}
	return 1
}

// tiffOrientation reads the Orientation tag from a TIFF header's IFD0.
func tiffOrientation(t []byte) exifOrientation {
	if len(t) < 8 {
		return 1
	}
	var bo binary.ByteOrder
	switch string(t[:2]) {
	case "II":
		bo = binary.LittleEndian
	case "MM":
		bo = binary.BigEndian
	default:
		return 1
	}
	if bo.Uint16(t[2:]) != 42 {
		return 1
	}
	ifd := int(bo.Uint32(t[4:]))
	if ifd < 8 || ifd+2 > len(t) {
		return 1
	}
	count := int(bo.Uint16(t[ifd:]))
	for k := range count {
		e := ifd + 2 + 12*k
		if e+12 > len(t) {
			return 1
		}
		if bo.Uint16(t[e:]) != 0x0112 {
			continue
		}
		// Type SHORT (3), count 1: the value sits in the entry's first two bytes.
		if bo.Uint16(t[e+2:]) != 3 {
			return 1
		}
		if o := exifOrientation(bo.Uint16(t[e+8:])); o >= 1 && o <= 8 {
			return o
		}
		return 1
	}
	return 1
}

// orient returns m as it should be displayed under orientation o. m is
// small by then (a resized variant), so a plain pixel copy is cheap.
func orient(m *image.RGBA, o exifOrientation) *image.RGBA {
	if o <= 1 || o > 8 {
		return m
	}
	b := m.Bounds()
	sw, sh := b.Dx(), b.Dy()
	dw, dh := sw, sh
	if o.swapsAxes() {
		dw, dh = sh, sw
	}
	out := image.NewRGBA(image.Rect(0, 0, dw, dh))
	for dy := range dh {
		for dx := range dw {
			var sx, sy int
			switch o {
			case 2: // mirrored left to right
				sx, sy = sw-1-dx, dy
			case 3: // turned 180°
				sx, sy = sw-1-dx, sh-1-dy
			case 4: // mirrored top to bottom
				sx, sy = dx, sh-1-dy
			case 5: // transposed
				sx, sy = dy, dx
			case 6: // stored turned 90° anticlockwise: display turns it clockwise
				sx, sy = dy, sh-1-dx
			case 7: // transversed
				sx, sy = sw-1-dy, sh-1-dx
			case 8: // stored turned 90° clockwise
				sx, sy = sw-1-dy, dx
			}
			si := m.PixOffset(b.Min.X+sx, b.Min.Y+sy)
			di := out.PixOffset(dx, dy)
			copy(out.Pix[di:di+4], m.Pix[si:si+4])
		}
	}
	return out
}
