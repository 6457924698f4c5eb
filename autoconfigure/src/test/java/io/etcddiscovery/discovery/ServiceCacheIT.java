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

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import ch.qos.logback.classic.Level;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcddiscovery.etcd.Backoff;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.NamingFormat;
import io.etcddiscovery.registration.EtcdInspector;
import io.etcddiscovery.registration.ServiceRegistration;
import io.etcddiscovery.test.EtcdExtension;
import io.etcddiscovery.test.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@link ServiceCache} against a real etcd that is restarted, wiped, compacted and cut
 * off.
 *
 * @author etcd-discovery authors
 */
@ExtendWith(OutputCaptureExtension.class)
class ServiceCacheIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private static final String PREFIX = "/services/default/";

	private final NamingFormat codec = new NamingFormat();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private static final String SCHEDULER_THREAD_NAME_PREFIX = "cache-test-scheduler-";

	private final SimpleAsyncTaskScheduler scheduler = new SimpleAsyncTaskScheduler();

	private EtcdInspector inspector;

	@BeforeAll
	static void quietLogs() {
		// No Spring Boot here to configure logging: keep jetcd and Netty at INFO.
		((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME))
			.setLevel(Level.INFO);
	}

	@BeforeEach
	void setUp() {
		this.scheduler.setThreadNamePrefix(SCHEDULER_THREAD_NAME_PREFIX);
		etcd.deleteAllKeys();
		this.inspector = new EtcdInspector(etcd.endpoints());
	}

	@AfterEach
	void tearDown() throws Exception {
		Collections.reverse(this.closeables);
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
		this.scheduler.close();
		this.inspector.close();
	}

	@Test
	void listsThenWatchesPutsAndDeletesOfItsNamespaceOnly() {
		register("orders", "o1", 8081, InstanceStatus.UP);
		register("orders", "o2", 8082, InstanceStatus.DOWN);
		register("billing", "b1", 9091, InstanceStatus.UP);
		this.inspector.put("/services/staging/orders/s1", value("orders", "s1", 7001, InstanceStatus.UP), 0);
		this.inspector.put("/services/default-eu/orders/e1", value("orders", "e1", 7002, InstanceStatus.UP), 0);
		ServiceCache cache = startCache(etcd.endpoint());
		assertThat(cache.services()).containsExactly("billing", "orders");
		assertThat(ids(cache.instances("orders"))).containsExactly("o1", "o2");
		assertThat(ids(cache.upInstances("orders"))).containsExactly("o1");
		assertThat(cache.instances("orders").get(0).port()).isEqualTo(8081);
		register("orders", "o3", 8083, InstanceStatus.UP);
		this.inspector.delete(PREFIX + "orders/o1");
		this.inspector.delete(PREFIX + "billing/b1");
		this.inspector.put("/services/staging/orders/s2", value("orders", "s2", 7003, InstanceStatus.UP), 0);
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(ids(cache.instances("orders"))).containsExactly("o2", "o3"));
		await().atMost(TIMEOUT).until(() -> cache.services().equals(List.of("orders")));
		ServiceCacheStats stats = cache.stats();
		assertThat(stats.connected()).isTrue();
		assertThat(stats.synced()).isTrue();
		assertThat(stats.eventsApplied()).isEqualTo(3);
		assertThat(stats.resyncs()).isZero();
		assertThat(stats.instancesPerService()).containsExactly(Map.entry("orders", 2));
		assertThat(stats.lastEventAt()).isNotNull();
	}

	@Test
	void skipsInvalidValuesOncePerKeyAndRevisionKeepingTheRestUsable(CapturedOutput output) {
		register("orders", "o1", 8081, InstanceStatus.UP);
		this.inspector.put(PREFIX + "orders/go", "{\"Addr\":\"10.0.0.7:9000\"}", 0);
		List<String> invalid = List.of(PREFIX + "orders/not-json", PREFIX + "orders/no-addr",
				PREFIX + "orders/wrong-types", PREFIX + "orders/huge", PREFIX + "orders", PREFIX + "orders/too/deep");
		this.inspector.put(invalid.get(0), "hello", 0);
		this.inspector.put(invalid.get(1), "{\"Op\":0,\"Metadata\":{\"status\":\"UP\"}}", 0);
		this.inspector.put(invalid.get(2), "{\"Addr\":\"127.0.0.1:1\",\"Metadata\":{\"port\":\"eighty\"}}", 0);
		this.inspector.put(invalid.get(3),
				"{\"Addr\":\"127.0.0.1:1\",\"Metadata\":{\"metadata\":{\"blob\":\"" + "x".repeat(1200 * 1024) + "\"}}}",
				0);
		this.inspector.put(invalid.get(4), value("orders", "o9", 8089, InstanceStatus.UP), 0);
		this.inspector.put(invalid.get(5), value("orders", "o9", 8089, InstanceStatus.UP), 0);
		ServiceCache cache = startCache(etcd.endpoint());
		assertThat(ids(cache.instances("orders"))).containsExactly("go", "o1");
		DiscoveredInstance go = cache.instances("orders").get(0);
		assertThat(go.host()).isEqualTo("10.0.0.7");
		assertThat(go.port()).isEqualTo(9000);
		assertThat(go.status()).isEqualTo(InstanceStatus.UP);
		assertThat(cache.stats().invalidKeys()).isEqualTo(6);
		cache.resync();
		await().atMost(TIMEOUT).until(() -> cache.stats().resyncs() == 1);
		assertThat(output).contains("Re-listing " + PREFIX + " on request")
			.contains("Re-listed " + PREFIX + ": 2 instances of 1 service at revision ");
		assertThat(cache.stats().valuesSkipped()).isEqualTo(6);
		for (String key : invalid) {
			assertThat(skipWarnings(output, key)).as(key).isEqualTo(1);
		}
		this.inspector.put(PREFIX + "orders/o1", "{\"Addr\":\"nowhere\"}", 0);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(ids(cache.instances("orders"))).containsExactly("go"));
		assertThat(skipWarnings(output, PREFIX + "orders/o1")).isEqualTo(1);
		register("orders", "o1", 8081, InstanceStatus.UP);
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(ids(cache.instances("orders"))).containsExactly("go", "o1"));
		assertThat(cache.stats().invalidKeys()).isEqualTo(6);
	}

	@Test
	void relistsWhenItsWatchResumesFromACompactedRevision(CapturedOutput output) {
		TcpProxy proxy = TcpProxy.to(etcd.endpoint());
		this.closeables.add(proxy);
		register("orders", "o1", 8081, InstanceStatus.UP);
		register("orders", "o2", 8082, InstanceStatus.UP);
		ServiceCache cache = startCache(proxy.endpoint());
		assertThat(ids(cache.instances("orders"))).containsExactly("o1", "o2");
		await().atMost(TIMEOUT).until(() -> cache.stats().connected());
		proxy.cut();
		await().atMost(TIMEOUT).until(() -> !cache.stats().connected());
		this.inspector.delete(PREFIX + "orders/o1");
		register("orders", "o3", 8083, InstanceStatus.UP);
		for (int i = 0; i < 10; i++) {
			this.inspector.put("/elsewhere/counter", Integer.toString(i), 0);
		}
		etcd.compact();
		assertThat(ids(cache.instances("orders"))).as("stale while cut off").containsExactly("o1", "o2");
		proxy.restore();
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(ids(cache.instances("orders"))).containsExactly("o2", "o3"));
		assertThat(cache.stats().resyncs()).isEqualTo(1);
		assertThat(output).contains("Watch of " + PREFIX + " ended (compacted at revision");
	}

	@Test
	void convergesToAWipedEtcdThatHasFewerKeys(CapturedOutput output) {
		register("orders", "o1", 8081, InstanceStatus.UP);
		register("orders", "o2", 8082, InstanceStatus.UP);
		register("billing", "b1", 9091, InstanceStatus.UP);
		for (int i = 0; i < 10; i++) {
			register("orders", "o1", 8081, InstanceStatus.UP);
		}
		ServiceCache cache = startCache(etcd.endpoint());
		assertThat(cache.services()).containsExactly("billing", "orders");
		// Wiped under an established watch, which is what notices that history went
		// back (a watch not yet established only re-lists).
		await().atMost(TIMEOUT).until(() -> cache.stats().connected());
		etcd.wipeAndRestart();
		register("orders", "o4", 8084, InstanceStatus.UP);
		await().atMost(TIMEOUT).untilAsserted(() -> {
			assertThat(cache.services()).containsExactly("orders");
			assertThat(ids(cache.instances("orders"))).containsExactly("o4");
		});
		assertThat(output).contains("History of etcd went back").contains("etcd was wiped or restored");
		register("orders", "o5", 8085, InstanceStatus.UP);
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(ids(cache.instances("orders"))).containsExactly("o4", "o5"));
	}

	@Test
	void convergesToAWipedEtcdThatMovedPastItsRevisionWhileCutOff() {
		// A restarted etcd is in a later raft term than a brand-new one.
		etcd.restart();
		TcpProxy proxy = TcpProxy.to(etcd.endpoint());
		this.closeables.add(proxy);
		register("orders", "o1", 8081, InstanceStatus.UP);
		ServiceCache cache = startCache(proxy.endpoint());
		assertThat(ids(cache.instances("orders"))).containsExactly("o1");
		await().atMost(TIMEOUT).until(() -> cache.stats().connected());
		long seen = cache.stats().revision();
		proxy.cut();
		etcd.wipeAndRestart();
		register("orders", "o2", 8082, InstanceStatus.UP);
		while (this.inspector.key(PREFIX + "orders/o2").getModRevision() <= seen + 2) {
			register("orders", "o2", 8082, InstanceStatus.UP);
		}
		proxy.restore();
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(ids(cache.instances("orders"))).containsExactly("o2"));
	}

	@Test
	void resumesItsWatchAfterEtcdRestartsWithItsData(CapturedOutput output) {
		register("orders", "o1", 8081, InstanceStatus.UP);
		ServiceCache cache = startCache(etcd.endpoint());
		assertThat(ids(cache.instances("orders"))).containsExactly("o1");
		await().atMost(TIMEOUT).until(() -> cache.stats().connected());
		etcd.restart();
		register("orders", "o2", 8082, InstanceStatus.UP);
		this.inspector.delete(PREFIX + "orders/o1");
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(ids(cache.instances("orders"))).containsExactly("o2"));
		await().atMost(TIMEOUT).until(() -> cache.stats().connected());
		assertThat(cache.stats().resyncs()).isZero();
		assertThat(output).contains("Watch of " + PREFIX + " interrupted").contains("Watch of " + PREFIX + " resumed");
	}

	@Test
	void ignoresEventsDeliveredTwice() {
		RedeliveringClient client = new RedeliveringClient(
				Client.builder().endpoints(etcd.endpoint()).waitForReady(false).build());
		ServiceCache cache = startCache(client);
		assertThat(cache.services()).isEmpty();
		await().atMost(TIMEOUT).until(() -> cache.stats().connected());
		register("orders", "o1", 8081, InstanceStatus.UP);
		register("orders", "o1", 8091, InstanceStatus.UP);
		register("orders", "o2", 8082, InstanceStatus.UP);
		this.inspector.delete(PREFIX + "orders/o2");
		await().atMost(TIMEOUT).until(() -> cache.stats().eventsApplied() == 4);
		// What jetcd may do when it resumes a watch: the same events again.
		client.redeliver();
		register("orders", "o3", 8083, InstanceStatus.UP);
		await().atMost(TIMEOUT).until(() -> cache.stats().eventsApplied() >= 5);
		assertThat(cache.stats().eventsApplied()).isEqualTo(5);
		assertThat(ids(cache.instances("orders"))).containsExactly("o1", "o3");
		assertThat(cache.instances("orders").get(0).port()).isEqualTo(8091);
	}

	@Test
	void startsWithoutEtcdAndListsItOnceItAnswers(CapturedOutput output) {
		etcd.stop();
		long started = System.nanoTime();
		ServiceCache cache = startCache(etcd.endpoint());
		assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
		assertThat(cache.instances("orders")).isEmpty();
		Duration waited = Duration.ofNanos(System.nanoTime() - started);
		assertThat(waited).isBetween(Duration.ofMillis(900), Duration.ofSeconds(3));
		assertThat(cache.isListed()).isFalse();
		long again = System.nanoTime();
		assertThat(cache.services()).isEmpty();
		assertThat(Duration.ofNanos(System.nanoTime() - again)).as("no second wait").isLessThan(Duration.ofMillis(500));
		await().atMost(TIMEOUT).until(() -> cache.stats().consecutiveFailures() > 0);
		assertThat(cache.stats().lastError()).startsWith("listing " + PREFIX);
		etcd.ensureRunning();
		register("orders", "o1", 8081, InstanceStatus.UP);
		await().atMost(TIMEOUT).untilAsserted(() -> assertThat(ids(cache.instances("orders"))).containsExactly("o1"));
		assertThat(output).contains("Could not list " + PREFIX)
			.contains(PREFIX + " was not listed within 1s: lookups answer from the cache, empty until etcd answers");
		// The listing is logged once its instances are in the cache, so the line may come
		// a moment after they do.
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(output).containsPattern("Listed " + PREFIX
					+ ": \\d+ instances? of \\d+ services? at revision \\d+ after \\d+ failed attempts?"));
	}

	@Test
	void notifiesSubscribersOnItsListenerThreadUntilTheyUnsubscribe() {
		ServiceCache cache = startCache(etcd.endpoint());
		List<String> threads = new CopyOnWriteArrayList<>();
		List<List<String>> orders = new CopyOnWriteArrayList<>();
		List<String> all = new CopyOnWriteArrayList<>();
		Subscription subscription = cache.subscribe("orders", (instances) -> {
			threads.add(Thread.currentThread().getName());
			orders.add(ids(instances.all()));
		});
		cache.subscribeAll((instances) -> all.add(instances.service() + "=" + ids(instances.all())));
		await().atMost(TIMEOUT).until(() -> orders.size() == 1);
		assertThat(orders.get(0)).isEmpty();
		register("orders", "o1", 8081, InstanceStatus.UP);
		register("billing", "b1", 9091, InstanceStatus.UP);
		await().atMost(TIMEOUT).until(() -> orders.size() == 2);
		assertThat(orders.get(1)).containsExactly("o1");
		// The scheduler's threads, never jetcd's.
		assertThat(threads).allMatch((name) -> name.startsWith(SCHEDULER_THREAD_NAME_PREFIX));
		subscription.close();
		register("orders", "o2", 8082, InstanceStatus.UP);
		await().atMost(TIMEOUT).until(() -> all.contains("orders=[o1, o2]"));
		assertThat(all).contains("orders=[o1]", "billing=[b1]");
		assertThat(orders).hasSize(2);
	}

	@Test
	void runsOnTheSchedulersThreadsWhichEndWhenItIsClosed() {
		// Schedulers of other test classes may still run in this JVM: only the threads
		// started from here on count.
		Set<Thread> before = schedulerThreads();
		ServiceCache cache = startCache(etcd.endpoint());
		assertThat(cache.services()).isEmpty();
		cache.subscribe("orders", (instances) -> {
		});
		await().atMost(TIMEOUT).until(() -> !difference(schedulerThreads(), before).isEmpty());
		cache.close();
		this.scheduler.close();
		await().atMost(TIMEOUT).until(() -> difference(schedulerThreads(), before).isEmpty());
	}

	private static Set<Thread> schedulerThreads() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.filter((thread) -> thread.isAlive() && thread.getName().startsWith(SCHEDULER_THREAD_NAME_PREFIX))
			.collect(Collectors.toSet());
	}

	private static Set<Thread> difference(Set<Thread> threads, Set<Thread> without) {
		Set<Thread> difference = new HashSet<>(threads);
		difference.removeAll(without);
		return difference;
	}

	private ServiceCache startCache(String endpoint) {
		return startCache(Client.builder().endpoints(endpoint).waitForReady(false).build());
	}

	private ServiceCache startCache(Client client) {
		ServiceCache cache = new ServiceCache(client, PREFIX, Duration.ofSeconds(2), Duration.ofSeconds(1),
				new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), 2), Clock.systemUTC(), this.scheduler);
		this.closeables.add(client);
		this.closeables.add(cache);
		cache.start();
		return cache;
	}

	private void register(String service, String instanceId, int port, InstanceStatus status) {
		this.inspector.put(PREFIX + service + "/" + instanceId, value(service, instanceId, port, status), 0);
	}

	private String value(String service, String instanceId, int port, InstanceStatus status) {
		return new String(this.codec.encode(new ServiceRegistration("default", service, instanceId, "127.0.0.1", port,
				false, Map.of("zone", "z1"), status), Instant.now()), StandardCharsets.UTF_8);
	}

	private static int skipWarnings(CapturedOutput output, String key) {
		Matcher matcher = Pattern.compile("Skipping " + Pattern.quote(key) + " at revision").matcher(output.getOut());
		int count = 0;
		while (matcher.find()) {
			count++;
		}
		return count;
	}

	private static List<String> ids(List<DiscoveredInstance> instances) {
		return instances.stream().map(DiscoveredInstance::instanceId).toList();
	}

	private static ByteSequence bytes(String value) {
		return ByteSequence.from(value, StandardCharsets.UTF_8);
	}

}
