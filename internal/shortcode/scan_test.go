package shortcode

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

// describe prints a tag compactly: kind, name, params, and the text it
// covers, or its error.
func describe(src string, t Tag) string {
	if t.Err != nil {
		return fmt.Sprintf("error %q at %d-%d", t.Err, t.Start, t.End)
	}
	if t.Escaped {
		return fmt.Sprintf("escaped %q", t.Literal)
	}
	var b strings.Builder
	switch {
	case t.Close:
		b.WriteString("close ")
	case t.SelfClose:
		b.WriteString("selfclose ")
	default:
		b.WriteString("open ")
	}
	if t.Markdown {
		b.WriteString("% ")
	}
	b.WriteString(t.Name)
	switch p := t.Params.(type) {
	case []any:
		for _, v := range p {
			fmt.Fprintf(&b, " %#v", v)
		}
	case map[string]any:
		for _, k := range slices.Sorted(maps.Keys(p)) {
			fmt.Fprintf(&b, " %s=%#v", k, p[k])
		}
	}
	if got := src[t.Start:t.End]; !strings.HasPrefix(got, "{{") || !strings.HasSuffix(got, "}}") {
		fmt.Fprintf(&b, " (covers %q)", got)
	}
	return b.String()
}

func TestScan(t *testing.T) {
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"none", "plain {{ text }} and { {< not", nil},
		{"simple", "{{< sc1 >}}", []string{"open sc1"}},
		{"markdown", "{{% sc1 %}}", []string{"open % sc1"}},
		{"spaces and newline", "{{<   sc1 \n >}}", []string{"open sc1"}},
		{"slash in name", "{{< sc/sub >}}", []string{"open sc/sub"}},
		{"paired", "{{% note %}} inner {{% /note %}}", []string{"open % note", "close % note"}},
		{"self-closing", "{{< sc1 />}}{{< sc1 a />}}", []string{"selfclose sc1", `selfclose sc1 "a"`}},
		{"self-closing with space", "{{< sc1 / >}}", []string{"selfclose sc1"}},
		{"positional", "{{< sc a-b 3 -4 3.14 true false 1.2.3 >}}",
			[]string{`open sc "a-b" 3 -4 3.14 true false "1.2.3"`}},
		{"leading dot", "{{< sc .5 >}}",
			[]string{`error "shortcode \"sc\": unexpected '.': quote arguments that hold other characters than letters, digits, - and ." at 0-13`}},
		{"quoted", "{{< sc \"a b\" `raw \\n` \"say \\\"hi\\\"\" \"3\" >}}",
			[]string{`open sc "a b" "raw \\n" "say \"hi\"" "3"`}},
		{"raw over lines", "{{< sc `one\ntwo` >}}", []string{`open sc "one\ntwo"`}},
		{"named", `{{< figure src="a b.png" width=640 alt= "A" loading=lazy link=/x/?a=b >}}`,
			[]string{`open figure alt="A" link="/x/?a=b" loading="lazy" src="a b.png" width=640`}},
		{"named raw", "{{< sc a=`x \"y\"` >}}", []string{`open sc a="x \"y\""`}},
		{"bare value ends at delimiter", "{{< sc a=b>}}", []string{`open sc a="b"`}},
		{"quoted delimiters", `{{< sc "a >}} b" >}}`, []string{`open sc "a >}} b"`}},
		{"youtube id", "{{< youtube -ziL-Q_456igdO-4 >}}", []string{`open youtube "-ziL-Q_456igdO-4"`}},
		{"escaped", "{{</* figure src=\"x\" */>}} and {{%/* note */%}}",
			[]string{`escaped "{{< figure src=\"x\" >}}"`, `escaped "{{% note %}}"`}},
		{"escaped closing", "{{</* /note */>}}", []string{`escaped "{{< /note >}}"`}},
		{"adjacent", "{{{< a >}}}", []string{"open a"}},

		{"no name", "{{< >}}", []string{`error "shortcode has no name" at 0-7`}},
		{"unclosed", "{{< sc1 a", []string{`error "shortcode \"sc1\": shortcode is not closed with >}}" at 0-3`}},
		{"mismatched delimiter", "{{< sc1 %}} x >}}",
			[]string{`error "shortcode \"sc1\": unexpected '%': quote arguments that hold other characters than letters, digits, - and ." at 0-17`}},
		{"unterminated quote", "{{< sc \"a\n\" >}} then {{< ok >}}",
			[]string{`error "shortcode \"sc\": quoted argument is not closed" at 0-15`, "open ok"}},
		{"mixed kinds", "{{< sc a=1 b >}}", []string{`error "shortcode \"sc\": positional argument \"b\" after named ones: use one kind" at 0-16`}},
		{"mixed kinds other way", `{{< sc b a="1" >}}`, []string{`error "shortcode \"sc\": named argument a after positional ones: use one kind" at 0-18`}},
		{"duplicate", "{{< sc a=1 a=2 >}}", []string{`error "shortcode \"sc\": argument a is given twice" at 0-18`}},
		{"url unquoted", "{{< sc http://x >}}", []string{`error "shortcode \"sc\": unexpected ':': quote arguments that hold other characters than letters, digits, - and ." at 0-19`}},
		{"junk after self-close", "{{< sc / x >}}", []string{`error "shortcode \"sc\": unexpected 'x' after / in a self-closing shortcode" at 0-14`}},
		{"junk in closing tag", "{{< /sc x >}}", []string{`error "shortcode \"sc\": unexpected 'x' in a closing tag" at 0-13`}},
		{"closing without name", "{{< / >}}", []string{`error "closing tag has no shortcode name" at 0-9`}},
		{"inline", "{{< sc.inline >}}", []string{`error "inline shortcodes ({{< sc.inline >}}) are not supported: put the template in layouts/shortcodes/sc.html" at 0-17`}},
		{"escape not closed", "{{</* sc */ >}}", []string{`error "escaped shortcode {{</* is not closed with */>}}" at 0-3`}},
		{"missing value", "{{< sc a= >}}", []string{`error "shortcode \"sc\": argument a= has no value" at 0-13`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, tag := range Scan([]byte(tc.src)) {
				got = append(got, describe(tc.src, tag))
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("Scan(%q):\n got %q\nwant %q", tc.src, got, tc.want)
			}
		})
	}
}

func TestScanIndent(t *testing.T) {
	src := "a\n  {{< x >}}\n\t{{< y >}} b {{< z >}}\n{{< w >}}"
	var got []string
	for _, tag := range Scan([]byte(src)) {
		got = append(got, tag.Name+"="+fmt.Sprintf("%q", tag.Indent))
	}
	want := []string{`x="  "`, `y="\t"`, `z=""`, `w=""`}
	if !slices.Equal(got, want) {
		t.Errorf("indents: got %v, want %v", got, want)
	}
}

// tree prints nodes as name(children), marking escaped and broken ones.
func tree(nodes []*Node) string {
	var parts []string
	for _, n := range nodes {
		var s string
		switch {
		case n.Err != nil:
			s = "!"
		case n.Escaped:
			s = "esc"
		default:
			s = fmt.Sprintf("%s#%d", n.Name, n.Ordinal)
		}
		if n.CloseTag != nil {
			s += "(" + tree(n.Children) + ")"
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, " ")
}

func TestParse(t *testing.T) {
	paired := func(name string) (bool, bool) {
		switch name {
		case "box", "note", "highlight":
			return true, true
		case "figure", "ref":
			return false, true
		}
		return false, false
	}
	for _, tc := range []struct {
		name, src, want string
		errs            []string
	}{
		{"flat", "{{< figure >}} {{< ref >}}", "figure#0 ref#1", nil},
		{"paired", "{{< box >}}a{{< /box >}}", "box#0()", nil},
		{"nested", "{{< box >}}{{< figure >}}{{% note %}}{{< ref >}}{{% /note %}}{{< /box >}}{{< figure >}}",
			"box#0(figure#0 note#1(ref#0)) figure#1", nil},
		{"nested same", "{{< box >}}{{< box >}}x{{< /box >}}{{< /box >}}", "box#0(box#0())", nil},
		{"self-closing paired", "{{< box />}}", "box#0", nil},
		{"escaped inside", "{{< highlight >}}{{</* box */>}}{{< /highlight >}}", "highlight#0(esc)", nil},
		{"unknown paired", "{{< cta >}}x{{< /cta >}}", "cta#0()", nil},
		{"unknown alone", "{{< cta >}}", "cta#0", nil},
		{"not closed", "{{< box >}}x", "box#0", []string{`0: shortcode "box" must be closed or self-closed: {{< box >}}…{{< /box >}} or {{< box />}}`}},
		{"not closed markdown", "{{% note %}}x", "note#0", []string{`0: shortcode "note" must be closed or self-closed: {{% note %}}…{{% /note %}} or {{% note /%}}`}},
		{"inner left open", "{{< box >}}{{< note >}}{{< /box >}}", "box#0(note#0)",
			[]string{`11: shortcode "note" must be closed or self-closed: {{< note >}}…{{< /note >}} or {{< note />}}`}},
		{"closing without opening", "a {{< /box >}}", "!", []string{`2: closing tag for shortcode "box" has no opening tag`}},
		{"closing a shortcode without inner", "{{< figure >}}x{{< /figure >}}", "figure#0 !",
			[]string{`15: shortcode "figure" takes no inner content, yet a closing tag was provided`}},
		{"broken tag", "{{< box >}}{{< x a=1 b >}}{{< /box >}}", "box#0(!)",
			[]string{`11: shortcode "x": positional argument "b" after named ones: use one kind`}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			nodes, errs := Parse(Scan([]byte(tc.src)), paired)
			if got := tree(nodes); got != tc.want {
				t.Errorf("Parse(%q): got %s, want %s", tc.src, got, tc.want)
			}
			var gotErrs []string
			for _, e := range errs {
				gotErrs = append(gotErrs, fmt.Sprintf("%d: %v", e.Offset, e))
			}
			if !slices.Equal(gotErrs, tc.errs) {
				t.Errorf("Parse(%q) errors:\n got %q\nwant %q", tc.src, gotErrs, tc.errs)
			}
		})
	}
}

func TestInnerRange(t *testing.T) {
	src := "{{< box >}}inner{{< /box >}}"
	nodes, _ := Parse(Scan([]byte(src)), func(string) (bool, bool) { return true, true })
	start, end := nodes[0].Inner()
	if got := src[start:end]; got != "inner" {
		t.Errorf("inner: got %q, want %q", got, "inner")
	}
	if nodes[0].End() != len(src) {
		t.Errorf("End: got %d, want %d", nodes[0].End(), len(src))
	}
}
