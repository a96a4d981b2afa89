package assets

import "github.com/tdewolff/minify/v2/html"

// The traits of HTML elements and attributes that tdewolff's minifier
// decides by: copied from github.com/tdewolff/minify/v2/html/table.go
// (v2.24.25, MIT licence, Copyright (c) 2025 Taco de Wolff), where they
// are unexported. TestHTMLTraits checks every entry against that
// minifier's behaviour; update both together with the module.

type traits uint16

// Element traits.
const (
	normalTag traits = 1 << iota
	rawTag           // raw tags need special processing for their content
	blockTag         // remove spaces around these tags
	objectTag        // keep spaces after these open/close tags
	omitPTag         // omit p end tag if it is followed by this start tag
	keepPTag         // keep p end tag if it is followed by this end tag
)

// Attribute traits.
const (
	booleanAttr traits = 1 << iota
	urlAttr
	trimAttr
)

var tagTraitMap = map[html.Hash]traits{
	html.A:          keepPTag,
	html.Abbr:       normalTag,
	html.Address:    blockTag | omitPTag,
	html.Area:       normalTag,
	html.Article:    blockTag | omitPTag,
	html.Aside:      blockTag | omitPTag,
	html.Audio:      keepPTag,
	html.B:          normalTag,
	html.Base:       normalTag,
	html.Bb:         normalTag,
	html.Bdi:        normalTag,
	html.Bdo:        normalTag,
	html.Blockquote: blockTag | omitPTag,
	html.Body:       normalTag,
	html.Br:         blockTag,
	html.Button:     objectTag,
	html.Canvas:     objectTag | keepPTag,
	html.Caption:    blockTag,
	html.Cite:       normalTag,
	html.Code:       normalTag,
	html.Col:        blockTag,
	html.Colgroup:   blockTag,
	html.Data:       normalTag,
	html.Datalist:   normalTag, // no text content
	html.Dd:         blockTag,
	html.Del:        keepPTag,
	html.Details:    blockTag | omitPTag,
	html.Dfn:        normalTag,
	html.Dialog:     normalTag,
	html.Div:        blockTag | omitPTag,
	html.Dl:         blockTag | omitPTag,
	html.Dt:         blockTag,
	html.Em:         normalTag,
	html.Embed:      normalTag,
	html.Fieldset:   blockTag | omitPTag,
	html.Figcaption: blockTag | omitPTag,
	html.Figure:     blockTag | omitPTag,
	html.Footer:     blockTag | omitPTag,
	html.Form:       blockTag | omitPTag,
	html.H1:         blockTag | omitPTag,
	html.H2:         blockTag | omitPTag,
	html.H3:         blockTag | omitPTag,
	html.H4:         blockTag | omitPTag,
	html.H5:         blockTag | omitPTag,
	html.H6:         blockTag | omitPTag,
	html.Head:       blockTag,
	html.Header:     blockTag | omitPTag,
	html.Hgroup:     blockTag,
	html.Hr:         blockTag | omitPTag,
	html.Html:       blockTag,
	html.I:          normalTag,
	html.Iframe:     rawTag | objectTag,
	html.Img:        objectTag,
	html.Input:      objectTag,
	html.Ins:        keepPTag,
	html.Kbd:        normalTag,
	html.Label:      normalTag | keepPTag, // experimentally, keepPTag is needed
	html.Legend:     blockTag,
	html.Li:         blockTag,
	html.Link:       normalTag,
	html.Main:       blockTag | omitPTag,
	html.Map:        keepPTag,
	html.Mark:       normalTag,
	html.Math:       rawTag,
	html.Menu:       blockTag | omitPTag,
	html.Meta:       normalTag,
	html.Meter:      objectTag,
	html.Nav:        blockTag | omitPTag,
	html.Noscript:   blockTag | keepPTag,
	html.Object:     objectTag,
	html.Ol:         blockTag | omitPTag,
	html.Optgroup:   normalTag, // no text content
	html.Option:     blockTag,
	html.Output:     normalTag,
	html.P:          blockTag | omitPTag,
	html.Param:      normalTag,
	html.Picture:    normalTag,
	html.Pre:        blockTag | omitPTag,
	html.Progress:   objectTag,
	html.Q:          objectTag,
	html.Rp:         normalTag,
	html.Rt:         objectTag,
	html.Ruby:       normalTag,
	html.S:          normalTag,
	html.Samp:       normalTag,
	html.Script:     rawTag,
	html.Section:    blockTag | omitPTag,
	html.Select:     objectTag,
	html.Slot:       normalTag,
	html.Small:      normalTag,
	html.Source:     normalTag,
	html.Span:       normalTag,
	html.Strong:     normalTag,
	html.Style:      rawTag | blockTag,
	html.Sub:        normalTag,
	html.Summary:    blockTag,
	html.Sup:        normalTag,
	html.Svg:        rawTag | objectTag,
	html.Table:      blockTag | omitPTag,
	html.Tbody:      blockTag,
	html.Td:         blockTag,
	html.Template:   normalTag,
	html.Textarea:   rawTag | objectTag,
	html.Tfoot:      blockTag,
	html.Th:         blockTag,
	html.Thead:      blockTag,
	html.Time:       normalTag,
	html.Title:      blockTag,
	html.Tr:         blockTag,
	html.Track:      normalTag,
	html.U:          normalTag,
	html.Ul:         blockTag | omitPTag,
	html.Var:        normalTag,
	html.Video:      objectTag | keepPTag,
	html.Wbr:        objectTag,

	// removed tags
	html.Acronym:   normalTag,
	html.Applet:    normalTag,
	html.Basefont:  normalTag,
	html.Big:       normalTag,
	html.Center:    blockTag,
	html.Dir:       blockTag,
	html.Font:      normalTag,
	html.Frame:     normalTag,
	html.Frameset:  normalTag,
	html.Image:     objectTag,
	html.Marquee:   blockTag,
	html.Menuitem:  normalTag,
	html.Nobr:      normalTag,
	html.Noembed:   blockTag,
	html.Noframes:  blockTag,
	html.Plaintext: normalTag,
	html.Rtc:       objectTag,
	html.Rb:        normalTag,
	html.Strike:    normalTag,
	html.Tt:        normalTag,
	html.Xmp:       blockTag,

	// experimental tags
	html.Portal: normalTag,
}

var attrTraitMap = map[html.Hash]traits{
	html.Accept:                   trimAttr, // list of mimetypes
	html.Accept_Charset:           trimAttr,
	html.Accesskey:                trimAttr,
	html.Action:                   urlAttr,
	html.Allow:                    trimAttr,
	html.Allowfullscreen:          booleanAttr,
	html.As:                       trimAttr,
	html.Async:                    booleanAttr,
	html.Autocapitalize:           trimAttr,
	html.Autocomplete:             trimAttr,
	html.Autofocus:                booleanAttr,
	html.Autoplay:                 booleanAttr,
	html.Blocking:                 trimAttr,
	html.Capture:                  trimAttr,
	html.Charset:                  trimAttr,
	html.Checked:                  booleanAttr,
	html.Cite:                     urlAttr,
	html.Class:                    trimAttr,
	html.Color:                    trimAttr,
	html.Cols:                     trimAttr, // uint bigger than 0
	html.Colspan:                  trimAttr, // uint bigger than 0
	html.Contenteditable:          trimAttr,
	html.Controls:                 booleanAttr,
	html.Coords:                   trimAttr, // list of floats
	html.Crossorigin:              trimAttr,
	html.Data:                     urlAttr,
	html.Datetime:                 trimAttr,
	html.Decoding:                 trimAttr,
	html.Default:                  booleanAttr,
	html.Defer:                    booleanAttr,
	html.Dir:                      trimAttr,
	html.Disabled:                 booleanAttr,
	html.Draggable:                trimAttr,
	html.Enctype:                  trimAttr, // mimetype
	html.Enterkeyhint:             trimAttr,
	html.Fetchpriority:            trimAttr,
	html.For:                      trimAttr,
	html.Form:                     trimAttr,
	html.Formaction:               urlAttr,
	html.Formenctype:              trimAttr, // mimetype
	html.Formmethod:               trimAttr,
	html.Formnovalidate:           booleanAttr,
	html.Formtarget:               trimAttr,
	html.Headers:                  trimAttr,
	html.Height:                   trimAttr, // uint
	html.Hidden:                   trimAttr, // TODO: boolean
	html.High:                     trimAttr, // float
	html.Href:                     urlAttr,
	html.Hreflang:                 trimAttr, // BCP 47
	html.Http_Equiv:               trimAttr,
	html.Imagesizes:               trimAttr,
	html.Imagesrcset:              trimAttr,
	html.Inert:                    booleanAttr,
	html.Inputmode:                trimAttr,
	html.Is:                       trimAttr,
	html.Ismap:                    booleanAttr,
	html.Itemid:                   urlAttr,
	html.Itemprop:                 trimAttr,
	html.Itemref:                  trimAttr,
	html.Itemscope:                booleanAttr,
	html.Itemtype:                 trimAttr, // list of urls
	html.Kind:                     trimAttr,
	html.Lang:                     trimAttr, // BCP 47
	html.List:                     trimAttr,
	html.Loading:                  trimAttr,
	html.Loop:                     booleanAttr,
	html.Low:                      trimAttr, // float
	html.Max:                      trimAttr, // float or varies
	html.Maxlength:                trimAttr, // uint
	html.Media:                    trimAttr,
	html.Method:                   trimAttr,
	html.Min:                      trimAttr, // float or varies
	html.Minlength:                trimAttr, // uint
	html.Multiple:                 booleanAttr,
	html.Muted:                    booleanAttr,
	html.Nomodule:                 booleanAttr,
	html.Novalidate:               booleanAttr,
	html.Open:                     booleanAttr,
	html.Optimum:                  trimAttr, // float
	html.Pattern:                  trimAttr, // regex
	html.Ping:                     trimAttr, // list of urls
	html.Playsinline:              booleanAttr,
	html.Popover:                  trimAttr,
	html.Popovertarget:            trimAttr,
	html.Popovertargetaction:      trimAttr,
	html.Poster:                   urlAttr,
	html.Preload:                  trimAttr,
	html.Profile:                  urlAttr,
	html.Readonly:                 booleanAttr,
	html.Referrerpolicy:           trimAttr,
	html.Rel:                      trimAttr,
	html.Required:                 booleanAttr,
	html.Reversed:                 booleanAttr,
	html.Rows:                     trimAttr, // uint bigger than 0
	html.Rowspan:                  trimAttr, // uint
	html.Sandbox:                  trimAttr,
	html.Scope:                    trimAttr,
	html.Selected:                 booleanAttr,
	html.Shadowrootmode:           trimAttr,
	html.Shadowrootdelegatesfocus: booleanAttr,
	html.Shape:                    trimAttr,
	html.Size:                     trimAttr, // uint bigger than 0
	html.Sizes:                    trimAttr,
	html.Span:                     trimAttr, // uint bigger than 0
	html.Spellcheck:               trimAttr,
	html.Src:                      urlAttr,
	html.Srclang:                  trimAttr, // BCP 47
	html.Srcset:                   trimAttr,
	html.Start:                    trimAttr, // int
	html.Step:                     trimAttr, // float or "any"
	html.Tabindex:                 trimAttr, // int
	html.Target:                   trimAttr,
	html.Translate:                trimAttr,
	html.Type:                     trimAttr,
	html.Usemap:                   trimAttr,
	html.Width:                    trimAttr, // uint
	html.Wrap:                     trimAttr,
	html.Xmlns:                    urlAttr,
}

// The traits by hash, in tables cheaper to read than a map: MinifyHTML
// looks up every tag and attribute of every page.
var (
	tagTraits  = newTraitTable(tagTraitMap)
	attrTraits = newTraitTable(attrTraitMap)
)

// traitTable is a hash table with open addressing.
type traitTable struct {
	keys [512]html.Hash
	vals [512]traits
}

func newTraitTable(m map[html.Hash]traits) *traitTable {
	t := new(traitTable)
	for h, v := range m {
		i := slot(h)
		for t.keys[i] != 0 {
			i = (i + 1) % len(t.keys)
		}
		t.keys[i], t.vals[i] = h, v
	}
	return t
}

func slot(h html.Hash) int { return int(uint32(h) * 0x9E3779B1 >> 23) } // 9 bits

// get returns the traits of h, 0 for names not in the table.
func (t *traitTable) get(h html.Hash) traits {
	if h == 0 {
		return 0
	}
	for i := slot(h); ; i = (i + 1) % len(t.keys) {
		switch t.keys[i] {
		case h:
			return t.vals[i]
		case 0:
			return 0
		}
	}
}
