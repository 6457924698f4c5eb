// Command endpointwatch follows a target with etcd's endpoints manager
// (go.etcd.io/etcd/clientv3/naming/endpoints), the code etcd's gRPC resolver runs, and
// prints what a Go resolver holds after each update: one line
// "endpoints <key>=<addr>(<Go type of Metadata>) ...", sorted by key. It exits when its
// standard input closes.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"etcddiscovery/interop/stdin"

	clientv3 "go.etcd.io/etcd/clientv3"
	"go.etcd.io/etcd/clientv3/naming/endpoints"
)

func main() {
	endpoint := flag.String("etcd", "http://127.0.0.1:2379", "etcd endpoint")
	target := flag.String("target", "/services/default/orders", "endpoints manager target")
	flag.Parse()

	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{*endpoint}, DialTimeout: 5 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, "etcd:", err)
		os.Exit(2)
	}
	manager, err := endpoints.NewManager(cli, *target)
	if err != nil {
		fmt.Fprintln(os.Stderr, "manager:", err)
		os.Exit(2)
	}
	ctx, cancel := context.WithCancel(context.Background())
	updates, err := manager.NewWatchChannel(ctx)
	if err != nil {
		fmt.Fprintln(os.Stderr, "watch:", err)
		os.Exit(2)
	}
	fmt.Println("started")
	input := stdin.Lines()
	held := map[string]endpoints.Endpoint{}
	for {
		select {
		case _, open := <-input:
			if !open {
				cancel()
				cli.Close()
				return
			}
		case ups, open := <-updates:
			if !open {
				fmt.Println("watch closed")
				updates = nil
				continue
			}
			// The same bookkeeping as etcd's resolver: a PUT adds, a DELETE removes.
			for _, up := range ups {
				switch up.Op {
				case endpoints.Add:
					held[up.Key] = up.Endpoint
				case endpoints.Delete:
					delete(held, up.Key)
				}
			}
			keys := make([]string, 0, len(held))
			for key := range held {
				keys = append(keys, key)
			}
			sort.Strings(keys)
			var line strings.Builder
			line.WriteString("endpoints")
			for _, key := range keys {
				fmt.Fprintf(&line, " %s=%s(%T)", key, held[key].Addr, held[key].Metadata)
			}
			fmt.Println(line.String())
		}
	}
}
