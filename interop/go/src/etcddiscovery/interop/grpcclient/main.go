// Command grpcclient is a Go gRPC client as a Go user writes one: etcd's stock resolver
// (go.etcd.io/etcd/clientv3/naming/resolver) and a stock load-balancing policy, calling
// grpc.health.v1.Health/Check in a loop. It prints one line per call, "ok <peer address>"
// or "error <code>", and exits when its standard input closes.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"time"

	"etcddiscovery/interop/stdin"

	clientv3 "go.etcd.io/etcd/clientv3"
	"go.etcd.io/etcd/clientv3/naming/resolver"
	"google.golang.org/grpc"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
)

func main() {
	endpoint := flag.String("etcd", "http://127.0.0.1:2379", "etcd endpoint")
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
	conn, err := grpc.Dial(*target, grpc.WithResolvers(builder), grpc.WithInsecure(),
		grpc.WithDefaultServiceConfig(fmt.Sprintf(`{"loadBalancingPolicy":%q}`, *policy)))
	if err != nil {
		fmt.Fprintln(os.Stderr, "dial:", err)
		os.Exit(2)
	}
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
