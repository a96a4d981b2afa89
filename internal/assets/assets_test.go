package assets

import (
	"maps"
	"regexp"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/cassidine/site/internal/theme"
)

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
	urls, err := theme.AssetURLs(static)
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(urls, s.URLs()) {
		t.Errorf("Load's URLs %v differ from the theme's %v: the function would link missing files", s.URLs(), urls)
	}
	css := s.URLs()["css/site.css"]
	if !regexp.MustCompile(`^/assets/site\.[0-9a-f]{10}\.css$`).MatchString(css) {
		t.Fatalf("URL of css/site.css = %q; want /assets/site.<hash>.css", css)
	}
	if got, _ := s.Data(css); string(got) != "body{color:red}" {
		t.Errorf("css: got %q, want it minified to body{color:red}", got)
	}
	js := s.URLs()["js/quiz.js"]
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
