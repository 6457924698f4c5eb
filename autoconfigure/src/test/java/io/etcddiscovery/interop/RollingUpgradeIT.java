/*
 * Copyright 2026 the etcd-discovery authors.
 *
 * Licensed under the Apache License, Version 2.0 (the "License");
 * you may not use this file except in compliance with the License.
 * You may obtain a copy of the License at
 *
 *      https://www.apache.org/licenses/LICENSE-2.0
 *
 * Unless required by applicable law or agreed to in writing, software
 * distributed under the License is distributed on an "AS IS" BASIS,
 * WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
 * See the License for the specific language governing permissions and
 * limitations under the License.
 */

package io.etcddiscovery.interop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.etcd.jetcd.Client;
import io.etcddiscovery.discovery.DiscoveredInstance;
import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.registration.EtcdInspector;
import io.etcddiscovery.test.EtcdExtension;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A fleet half way through an upgrade: instances of the earlier version (the instance
 * record in {@code Metadata}, every status under the instance key) next to upgraded ones
 * ({@code Metadata} null, the record in {@code Instance}, parked while not UP). Spring
 * clients read both; Go's endpoints manager and grpc-go's {@code pick_first} follow both;
 * grpc-go's {@code round_robin} crashes on the earlier layout, as it always did, and
 * works once the last earlier instance is gone. Go programs of {@link GoStack#DEBIAN_12}
 * (etcd's client 3.4, grpc-go 1.33).
 *
 * @author etcd-discovery authors
 */
class RollingUpgradeIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final Duration TIMEOUT = Fleet.TIMEOUT;

	private static final List<HealthServer> servers = new ArrayList<>();

	private static Client client;

	private static EtcdInspector inspector;

	private static ServiceCache cache;

	private Fleet fleet;

	@BeforeAll
	static void start() {
		GoStack.DEBIAN_12.binary("grpcclient");
		for (int i = 0; i < 4; i++) {
			servers.add(HealthServer.start());
		}
		client = Client.builder().endpoints(etcd.endpoints().toArray(String[]::new)).build();
		inspector = new EtcdInspector(etcd.endpoints());
		cache = Fleet.cache(client);
	}

	@AfterAll
	static void stop() {
		cache.close();
		inspector.close();
		client.close();
		servers.forEach(HealthServer::close);
	}

	@BeforeEach
	void emptyEtcd() {
		etcd.deleteAllKeys();
		this.fleet = new Fleet(client, etcd.endpoint());
	}

	@AfterEach
	void stopAll() {
		this.fleet.close();
	}

	@Test
	void everyReaderSeesEveryInstanceOfBothLayouts() {
		putEarlierLayout("old-up", servers.get(0), InstanceStatus.UP);
		putEarlierLayout("old-down", servers.get(1), InstanceStatus.DOWN);
		this.fleet.register("new-up", servers.get(2), InstanceStatus.UP);
		this.fleet.register("new-down", servers.get(3), InstanceStatus.DOWN);

		await().atMost(TIMEOUT).until(() -> cache.instances("orders").size() == 4);
		assertThat(cache.instances("orders"))
			.extracting(DiscoveredInstance::instanceId, DiscoveredInstance::status, DiscoveredInstance::metadata)
			.containsExactly(Tuple.tuple("new-down", InstanceStatus.DOWN, Map.of("zone", "eu-1")),
					Tuple.tuple("new-up", InstanceStatus.UP, Map.of("zone", "eu-1")),
					Tuple.tuple("old-down", InstanceStatus.DOWN, Map.of("zone", "eu-1")),
					Tuple.tuple("old-up", InstanceStatus.UP, Map.of("zone", "eu-1")));
		assertThat(cache.upInstances("orders")).extracting(DiscoveredInstance::instanceId)
			.containsExactly("new-up", "old-up");

		// What a Go resolver holds: every key under its prefix. The earlier version kept
		// a
		// DOWN instance there, as Go clients always saw it; an upgraded one is parked.
		InteropProcess watch = this.fleet.start(GoStack.DEBIAN_12.binary("endpointwatch"), "-etcd", etcd.endpoint(),
				"-target", "/services/default/orders");
		await().atMost(TIMEOUT).until(() -> {
			watch.assertAlive();
			return ("endpoints /services/default/orders/new-up=" + servers.get(2).address() + "(<nil>)"
					+ " /services/default/orders/old-down=" + servers.get(1).address() + "(map[string]interface {})"
					+ " /services/default/orders/old-up=" + servers.get(0).address() + "(map[string]interface {})")
				.equals(watch.lastLine("endpoints"));
		});

		InteropProcess pickFirst = this.fleet.grpcClient(GoStack.DEBIAN_12, "pick_first");
		await().atMost(TIMEOUT).until(() -> {
			pickFirst.assertAlive();
			return pickFirst.calls() >= 20
					&& pickFirst.lastCalls(20).stream().noneMatch((call) -> call.startsWith("error"));
		});
		pickFirst.assertAlive();
	}

	@Test
	void roundRobinCrashesOnTheEarlierLayoutAndWorksOnceTheLastEarlierInstanceIsUpgraded() {
		putEarlierLayout("orders-1", servers.get(0), InstanceStatus.UP);
		this.fleet.register("orders-2", servers.get(1), InstanceStatus.UP);
		InteropProcess crashing = this.fleet.start(GoStack.DEBIAN_12.binary("grpcclient"), "-etcd", etcd.endpoint(),
				"-target", Fleet.GO_TARGET, "-policy", "round_robin");
		assertThat(crashing.awaitExit(TIMEOUT)).isNotZero();
		assertThat(crashing.stderr()).contains("panic: runtime error: hash of unhashable type map[string]interface {}");

		// orders-1 is upgraded: it stops, and comes back registered by this version.
		inspector.delete("/services/default/orders/orders-1");
		this.fleet.register("orders-1", servers.get(0), InstanceStatus.UP);
		InteropProcess go = this.fleet.grpcClient(GoStack.DEBIAN_12, "round_robin");
		GoGrpcClientIT.awaitCallsReach(go, servers.get(0), servers.get(1));
		go.assertAlive();
	}

	// The value the earlier version of this library wrote, byte for byte.
	private static void putEarlierLayout(String id, HealthServer server, InstanceStatus status) {
		String value = ("{\"Op\":0,\"Addr\":\"127.0.0.1:%d\",\"Metadata\":{\"service\":\"orders\",\"instanceId\":\"%s\","
				+ "\"namespace\":\"default\",\"host\":\"127.0.0.1\",\"port\":%d,\"secure\":false,\"status\":\"%s\","
				+ "\"metadata\":{\"zone\":\"eu-1\"},\"registeredAt\":\"2026-11-23T18:58:59.855Z\"}}")
			.formatted(server.port(), id, server.port(), status.name());
		inspector.put("/services/default/orders/" + id, value, inspector.grant(60));
	}

}
