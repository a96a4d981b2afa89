// Package headers holds the site's HTTP response header policy in one
// place: the builder writes it to Netlify's _headers file for static
// pages, and the function sets the same headers on its own responses,
// since Netlify's custom headers do not reach functions.
package headers

import (
	"net/http"
	"strings"
)

// CSP is the Content-Security-Policy: only the site's own origin, no inline
// script or style, no framing, forms only to the site itself.
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; " +
	"base-uri 'self'; object-src 'none'; upgrade-insecure-requests"

// Security lists the headers every response carries, in a fixed order.
var Security = [][2]string{
	{"Content-Security-Policy", CSP},
	{"Strict-Transport-Security", "max-age=63072000; includeSubDomains; preload"},
	{"X-Content-Type-Options", "nosniff"},
	{"Referrer-Policy", "strict-origin-when-cross-origin"},
	{"Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"},
	{"Cross-Origin-Opener-Policy", "same-origin"},
	{"X-Frame-Options", "DENY"},
}

// Cache-Control values: fingerprinted assets never change under their
// name; everything else is revalidated so a deploy shows at once.
const (
	CacheImmutable  = "public, max-age=31536000, immutable"
	CacheRevalidate = "public, max-age=0, must-revalidate"
)

// Set writes the security headers onto h.
func Set(h http.Header) {
	for _, kv := range Security {
		h.Set(kv[0], kv[1])
	}
}

// File renders Netlify's _headers file: the security headers and
// revalidation for every path, and immutable caching for /assets/*, where
// only files named by a hash of their content live: the fingerprinted CSS
// and JS, and the share cards (/assets/cards/, package build).
func File() []byte {
	var b strings.Builder
	b.WriteString("/*\n")
	for _, kv := range Security {
		b.WriteString("  " + kv[0] + ": " + kv[1] + "\n")
	}
	b.WriteString("  Cache-Control: " + CacheRevalidate + "\n")
	b.WriteString("/assets/*\n")
	b.WriteString("  Cache-Control: " + CacheImmutable + "\n")
	return []byte(b.String())
}
