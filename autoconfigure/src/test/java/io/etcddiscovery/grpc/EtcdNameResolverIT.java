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

package io.etcddiscovery.grpc;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import ch.qos.logback.classic.Level;
import io.etcd.jetcd.Client;
import io.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.etcd.Backoff;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.NamingFormat;
import io.etcddiscovery.registration.EtcdInspector;
import io.etcddiscovery.registration.ServiceRegistration;
import io.etcddiscovery.test.EtcdExtension;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.NameResolver.ResolutionResult;
import io.grpc.NameResolverRegistry;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * The gRPC name resolver of {@code discovery:///<service>} against a real etcd.
 *
 * @author etcd-discovery authors
 */
class EtcdNameResolverIT {

	private static final SimpleAsyncTaskScheduler SCHEDULER = new SimpleAsyncTaskScheduler();

	@AfterAll
	static void closeScheduler() {
		SCHEDULER.close();
	}

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final ExecutorService offload = Executors.newFixedThreadPool(2);

	private EtcdInspector inspector;

	private Client client;

	private ServiceCache cache;

	private EtcdNameResolverProvider provider;

	@BeforeAll
	static void quietLogs() {
		((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
			.setLevel(Level.INFO);
	}

	@BeforeEach
	void setUp() {
		etcd.deleteAllKeys();
		this.inspector = new EtcdInspector(etcd.endpoints());
		this.client = Client.builder().endpoints(etcd.endpoint()).waitForReady(false).build();
		this.cache = new ServiceCache(this.client, "/services/default/", Duration.ofSeconds(2), Duration.ofSeconds(5),
				new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), 2), Clock.systemUTC(), SCHEDULER);
		this.cache.start();
		this.provider = new EtcdNameResolverProvider(new EtcdDiscoveryClient(this.cache, true));
	}

	@AfterEach
	void tearDown() {
		this.cache.close();
		this.client.close();
		this.inspector.close();
		this.offload.shutdownNow();
	}

	@Test
	void reportsTheAddressesOfUpInstancesAndFollowsChanges() {
		register("o1", 8081, InstanceStatus.UP);
		register("o2", 8082, InstanceStatus.DOWN);
		register("o3", 8083, InstanceStatus.UP);
		NameResolver resolver = this.provider.newNameResolver(URI.create("discovery:///orders"), args());
		assertThat(resolver.getServiceAuthority()).isEqualTo("orders");
		RecordingListener listener = new RecordingListener();
		resolver.start(listener);
		try {
			await().atMost(TIMEOUT).until(() -> listener.ports().equals(List.of(8081, 8083)));
			register("o2", 8082, InstanceStatus.UP);
			await().atMost(TIMEOUT).until(() -> listener.ports().equals(List.of(8081, 8082, 8083)));
			this.inspector.delete("/services/default/orders/o1");
			this.inspector.delete("/services/default/orders/o3");
			await().atMost(TIMEOUT).until(() -> listener.ports().equals(List.of(8082)));
			this.inspector.delete("/services/default/orders/o2");
			await().atMost(TIMEOUT).until(() -> listener.lastError() != null);
			assertThat(listener.lastError().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
			assertThat(listener.lastError().getDescription()).contains("orders");
		}
		finally {
			resolver.shutdown();
		}
	}

	@Test
	void leavesOutDrainedInstances() {
		register("o1", 8081, InstanceStatus.UP);
		register("o2", 8082, InstanceStatus.UP, Map.of("weight", "0"));
		NameResolver resolver = this.provider.newNameResolver(URI.create("discovery:///orders"), args());
		RecordingListener listener = new RecordingListener();
		resolver.start(listener);
		try {
			await().atMost(TIMEOUT).until(() -> listener.ports().equals(List.of(8081)));
			register("o2", 8082, InstanceStatus.UP, Map.of("weight", "3"));
			await().atMost(TIMEOUT).until(() -> listener.ports().equals(List.of(8081, 8082)));
			register("o1", 8081, InstanceStatus.UP, Map.of("weight", "0"));
			register("o2", 8082, InstanceStatus.UP, Map.of("weight", "0"));
			await().atMost(TIMEOUT).until(() -> listener.lastError() != null);
			assertThat(listener.lastError().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
			assertThat(listener.lastError().getDescription()).contains("orders").contains("drained");
		}
		finally {
			resolver.shutdown();
		}
	}

	@Test
	void stopsReportingAfterShutdown() {
		register("o1", 8081, InstanceStatus.UP);
		NameResolver resolver = this.provider.newNameResolver(URI.create("discovery:///orders"), args());
		RecordingListener listener = new RecordingListener();
		resolver.start(listener);
		await().atMost(TIMEOUT).until(() -> listener.ports().equals(List.of(8081)));
		resolver.shutdown();
		register("o2", 8082, InstanceStatus.UP);
		NameResolver other = this.provider.newNameResolver(URI.create("discovery:///orders"), args());
		RecordingListener otherListener = new RecordingListener();
		other.start(otherListener);
		await().atMost(TIMEOUT).until(() -> otherListener.ports().equals(List.of(8081, 8082)));
		other.shutdown();
		assertThat(listener.ports()).containsExactly(8081);
	}

	@Test
	void isFoundInARegistryByItsScheme() {
		NameResolverRegistry registry = new NameResolverRegistry();
		registry.register(this.provider);
		assertThat(registry.getProviderForScheme("discovery")).isSameAs(this.provider);
		assertThat(this.provider.newNameResolver(URI.create("dns:///orders"), args())).isNull();
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.provider.newNameResolver(URI.create("discovery://other/orders"), args()));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> this.provider.newNameResolver(URI.create("discovery:///orders/x"), args()));
	}

	private NameResolver.Args args() {
		return NameResolver.Args.newBuilder()
			.setDefaultPort(443)
			.setProxyDetector((address) -> null)
			.setSynchronizationContext(new SynchronizationContext((thread, ex) -> {
				throw new AssertionError(ex);
			}))
			.setServiceConfigParser(new NameResolver.ServiceConfigParser() {

				@Override
				public NameResolver.ConfigOrError parseServiceConfig(Map<String, ?> rawServiceConfig) {
					return NameResolver.ConfigOrError.fromConfig(rawServiceConfig);
				}

			})
			.setOffloadExecutor(this.offload)
			.build();
	}

	private void register(String instanceId, int port, InstanceStatus status) {
		register(instanceId, port, status, Map.of());
	}

	private void register(String instanceId, int port, InstanceStatus status, Map<String, String> metadata) {
		byte[] value = new NamingFormat().encode(
				new ServiceRegistration("default", "orders", instanceId, "127.0.0.1", port, false, metadata, status),
				Instant.now());
		this.inspector.put("/services/default/orders/" + instanceId, new String(value, StandardCharsets.UTF_8), 0);
	}

	/**
	 * Records what a resolver reports.
	 */
	static final class RecordingListener extends NameResolver.Listener2 {

		private final List<ResolutionResult> results = new CopyOnWriteArrayList<>();

		@Override
		public void onResult(ResolutionResult result) {
			this.results.add(result);
		}

		@Override
		public void onError(Status error) {
			throw new AssertionError("Errors are reported in results: " + error);
		}

		List<Integer> ports() {
			if (this.results.isEmpty() || !last().getAddressesOrError().hasValue()) {
				return List.of();
			}
			return last().getAddressesOrError()
				.getValue()
				.stream()
				.map(EquivalentAddressGroup::getAddresses)
				.flatMap(List::stream)
				.map((address) -> ((InetSocketAddress) address).getPort())
				.toList();
		}

		Status lastError() {
			if (this.results.isEmpty() || last().getAddressesOrError().hasValue()) {
				return null;
			}
			return last().getAddressesOrError().getStatus();
		}

		private ResolutionResult last() {
			return this.results.get(this.results.size() - 1);
		}

	}

}
