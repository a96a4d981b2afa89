package theme

import (
	"regexp"
	"testing"
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
