package card

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"strconv"
	"sync/atomic"

	"github.com/cassidine/site/internal/filecache"
)

// Cache draws cards, keeping them in a folder between builds so an
// unchanged article's card is not drawn again: each as a PNG file named by
// its key, which a builder can link into the site (File) instead of
// writing a copy. A file whose PNG checksums fail is drawn again. It is
// safe for concurrent use.
type Cache struct {
	fc    *filecache.Cache
	drawn atomic.Int64
	hits  atomic.Int64
}

// NewCache returns a Cache keeping its cards in dir (created when first
// needed). An empty dir keeps nothing.
func NewCache(dir string) *Cache { return &Cache{fc: filecache.NewFiles(dir, ".png", wholePNG)} }

// Key returns a hex hash of everything c draws (its text, its colours
// resolved, and the layout's version): two cards with one key are the same
// PNG. The cache keeps cards under it, and a builder can name a card's file
// by it before drawing, so the name changes when what the card shows does.
// Like Draw, it refuses illegible colours.
func (c Card) Key() (string, error) {
	bg, text, accent, _, err := colours(c)
	if err != nil {
		return "", err
	}
	return filecache.Key(layoutVersion, c.Title, c.Site, strconv.Itoa(c.Minutes), rgbHex(bg), rgbHex(text), rgbHex(accent)), nil
}

// Stats counts a Cache's work since it was made.
type Stats struct {
	Drawn     int64 // cards drawn and encoded
	CacheHits int64 // cards read from the folder instead
}

// Stats returns the work done so far, for a build's summary line.
func (c *Cache) Stats() Stats { return Stats{Drawn: c.drawn.Load(), CacheHits: c.hits.Load()} }

// Draw returns the card as Draw does, from the folder when an identical
// card (same text and colours, same layout version) was drawn before.
// The returned slice may be shared: do not modify it.
func (c *Cache) Draw(card Card) ([]byte, error) {
	_, data, err := c.File(card)
	return data, err
}

// File returns the card's PNG file in the cache folder, drawing it there
// first when needed, for the caller to link (or copy) into a site; the
// file must not be changed. A Cache without a folder returns "" and the
// PNG's bytes instead.
func (c *Cache) File(card Card) (file string, data []byte, err error) {
	key, err := card.Key()
	if err != nil {
		return "", nil, err
	}
	file, data, hit, err := c.fc.File(key, func() ([]byte, error) {
		c.drawn.Add(1)
		return Draw(card)
	})
	if hit {
		c.hits.Add(1)
	}
	return file, data, err
}

// pngSignature starts every PNG file.
var pngSignature = []byte("\x89PNG\r\n\x1a\n")

// wholePNG reports whether b is a whole PNG file: the signature, then
// chunks whose CRCs hold, ending with IEND. A truncated or altered cache
// file fails it.
func wholePNG(b []byte) bool {
	if !bytes.HasPrefix(b, pngSignature) {
		return false
	}
	b = b[len(pngSignature):]
	for len(b) >= 12 {
		n := binary.BigEndian.Uint32(b)
		if uint64(n) > uint64(len(b)-12) {
			return false
		}
		typ, body := b[4:8], b[8:8+n]
		crc := crc32.NewIEEE()
		crc.Write(typ)
		crc.Write(body)
		if crc.Sum32() != binary.BigEndian.Uint32(b[8+n:]) {
			return false
		}
		b = b[12+n:]
		if string(typ) == "IEND" {
			return len(b) == 0
		}
	}
	return false
}
