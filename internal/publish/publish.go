// Package publish decides when a scheduled article has become due, so a
// Netlify scheduled function can rebuild the site then and only then.
//
// Every production build writes /schedule.json: when it was built and the
// dates at which a build would change the site: those of the pages it
// left out because they are scheduled (publishDate or date in the
// future), and the expiryDate of the pages it published that expire. The
// function (cmd/publish) runs hourly, reads that file from the live site,
// and triggers the site's build hook when one of those dates has passed.
// The new build publishes the article (or takes the expired page down) and
// no longer lists the date, so the hook fires once per date; if a build
// fails, the next run tries again.
package publish

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"
)

// File is where the schedule is published, relative to the site's root.
const File = "schedule.json"

// Schedule is what a build knows about articles scheduled for later.
type Schedule struct {
	Built     time.Time   `json:"built"`
	Scheduled []time.Time `json:"scheduled"` // dates of pages left out as future-dated, and of published pages' expiry
}

// Due returns the earliest scheduled date that has passed by now: a build
// now would publish that article. ok is false when nothing is due.
func Due(s Schedule, now time.Time) (due time.Time, ok bool) {
	for _, t := range s.Scheduled {
		if !t.After(now) && t.After(s.Built) && (!ok || t.Before(due)) {
			due, ok = t, true
		}
	}
	return due, ok
}

// Marshal encodes a schedule, dates sorted, for the build to write.
func Marshal(s Schedule) ([]byte, error) {
	s.Scheduled = slices.Clone(s.Scheduled)
	slices.SortFunc(s.Scheduled, func(a, b time.Time) int { return a.Compare(b) })
	if s.Scheduled == nil {
		s.Scheduled = []time.Time{}
	}
	return json.Marshal(s)
}

// Run fetches the live site's schedule and, when an article is due, posts
// to the build hook. It returns what it did, for the function's log.
func Run(ctx context.Context, client *http.Client, siteURL, hookURL string, now time.Time) (string, error) {
	if siteURL == "" || hookURL == "" {
		return "", fmt.Errorf("publish: set URL (the site's address; Netlify sets it) and BUILD_HOOK_URL (Site configuration → Build hooks)")
	}
	s, err := fetch(ctx, client, strings.TrimSuffix(siteURL, "/")+"/"+File)
	if err != nil {
		return "", err
	}
	due, ok := Due(s, now)
	if !ok {
		return fmt.Sprintf("nothing due (built %s, %d scheduled)", s.Built.Format(time.RFC3339), len(s.Scheduled)), nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hookURL, strings.NewReader("{}"))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("publish: build hook: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		return "", fmt.Errorf("publish: build hook answered %s", resp.Status)
	}
	return fmt.Sprintf("article scheduled for %s is due: build triggered", due.Format(time.RFC3339)), nil
}

func fetch(ctx context.Context, client *http.Client, u string) (Schedule, error) {
	var s Schedule
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return s, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return s, fmt.Errorf("publish: fetching %s: %w", u, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return s, fmt.Errorf("publish: fetching %s: %s", u, resp.Status)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&s); err != nil {
		return s, fmt.Errorf("publish: %s: %w", u, err)
	}
	return s, nil
}
