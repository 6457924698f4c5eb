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

package io.etcddiscovery.discovery;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.Client;
import io.etcddiscovery.actuate.CachedServices;
import io.etcddiscovery.actuate.CachedServices.InstanceDescriptor;
import io.etcddiscovery.actuate.CachedServices.ServiceDescriptor;
import io.etcddiscovery.cloud.EjectedInstances;
import io.etcddiscovery.cloud.EjectedInstances.EndReason;
import io.etcddiscovery.etcd.Backoff;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.KeyLayout;
import io.etcddiscovery.metrics.DiscoveryMetrics;
import io.etcddiscovery.registration.EtcdInspector;
import io.etcddiscovery.registration.EtcdRegistrationStore;
import io.etcddiscovery.registration.InstanceRegistrar;
import io.etcddiscovery.registration.RegistrationState.Phase;
import io.etcddiscovery.registration.ServiceRegistration;
import io.etcddiscovery.test.EtcdExtension;
import io.etcddiscovery.test.TcpProxy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The protection against mass removal against a real etcd, as the issue tried it: three
 * instances reach etcd through a relay, a consumer's cache reads etcd directly; the relay
 * is cut past the TTL, their leases expire, and the consumer keeps serving them for the
 * longest hold, while passive ejection skips the held ones that refuse connections;
 * instances that withdraw themselves leave the consumer at once.
 *
 * @author etcd-discovery authors
 */
@ExtendWith(OutputCaptureExtension.class)
class RemovalProtectionIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final Duration MAX_HOLD = Duration.ofSeconds(6);

	private static final String SERVICE = "orders";

	private final SimpleAsyncTaskScheduler scheduler = new SimpleAsyncTaskScheduler();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private final List<InstanceRegistrar> registrars = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		this.registrars.forEach((registrar) -> registrar.stop(Duration.ZERO));
		for (int i = this.closeables.size() - 1; i >= 0; i--) {
			this.closeables.get(i).close();
		}
		this.scheduler.close();
	}

	@Test
	void holdsInstancesCutOffFromEtcdForTheLongestHoldButNeverOnesThatWithdrawThemselves(CapturedOutput output)
			throws IOException {
		TcpProxy relay = closeable(TcpProxy.to(etcd.endpoints().get(0)));
		EtcdInspector inspector = closeable(new EtcdInspector(etcd.endpoints()));
		Client instancesClient = closeable(Client.builder().endpoints(relay.endpoint()).build());
		Client consumerClient = closeable(Client.builder().endpoints(etcd.endpoints().get(0)).build());
		ServiceCache cache = closeable(new ServiceCache(consumerClient, "/services/default/", Duration.ofSeconds(2),
				Duration.ofSeconds(5), new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), 2), Clock.systemUTC(),
				this.scheduler, new RemovalProtection(true, 0.5, Duration.ofSeconds(30), MAX_HOLD)));
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		new DiscoveryMetrics(null, null, cache).bindTo(meters);
		CachedServices endpoint = new CachedServices(cache);
		EjectedInstances ejected = closeable(
				new EjectedInstances(cache, Duration.ofMillis(200), Clock.systemUTC(), this.scheduler));
		cache.start();
		// orders-2 keeps answering during the partition; orders-1 and orders-3 died.
		ServerSocket answering = closeable(new ServerSocket(0, 50, InetAddress.getLoopbackAddress()));
		int[] ports = { freePort(), answering.getLocalPort(), freePort() };
		for (int i = 1; i <= 3; i++) {
			this.registrars.add(register(instancesClient, "orders-" + i, ports[i - 1]));
		}
		await().atMost(TIMEOUT).until(() -> cache.instances(SERVICE).size() == 3);

		// A partition between the instances and etcd, longer than their TTL.
		relay.cut();
		await().atMost(TIMEOUT).until(() -> inspector.keys("/services/").isEmpty());
		await().atMost(TIMEOUT).until(() -> cache.get(SERVICE).held().size() == 3);
		assertThat(ids(cache.upInstances(SERVICE))).containsExactly("orders-1", "orders-2", "orders-3");
		ServiceDescriptor described = (ServiceDescriptor) endpoint.describe(SERVICE);
		assertThat(described).isNotNull();
		assertThat(described.instances()).extracting(InstanceDescriptor::held).containsExactly(true, true, true);
		assertThat(described.protection()).isNotNull();
		assertThat(described.protection().instances()).containsExactly("orders-1", "orders-2", "orders-3");
		assertThat(meters.get("discovery.protection.held").gauge().value()).isEqualTo(3);
		assertThat(meters.get("discovery.protection.activations").functionCounter().count()).isOne();
		assertThat(output).contains("protection holds orders-");

		// Passive ejection skips the held instances that refuse connections.
		for (DiscoveredInstance held : cache.upInstances(SERVICE)) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress(held.host(), held.port()), 1000);
			}
			catch (IOException ex) {
				ejected.eject(SERVICE, held.instanceId(), held.host(), held.port(), ex);
			}
		}
		await().during(Duration.ofMillis(600))
			.atMost(TIMEOUT)
			.until(() -> ejected.isEjected(SERVICE, "127.0.0.1", ports[0])
					&& ejected.isEjected(SERVICE, "127.0.0.1", ports[2])
					&& !ejected.isEjected(SERVICE, "127.0.0.1", ports[1]));

		// The bound: the instances are still cut off, the hold ends on its own.
		await().atMost(MAX_HOLD.plus(TIMEOUT)).until(() -> cache.instances(SERVICE).isEmpty());
		assertThat(cache.protection().holds()).isEmpty();
		assertThat(meters.get("discovery.protection.held").gauge().value()).isZero();
		assertThat(meters.get("discovery.protection.released").functionCounter().count()).isEqualTo(3);
		await().atMost(TIMEOUT).until(ejected::isEmpty);
		assertThat(ejected.getEnded(EndReason.REMOVED)).isEqualTo(2);
		assertThat(output).contains("Protection of orders ended after")
			.contains("the longest hold, " + MAX_HOLD.toSeconds() + "s, has passed; dropped orders-1, orders-2, "
					+ "orders-3");

		// The partition heals: the instances register again, then all shut down.
		relay.restore();
		await().atMost(TIMEOUT)
			.until(() -> cache.instances(SERVICE).size() == 3 && this.registrars.stream()
				.allMatch((registrar) -> registrar.getState().phase() == Phase.REGISTERED));
		List<CompletableFuture<Void>> stopped = this.registrars.stream()
			.map((registrar) -> registrar.stopAsync(Duration.ofSeconds(1)))
			.toList();
		// Out of service at once, gone once their leases are revoked: never held.
		await().atMost(Duration.ofSeconds(3)).until(() -> cache.upInstances(SERVICE).isEmpty());
		stopped.forEach((stop) -> stop.orTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS).join());
		await().atMost(TIMEOUT).until(() -> cache.instances(SERVICE).isEmpty());
		assertThat(cache.get(SERVICE).held()).isEmpty();
		assertThat(cache.protection().activations()).isOne();
	}

	private InstanceRegistrar register(Client client, String instanceId, int port) {
		InstanceRegistrar registrar = new InstanceRegistrar(new EtcdRegistrationStore(client, Duration.ofSeconds(1)),
				new KeyLayout("/services"), Duration.ofSeconds(2),
				new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), 2), Clock.systemUTC(), this.scheduler);
		registrar.start(new ServiceRegistration("default", SERVICE, instanceId, "127.0.0.1", port, false, Map.of(),
				InstanceStatus.UP));
		return registrar;
	}

	private static int freePort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	private <T extends AutoCloseable> T closeable(T closeable) {
		this.closeables.add(closeable);
		return closeable;
	}

	private static List<String> ids(List<DiscoveredInstance> instances) {
		return instances.stream().map(DiscoveredInstance::instanceId).toList();
	}

}
