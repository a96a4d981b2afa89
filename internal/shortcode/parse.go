package shortcode

import "fmt"

// Node is one shortcode in a source: an opening (or self-closing, or
// escaped, or malformed) tag and, when the call is paired, its closing
// tag and the shortcodes within.
type Node struct {
	Tag
	CloseTag *Tag    // the closing tag of a paired call, else nil
	Children []*Node // tags between the opening and closing tag
	Ordinal  int     // the call's position among its parent's calls (Hugo's .Ordinal)
}

// End returns the offset just after the call, closing tag included.
func (n *Node) End() int {
	if n.CloseTag != nil {
		return n.CloseTag.End
	}
	return n.Tag.End
}

// Inner returns the range of the inner content of a paired call, or
// (End, End) when it has none.
func (n *Node) Inner() (start, end int) {
	if n.CloseTag == nil {
		return n.Tag.End, n.Tag.End
	}
	return n.Tag.End, n.CloseTag.Start
}

// Error is a shortcode syntax error at an offset of the source.
type Error struct {
	Offset int
	Err    error
}

func (e *Error) Error() string { return e.Err.Error() }
func (e *Error) Unwrap() error { return e.Err }

// Paired reports whether the shortcode name takes inner content, so that
// a call needs a closing tag ({{< name >}}…{{< /name >}}) or must close
// itself ({{< name />}}), and whether the name is known at all. As in
// Hugo, the definition decides: a template takes inner content when it
// uses .Inner or .InnerDeindent.
type Paired func(name string) (inner, known bool)

// Parse arranges tags (from Scan, less any the caller leaves out, such as
// those in code) into calls. A closing tag closes the nearest open call
// of its name; calls left open inside it stand alone. Escaped and
// malformed tags are leaves; malformed ones are also reported as errors.
func Parse(tags []Tag, paired Paired) ([]*Node, []*Error) {
	var errs []*Error
	errorf := func(t *Tag, format string, args ...any) {
		errs = append(errs, &Error{Offset: t.Start, Err: fmt.Errorf(format, args...)})
	}

	// First match closing tags to opening ones, innermost first.
	match := make([]int, len(tags))
	var open []int
	opened := map[string]int{} // how many calls of each name are open
	for i := range tags {
		match[i] = -1
		t := &tags[i]
		switch {
		case t.Err != nil || t.Escaped || t.SelfClose:
		case t.Close:
			if opened[t.Name] == 0 {
				break
			}
			k := len(open) - 1
			for tags[open[k]].Name != t.Name {
				k--
			}
			match[open[k]], match[i] = i, open[k]
			for _, j := range open[k:] {
				opened[tags[j].Name]--
			}
			open = open[:k]
		default:
			// Unknown names may be paired: they are matched so that the
			// one error reported is that the name is unknown.
			if inner, known := paired(t.Name); inner || !known {
				open = append(open, i)
				opened[t.Name]++
			}
		}
	}

	// Then build the tree; matched pairs nest properly by construction.
	var roots []*Node
	var stack []*Node
	ordinals := []int{0}
	add := func(n *Node) {
		if len(stack) > 0 {
			top := stack[len(stack)-1]
			top.Children = append(top.Children, n)
		} else {
			roots = append(roots, n)
		}
	}
	for i := range tags {
		t := tags[i]
		if t.Err != nil {
			errorf(&t, "%v", t.Err)
		}
		if t.Close && t.Err == nil {
			if match[i] < 0 {
				// A leaf with an error, so that it is not shown either.
				if inner, known := paired(t.Name); known && !inner {
					t.Err = fmt.Errorf("shortcode %q takes no inner content, yet a closing tag was provided", t.Name)
				} else {
					t.Err = fmt.Errorf("closing tag for shortcode %q has no opening tag", t.Name)
				}
				errorf(&t, "%v", t.Err)
				add(&Node{Tag: t})
				continue
			}
			top := stack[len(stack)-1]
			top.CloseTag = &tags[i]
			stack = stack[:len(stack)-1]
			ordinals = ordinals[:len(ordinals)-1]
			continue
		}
		n := &Node{Tag: t}
		if t.Err == nil && !t.Escaped {
			n.Ordinal = ordinals[len(ordinals)-1]
			ordinals[len(ordinals)-1]++
		}
		add(n)
		if t.Err != nil || t.Escaped || t.SelfClose {
			continue
		}
		if match[i] >= 0 {
			stack = append(stack, n)
			ordinals = append(ordinals, 0)
		} else if inner, known := paired(t.Name); inner && known {
			l, r := t.delims()
			errorf(&t, "shortcode %q must be closed or self-closed: %s %s %s…%s /%s %s or %s %s /%s", t.Name, l, t.Name, r, l, t.Name, r, l, t.Name, r)
		}
	}
	return roots, errs
}

// delims returns the tag's delimiters.
func (t *Tag) delims() (left, right string) {
	if t.Markdown {
		return leftPct, rightPct
	}
	return leftAngle, rightAngle
}
