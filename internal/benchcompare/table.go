package main

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// printTable prints the results as Markdown and reports whether every target that could be
// checked was met.
func printTable(results []result, pairs int, haveOriginal bool) bool {
	fmt.Printf("Medians of %d alternating pairs; ratio = median of the pairs' ours/original; peak RSS from GNU time.\n\n", pairs)
	fmt.Println("| case | ours | original | ratio | target | peak RSS ours | peak RSS original | met | notes |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|")
	allMet := true
	for _, r := range results {
		c := r.c
		target := "≤ " + strconv.FormatFloat(c.target, 'f', -1, 64)
		if c.maxRSS > 0 {
			target += fmt.Sprintf(", RSS ≤ %d MiB", c.maxRSS/mib)
		}
		if r.skipped != "" {
			fmt.Printf("| %s | – | – | – | %s | – | – | skipped | %s |\n", c.title, target, r.skipped)
			continue
		}
		ours, orig, ratio := duration(median(r.ours)), "–", "–"
		met := "no original"
		notes := []string{c.note}
		if haveOriginal {
			orig = duration(median(r.orig))
			ratios := make([]float64, len(r.ours))
			for i := range r.ours {
				ratios[i] = float64(r.ours[i]) / float64(r.orig[i])
			}
			rt := median(ratios)
			ratio = formatRatio(rt)
			ok := rt <= c.target
			if c.maxRSS > 0 {
				ok = ok && r.oursRSS >= 0 && r.oursRSS <= c.maxRSS
			}
			met = "yes"
			if !ok {
				met, allMet = "**no**", false
			}
			if c.perUnit != nil {
				notes = append(notes, c.perUnit(median(r.ours), median(r.orig)))
			}
		}
		fmt.Printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
			c.title, ours, orig, ratio, target, rss(r.oursRSS), rss(r.origRSS), met, strings.Join(notes, "; "))
	}
	fmt.Println()
	return allMet
}

func median[T time.Duration | float64](values []T) T {
	s := slices.Clone(values)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func duration(d time.Duration) string {
	ms := float64(d) / float64(time.Millisecond)
	switch {
	case ms < 10:
		return fmt.Sprintf("%.2f ms", ms)
	case ms < 1000:
		return fmt.Sprintf("%.0f ms", ms)
	}
	return fmt.Sprintf("%.2f s", ms/1000)
}

func formatRatio(r float64) string {
	if r >= 0.1 {
		return fmt.Sprintf("%.2f", r)
	}
	return strconv.FormatFloat(r, 'g', 2, 64)
}

func rss(kib int64) string {
	if kib < 0 {
		return "–"
	}
	return fmt.Sprintf("%.1f MiB", float64(kib)/mib)
}
