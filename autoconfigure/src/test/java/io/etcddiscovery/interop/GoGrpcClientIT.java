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
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import io.etcd.jetcd.Client;
import io.etcddiscovery.actuate.DiscoveryEndpoint;
import io.etcddiscovery.actuate.DiscoveryEndpoint.InstanceDescriptor;
import io.etcddiscovery.discovery.DiscoveredInstance;
import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.registration.InstanceRegistrar;
import io.etcddiscovery.test.EtcdExtension;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Go gRPC client as Go users write one (etcd's stock resolver, grpc-go's
 * {@code round_robin} and {@code pick_first}, built from Debian's sources) calls
 * instances registered by this library's registrar, follows them as they come, go and
 * change status, and never calls one that is not UP; an application whose health turns
 * DOWN loses its Go traffic within a heartbeat while Spring clients, the discovery
 * endpoint and the metrics still see it, DOWN. Each test runs on every {@link GoStack}:
 * etcd's client 3.4 with grpc-go 1.33 and etcd's client 3.5 with grpc-go 1.64.
 *
 * @author etcd-discovery authors
 */
class GoGrpcClientIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final Duration TIMEOUT = Fleet.TIMEOUT;

	private static final List<HealthServer> servers = new ArrayList<>();

	private static final AtomicReference<Status> health = new AtomicReference<>(Status.UP);

	private static Client client;

	private static ServiceCache cache;

	private Fleet fleet;

	@BeforeAll
	static void startServers() {
		for (GoStack stack : GoStack.values()) {
			stack.binary("grpcclient");
		}
		for (int i = 0; i < 3; i++) {
			servers.add(HealthServer.start());
		}
		client = Client.builder().endpoints(etcd.endpoints().toArray(String[]::new)).build();
		cache = Fleet.cache(client);
	}

	@AfterAll
	static void stopServers() {
		cache.close();
		client.close();
		servers.forEach(HealthServer::close);
	}

	@BeforeEach
	void emptyEtcd() {
		etcd.deleteAllKeys();
		this.fleet = new Fleet(client, etcd.endpoint());
	}

	@AfterEach
	void stop() {
		this.fleet.close();
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource
	void roundRobinCallsEveryUpInstanceAndNoneThatIsNot(GoStack stack) {
		InstanceRegistrar o1 = this.fleet.register("o1", servers.get(0), InstanceStatus.UP);
		InstanceRegistrar o2 = this.fleet.register("o2", servers.get(1), InstanceStatus.UP);
		InteropProcess go = this.fleet.grpcClient(stack, "round_robin");
		awaitCallsReach(go, servers.get(0), servers.get(1));
		InstanceRegistrar o3 = this.fleet.register("o3", servers.get(2), InstanceStatus.UP);
		awaitCallsReach(go, servers.get(0), servers.get(1), servers.get(2));

		o2.setStatus(InstanceStatus.DOWN);
		awaitCallsReach(go, servers.get(0), servers.get(2));
		assertNoCallReaches(go, servers.get(1));
		// Spring clients still see it, with its status.
		await().atMost(TIMEOUT).until(() -> status("o2") == InstanceStatus.DOWN);

		o2.setStatus(InstanceStatus.UP);
		awaitCallsReach(go, servers.get(0), servers.get(1), servers.get(2));
		o3.setStatus(InstanceStatus.OUT_OF_SERVICE);
		o1.stop(Duration.ZERO);
		awaitCallsReach(go, servers.get(1));
		assertNoCallReaches(go, servers.get(0), servers.get(2));
		assertThat(cache.instances("orders")).extracting(DiscoveredInstance::instanceId).containsExactly("o2", "o3");
		go.assertAlive();
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource
	void pickFirstMovesOffAnInstanceThatIsNoLongerUp(GoStack stack) {
		Map<String, InstanceRegistrar> byAddress = Map.of(servers.get(0).address(),
				this.fleet.register("o1", servers.get(0), InstanceStatus.UP), servers.get(1).address(),
				this.fleet.register("o2", servers.get(1), InstanceStatus.UP));
		InteropProcess go = this.fleet.grpcClient(stack, "pick_first");
		await().atMost(TIMEOUT).until(() -> {
			go.assertAlive();
			Set<String> peers = go.lastPeers(20);
			return go.calls() >= 20 && peers.size() == 1 && byAddress.containsKey(peers.iterator().next());
		});
		String first = go.lastPeers(1).iterator().next();
		String other = byAddress.keySet()
			.stream()
			.filter((address) -> !address.equals(first))
			.findFirst()
			.orElseThrow();
		byAddress.get(first).setStatus(InstanceStatus.DOWN);
		await().atMost(TIMEOUT).until(() -> {
			go.assertAlive();
			return go.lastPeers(20).equals(Set.of(other));
		});
		byAddress.get(first).setStatus(InstanceStatus.UP);
		byAddress.get(other).stop(Duration.ZERO);
		await().atMost(TIMEOUT).until(() -> {
			go.assertAlive();
			return go.lastPeers(20).equals(Set.of(first));
		});
	}

	@ParameterizedTest(name = "{0}")
	@EnumSource
	void goClientsStopCallingAnInstanceWithinAHeartbeatOfItTurningDownWhileSpringStillSeesIt(GoStack stack) {
		this.fleet.register("o1", servers.get(0), InstanceStatus.UP);
		HealthServer springServer = servers.get(1);
		health.set(Status.UP);
		try (ConfigurableApplicationContext context = new SpringApplicationBuilder(App.class)
			.web(WebApplicationType.NONE)
			.properties("spring.application.name=orders", "discovery.instance-id=orders-spring",
					"discovery.etcd.endpoints=" + etcd.endpoint(), "discovery.host=127.0.0.1",
					"discovery.port=" + springServer.port(), "discovery.ttl=3s", "discovery.shutdown.drain-delay=0s",
					"spring.jmx.enabled=true", "management.endpoints.jmx.exposure.include=discovery",
					"spring.main.banner-mode=off")
			.run()) {
			InteropProcess go = this.fleet.grpcClient(stack, "round_robin");
			awaitCallsReach(go, servers.get(0), springServer);
			long downAt = System.nanoTime();
			health.set(Status.DOWN);
			// One heartbeat is ttl/3 = 1s.
			awaitCallsReach(go, servers.get(0));
			Duration stopped = Duration.ofNanos(System.nanoTime() - downAt);
			System.out.println(stack + ": Go stopped calling the DOWN instance " + stopped.toMillis()
					+ "ms after its health turned DOWN (heartbeat interval 1000ms)");
			assertNoCallReaches(go, springServer);

			ServiceCache springCache = context.getBean(ServiceCache.class);
			await().atMost(TIMEOUT)
				.untilAsserted(() -> assertThat(springCache.instances("orders"))
					.filteredOn((instance) -> instance.instanceId().equals("orders-spring"))
					.singleElement()
					.satisfies((instance) -> assertThat(instance.status()).isEqualTo(InstanceStatus.DOWN)));
			InstanceDescriptor instance = context.getBean(DiscoveryEndpoint.class).discovery().instance();
			assertThat(instance.status()).isEqualTo(InstanceStatus.DOWN);
			assertThat(instance.key()).isEqualTo("/services/default/~parked/orders/orders-spring");
			MeterRegistry meters = context.getBean(MeterRegistry.class);
			await().atMost(TIMEOUT)
				.until(() -> meters.find("discovery.instances")
					.tags("service", "orders", "status", "DOWN")
					.gauge() != null
						&& meters.get("discovery.instances")
							.tags("service", "orders", "status", "DOWN")
							.gauge()
							.value() == 1);
			assertThat(meters.get("discovery.registration.status").tag("status", "DOWN").gauge().value()).isEqualTo(1);

			health.set(Status.UP);
			awaitCallsReach(go, servers.get(0), springServer);
			go.assertAlive();
		}
	}

	private static InstanceStatus status(String id) {
		return cache.instances("orders")
			.stream()
			.filter((instance) -> instance.instanceId().equals(id))
			.map(DiscoveredInstance::status)
			.findFirst()
			.orElse(null);
	}

	// Round robin: the last calls reach exactly these servers.
	static void awaitCallsReach(InteropProcess go, HealthServer... expected) {
		Set<String> addresses = addresses(expected);
		await().atMost(TIMEOUT).until(() -> {
			go.assertAlive();
			return go.lastPeers(10 * expected.length).equals(addresses);
		});
	}

	// Once the client has left them, the next calls do not come back to them.
	static void assertNoCallReaches(InteropProcess go, HealthServer... left) {
		int from = go.calls();
		await().atMost(TIMEOUT).until(() -> go.calls() >= from + 50);
		assertThat(go.lastCalls(go.calls() - from)).doesNotContainAnyElementsOf(addresses(left));
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class App {

		@Bean
		HealthIndicator toggleHealthIndicator() {
			return () -> Health.status(health.get()).build();
		}

	}

	private static Set<String> addresses(HealthServer... servers) {
		Set<String> addresses = new java.util.LinkedHashSet<>();
		for (HealthServer server : servers) {
			addresses.add(server.address());
		}
		return addresses;
	}

}
