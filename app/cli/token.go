//go:build !wasm

package cli

import (
	"errors"
	"fmt"
	"math"
	"os"
	"strings"
	"unicode"
)

// What an admin token must have: enough characters, and enough of them
// different, from a wide enough alphabet, that it is not guessed.
const (
	minTokenLength = 16
	minTokenBits   = 64
)

// adminToken is the dashboard's token: the one given on the command line
// or in the environment, or the one read from file (which ps does not
// show), or none. A token too easy to guess is refused.
func adminToken(given, file string) (string, error) {
	switch {
	case given != "" && file != "":
		return "", errors.New("serve: give -admin-token or -admin-token-file, not both")
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return "", fmt.Errorf("serve: -admin-token-file: %w", err)
		}
		given = strings.TrimSpace(string(b))
		if given == "" {
			return "", fmt.Errorf("serve: -admin-token-file %s: the file is empty", file)
		}
	case given == "":
		return "", nil
	}
	if bits := tokenBits(given); len(given) < minTokenLength || bits < minTokenBits {
		return "", fmt.Errorf("serve: the admin token is too easy to guess (%d characters, about %.0f bits): give at least %d characters and about %d bits, "+
			"random, such as `openssl rand -base64 24` makes", len(given), bits, minTokenLength, minTokenBits)
	}
	return given, nil
}

// tokenBits estimates, cautiously, how many bits of chance a token holds:
// its different characters, each worth the bits of a character drawn from
// the alphabet its kinds of character span (lower case, upper case,
// digits, others). A character repeated adds nothing: sixteen a's are
// worth one a, 4.7 bits; 16 random base64 characters about 80.
func tokenBits(token string) float64 {
	var lower, upper, digit, other bool
	distinct := map[rune]bool{}
	for _, r := range token {
		distinct[r] = true
		switch {
		case r >= 'a' && r <= 'z':
			lower = true
		case r >= 'A' && r <= 'Z':
			upper = true
		case unicode.IsDigit(r):
			digit = true
		default:
			other = true
		}
	}
	alphabet := 0
	for _, kind := range []struct {
		used bool
		size int
	}{{lower, 26}, {upper, 26}, {digit, 10}, {other, 33}} {
		if kind.used {
			alphabet += kind.size
		}
	}
	if alphabet == 0 {
		return 0
	}
	return float64(len(distinct)) * math.Log2(float64(alphabet))
}
