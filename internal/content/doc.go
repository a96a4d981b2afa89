// Package content loads the files the consultant edits: site settings,
// articles and pages, each a markdown file with front matter.
//
// # Folders
//
// Everything lives under one content folder (content/ by default):
//
//	content/site.toml            site settings (see Site)
//	content/_index.md            the home page, served at /
//	content/<name>.md            a page, served at /<slug>/ (about, services, privacy, ...)
//	content/articles/<name>.md   an article, served at /articles/<slug>/
//	content/articles/_index.md   optional: title, description and intro of /articles/
//
// Files and folders whose names start with "." or "_" (other than the two
// _index.md files above) are ignored, as are files that are not markdown.
//
// # Front matter
//
// A content file starts with front matter: YAML between lines of "---", or
// TOML between lines of "+++", as Hugo reads them. The keys are:
//
//	title        required. The page's title, also its <h1> and <title>.
//	date         required for articles: 2026-11-02, 2026-11-02T09:00:00-05:00,
//	             or "2026-11-02 09:00". A time without an offset is in the
//	             site's timeZone. An article dated in the future is scheduled:
//	             left out of a build until its time (unless -future).
//	description  required for articles: the summary shown in lists, feeds
//	             and search results (meta description).
//	lastmod      optional: when the page last changed materially; feeds and
//	             the sitemap use it, and it defaults to date.
//	tags         optional list: each tag gets a page at /tags/<tag>/.
//	draft        optional bool: drafts are left out unless -drafts.
//	slug         optional: the last URL segment; defaults to the file name.
//	aliases      optional list of old URLs that redirect (301) here.
//	image        optional: a social image path or URL for Open Graph cards;
//	             defaults to the site's image.
//	layout       optional: the layout to render with (see package build).
//	toc          optional bool: show the table of contents (default: when
//	             an article has three or more section headings).
//
// Any other key is kept in Page.Params for layouts to use.
//
// Problems are reported as *Error values naming file and line; Load
// reports every problem it finds, not just the first.
package content
