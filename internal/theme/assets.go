package theme

import (
	"crypto/sha256"
	"encoding/hex"
	"io/fs"
	"path"
	"strings"
)

// Fingerprinted reports whether a static file is fingerprinted: CSS and
// JavaScript, which layouts reference through the asset function.
func Fingerprinted(name string) bool {
	ext := path.Ext(name)
	return ext == ".css" || ext == ".js"
}

// Fingerprint inserts a hash of a file's source into its name:
// "site.css" → "site.3f2a9c1e0b.css".
//
// The hash is of the source, not of the minified output, so the function
// (which does not link the minifier) names the same URLs as the build.
func Fingerprint(name string, source []byte) string {
	sum := sha256.Sum256(source)
	ext := path.Ext(name)
	return strings.TrimSuffix(name, ext) + "." + hex.EncodeToString(sum[:5]) + ext
}

// AssetPath is the output path of a fingerprinted static file:
// "css/site.css" → "assets/site.3f2a9c1e0b.css".
func AssetPath(name string, source []byte) string {
	return "assets/" + Fingerprint(path.Base(name), source)
}

// AssetURLs reads the CSS and JS files of the static folder and maps each
// ("css/site.css") to its fingerprinted URL ("/assets/site.3f2a9c1e0b.css").
func AssetURLs(static fs.FS) (map[string]string, error) {
	urls := map[string]string{}
	err := fs.WalkDir(static, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || strings.HasPrefix(d.Name(), ".") || !Fingerprinted(p) {
			return nil
		}
		src, err := fs.ReadFile(static, p)
		if err != nil {
			return err
		}
		urls[p] = "/" + AssetPath(p, src)
		return nil
	})
	return urls, err
}
