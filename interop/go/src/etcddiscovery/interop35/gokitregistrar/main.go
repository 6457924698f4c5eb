// Command gokitregistrar registers one instance with go-kit's own etcd registrar
// (github.com/go-kit/kit/sd/etcdv3, go-kit 0.13 on etcd's v3.5 client): the key and value
// as given, on a lease that go-kit keeps alive. It prints "registered <key>" and deregisters
// when its standard input closes. Only built so far, to show that go-kit's sd/etcdv3 builds
// from Debian's packages; no test runs it yet.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"etcddiscovery/interop/stdin"

	"github.com/go-kit/kit/sd/etcdv3"
	"github.com/go-kit/log"
)

func main() {
	endpoint := flag.String("etcd", "http://127.0.0.1:2379", "etcd endpoint")
	key := flag.String("key", "/services/default/kitsvc/kit-1", "key")
	value := flag.String("value", "127.0.0.1:8080", "value, as go-kit's Service.Value")
	flag.Parse()

	logger := log.NewLogfmtLogger(os.Stderr)
	client, err := etcdv3.NewClient(context.Background(), []string{*endpoint},
		etcdv3.ClientOptions{DialTimeout: 5 * time.Second, DialKeepAlive: 3 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, "etcd:", err)
		os.Exit(2)
	}
	registrar := etcdv3.NewRegistrar(client, etcdv3.Service{Key: *key, Value: *value,
		TTL: etcdv3.NewTTLOption(time.Second, 5*time.Second)}, logger)
	registrar.Register()
	fmt.Println("registered", *key)
	for range stdin.Lines() {
	}
	registrar.Deregister()
}
