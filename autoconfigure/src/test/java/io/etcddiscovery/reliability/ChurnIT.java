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

package io.etcddiscovery.reliability;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import io.etcd.jetcd.Client;
import io.etcddiscovery.discovery.DiscoveredInstance;
import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.etcd.Backoff;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.KeyLayout;
import io.etcddiscovery.registration.EtcdInspector;
import io.etcddiscovery.registration.EtcdRegistrationStore;
import io.etcddiscovery.registration.InstanceRegistrar;
import io.etcddiscovery.registration.RegistrationStore;
import io.etcddiscovery.registration.ServiceRegistration;
import io.etcddiscovery.test.EtcdExtension;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Churn: instances start and stop at random for a bounded time while two caches watch. At
 * the end etcd holds exactly the live instances, and every cache agrees: no ghost, none
 * missing.
 *
 * @author etcd-discovery authors
 */
class ChurnIT {

	private static final SimpleAsyncTaskScheduler SCHEDULER = new SimpleAsyncTaskScheduler();

	private static final Log logger = LogFactory.getLog(ChurnIT.class);

	private static final int INSTANCES = 24;

	private static final Duration CHURN = Duration.ofSeconds(20);

	private static final Duration STEP = Duration.ofMillis(50);

	private static final String PREFIX = "/services/default/churn/";

	/**
	 * Decides which slot each step starts or stops, logged and named in every assertion:
	 * {@code -Dchurn.seed=...} replays a failed run's sequence.
	 */
	private static final long SEED = Long.getLong("churn.seed", ThreadLocalRandom.current().nextLong());

	@AfterAll
	static void closeScheduler() {
		SCHEDULER.close();
	}

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	@Test
	void etcdAndEveryCacheHoldExactlyTheLiveInstancesAfterChurn() {
		logger.info("Churn with seed %d (-Dchurn.seed=%d replays it)".formatted(SEED, SEED));
		Random random = new Random(SEED);
		etcd.deleteAllKeys();
		List<Client> clients = List.of(client(), client(), client());
		List<ServiceCache> caches = List.of(cache(clients.get(1)), cache(clients.get(2)));
		caches.forEach(ServiceCache::start);
		InstanceRegistrar[] slots = new InstanceRegistrar[INSTANCES];
		AtomicInteger starts = new AtomicInteger();
		AtomicInteger stops = new AtomicInteger();
		ScheduledExecutorService churn = new ScheduledThreadPoolExecutor(1);
		try (EtcdInspector inspector = new EtcdInspector(etcd.endpoints())) {
			long end = System.nanoTime() + CHURN.toNanos();
			ScheduledFuture<?> steps = churn.scheduleAtFixedRate(() -> {
				if (System.nanoTime() > end) {
					throw new IllegalStateException("done");
				}
				int slot = random.nextInt(INSTANCES);
				if (slots[slot] == null) {
					slots[slot] = registrar(clients.get(0));
					slots[slot].start(registration(slot));
					starts.incrementAndGet();
				}
				else {
					// Graceful or as abrupt as it gets without killing the JVM: no drain.
					slots[slot].stop(Duration.ZERO);
					slots[slot] = null;
					stops.incrementAndGet();
				}
			}, 0, STEP.toMillis(), TimeUnit.MILLISECONDS);
			await().atMost(CHURN.plusSeconds(30)).until(steps::isDone);
			Set<String> live = new java.util.TreeSet<>();
			for (int slot = 0; slot < INSTANCES; slot++) {
				if (slots[slot] != null) {
					live.add(PREFIX + "i-" + slot);
				}
			}
			await().atMost(Duration.ofSeconds(30))
				.untilAsserted(
						() -> assertThat(keys(inspector)).as("etcd's keys after churn seed %d", SEED).isEqualTo(live));
			for (ServiceCache cache : caches) {
				await().atMost(Duration.ofSeconds(30))
					.untilAsserted(
							() -> assertThat(keys(cache)).as("a cache after churn seed %d", SEED).isEqualTo(live));
			}
			logger
				.info("Churn of %d instances for %ss: %d starts, %d stops, %d live at the end; etcd and %d caches agree"
					.formatted(INSTANCES, CHURN.toSeconds(), starts.get(), stops.get(), live.size(), caches.size()));
			assertThat(starts.get() + stops.get()).as("steps of churn seed %d", SEED).isGreaterThan(100);
		}
		finally {
			churn.shutdownNow();
			for (InstanceRegistrar registrar : slots) {
				if (registrar != null) {
					registrar.stop(Duration.ZERO);
				}
			}
			caches.forEach(ServiceCache::close);
			clients.forEach(Client::close);
		}
	}

	private static Set<String> keys(EtcdInspector inspector) {
		return inspector.keys(PREFIX)
			.stream()
			.map((kv) -> kv.getKey().toString(StandardCharsets.UTF_8))
			.collect(Collectors.toCollection(java.util.TreeSet::new));
	}

	private static Set<String> keys(ServiceCache cache) {
		return cache.instances("churn")
			.stream()
			.map(DiscoveredInstance::key)
			.collect(Collectors.toCollection(java.util.TreeSet::new));
	}

	private static Client client() {
		return Client.builder().endpoints(etcd.endpoints().toArray(String[]::new)).waitForReady(false).build();
	}

	private static ServiceCache cache(Client client) {
		return new ServiceCache(client, "/services/default/", Duration.ofSeconds(2), Duration.ofSeconds(5),
				new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), 2), Clock.systemUTC(), SCHEDULER);
	}

	private static InstanceRegistrar registrar(Client client) {
		return new InstanceRegistrar(new EtcdRegistrationStore(client, Duration.ofSeconds(2)),
				new KeyLayout("/services"), Duration.ofSeconds(3),
				new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), 2), Clock.systemUTC(), SCHEDULER);
	}

	private static ServiceRegistration registration(int slot) {
		return new ServiceRegistration("default", "churn", "i-" + slot, "127.0.0.1", 9000 + slot, false, Map.of(),
				InstanceStatus.UP);
	}

}
