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
package io.etcddiscovery.cloud;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import ch.qos.logback.classic.Level;
import io.etcd.jetcd.Client;
import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.etcd.Backoff;
import io.etcddiscovery.registration.EtcdInspector;
import io.etcddiscovery.test.EtcdExtension;
import io.etcddiscovery.test.FaultySockets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link EjectedInstances} and {@link EjectionAwareServiceInstanceListSupplier} against a
 * real etcd and real sockets: an instance that refused a connection is ejected once,
 * skipped, and its ejection ends when it accepts connections again or etcd removes it.
 *
 * @author etcd-discovery authors
 */
@ExtendWith(OutputCaptureExtension.class)
class EjectedInstancesIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String PREFIX = "/services/default/";

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private final FaultySockets sockets = new FaultySockets();

	private EtcdInspector inspector;

	private ServiceCache cache;

	private EjectedInstances ejected;

	@BeforeAll
	static void quietLogs() {
		((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
			.setLevel(Level.INFO);
	}

	@BeforeEach
	void setUp() {
		etcd.deleteAllKeys();
		this.inspector = new EtcdInspector(etcd.endpoints());
		Client client = Client.builder().endpoints(etcd.endpoint()).waitForReady(false).build();
		SimpleAsyncTaskScheduler scheduler = new SimpleAsyncTaskScheduler();
		this.cache = new ServiceCache(client, PREFIX, Duration.ofSeconds(2), Duration.ofSeconds(5),
				new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), 2), Clock.systemUTC(), scheduler);
		this.closeables.add(client);
		this.closeables.add(scheduler);
		this.closeables.add(this.cache);
		this.cache.start();
		this.ejected = new EjectedInstances(this.cache, Duration.ofMillis(100), Clock.systemUTC(), scheduler);
		this.closeables.add(this.ejected);
	}

	@AfterEach
	void tearDown() throws Exception {
		Collections.reverse(this.closeables);
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
		this.sockets.close();
		this.inspector.close();
	}

	@Test
	void ejectedOnceAndBackWhenItAcceptsConnectionsAgain(CapturedOutput output) throws Exception {
		int port = this.sockets.refusingPort();
		register("orders", "o1", port);
		AtomicInteger changes = new AtomicInteger();
		this.ejected.onChange(changes::incrementAndGet);
		assertThat(this.ejected.eject("orders", "o1", "127.0.0.1", port, new ConnectException("Connection refused")))
			.isTrue();
		assertThat(this.ejected.eject("orders", "o1", "127.0.0.1", port, new ConnectException("Connection refused")))
			.isFalse();
		assertThat(this.ejected.isEjected("orders", "127.0.0.1", port)).isTrue();
		assertThat(this.ejected.isEjected("billing", "127.0.0.1", port)).isFalse();
		assertThat(this.ejected.getEjectedCount()).isEqualTo(1);
		assertThat(this.ejected.getEjections()).isEqualTo(1);
		assertThat(output).contains("Ejected 127.0.0.1:" + port
				+ " (orders, instance o1) from load balancing: ConnectException: Connection refused. Skipped by every load balancer of this application until it accepts connections again or etcd removes it");
		// Probed every 100 ms; each refused probe counts.
		await().atMost(TIMEOUT).until(() -> this.ejected.describe().ejected().get(0).failedProbes() >= 2);
		EjectedInstances.EjectedInstanceDescriptor descriptor = this.ejected.describe().ejected().get(0);
		assertThat(descriptor.address()).isEqualTo("127.0.0.1:" + port);
		assertThat(descriptor.instanceId()).isEqualTo("o1");
		assertThat(descriptor.inEtcd()).isTrue();
		assertThat(descriptor.cause()).isEqualTo("ConnectException: Connection refused");
		assertThat(descriptor.lastProbeAt()).isAfterOrEqualTo(descriptor.since());
		try (ServerSocket listening = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
			await().atMost(TIMEOUT).until(() -> !this.ejected.isEjected("orders", "127.0.0.1", port));
		}
		assertThat(this.ejected.getEnded(EjectedInstances.EndReason.ANSWERED)).isEqualTo(1);
		assertThat(this.ejected.getEnded(EjectedInstances.EndReason.REMOVED)).isZero();
		assertThat(this.ejected.describe().ejectionsEnded()).containsEntry("answered", 1L).containsEntry("removed", 0L);
		assertThat(this.ejected.getEjectedCount()).isZero();
		assertThat(changes).hasValue(2);
		assertThat(output).containsPattern("127\\.0\\.0\\.1:" + port
				+ " \\(orders, instance o1\\) is back in load balancing: it accepts connections again \\(ejected for \\d+m?s\\)");
	}

	@Test
	void ejectionEndsWhenEtcdRemovesTheInstance(CapturedOutput output) {
		int port = this.sockets.refusingPort();
		register("orders", "o1", port);
		this.ejected.eject("orders", "o1", "127.0.0.1", port, new ConnectException("Connection refused"));
		this.inspector.delete(PREFIX + "orders/o1");
		await().atMost(TIMEOUT).until(() -> this.ejected.getEnded(EjectedInstances.EndReason.REMOVED) == 1);
		assertThat(this.ejected.isEmpty()).isTrue();
		assertThat(output).containsPattern("127\\.0\\.0\\.1:" + port
				+ " \\(orders, instance o1\\) is no longer ejected: etcd removed it \\(ejected for \\d+m?s\\)");
	}

	@Test
	void anInstanceEtcdRemovedIsNotOfferedAgainFromAListThatStillHoldsIt() throws Exception {
		int a = this.sockets.refusingPort();
		int b = this.sockets.refusingPort();
		register("orders", "a", a);
		register("orders", "b", b);
		ServiceInstance instanceA = new DefaultServiceInstance("a", "orders", "127.0.0.1", a, false);
		ServiceInstance instanceB = new DefaultServiceInstance("b", "orders", "127.0.0.1", b, false);
		// The load balancer's list, not updated yet when etcd's removal reaches the
		// ejections (a crashed instance's lease expiring under load).
		EjectionAwareServiceInstanceListSupplier supplier = new EjectionAwareServiceInstanceListSupplier(
				new FixedSupplier(List.of(instanceA, instanceB)), this.ejected);
		List<List<ServiceInstance>> emitted = new CopyOnWriteArrayList<>();
		var subscription = supplier.get().subscribe(emitted::add);
		try {
			this.ejected.eject("orders", "a", "127.0.0.1", a, new ConnectException("Connection refused"));
			assertThat(emitted.get(emitted.size() - 1)).containsExactly(instanceB);
			this.inspector.delete(PREFIX + "orders/a");
			await().atMost(TIMEOUT).until(() -> this.ejected.getEnded(EjectedInstances.EndReason.REMOVED) == 1);
			assertThat(emitted).allSatisfy((list) -> assertThat(list).isNotEmpty())
				.last()
				.satisfies((list) -> assertThat(list).containsExactly(instanceB));
		}
		finally {
			subscription.dispose();
			supplier.destroy();
		}
	}

	@Test
	void anAnswerEndsTheEjection() {
		int port = this.sockets.refusingPort();
		register("orders", "o1", port);
		this.ejected.eject("orders", "o1", "127.0.0.1", port, new ConnectException("Connection refused"));
		this.ejected.answered("orders", "127.0.0.1", port);
		assertThat(this.ejected.isEmpty()).isTrue();
		assertThat(this.ejected.getEnded(EjectedInstances.EndReason.ANSWERED)).isEqualTo(1);
	}

	@Test
	void anInstanceEtcdRemovedAlreadyIsNotEjected() {
		int port = this.sockets.refusingPort();
		register("orders", "o2", this.sockets.refusingPort());
		assertThat(this.ejected.eject("orders", "o1", "127.0.0.1", port, new ConnectException("Connection refused")))
			.isFalse();
		assertThat(this.ejected.getEjections()).isZero();
	}

	@Test
	void anInstanceOfAnotherDiscoveryClientIsEjectedUntilItAnswers() throws Exception {
		int port = this.sockets.refusingPort();
		await().atMost(TIMEOUT).until(this.cache::isListed);
		assertThat(
				this.ejected.eject("static-svc", null, "127.0.0.1", port, new ConnectException("Connection refused")))
			.isTrue();
		assertThat(this.ejected.describe().ejected().get(0).inEtcd()).isFalse();
		register("unrelated", "u1", 8080);
		try (ServerSocket listening = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
			await().atMost(TIMEOUT).until(this.ejected::isEmpty);
		}
		assertThat(this.ejected.getEnded(EjectedInstances.EndReason.ANSWERED)).isEqualTo(1);
	}

	@Test
	void supplierSkipsEjectedInstancesAndOffersAllWhenAllAre(CapturedOutput output) throws Exception {
		int a = this.sockets.refusingPort();
		int b = this.sockets.refusingPort();
		register("orders", "a", a);
		register("orders", "b", b);
		ServiceInstance instanceA = new DefaultServiceInstance("a", "orders", "127.0.0.1", a, false);
		ServiceInstance instanceB = new DefaultServiceInstance("b", "orders", "127.0.0.1", b, false);
		EjectionAwareServiceInstanceListSupplier supplier = new EjectionAwareServiceInstanceListSupplier(
				new FixedSupplier(List.of(instanceA, instanceB)), this.ejected);
		List<List<ServiceInstance>> emitted = new CopyOnWriteArrayList<>();
		var subscription = supplier.get().subscribe(emitted::add);
		try {
			await().atMost(TIMEOUT).until(() -> emitted.size() == 1);
			assertThat(emitted.get(0)).containsExactly(instanceA, instanceB);
			this.ejected.eject("orders", "a", "127.0.0.1", a, new ConnectException("Connection refused"));
			// Pushed at once to a subscriber, and what a new subscriber gets.
			assertThat(emitted).hasSize(2);
			assertThat(emitted.get(1)).containsExactly(instanceB);
			assertThat(supplier.get().blockFirst(TIMEOUT)).containsExactly(instanceB);
			this.ejected.eject("orders", "b", "127.0.0.1", b, new ConnectException("Connection refused"));
			assertThat(emitted.get(2)).containsExactly(instanceA, instanceB);
			assertThat(output).contains("Every instance of orders is ejected: its load balancer is offered them all");
			this.ejected.answered("orders", "127.0.0.1", a);
			assertThat(emitted.get(emitted.size() - 1)).containsExactly(instanceA);
			assertThat(output).contains("Not every instance of orders is ejected any more");
		}
		finally {
			subscription.dispose();
			supplier.destroy();
		}
	}

	private void register(String service, String instanceId, int port) {
		// A value as a plain Go registration writes it: the address only.
		this.inspector.put(PREFIX + service + "/" + instanceId, "{\"Op\":0,\"Addr\":\"127.0.0.1:" + port + "\"}", 0);
		await().atMost(TIMEOUT)
			.until(() -> this.cache.isListed() && this.cache.instances(service)
				.stream()
				.anyMatch((instance) -> instance.instanceId().equals(instanceId)));
	}

	private record FixedSupplier(List<ServiceInstance> instances) implements ServiceInstanceListSupplier {

		@Override
		public String getServiceId() {
			return "orders";
		}

		@Override
		public Flux<List<ServiceInstance>> get() {
			return Flux.just(this.instances);
		}

	}

}
