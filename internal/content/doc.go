// Package content loads the files the consultant edits: site settings,
// articles and pages, each a markdown file with front matter, and the
// files published beside them. It reads content as Hugo writes it, so a
// Hugo blog's posts can be copied in; whatever it cannot do as Hugo does
// is an error or a warning naming file and line, never a silent change.
//
// # Folders
//
// Everything lives under one content folder (content/ by default). URLs
// come from folder and file names as Hugo makes them (URLize: lower case,
// spaces become dashes; letters, digits, marks and . _ - + ~ @ kept):
//
//	content/site.toml                 site settings (see Site)
//	content/_index.md                 the home page, served at /
//	content/<name>.md                 a page, served at /<name>/ (about, services, privacy, ...)
//	content/<name>/index.md           the same page as a bundle, with its files beside it
//	content/articles/<name>.md        an article, served at /articles/<name>/
//	content/articles/<name>/index.md  an article bundle: its files (chart.png, ...) are
//	                                  published beside it, /articles/<name>/chart.png
//	content/articles/2024/<name>.md   an article in a sub-section, at /articles/2024/<name>/
//	content/<folder>/_index.md        a section: title, description and intro of the list
//	                                  of the pages in <folder> and below, at /<folder>/
//	content/<folder>/<file>           any other file, published as it is at /<folder>/<file>
//
// Everything under articles/ is an article (dated, in feeds and on tag
// pages); everything else a page. articles/ always has a list page, as
// does every other top-level folder of pages (Hugo's sections); a
// sub-folder has one when it has an _index.md. A bundle's files follow
// the page: with slug or url set they are published under its URL.
//
// Skipped, as in Hugo: names starting with "." or "#" or ending in "~"
// (editor files). Unlike Hugo, names starting with "_" (other than
// _index.md) are skipped too: they hold work in progress. Markdown is .md,
// .markdown or .mdown. These are errors naming the file:
//
//	content in another format    .html, .htm, .adoc, .org, .rst, .pdc: convert it to
//	                             markdown, or move it to static/ to publish it as it is
//	markdown inside a bundle     content/articles/x/notes.md beside x/index.md: Hugo
//	                             makes it a resource, not a page
//	index.md and _index.md       in one folder: a folder is a bundle or a section
//	content/index.md             the home page is _index.md
//	post.en.md, _index.fr.md     a translation in Hugo: the site has one language
//
// # Front matter
//
// A content file starts with front matter, as Hugo reads it: YAML between
// lines of "---", TOML between lines of "+++", or a JSON object ({ ... })
// at the very start of the file. Keys are case-insensitive (Title: is
// title:); a key set twice in different cases is an error. The keys:
//
//	title        required. The page's title, also its <h1> and <title>.
//	date         required for articles (publishDate or lastmod may stand in,
//	             as in Hugo): 2026-11-02, 2026-11-02T09:00:00-05:00,
//	             2026-11-02T09:00:00+0100, "2026-11-02 09:00",
//	             "2026-11-02 15:04:05 -0700", RFC 1123 ("Mon, 02 Nov 2026
//	             09:00:00 -0500"), "02 Nov 2026". A time without an offset is
//	             in the site's timeZone.
//	publishDate  when the page goes live (also pubdate, published); defaults
//	             to date. A page due later is scheduled: left out of a build
//	             until its time (unless -future).
//	expiryDate   when it is taken down (also unpublishdate): an expired page
//	             is left out (unless -expired), and links to it say why.
//	lastmod      when the page last changed materially (also modified);
//	             feeds and the sitemap use it. Defaults to date.
//	description  the summary shown in lists, feeds and search results (meta
//	             description). When missing, a page or article takes the
//	             summary key, else the text before a line <!--more-->, else
//	             its first paragraph, as Hugo's .Summary does; site check
//	             still asks for a written one. An article with none of
//	             these fails the build.
//	summary      stands in for a missing description.
//	tags         list: each tag gets a page at /tags/<tag>/.
//	categories   list: each category gets a page at /categories/<category>/,
//	             with /categories/ listing them (when there are any).
//	keywords     list: the article's keywords for search engines (JSON-LD);
//	             defaults to its tags.
//	author       a name, a list of names (authors), or a table with a name:
//	             the article's authors in feeds and JSON-LD, instead of
//	             site.toml's author.
//	draft        bool: drafts are left out unless -drafts. published: false
//	             is the same, as in Hugo.
//	slug         the last URL segment; defaults to the file or bundle folder
//	             name. It must already be a URL segment (lower case, no
//	             spaces): the error suggests one.
//	url          the page's whole path: /about-us/, or a file such as
//	             /about.html. Without a leading slash it is still from the
//	             site's root, as in Hugo.
//	aliases      old URLs that redirect (301) here: site paths, or relative
//	             to the page's parent ("old-name" on /articles/new-name/ is
//	             /articles/old-name/), as in Hugo.
//	image        a social image for Open Graph cards: a URL, a path under
//	             static/, or a file of the page's bundle. Defaults to the
//	             first of images, else (articles) the first photo or chart
//	             in the body, else the site's image.
//	images       list: the first is the social image (the rest: a warning).
//	layout       the layout to render with (see package build). The list
//	             layouts (list, tag, tags, category, categories) need a list:
//	             naming one on a page is an error at this line.
//	toc          bool (also showToc): show the table of contents (default:
//	             when an article has three or more section headings).
//	weight       whole number: lists put weighted pages first, lightest
//	             first, then the rest newest first, as Hugo does.
//	sitemap      {disable: true} keeps the page out of the sitemap.
//	params       a table of keys for layouts, as in Hugo.
//
// Any other key is kept in Page.Params for layouts to use; the build
// warns about each one no layout reads.
//
// # Keys Hugo blogs use that this site does not
//
// Every key is supported (above), an error, or accepted with a warning;
// none is dropped silently. A warning reads "file:line: warning: ..."; a
// build prints it and goes on, site check fails on it.
//
//	key                      decision
//	cascade                  error: front matter is not passed down to the pages below
//	resources                error: names and titles of a bundle's files are not applied
//	headless: true           error: a bundle that publishes only its files
//	outputs (not just html)  error: only the HTML page is written
//	build, _build            error, unless list and render are "always" and
//	                         publishResources true (Hugo's defaults)
//	markup (not md)          error: content is markdown
//	sitemap.changefreq,      warning: the sitemap gives each page's lastmod only
//	sitemap.priority
//	linkTitle, type, menu,   warning, unless a layout reads it (each message says why
//	menus, translationKey,   it changes nothing: the navigation is site.toml's
//	isCJKLanguage, tocOpen,  [[nav]], layouts are chosen by kind or layout, ...)
//	cover, featured_image,
//	featuredImage, thumbnail
//	any other key (series,   kept in .Params; warning unless a layout reads
//	hideMeta, comments,      .Params.<key>, index .Params "<key>" or .Param "<key>",
//	ShowReadingTime, math,   or uses .Params whole
//	...)
//	tags, categories on a    warning: only articles are listed on tag and category
//	page (not an article)    pages
//	slug on a section        warning: a section's URL is its folder's (use url)
//	url on the home page     warning: the home page is always /
//
// Problems are reported as *Error values naming file and line; Parse
// reports every problem of a file at once.
package content
