package build

import "github.com/cassidine/site/internal/theme"

// The values layouts see are the theme's (package theme renders both the
// built pages and the function's); the builder fills them in.
type (
	Site = theme.Site
	Page = theme.Page
	Tag  = theme.Tag
	List = theme.List
)

// BaseLayout is the document shell every layout is rendered inside.
const BaseLayout = theme.BaseLayout

// Site paths of the generated quiz and booking pages.
const (
	QuizURL = theme.QuizURL
	BookURL = theme.BookURL
)
