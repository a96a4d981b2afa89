package quiz

import "testing"

func TestLocate(t *testing.T) {
	src := []byte(`# comment
title = "Quiz"
intro = """
First line."""
scale = [
  "Never", # a comment in an array
  "Always",
]

[[questions]]
id = "a"

  [[ questions ]]   # spaced header
  id = "b"
  "text" = 'quoted key'
  nested.key = 1

[[questions]]
id = "c"
advice = '''
Starts on the next line.
'''

[table]
x = [[1], [2]]
`)
	ls := locate(src)
	for _, tc := range []struct {
		path string
		want int
	}{
		{"title", 2},
		{"intro", 3},
		{"scale", 5},
		{"scale.0", 6},
		{"scale.1", 7},
		{"questions.0", 10},
		{"questions.0.id", 11},
		{"questions.1", 13},
		{"questions.1.id", 14},
		{"questions.1.text", 15},
		{"questions.1.nested.key", 16},
		{"questions.2", 18},
		{"questions.2.id", 19},
		{"questions.2.advice", 20},
		{"table", 24},
		{"table.x", 25},
		// Fallbacks: a missing key is its table's line; anything else, 1.
		{"questions.2.text", 18},
		{"questions.2.dimension.deeper", 18},
		{"table.x.0", 25},
		{"questions.7.id", 1},
		{"nothing", 1},
	} {
		if got := ls.line(tc.path); got != tc.want {
			t.Errorf("line(%q): got %d, want %d", tc.path, got, tc.want)
		}
	}
	for _, tc := range []struct {
		path string
		want int
	}{
		{"title", 2},               // "Quiz" is on the key's line
		{"intro", 4},               // """ then a newline, which TOML drops
		{"questions.2.advice", 21}, // likewise after '''
		{"questions.1.text", 15},
	} {
		if got := ls.contentLine(tc.path); got != tc.want {
			t.Errorf("contentLine(%q): got %d, want %d", tc.path, got, tc.want)
		}
	}
}

func TestLocateSyntaxError(t *testing.T) {
	// What comes before the error is indexed; the decoder reports the error.
	ls := locate([]byte("title = \"Quiz\"\n\n[[questions]]\nid = \"a\"\ntext = \"unterminated\n"))
	for _, tc := range []struct {
		path string
		want int
	}{
		{"title", 1},
		{"questions.0", 3},
		{"questions.0.id", 4},
		{"questions.0.text", 3},
	} {
		if got := ls.line(tc.path); got != tc.want {
			t.Errorf("line(%q): got %d, want %d", tc.path, got, tc.want)
		}
	}
}
