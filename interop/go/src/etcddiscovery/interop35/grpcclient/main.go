// Command grpcclient is the Go gRPC client of ../../interop/grpcclient written against etcd's
// v3.5 client, as a Go user writes one today: etcd's stock resolver
// (go.etcd.io/etcd/client/v3/naming/resolver), grpc.NewClient and a stock load-balancing
// policy, calling grpc.health.v1.Health/Check in a loop. It prints one line per call,
// "ok <peer address>" or "error <code>", and exits when its standard input closes.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"etcddiscovery/interop/stdin"

	clientv3 "go.etcd.io/etcd/client/v3"
	"go.etcd.io/etcd/client/v3/naming/resolver"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
)

func main() {
	endpoint := flag.String("etcd", "http://127.0.0.1:2379", "etcd endpoint")
	// Four slashes: the resolver strips one '/' from the target's path, and the keys start with '/'.
	target := flag.String("target", "etcd:////services/default/orders", "gRPC target")
	policy := flag.String("policy", "round_robin", "load-balancing policy")
	interval := flag.Duration("interval", 20*time.Millisecond, "time between calls")
	flag.Parse()

	cli, err := clientv3.New(clientv3.Config{Endpoints: []string{*endpoint}, DialTimeout: 5 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, "etcd:", err)
		os.Exit(2)
	}
	builder, err := resolver.NewBuilder(cli)
	if err != nil {
		fmt.Fprintln(os.Stderr, "resolver:", err)
		os.Exit(2)
	}
	conn, err := grpc.NewClient(*target, grpc.WithResolvers(builder),
		grpc.WithTransportCredentials(insecure.NewCredentials()),
		grpc.WithDefaultServiceConfig(fmt.Sprintf(`{"loadBalancingPolicy":%q}`, *policy)))
	if err != nil {
		fmt.Fprintln(os.Stderr, "client:", err)
		os.Exit(2)
	}
	// grpc.NewClient starts idle: connect now, so that the first calls find the instances.
	conn.Connect()
	health := healthpb.NewHealthClient(conn)
	fmt.Println("started")

	input := stdin.Lines()
	for {
		select {
		case _, open := <-input:
			if !open {
				conn.Close()
				cli.Close()
				return
			}
		case <-time.After(*interval):
		}
		var p peer.Peer
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_, err := health.Check(ctx, &healthpb.HealthCheckRequest{}, grpc.Peer(&p))
		cancel()
		if err != nil {
			fmt.Println("error", status.Code(err))
		} else {
			fmt.Println("ok", p.Addr)
		}
	}
}
