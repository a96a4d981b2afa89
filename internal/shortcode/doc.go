// Package shortcode reads Hugo's shortcode syntax and runs a site's
// shortcode templates. The markdown package uses it to render content;
// which shortcodes exist and what they print is documented there.
//
// # Syntax
//
// As in Hugo:
//
//	{{< name args >}}                 a call; its output is HTML
//	{{% name args %}}                 a call whose output is markdown
//	{{< name >}}inner{{< /name >}}    a paired call, with inner content
//	{{< name />}}                     a self-closing call (no inner content)
//	{{</* name args */>}}             not a call: shows as {{< name args >}}
//
// Names are letters, digits, _ and -, and / for shortcodes in folders.
// Arguments are all positional or all named:
//
//	{{< youtube dQw4w9WgXcQ >}}                  positional, bare
//	{{< highlight go "linenos=table" >}}         "quoted": \" is a quote
//	{{< x `raw, may span lines` >}}              `raw`: no escapes
//	{{< figure src="a.png" width=640 >}}         named: key="v", key=v, key=`v`
//
// Bare values are letters, digits, _, - and . (a named one runs to the
// next space); true, false and numbers written bare reach templates as
// bool, int and float64, as in Hugo; quote anything else.
//
// A shortcode takes inner content when its definition says so; for a
// template, when it uses .Inner or .InnerDeindent. Then each call must
// be paired or self-closing. A closing tag closes the nearest open call
// of its name, so calls nest, the same name too.
//
// Scan finds tags, Parse pairs them into a tree of Nodes. Neither knows
// markdown: the caller decides which tags are in code and so are text.
//
// # Templates
//
// LoadTemplates reads a site's templates (layouts/shortcodes/NAME.html)
// with html/template. A template's dot is a *Call, like Hugo's:
//
//	.Get 0, .Get "src"    an argument ("" when absent, nil when the
//	                      call has only the other kind)
//	.Params               []any or map[string]any
//	.IsNamedParams        true when named
//	.Inner                the inner content (template.HTML, see Call.Inner)
//	.InnerDeindent        the same, less the indentation of the call
//	.Name, .Ordinal, .Parent, .Position
//	.Page.Title, .Page.Params, .Page.Param "key", .Page.RenderString
//	.Site.Title, .Site.Params (also .Page.Site)
//
// The functions templates may call are listed at Templates.
package shortcode
