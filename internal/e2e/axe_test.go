package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/chromedp"
)

const installAxe = "install axe-core: npm ci --prefix internal/e2e/axe"

var axeSource = sync.OnceValues(func() (string, error) {
	b, err := os.ReadFile(filepath.Join(repoRoot, "internal", "e2e", "axe", "node_modules", "axe-core", "axe.min.js"))
	return string(b), err
})

// requireAxe returns axe.min.js, or skips (fails under CI=true).
func requireAxe(t testing.TB) string {
	t.Helper()
	src, err := axeSource()
	if err != nil {
		requireTool(t, installAxe)
	}
	return src
}

// axeTags are the rule sets run: WCAG 2.0, 2.1 and 2.2, levels A and AA.
const axeRun = `axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}, resultTypes: ["violations"]})
	.then(r => ({
		version: axe.version,
		passes: r.passes.length,
		violations: r.violations.map(v => ({
			id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
			nodes: v.nodes.map(n => ({target: n.target.map(String), html: n.html, summary: n.failureSummary}))
		}))
	}))`

type axeResult struct {
	Version    string
	Passes     int
	Violations []axeViolation
}

type axeViolation struct {
	ID      string
	Impact  string
	Help    string
	HelpURL string
	Nodes   []struct {
		Target  []string
		HTML    string
		Summary string
	}
}

// checkAxe injects axe-core into the current page, runs the WCAG 2.x A and
// AA rules and reports every violation (id, impact, help, the elements) as
// a test error naming the page.
func (b *browser) checkAxe(t testing.TB, page string) {
	t.Helper()
	src := requireAxe(t)
	if !eval[bool](b, `typeof window.axe === "object"`) {
		run(b, "inject axe-core", chromedp.Evaluate[chromedp.Void](src))
	}
	res := eval[axeResult](b, axeRun)
	if len(res.Violations) == 0 {
		t.Logf("axe-core %s: %d rules passed, no violations on %s", res.Version, res.Passes, page)
		return
	}
	var sb strings.Builder
	for _, v := range res.Violations {
		fmt.Fprintf(&sb, "\n  %s (%s): %s\n    %s", v.ID, v.Impact, v.Help, v.HelpURL)
		for _, n := range v.Nodes {
			fmt.Fprintf(&sb, "\n    - %s\n      %s", strings.Join(n.Target, " "), abbrevN(n.HTML, 160))
			if n.Summary != "" {
				fmt.Fprintf(&sb, "\n      %s", strings.ReplaceAll(strings.TrimSpace(n.Summary), "\n", "\n      "))
			}
		}
	}
	t.Errorf("axe-core %s: %d violations on %s (%s):%s", res.Version, len(res.Violations), page, b.location(), sb.String())
}

func abbrevN(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		return s[:n-3] + "..."
	}
	return s
}
