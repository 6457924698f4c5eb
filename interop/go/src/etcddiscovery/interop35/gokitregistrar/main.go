// Command gokitregistrar is a Go service registered with go-kit's own etcd registrar
// (github.com/go-kit/kit/sd/etcdv3, go-kit 0.13 on etcd's v3.5 client). It serves HTTP on a
// port of its own ("GET /" answers its id) and registers the key <prefix><id> with the value
// "127.0.0.1:<port>" (-format plain) or "http://127.0.0.1:<port>" (-format url, as go-kit's
// documentation shows), on a lease that go-kit keeps alive (-ttl). It prints
// "registered <key> <host:port>". The line "deregister" on standard input deregisters it with
// go-kit's Registrar.Deregister (it prints "deregistered <key>"); end of input deregisters it
// too and exits.
package main

import (
	"context"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"etcddiscovery/interop/stdin"

	"github.com/go-kit/kit/sd/etcdv3"
	"github.com/go-kit/log"
)

func main() {
	endpoint := flag.String("etcd", "http://127.0.0.1:2379", "etcd endpoint")
	prefix := flag.String("prefix", "/services/kitsvc/", "key prefix, the id is appended")
	id := flag.String("id", "kit-1", "instance id")
	format := flag.String("format", "plain", "value: plain (host:port) or url (http://host:port)")
	ttl := flag.Duration("ttl", 5*time.Second, "lease TTL")
	flag.Parse()

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	go http.Serve(listener, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, *id)
	}))
	addr := listener.Addr().String()
	value := addr
	if *format == "url" {
		value = "http://" + addr
	}

	logger := log.NewLogfmtLogger(os.Stderr)
	client, err := etcdv3.NewClient(context.Background(), []string{*endpoint},
		etcdv3.ClientOptions{DialTimeout: 5 * time.Second, DialKeepAlive: 3 * time.Second})
	check(err)
	key := *prefix + *id
	registrar := etcdv3.NewRegistrar(client, etcdv3.Service{Key: key, Value: value,
		TTL: etcdv3.NewTTLOption(time.Second, *ttl)}, logger)
	registrar.Register()
	fmt.Println("registered", key, addr)
	registered := true
	for line := range stdin.Lines() {
		if line == "deregister" && registered {
			registrar.Deregister()
			registered = false
			fmt.Println("deregistered", key)
		}
	}
	if registered {
		registrar.Deregister()
	}
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
