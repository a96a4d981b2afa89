// Package build turns the content, layouts and static folders into the
// deployable site: one function, Build, over three fs.FS values and an
// output folder. The dev server wraps it; nothing else writes the site.
//
// # Outputs
//
//	/                        home (content/_index.md, layout home.html)
//	/<slug>/                 each page (content/<name>.md, layout page.html)
//	/articles/               articles, newest first, paginated as
//	/articles/page/2/ ...    (site.toml paginate; layout list.html)
//	/articles/<slug>/        each article (layout article.html)
//	/tags/                   every tag with its count (layout tags.html)
//	/tags/<tag>/             a tag's articles, paginated (layout tag.html, else list.html)
//	/404.html                not-found page (layout 404.html)
//	/feed.xml, /feed.json    Atom and JSON Feed of the newest 20 articles
//	/sitemap.xml, /robots.txt
//	/_headers, /_redirects   Netlify's header and redirect rules (aliases)
//	/assets/<name>.<hash>.css|js   fingerprinted CSS and JS from static/
//	/<anything else>         copied from static/ (SVG, XML, JSON minified)
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
// page.html, article.html, list.html (the article list), tag.html (falling
// back to list.html), tags.html and 404.html. A named layout that does not
// exist is an error naming the content file and line.
//
// layouts/email/message.html is not a page: it is the HTML of every email
// the site's function sends (see RenderEmail in package theme). The build
// does not render it but reports its template errors, so that a mistake
// in it fails the build rather than the deployed function.
//
// Templates see a value with three fields:
//
//	.Site   site settings (.Site.Title, .Site.BaseURL, .Site.Nav, ...), plus
//	        .Site.Articles (published, newest first) and .Site.Tags
//	.Page   the page: .Title, .Description, .Date, .Lastmod, .Tags, .URL,
//	        .Permalink, .Content (HTML), .TOC, .ReadingTime, .WordCount,
//	        .Draft, .Scheduled, .Params, .Kind
//	.List   on list and tag pages: .Pages, .Number, .Total, .Prev, .Next, .Tag
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
//
// # Errors
//
// Build reports every problem it finds, each naming file and line: content
// front matter, duplicate URLs, unknown layouts, template errors (with the
// template's name and line) and links to internal pages or #anchors that
// do not exist. It builds into a fresh folder and swaps it into place only
// when everything succeeded, so a failed build leaves the previous site as
// it was and a successful one leaves no stale file behind.
package build
