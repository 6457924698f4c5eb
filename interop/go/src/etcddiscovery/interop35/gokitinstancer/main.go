// Command gokitinstancer prints the instances go-kit's own etcd instancer
// (github.com/go-kit/kit/sd/etcdv3, go-kit 0.13 on etcd's v3.5 client) sees under a prefix:
// one JSON line per update, {"instances":["127.0.0.1:8080",...]} (sorted), or {"error":"..."}
// when go-kit reports one. The instances are the values under the prefix, as go-kit hands them
// to an endpoint factory. It exits when its standard input closes.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"sort"
	"time"

	"etcddiscovery/interop/stdin"

	"github.com/go-kit/kit/sd"
	"github.com/go-kit/kit/sd/etcdv3"
	"github.com/go-kit/log"
)

type update struct {
	Instances []string `json:"instances"`
	Error     string   `json:"error,omitempty"`
}

func main() {
	endpoint := flag.String("etcd", "http://127.0.0.1:2379", "etcd endpoint")
	prefix := flag.String("prefix", "/services/kitsvc/", "prefix the instancer watches")
	flag.Parse()

	logger := log.NewLogfmtLogger(os.Stderr)
	client, err := etcdv3.NewClient(context.Background(), []string{*endpoint},
		etcdv3.ClientOptions{DialTimeout: 5 * time.Second, DialKeepAlive: 3 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, "etcd:", err)
		os.Exit(2)
	}
	instancer, err := etcdv3.NewInstancer(client, *prefix, logger)
	if err != nil {
		fmt.Fprintln(os.Stderr, "instancer:", err)
		os.Exit(2)
	}
	events := make(chan sd.Event, 16)
	instancer.Register(events)
	go func() {
		for event := range events {
			u := update{Instances: append([]string{}, event.Instances...)}
			sort.Strings(u.Instances)
			if event.Err != nil {
				u.Error = event.Err.Error()
			}
			line, _ := json.Marshal(u)
			fmt.Println(string(line))
		}
	}()
	for range stdin.Lines() {
	}
	instancer.Deregister(events)
	instancer.Stop()
}
