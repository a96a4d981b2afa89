package api

import (
	"net/http"
	"net/url"
	"strings"
)

// crossSite refuses state-changing requests that another site's page
// sent (a hidden form auto-submitting a booking or a quiz email in the
// visitor's name): 403 when the browser says Sec-Fetch-Site: cross-site,
// or names in Origin a host that is neither this request's nor the site's.
// Same-site pages and clients that send neither header (old browsers,
// curl, the site's own scripts) pass.
func (s *server) crossSite(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead || r.Method == http.MethodOptions || s.sameSite(r) {
			h.ServeHTTP(w, r)
			return
		}
		s.Log.Warn("cross-site request refused", "path", r.URL.Path, "sec-fetch-site", r.Header.Get("Sec-Fetch-Site"))
		s.messagePage(w, r, http.StatusForbidden, message{
			Title: "This form was sent from another site",
			Text:  "For your safety we only accept this form from " + s.Theme.Site().Title + "'s own pages. Please open the page on our site and send it from there.",
			Link:  "/", Label: "Go to the home page",
		})
	})
}

// sameSite reports whether r may come from the site's own pages.
func (s *server) sameSite(r *http.Request) bool {
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return false
	}
	origin := r.Header.Get("Origin")
	if origin == "" || origin == "null" {
		// "null" is sent for privacy-sensitive contexts; with no
		// Sec-Fetch-Site saying cross-site, there is nothing to compare.
		return true
	}
	u, err := url.Parse(origin)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.EqualFold(u.Host, r.Host) {
		return true
	}
	base, err := url.Parse(s.Theme.Site().BaseURL)
	return err == nil && strings.EqualFold(u.Host, base.Host)
}
