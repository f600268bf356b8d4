package related

import (
	"runtime"
	"sync"
)

// workers is how many goroutines share n items of work.
func workers(n int) int {
	return max(1, min(runtime.GOMAXPROCS(0), n))
}

// forEachParallel calls fn for i in 0..n-1 on all cores; worker, below
// workers(n), tells which goroutine runs the call so it can use its own
// scratch space.
func forEachParallel(n int, fn func(worker, i int)) {
	w := workers(n)
	if w == 1 {
		for i := range n {
			fn(0, i)
		}
		return
	}
	var wg sync.WaitGroup
	next := make(chan int, 4*w)
	for worker := range w {
		wg.Go(func() {
			for i := range next {
				fn(worker, i)
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
}
