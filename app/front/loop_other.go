//go:build !linux

package front

import (
	"context"
	"errors"
	"net"
)

// eventLoops says whether this system has the front's event loops:
// elsewhere than on Linux, fasthttp serves every connection.
const eventLoops = false

type loops struct{}

func startLoops(*net.TCPListener, *front, Options, *tracked, func(net.Conn)) (*loops, error) {
	return nil, errors.New("no event loops on this system")
}

func (*loops) stop() {}

func (*loops) finish(context.Context) error { return nil }
