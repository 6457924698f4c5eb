// Command plainclient is a Go client written against etcd's v3.5 client by hand, the way the
// project's design material shows: it lists and watches one prefix (e.g. "/services/payment/")
// and takes every value under it as an address to call. It prints the set of addresses after the
// first listing and after every change, one JSON line each: {"addresses":["127.0.0.1:8080"]}
// (sorted). With -call, it also calls each address over HTTP ("GET http://<address>/") and
// prints {"called":"<address>","status":200} or {"called":"<address>","error":"..."}. It exits
// when its standard input closes.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"time"

	"etcddiscovery/interop/stdin"

	clientv3 "go.etcd.io/etcd/client/v3"
)

type addresses struct {
	Addresses []string `json:"addresses"`
}

type call struct {
	Called string `json:"called"`
	Status int    `json:"status,omitempty"`
	Body   string `json:"body,omitempty"`
	Error  string `json:"error,omitempty"`
}

func main() {
	endpoint := flag.String("etcd", "http://127.0.0.1:2379", "etcd endpoint")
	prefix := flag.String("prefix", "/services/payment/", "prefix whose values are addresses")
	callThem := flag.Bool("call", false, "call every address over HTTP after each change")
	flag.Parse()

	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{*endpoint}, DialTimeout: 5 * time.Second})
	check(err)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		seen := map[string]string{}
		resp, err := cli.Get(ctx, *prefix, clientv3.WithPrefix())
		check(err)
		for _, kv := range resp.Kvs {
			seen[string(kv.Key)] = string(kv.Value)
		}
		report(seen, *callThem)
		for answer := range cli.Watch(ctx, *prefix, clientv3.WithPrefix(), clientv3.WithRev(resp.Header.Revision+1)) {
			if answer.Err() != nil {
				check(answer.Err())
			}
			for _, ev := range answer.Events {
				if ev.Type == clientv3.EventTypeDelete {
					delete(seen, string(ev.Kv.Key))
				} else {
					seen[string(ev.Kv.Key)] = string(ev.Kv.Value)
				}
			}
			report(seen, *callThem)
		}
	}()
	for range stdin.Lines() {
	}
	cancel()
	cli.Close()
}

func report(seen map[string]string, callThem bool) {
	set := addresses{Addresses: []string{}}
	for _, address := range seen {
		set.Addresses = append(set.Addresses, address)
	}
	sort.Strings(set.Addresses)
	printJSON(set)
	if !callThem {
		return
	}
	client := http.Client{Timeout: 2 * time.Second}
	for _, address := range set.Addresses {
		c := call{Called: address}
		resp, err := client.Get("http://" + address + "/")
		if err != nil {
			c.Error = err.Error()
		} else {
			body, _ := io.ReadAll(io.LimitReader(resp.Body, 200))
			resp.Body.Close()
			c.Status = resp.StatusCode
			c.Body = string(body)
		}
		printJSON(c)
	}
}

func printJSON(v interface{}) {
	line, _ := json.Marshal(v)
	fmt.Println(string(line))
}

func check(err error) {
	if err != nil && err != context.Canceled {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
