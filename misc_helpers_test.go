package loremup_test

import (
	"io"
	"log"
	"net"
)

type netConn = net.Conn

func discardLogger() *log.Logger { return log.New(io.Discard, "", 0) }
