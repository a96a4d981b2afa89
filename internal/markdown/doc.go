// Package markdown renders content markdown to HTML with goldmark,
// configured once here, reading content the way Hugo users write it, and
// reports what the build needs to know about each document: its headings
// (for the table of contents and anchor checks), its links and images
// (for link checks), its length (for the reading time), its summary, and
// every error and warning with its line. Nothing written is dropped or
// shown as written without an error or a warning saying so.
//
// # Markdown
//
// CommonMark with Hugo's goldmark defaults: GFM tables, strikethrough,
// autolinks and task lists; footnotes ([^1]); definition lists
// (a term line, then ": definition" lines); the typographer ("curly"
// quotes, -- and --- dashes, ...); heading ids from the heading text,
// unique per page, or set with attributes: "## Costs {#costs .wide}".
// Each heading links to itself (see headingRenderer).
//
// # Raw HTML
//
// Raw HTML in markdown is left out unless Options.Unsafe is set (Hugo's
// markup.goldmark.renderer.unsafe); each piece left out is a Warning,
// one per line. HTML comments are left out without a warning: readers
// never saw them. <!--more--> on a line of its own, outside lists and
// quotes, ends the summary as in Hugo: Doc.Summary is the plain text
// before it and Doc.SummaryHTML the HTML. A second divider or one
// elsewhere is a Warning.
//
// # Shortcodes
//
// Hugo's shortcode syntax (see package shortcode): {{< name args >}},
// {{% name args %}}, paired, self-closing and nested calls, and escaped
// ones ({{</* name */>}}), which show as {{< name >}}, quotes straight.
// Shortcodes in code (fenced, indented, inline) are text, unlike Hugo,
// which runs them there too; an escaped one in code still shows
// unescaped, so Hugo's way of documenting shortcodes reads the same.
//
// The output of a {{< >}} call is HTML, placed where the call was. When
// it is block-level HTML (a <figure>, a <div>) and the call stands alone
// on its line, it is not wrapped in a paragraph; block-level output in
// a line of text is a Warning, since HTML does not allow it there.
//
// The output of a {{% %}} call is markdown, as in Hugo: it becomes part
// of the page's markdown, so a template may write **bold**, and the inner
// content of a paired call is rendered as part of the page (headings,
// footnotes and links in it count). Here the HTML the template itself
// writes is kept though raw HTML is off, and a call on a line of its own
// is a block: <div>{{ .Inner }}</div> needs no blank lines around .Inner
// (Hugo's does). If the template does not print .Inner exactly once as
// it is, it gets the inner text, as in Hugo, and all its output is
// trusted.
//
// The inner content of a {{< >}} call reaches the template as written,
// nested calls rendered, as Hugo passes it: .Inner prints it as it is;
// {{ .Inner | markdownify }} or {{ .Page.RenderString .Inner }} render
// it as markdown.
//
// # Built-in shortcodes
//
// A site shortcode of the same name replaces a built-in, as in Hugo.
//
//	figure     {{< figure src="cat.jpg" alt="A cat" caption="*The* boss" >}}
//	           Named arguments: src (required), alt, caption, title, link,
//	           target, rel, width, height, loading, class, attr, attrlink.
//	           Renders <figure><img><figcaption> as Hugo does, except that
//	           the title is a <p class="figure-title">, not an <h4>, to
//	           keep the page's outline. caption and attr are markdown;
//	           without alt, the caption's text is the alt text. src, link
//	           and attrlink are reported in Doc.Links (src as an image),
//	           so the build checks them like markdown's. width and height
//	           must be whole pixels; loading lazy or eager.
//	youtube    {{< youtube dQw4w9WgXcQ >}}, {{< youtube id=... title="..." start=90 class=... >}}
//	vimeo      {{< vimeo 55073825 >}}, {{< vimeo id=... title="..." class=... >}}
//	           Privacy first: a video is a plain link to its page on
//	           youtube.com or vimeo.com (start=90 becomes &t=90s) around a
//	           poster drawn in the page (an inline SVG) and a label (the
//	           title, then "Watch on YouTube"). Nothing is requested from
//	           another origin until the visitor clicks, and clicking opens
//	           the video's page: no script and no frame, which the site's
//	           CSP forbids. Layouts style .video, .video-youtube,
//	           .video-vimeo, .video-link, .video-poster, .video-title and
//	           .video-site. Hugo's player options (autoplay, controls,
//	           end, loop, mute, loading, allowFullScreen) are accepted and
//	           ignored: there is no player. The link is in Doc.Links.
//	ref        {{< ref "articles/x.md" >}}, {{< relref "x#part" >}}, {{< ref path="..." >}}
//	relref     The URL of a content file, from Page.Resolve; the #part is
//	           kept. Both give the root-relative URL (Hugo's ref gives an
//	           absolute one), so links work on deploy previews too. Each
//	           is reported in Doc.Links with Link.Ref set to the path as
//	           written; [text]({{< ref "x" >}}) is one link. lang and
//	           outputFormat are errors: the site has one of each.
//	highlight  {{< highlight go "linenos=table" >}}code{{< /highlight >}}
//	           A code block, as a fenced one renders: <pre><code
//	           class="language-go">, escaped. The site does not color
//	           code, so the options are accepted and ignored. The call's
//	           indentation is removed from the code (Hugo's InnerDeindent);
//	           shortcodes in it are text.
//	param      {{< param "author" >}}: a front matter parameter, else a site
//	           one (dotted keys reach into tables; case does not matter);
//	           {{% param "x" %}} makes the value markdown.
//
// Site shortcodes are html/template files, layouts/shortcodes/NAME.html,
// loaded with shortcode.LoadTemplates and passed as Options.Shortcodes;
// templates see .Get, .Inner, .Params, .Page.Title and the rest listed in
// package shortcode, and may call markdownify, ref and relref, which work
// on the page being rendered.
//
// # Not supported, and how it is reported
//
// Each is an Error at its line, so the build fails naming file:line:
// an unknown shortcode (Hugo's other built-ins, gist, instagram, x,
// tweet, qr, details and comment, are named as such); inline shortcodes
// (name.inline); a call not closed, a closing tag without an opening
// one, or a closing tag for a shortcode that takes no inner content;
// malformed arguments; mixed named and positional arguments; arguments a
// built-in does not take; ref without a resolver (Render, or RenderPage
// with a nil Page.Resolve) or to a path it cannot resolve; a template
// that fails. A failed call writes nothing (a markdown link around a
// failed ref is not reported as a link).
//
// # Lines
//
// Every Error, Warning and Link carries its line in the markdown given to
// Render, 1-based; the build adds the body's first line in the file.
// Shortcodes are replaced before goldmark reads the page, yet every line
// stays exact: what a call writes counts as the call's line, and the
// inner content of {{% %}} calls keeps its own lines.
package markdown
