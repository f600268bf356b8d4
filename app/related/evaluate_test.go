package related

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"
)

// A tiny evaluation file: two topics, three articles each, columns in an
// unusual order with an extra one, and a quoted text spanning lines.
const tinyTSV = "url\tcategory\theadline\ttext\tsource\n" +
	"/1\tsports\tUnited beat City in the derby\tUnited beat City two goals to one in the league derby; the manager praised the players and the fans.\tbbc\n" +
	"/2\tsports\tRovers reach the cup final\t\"Rovers reached the cup final after a tense match.\n\nTheir striker scored the winning goal, and the manager thanked the fans.\"\tbbc\n" +
	"/3\tsports\tClub signs a striker\tThe club signed a striker to score goals in the league; the manager and the fans welcomed the player.\tbbc\n" +
	"/4\thealth\tMeasles vaccination campaign begins\tThe health ministry started a measles vaccination campaign; doctors urged parents to vaccinate children.\tbbc\n" +
	"/5\thealth\tNew hospital opens\tA new hospital admitted its first patients; doctors and nurses will treat sick children, the health ministry said.\tbbc\n" +
	"/6\thealth\tMeasles outbreak slows\tMeasles cases fall since the vaccination campaign; hospital doctors see fewer sick children, health officials said.\tbbc\n"

func TestEvaluatePrintsBaselineThenRanker(t *testing.T) {
	var out bytes.Buffer
	if err := Evaluate(context.Background(), strings.NewReader(tinyTSV), 2, &out); err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	lines := strings.Split(strings.TrimSuffix(out.String(), "\n"), "\n")
	if len(lines) != 2 {
		t.Fatalf("Evaluate wrote %d lines, want 2:\n%s", len(lines), out.String())
	}
	if !regexp.MustCompile(`^baseline tf-idf cosine P@2 = [01]\.\d{3}$`).MatchString(lines[0]) {
		t.Errorf("first line %q, want the baseline's P@2", lines[0])
	}
	// Two clean topics: every pick should share the category.
	if lines[1] != "P@2 = 1.000" {
		t.Errorf("last line %q, want exactly \"P@2 = 1.000\"", lines[1])
	}
}

func TestEvaluateReadsFrenchFiles(t *testing.T) {
	var b strings.Builder
	b.WriteString("category\theadline\ttext\n")
	for _, a := range frenchCorpus() {
		b.WriteString(topicOf(a.Slug) + "\t" + a.Title + "\t" + a.Body[0] + "\n")
	}
	var out bytes.Buffer
	if err := Evaluate(context.Background(), strings.NewReader(b.String()), 2, &out); err != nil {
		t.Fatalf("Evaluate: %v", err)
	}
	if !strings.HasSuffix(out.String(), "\nP@2 = 1.000\n") {
		t.Errorf("Evaluate on the French corpus wrote\n%s\nwant a last line of P@2 = 1.000", out.String())
	}
}

func TestEvaluateRejectsBadInput(t *testing.T) {
	for name, tc := range map[string]struct {
		tsv string
		k   int
	}{
		"no text column": {"category\theadline\nsports\tA title\n", 6},
		"empty file":     {"", 6},
		"one article":    {"category\theadline\ttext\nsports\tA\tSome text\n", 6},
		"k of zero":      {tinyTSV, 0},
	} {
		t.Run(name, func(t *testing.T) {
			var out bytes.Buffer
			if err := Evaluate(context.Background(), strings.NewReader(tc.tsv), tc.k, &out); err == nil {
				t.Errorf("Evaluate succeeded and wrote %q, want an error", out.String())
			}
		})
	}
}

func TestEvaluateStopsWhenCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := Evaluate(ctx, strings.NewReader(tinyTSV), 2, &bytes.Buffer{}); err == nil {
		t.Error("Evaluate with a cancelled context succeeded, want an error")
	}
}

func TestReadLabelledKeepsMultiLineFieldsWhole(t *testing.T) {
	rows, err := readLabelled(strings.NewReader(tinyTSV))
	if err != nil {
		t.Fatalf("readLabelled: %v", err)
	}
	if len(rows) != 6 {
		t.Fatalf("read %d rows, want 6", len(rows))
	}
	if r := rows[1]; r.category != "sports" || r.headline != "Rovers reach the cup final" || !strings.Contains(r.text, "match.\n\nTheir striker") {
		t.Errorf("row 2 = %+v, want the quoted text with its blank line", r)
	}
}
