// Command goservice is the Go service of ../../interop/goservice written against etcd's v3.5
// client (go.etcd.io/etcd/client/v3 and its naming/endpoints manager): a Go service that
// registers itself in etcd the way Go services do. One port serves grpc.health.v1.Health over gRPC and, over HTTP/1, its instance id
// ("GET /" answers the id), the way etcd serves both on one port. How it registers is
// chosen with -format:
//
//	endpoints-map     etcd's endpoints manager, Metadata a map (JSON object)
//	endpoints-string  etcd's endpoints manager, Metadata a string holding a JSON object
//	endpoints-none    etcd's endpoints manager, no Metadata (null)
//	plain             the bare "host:port" value go-kit's sd/etcdv3 and go-zero write
//	url               an "http://host:port" value, as go-kit's documentation shows
//
// The key is bound to a lease kept alive by the etcd client. The line "deregister" on
// standard input deletes the key; end of input deletes it, revokes the lease and exits.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"etcddiscovery/interop/stdin"

	"github.com/soheilhy/cmux"
	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/naming/endpoints"
	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

func main() {
	endpoint := flag.String("etcd", "http://127.0.0.1:2379", "etcd endpoint")
	target := flag.String("target", "/services/default/gosvc", "service prefix, without the trailing '/'")
	id := flag.String("id", "go-1", "instance id, the last segment of the key")
	format := flag.String("format", "endpoints-none", "how to register")
	zone := flag.String("zone", "", "zone published in Metadata (endpoints-map and endpoints-string)")
	ttl := flag.Int64("ttl", 5, "lease TTL in seconds")
	flag.Parse()

	listener, err := net.Listen("tcp", "127.0.0.1:0")
	check(err)
	mux := cmux.New(listener)
	httpListener := mux.Match(cmux.HTTP1Fast())
	grpcListener := mux.Match(cmux.Any())
	server := grpc.NewServer()
	healthpb.RegisterHealthServer(server, health.NewServer())
	go server.Serve(grpcListener)
	go http.Serve(httpListener, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, *id)
	}))
	go mux.Serve()

	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{*endpoint}, DialTimeout: 5 * time.Second})
	check(err)
	ctx := context.Background()
	lease, err := cli.Grant(ctx, *ttl)
	check(err)
	keepAlive, err := cli.KeepAlive(ctx, lease.ID)
	check(err)
	go func() {
		for range keepAlive {
		}
	}()

	key := *target + "/" + *id
	addr := listener.Addr().String()
	manager, err := endpoints.NewManager(cli, *target)
	check(err)
	switch *format {
	case "endpoints-map":
		metadata := map[string]interface{}{"status": "UP"}
		if *zone != "" {
			metadata["zone"] = *zone
		}
		err = manager.AddEndpoint(ctx, key, endpoints.Endpoint{Addr: addr, Metadata: metadata},
			clientv3.WithLease(lease.ID))
	case "endpoints-string":
		metadata := map[string]interface{}{}
		if *zone != "" {
			metadata["zone"] = *zone
		}
		text, _ := json.Marshal(metadata)
		err = manager.AddEndpoint(ctx, key, endpoints.Endpoint{Addr: addr, Metadata: string(text)},
			clientv3.WithLease(lease.ID))
	case "endpoints-none":
		err = manager.AddEndpoint(ctx, key, endpoints.Endpoint{Addr: addr}, clientv3.WithLease(lease.ID))
	case "plain":
		_, err = cli.Put(ctx, key, addr, clientv3.WithLease(lease.ID))
	case "url":
		_, err = cli.Put(ctx, key, "http://"+addr, clientv3.WithLease(lease.ID))
	default:
		err = fmt.Errorf("unknown format %q", *format)
	}
	check(err)
	fmt.Printf("registered %s %s\n", key, addr)

	for line := range stdin.Lines() {
		if line == "deregister" {
			_, err := cli.Delete(ctx, key)
			check(err)
			fmt.Println("deregistered", key)
		}
	}
	cli.Delete(ctx, key)
	cli.Revoke(ctx, lease.ID)
	server.Stop()
	cli.Close()
}

func check(err error) {
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
}
