// Package stdin ends a test program when the test that started it goes away: the test
// keeps the program's standard input open and closes it (or dies) to stop it.
package stdin

import (
	"bufio"
	"os"
)

// Lines returns the lines written to standard input; the channel closes at end of input.
func Lines() <-chan string {
	lines := make(chan string)
	go func() {
		defer close(lines)
		scanner := bufio.NewScanner(os.Stdin)
		for scanner.Scan() {
			lines <- scanner.Text()
		}
	}()
	return lines
}
