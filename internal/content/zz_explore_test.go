package content

import (
	"fmt"
	"testing"
	"time"
)

func TestZZExplore(t *testing.T) {
	cases := []string{
		"---\ntitle: x\ndate: 2026-01-02\ndescription: d\ntags: 5\n---\nbody",
		"---\ntitle: x\ndraft: \"maybe\"\n---\nbody",
		"--- \ntitle: x\nslug: Bad Slug\n---\nbody",
		"+++ \ntitle = 'x'\nslug = 'Bad Slug'\n+++\nbody",
		"---\ntitle: x\n  bad: : yaml\n---\n",
		"---\ntitle: x\nfoo: [unclosed\n---\n",
		"---\ntitle: [x\n---\n",
		"---\ntitle: x\n\tbad: tab\n---\n",
		"---\n- a\n- b\n---\n",
		"---\njust a string\n---\n",
		"+++\ntitle = 'x'\ndate = 2026-01-02\nlastmod = 2026-01-02T09:30:00\nfoo = 1979-05-27T07:32:00-08:00\n[params]\nx = 1\n+++\n",
		"+++\ntitle = 'x'\nbad = \n+++\n",
		"+++\ntitle = 'x'\ntitle = 'y'\n+++\n",
		"---\ntitle: x\ntitle: y\n---\n",
		"---\ntitle: x\ndate: 2026-01-02\nlastmod: 2026-13-02\n---\n",
		"---\ntitle: 5\ndraft: yes\ntoc: 1\n---\n",
		"---\ntitle: x\ntags: [1, go]\naliases: /old/\n---\n",
		"---\ntitle: x\n---",
	}
	for _, c := range cases {
		p, err := Parse("f.md", "articles/a.md", []byte(c), time.UTC)
		fmt.Printf("=== %q\n", c)
		if p != nil {
			fmt.Printf("%+v\n", *p)
		}
		fmt.Printf("err: %v\n", err)
	}
}
