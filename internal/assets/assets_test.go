package assets

import (
	"regexp"
	"strings"
	"testing"
	"testing/fstest"
)

func TestFingerprint(t *testing.T) {
	a := Fingerprint("site.css", []byte("body{}"))
	b := Fingerprint("site.css", []byte("body{color:red}"))
	if !regexp.MustCompile(`^site\.[0-9a-f]{10}\.css$`).MatchString(a) {
		t.Errorf("got %q, want site.<10 hex>.css", a)
	}
	if a == b {
		t.Errorf("different content got the same name %q", a)
	}
	if again := Fingerprint("site.css", []byte("body{}")); again != a {
		t.Errorf("got %q then %q for the same content", a, again)
	}
}

func TestLoad(t *testing.T) {
	static := fstest.MapFS{
		"css/site.css":     {Data: []byte("body {\n  color: #ff0000;\n}\n")},
		"js/quiz.js":       {Data: []byte("function  f ( a ) {\n  return a + 1 ;\n}\n")},
		"favicon.svg":      {Data: []byte("<svg xmlns=\"http://www.w3.org/2000/svg\">\n  <rect width=\"1\" height=\"1\"/>\n</svg>\n")},
		"images/photo.png": {Data: []byte("\x89PNG not really")},
		".DS_Store":        {Data: []byte("junk")},
	}
	s, err := Load(static, NewMinifier())
	if err != nil {
		t.Fatal(err)
	}
	css, err := s.URL("css/site.css")
	if err != nil || !regexp.MustCompile(`^/assets/site\.[0-9a-f]{10}\.css$`).MatchString(css) {
		t.Fatalf("URL(css/site.css) = %q, %v; want /assets/site.<hash>.css", css, err)
	}
	if got, _ := s.Data(css); string(got) != "body{color:red}" {
		t.Errorf("css: got %q, want it minified to body{color:red}", got)
	}
	js, _ := s.URL("/js/quiz.js")
	if got, _ := s.Data(js); strings.Contains(string(got), "\n") || len(got) == 0 {
		t.Errorf("js: got %q, want it minified", got)
	}
	if got, _ := s.Data("/favicon.svg"); strings.Contains(string(got), "\n") {
		t.Errorf("svg: got %q, want it minified", got)
	}
	if got, ok := s.Data("/images/photo.png"); !ok || string(got) != "\x89PNG not really" {
		t.Errorf("png: got %q, %v; want it copied unchanged", got, ok)
	}
	if s.Has("/.DS_Store") || s.Has("/css/site.css") {
		t.Error("dot files and unfingerprinted CSS must not be written")
	}
	if _, err := s.URL("css/nosuch.css"); err == nil {
		t.Error("URL of a missing asset: got no error")
	}
	if len(s.Files) != 4 {
		t.Errorf("got %d files, want 4", len(s.Files))
	}
}

func TestLoadBadCSS(t *testing.T) {
	_, err := Load(fstest.MapFS{"js/bad.js": {Data: []byte("function (")}}, NewMinifier())
	if err == nil || !strings.Contains(err.Error(), "static/js/bad.js") {
		t.Errorf("got %v, want an error naming static/js/bad.js", err)
	}
}
