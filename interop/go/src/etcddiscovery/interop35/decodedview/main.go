// Command decodedview shows what the Go frameworks that keep their registry in etcd would make
// of the values under their prefixes, with Go's own encoding/json and the struct shapes and JSON
// tags those frameworks declare. Kitex, go-micro, Kratos and go-zero are not packaged by Debian,
// so their registries cannot be built here; the types below declare the same fields, types and
// tags as their sources (file and tag named on each), so that a value their resolver could not
// decode fails here too.
//
// Each -watch layout=prefix (repeatable) lists the prefix, then watches it. One JSON line is
// printed per key and change:
//
//	{"event":"ready","layout":"kitex","prefix":"kitex/registry-etcd/"}      after the first listing
//	{"event":"put","layout":"kitex","key":"...","ok":true,"decoded":{...}}  decoded as the framework does
//	{"event":"put","layout":"kratos","key":"...","ok":false,"error":"..."}  the decoder's error
//	{"event":"delete","layout":"kitex","key":"..."}                         the key is gone
//
// Layouts: kitex and hertz (the same instanceInfo), go-micro, kratos, go-zero (the value as the
// address its gRPC resolver dials). It exits when its standard input closes.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"etcddiscovery/interop/stdin"

	clientv3 "go.etcd.io/etcd/client/v3"
)

// kitexInstance has the fields, types and tags of kitex-contrib/registry-etcd's instanceInfo
// (common.go, v0.2.6: `json:"network"`, `json:"address"`, `json:"weight"` int,
// `json:"tags"` map[string]string), which its resolver (etcd_resolver.go, Resolve) fills with
// json.Unmarshal for every key under "kitex/registry-etcd/<svc>/". Hertz' registry
// (hertz-contrib/registry/etcd) stores the same shape under "hertz/registry-etcd/".
type kitexInstance struct {
	Network string            `json:"network"`
	Address string            `json:"address"`
	Weight  int               `json:"weight"`
	Tags    map[string]string `json:"tags"`
}

// microService and microNode have the fields, types and tags of go-micro's registry.Service
// and registry.Node (registry/registry.go, v5: Service `json:"name"`, `json:"version"`,
// `json:"metadata"` map[string]string, `json:"endpoints"` []*Endpoint, `json:"nodes"` []*Node;
// Node `json:"id"`, `json:"address"`, `json:"metadata"` map[string]string), which its etcd
// registry (registry/etcd/etcd.go, decode) fills with json.Unmarshal for every key under
// "/micro/registry/<svc>/".
type microService struct {
	Name      string            `json:"name"`
	Version   string            `json:"version"`
	Metadata  map[string]string `json:"metadata"`
	Endpoints []*microEndpoint  `json:"endpoints"`
	Nodes     []*microNode      `json:"nodes"`
}

type microNode struct {
	Metadata map[string]string `json:"metadata"`
	Id       string            `json:"id"`
	Address  string            `json:"address"`
}

// microEndpoint and microValue: go-micro's registry.Endpoint and registry.Value (same file).
type microEndpoint struct {
	Request  *microValue       `json:"request"`
	Response *microValue       `json:"response"`
	Metadata map[string]string `json:"metadata"`
	Name     string            `json:"name"`
}

type microValue struct {
	Name   string        `json:"name"`
	Type   string        `json:"type"`
	Values []*microValue `json:"values"`
}

// kratosInstance has the fields, types and tags of Kratos' registry.ServiceInstance
// (registry/registry.go, v2.9: `json:"id"`, `json:"name"`, `json:"version"`, `json:"metadata"`
// map[string]string, `json:"endpoints"` []string), which its etcd registry
// (contrib/registry/etcd/service.go, unmarshal) fills with json.Unmarshal for every key under
// "/microservices/<name>"; one error there fails the whole GetService.
type kratosInstance struct {
	ID        string            `json:"id"`
	Name      string            `json:"name"`
	Version   string            `json:"version"`
	Metadata  map[string]string `json:"metadata"`
	Endpoints []string          `json:"endpoints"`
}

type event struct {
	Event   string      `json:"event"`
	Layout  string      `json:"layout"`
	Key     string      `json:"key,omitempty"`
	Prefix  string      `json:"prefix,omitempty"`
	OK      *bool       `json:"ok,omitempty"`
	Decoded interface{} `json:"decoded,omitempty"`
	Error   string      `json:"error,omitempty"`
}

var out sync.Mutex

func emit(e event) {
	line, _ := json.Marshal(e)
	out.Lock()
	defer out.Unlock()
	fmt.Println(string(line))
}

// decode judges one value the way the layout's resolver takes it: the decoder's error, or,
// for a value Go decodes but the framework would mis-read (an instance it cannot dial, or one
// its lookup of the service in the key would not return), an error saying so.
func decode(layout, key string, value []byte) (interface{}, error) {
	service := serviceOf(key)
	switch layout {
	case "kitex", "hertz":
		var info kitexInstance
		if err := json.Unmarshal(value, &info); err != nil {
			return info, err
		}
		// Kitex' resolver turns any JSON object into an instance (an empty address
		// included, weight 0 raised to its default 10): flag what it could not dial.
		if info.Address == "" {
			return info, errors.New("empty address: Kitex would keep an instance it cannot dial")
		}
		if _, _, err := net.SplitHostPort(info.Address); err != nil {
			return info, err
		}
		if info.Network != "tcp" {
			return info, fmt.Errorf("network %q, not tcp", info.Network)
		}
		if info.Weight <= 0 {
			return info, fmt.Errorf("weight %d: Kitex would replace it with its default", info.Weight)
		}
		return info, nil
	case "go-micro":
		var micro *microService
		if err := json.Unmarshal(value, &micro); err != nil {
			return nil, err
		}
		if micro == nil || len(micro.Nodes) == 0 {
			return micro, errors.New("no node")
		}
		// go-micro's GetService(name) lists "/micro/registry/<name>/" and files every
		// value under the name it holds.
		if micro.Name != service {
			return micro, fmt.Errorf("name %q under the key of %q", micro.Name, service)
		}
		for _, node := range micro.Nodes {
			if node == nil || node.Id == "" {
				return micro, errors.New("a node without id")
			}
			if _, _, err := net.SplitHostPort(node.Address); err != nil {
				return micro, err
			}
		}
		return micro, nil
	case "kratos":
		var instance *kratosInstance
		if err := json.Unmarshal(value, &instance); err != nil {
			return nil, err
		}
		if instance == nil || len(instance.Endpoints) == 0 {
			return instance, errors.New("no endpoint")
		}
		// Kratos' GetService and watcher (contrib/registry/etcd/registry.go, watcher.go)
		// skip an instance whose name is not the service asked for.
		if instance.Name != service {
			return instance, fmt.Errorf("name %q under the key of %q", instance.Name, service)
		}
		// Kratos' clients pick an endpoint by scheme (transport/grpc and transport/http,
		// endpoint.ParseEndpoint: url.Parse, then the scheme): every endpoint must parse.
		for _, endpoint := range instance.Endpoints {
			parsed, err := url.Parse(endpoint)
			if err != nil {
				return instance, err
			}
			if parsed.Scheme == "" || parsed.Host == "" {
				return instance, fmt.Errorf("endpoint %q has no scheme://host", endpoint)
			}
		}
		return instance, nil
	case "go-zero":
		// go-zero's resolver (zrpc/resolver/internal/discovbuilder.go) gives each value to
		// gRPC as the address to dial, as it is.
		address := string(value)
		if _, _, err := net.SplitHostPort(address); err != nil {
			return address, err
		}
		return address, nil
	}
	return nil, fmt.Errorf("unknown layout %q", layout)
}

func watch(ctx context.Context, cli *clientv3.Client, layout, prefix string) {
	resp, err := cli.Get(ctx, prefix, clientv3.WithPrefix())
	check(err)
	for _, kv := range resp.Kvs {
		put(layout, string(kv.Key), kv.Value)
	}
	emit(event{Event: "ready", Layout: layout, Prefix: prefix})
	for answer := range cli.Watch(ctx, prefix, clientv3.WithPrefix(), clientv3.WithRev(resp.Header.Revision+1)) {
		check(answer.Err())
		for _, ev := range answer.Events {
			if ev.Type == clientv3.EventTypeDelete {
				emit(event{Event: "delete", Layout: layout, Key: string(ev.Kv.Key)})
			} else {
				put(layout, string(ev.Kv.Key), ev.Kv.Value)
			}
		}
	}
}

// serviceOf returns the service segment of a key "<prefix><service>/<id>".
func serviceOf(key string) string {
	parts := strings.Split(key, "/")
	if len(parts) < 2 {
		return ""
	}
	return parts[len(parts)-2]
}

func put(layout, key string, value []byte) {
	decoded, err := decode(layout, key, value)
	ok := err == nil
	e := event{Event: "put", Layout: layout, Key: key, OK: &ok, Decoded: decoded}
	if err != nil {
		e.Error = err.Error()
	}
	emit(e)
}

type watches []string

func (w *watches) String() string { return strings.Join(*w, ",") }

func (w *watches) Set(value string) error {
	if !strings.Contains(value, "=") {
		return fmt.Errorf("want layout=prefix, got %q", value)
	}
	*w = append(*w, value)
	return nil
}

func main() {
	endpoint := flag.String("etcd", "http://127.0.0.1:2379", "etcd endpoint")
	var prefixes watches
	flag.Var(&prefixes, "watch", "layout=prefix, repeatable")
	flag.Parse()

	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{*endpoint}, DialTimeout: 5 * time.Second})
	check(err)
	ctx, cancel := context.WithCancel(context.Background())
	for _, w := range prefixes {
		parts := strings.SplitN(w, "=", 2)
		go watch(ctx, cli, parts[0], parts[1])
	}
	for range stdin.Lines() {
	}
	cancel()
	cli.Close()
}

func check(err error) {
	if err != nil && !errors.Is(err, context.Canceled) {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
