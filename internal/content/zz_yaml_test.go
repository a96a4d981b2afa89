package content

import (
	"fmt"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestZZYAML(t *testing.T) {
	cases := []string{
		"title: x\n  bad: : yaml\n",
		"title: x\nfoo: [unclosed\n",
		"title: x\ndescription: \"unterminated\nmore: 1\n",
		"title: x\ntags:\n  - a\n - b\n",
		"title: x\ntitle2: a: b\n",
		"title: x\ndate: 2026\n  x: 1\n",
		"a: 1\nb: 2\nc: {x\nd: 4\n",
		"a: 1\nb: 2\n- c\n",
		"a: 1\nb: 2\nc: 3\n@d: 4\n",
		"a: 1\nb: 2\nc: 'it's'\n",
		"a: 1\nb: 2\nc: *nope\n",
		"a: 1\nb: 2\nc: &x 1\nd: [\n",
		"a: 1\nb: 2\n\tc: 3\n",
		"a: 1\nb: 2\nc: 3\n  d: 4\n",
	}
	for _, c := range cases {
		var n yaml.Node
		err := yaml.Unmarshal([]byte(c), &n)
		fmt.Printf("%q\n   -> %v\n", c, err)
	}
}
