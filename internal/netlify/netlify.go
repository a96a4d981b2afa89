// Package netlify reads the _headers and _redirects files the builder
// writes and applies them the way Netlify's edge does, so that site serve
// behaves like production.
package netlify

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// HeaderRule is one path pattern of _headers with its headers.
type HeaderRule struct {
	Pattern string
	Headers [][2]string
}

// ParseHeaders reads a _headers file: a path line, then indented
// "Name: value" lines.
func ParseHeaders(data []byte) ([]HeaderRule, error) {
	var rules []HeaderRule
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if line[0] != ' ' && line[0] != '\t' {
			rules = append(rules, HeaderRule{Pattern: trimmed})
			continue
		}
		name, value, ok := strings.Cut(trimmed, ":")
		if !ok || len(rules) == 0 {
			return nil, fmt.Errorf("_headers:%d: want an indented \"Name: value\" under a path", n)
		}
		r := &rules[len(rules)-1]
		r.Headers = append(r.Headers, [2]string{strings.TrimSpace(name), strings.TrimSpace(value)})
	}
	return rules, sc.Err()
}

// ApplyHeaders sets on h the headers of every rule matching path; a later
// rule's value replaces an earlier one's, as on Netlify.
func ApplyHeaders(rules []HeaderRule, path string, h http.Header) {
	for _, r := range rules {
		if _, ok := match(r.Pattern, path); ok {
			for _, kv := range r.Headers {
				h.Set(kv[0], kv[1])
			}
		}
	}
}

// Redirect is one rule of _redirects.
type Redirect struct {
	From   string
	To     string
	Status int  // 301, 302, 200 (rewrite) or 404
	Force  bool // "!": applies even when a file exists at From
}

// ParseRedirects reads a _redirects file: "from to [status][!]" per line.
func ParseRedirects(data []byte) ([]Redirect, error) {
	var rules []Redirect
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		f := strings.Fields(sc.Text())
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if len(f) < 2 {
			return nil, fmt.Errorf("_redirects:%d: want \"from to [status]\"", n)
		}
		r := Redirect{From: f[0], To: f[1], Status: 301}
		if len(f) > 2 {
			s := f[2]
			r.Force = strings.HasSuffix(s, "!")
			code, err := strconv.Atoi(strings.TrimSuffix(s, "!"))
			if err != nil {
				return nil, fmt.Errorf("_redirects:%d: bad status %q", n, s)
			}
			r.Status = code
		}
		rules = append(rules, r)
	}
	return rules, sc.Err()
}

// Resolve returns the first rule matching path, with its target expanded
// (":splat" and ":name" placeholders, the query kept), as Netlify picks
// rules top to bottom. exists reports whether a file is served at path;
// an unforced rule does not shadow an existing file.
func Resolve(rules []Redirect, u *url.URL, exists func(string) bool) (Redirect, string, bool) {
	for _, r := range rules {
		params, ok := match(r.From, u.Path)
		if !ok || (!r.Force && exists(u.Path)) {
			continue
		}
		to := r.To
		for k, v := range params {
			to = strings.ReplaceAll(to, ":"+k, v)
		}
		if u.RawQuery != "" && !strings.Contains(to, "?") {
			to += "?" + u.RawQuery
		}
		return r, to, true
	}
	return Redirect{}, "", false
}

// match matches a Netlify path pattern: a trailing "*" captures the rest
// as "splat", ":name" segments capture one segment, and a trailing slash
// is optional on both sides.
func match(pattern, path string) (map[string]string, bool) {
	params := map[string]string{}
	p := strings.Split(strings.Trim(pattern, "/"), "/")
	s := strings.Split(strings.Trim(path, "/"), "/")
	for i, seg := range p {
		if seg == "*" && i == len(p)-1 {
			params["splat"] = strings.Join(s[min(i, len(s)):], "/")
			return params, true
		}
		if i >= len(s) {
			return nil, false
		}
		switch {
		case strings.HasPrefix(seg, ":"):
			params[seg[1:]] = s[i]
		case seg != s[i]:
			return nil, false
		}
	}
	return params, len(p) == len(s)
}
