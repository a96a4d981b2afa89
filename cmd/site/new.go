package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/cassidine/site/internal/content"
)

// newFrontMatter is what site new writes, in this order.
type newFrontMatter struct {
	Title       string   `yaml:"title"`
	Date        string   `yaml:"date"`
	Draft       bool     `yaml:"draft"`
	Description string   `yaml:"description"`
	Tags        []string `yaml:"tags,flow"`
}

func runNew(ctx context.Context, e *env, args []string) error {
	fset := newFlagSet(e, "new", "new [flags] \"Title of the article\"\n\nWrites content/articles/<slug>.md with front matter (the date now, in the\nsite's time zone, and draft: true), prints its path on stdout and what to do\nnext on stderr. Never overwrites.")
	dir := fset.String("content", "content", "the content folder `DIR`")
	if err := fset.Parse(args); err != nil {
		if errors.Is(err, errHelp) {
			return err
		}
		return usageError{err.Error()}
	}
	title := strings.TrimSpace(strings.Join(fset.Args(), " "))
	if title == "" {
		fset.Usage()
		return usageError{"new: give the article's title, e.g. site new \"Why Strategy Stalls\""}
	}
	slug := content.Slugify(title)
	if slug == "" {
		return usageError{fmt.Sprintf("new: %q has no letters or digits to make a URL from", title)}
	}
	loc := time.UTC
	settingsFile := filepath.Join(*dir, content.SiteFile)
	if _, err := os.Stat(settingsFile); err != nil && filepath.Clean(*dir) != "content" {
		settingsFile = filepath.Join("content", content.SiteFile) // as site build falls back
	}
	if src, err := os.ReadFile(settingsFile); err == nil {
		s, err := content.ParseSite(filepath.ToSlash(settingsFile), src)
		if err != nil {
			return err
		}
		loc = s.Location
	}
	fm, err := yaml.Marshal(newFrontMatter{
		Title: title,
		Date:  time.Now().In(loc).Truncate(time.Second).Format(time.RFC3339),
		Draft: true,
		Tags:  []string{},
	})
	if err != nil {
		return err
	}
	path := filepath.Join(*dir, "articles", slug+".md")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists; not overwriting it (choose another title or edit that file)", path)
	}
	if err != nil {
		return err
	}
	body := "---\n" + string(fm) + "---\n\nWrite the article here. Fill in the description and tags above, then set draft: false to publish.\n"
	if _, err := f.WriteString(body); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintln(e.stdout, path) // alone, for $(site new "...")
	fmt.Fprintln(e.stderr, "a draft: fill in its description and tags, then set draft: false to publish")
	return nil
}
