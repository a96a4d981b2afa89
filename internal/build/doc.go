// Package build turns the content, layouts and static folders into the
// deployable site: one function, Build, over three fs.FS values and an
// output folder. The dev server wraps it; nothing else writes the site.
//
// # Outputs
//
//	/                        home (content/_index.md, layout home.html)
//	/<slug>/                 each page (content/<name>.md, layout page.html)
//	/articles/               articles, weighted first, then newest first,
//	/articles/page/2/ ...    paginated (site.toml paginate; layout list.html)
//	/articles/<slug>/        each article (layout article.html); below a
//	/articles/2024/<slug>/   sub-folder, its folder is in the URL, as in Hugo
//	/<folder>/               each other section: a top-level folder of pages,
//	                         or a folder with an _index.md (layout list.html)
//	/<page>/<file>           a page bundle's files, beside the page
//	/tags/                   every tag with its count (layout tags.html)
//	/tags/<tag>/             a tag's articles, paginated (layout tag.html, else list.html)
//	/categories/             when articles have categories: every category
//	                         (layout categories.html, else tags.html)
//	/categories/<category>/  its articles (layout category.html, else tag.html, else list.html)
//	/404.html                not-found page (layout 404.html)
//	/feed.xml, /feed.json    Atom and JSON Feed of the newest 20 articles, every
//	                         link and image in them absolute
//	/sitemap.xml, /robots.txt
//	/schedule.json           when a rebuild changes the site (package publish)
//	/_headers, /_redirects   Netlify's header and redirect rules (aliases)
//	/assets/<name>.<hash>.css|js   fingerprinted CSS and JS from static/
//	/assets/cards/<name>.<hash>.png  share cards (see below)
//	/<anything else>         copied from static/ (SVG, XML, JSON minified)
//
// # Images
//
// Every <img> of a page's markdown that shows a file of the site (from
// static/ or a page bundle) gets width and height from the file, so the
// page does not jump as images arrive, and every image but the page's
// first loading="lazy" and decoding="async", as it is below the first
// screen. A JPEG or PNG wider than 480 px also gets a srcset of copies
// 480, 800, 1200 and 1600 px wide (those narrower than it), published
// beside it (chart.png → chart-800w.png), with sizes for the article
// column (package images). Making the copies is slow, so they are kept in
// a cache folder between builds (Options.Cache; site build -cache, by
// default cassidine-site in the user's cache folder). An image that cannot
// be read, or is too large to decode, fails the build at its line.
//
// # Share cards
//
// A link shared on LinkedIn, Slack or X shows the page's image (og:image,
// twitter:image, written by layouts/partials/head.html from the
// socialImage function). A page shares, in order:
//
//  1. its own image: front matter image, else the first of images. Its
//     width, height and type are given when the site publishes the file
//     (a relative path is the page bundle's); for another site's URL they
//     are left out rather than guessed. Its alt text is the one the body
//     gives the same image, else the page's title. An SVG gets a warning:
//     social sites do not show it.
//  2. else, for an article, the home page and the quiz: its share card, a
//     1200x630 PNG drawn at build by package card in the site's colours:
//     the title, the site's name and the reading time (the home page's shows
//     site.toml's description under the site's name; the quiz's, its
//     title). Its alt text is the title. An image in the body is never
//     shared on its own: the card names the article; a chart out of its
//     context does not.
//  3. else site.toml's image (alt text: the site's name).
//
// A card is published at /assets/cards/<last part of the URL>.<hash>.png,
// the hash of everything it shows, so its URL changes exactly when it does
// (LinkedIn then fetches the new one) and _headers caches it for good, as
// everything under /assets/. Drawing one takes about 5 ms, so cards are
// kept in the cache folder's cards/ as PNG files and only a changed card
// is drawn again; a site written to a folder hard-links the cache's file
// (a copy when the two are on different file systems), and site serve
// draws only the card of an edited title or reading time.
//
// # Rendered markdown
//
// The markdown of a page without shortcodes renders the same whatever the
// rest of the site holds, so its result (HTML, headings, ids, links,
// words, warnings) is kept in the cache folder's markdown/, keyed by the
// text, the renderer's options and the site program's own build ID: a
// rebuild reads it instead of running goldmark (docCache). A page with a
// shortcode is rendered every time, since a shortcode can show other
// pages (ref, relref) or the site. A character the card's font (Go) cannot draw, such as an emoji, is
// left out of the card with a warning at the line that writes it.
//
// Every HTML, CSS, JS, SVG, XML and JSON output is minified.
//
// # Layouts
//
// layouts/ holds html/template files. base.html is the document shell; it
// renders the page's content with {{block "main" .}}. Each other layout
// defines "main" (and may define "head" for extra head elements). Files
// under layouts/partials/ are available to every layout by their path,
// e.g. {{template "partials/head.html" .}}.
//
// A page's layout is the one its front matter names (layout: services
// means layouts/services.html), or else the one for its kind: home.html,
// page.html, article.html, list.html (section lists), tag.html (falling
// back to list.html), tags.html, category.html and categories.html
// (falling back to tag.html and tags.html) and 404.html. A named layout
// that does not exist, or a list layout named by a page (which has no
// list to show), is an error naming the content file and line.
//
// layouts/email/message.html is not a page: it is the HTML of every email
// the site's function sends (see RenderEmail in package theme). The build
// does not render it but reports its template errors, so that a mistake
// in it fails the build rather than the deployed function.
//
// Templates see a value with three fields:
//
//	.Site   site settings (.Site.Title, .Site.BaseURL, .Site.Nav, ...), plus
//	        .Site.Articles (published, newest first), .Site.Tags and
//	        .Site.Categories
//	.Page   the page: .Title, .Description, .Date, .PublishDate, .Lastmod,
//	        .ExpiryDate, .Tags, .Categories, .Authors, .URL, .Permalink,
//	        .Content (HTML), .TOC, .ReadingTime, .WordCount, .Draft,
//	        .Scheduled, .Params, .Kind
//	.List   on list, tag and category pages: .Pages, .Number, .Total, .Prev,
//	        .Next, .Tag (the tag or category); on /tags/ and /categories/:
//	        .Terms
//
// and these functions:
//
//	asset "css/site.css"     URL of a fingerprinted static file
//	absURL "/x/"             absolute URL under the site's base URL
//	date "Jan 2, 2006" t     t formatted in the site's time zone
//	isoDate t                t as RFC 3339, for datetime attributes
//	limit n list             the first n items of a list
//	jsonLD                   the page's schema.org JSON-LD (inside <script type="application/ld+json">)
//	tagURL "name"            URL of a tag's page
//	categoryURL "name"       URL of a category's page
//	socialImage .Page        the image the page shares (see Share cards):
//	                         .URL (absolute), .Width, .Height, .Type (0 and ""
//	                         when unknown) and .Alt; nil when it has none
//	current navURL page      how a nav link relates to the page: "page", "true" (inside its section) or ""
//	navKey page              what the header shows of the page: whether it is home, and current for each nav link
//	partialCached "p" v      partial p rendered once for each value v (a page, say), as Hugo's
//	partialCached "p" v k..  ... or once for each set of variants k (at most 3), rendered with the first v:
//	                         base.html renders the header once per navKey
//
// # Markdown
//
// Each page's markdown is rendered by package markdown, with the site's
// shortcodes (layouts/shortcodes/NAME.html, as in Hugo) and site.toml's
// [markup] unsafe. ref and relref resolve a content path as Hugo does:
// from the content folder ("articles/x.md", "/articles/x"), from the
// page's folder ("x.md", "../about.md"), with or without the extension, a
// bundle or section by its folder, else the one file or bundle of that
// name. The markdown's errors fail the build at the file's line; its
// warnings (raw HTML left out, a misplaced <!--more-->, ...) are the
// build's, at the file's line too.
//
// # Errors
//
// Build reports every problem it finds, each naming file and line: content
// front matter, duplicate URLs, two sources of one output file, unknown
// layouts, template errors (with the template's name and line), images it
// cannot read, and links and images to internal pages, files or #anchors
// that do not exist (saying why when the target is a draft, scheduled or
// expired). Warnings (front-matter keys that change nothing) are returned
// in Result.Warnings; with Options.Strict (site check) they are problems
// too. It builds into a fresh folder and swaps it into place only
// when everything succeeded, so a failed build leaves the previous site as
// it was and a successful one leaves no stale file behind.
package build
