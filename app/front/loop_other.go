//go:build !linux

package front

import (
	"errors"
	"net"
)

// eventLoops says whether this system has the front's event loops:
// elsewhere than on Linux, fasthttp serves every connection.
const eventLoops = false

type loops struct{}

func startLoops(*net.TCPListener, *front, Options, func(net.Conn)) (*loops, error) {
	return nil, errors.New("no event loops on this system")
}

func (*loops) stop() {}
