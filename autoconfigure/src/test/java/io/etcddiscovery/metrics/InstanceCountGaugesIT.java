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

package io.etcddiscovery.metrics;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import io.etcd.jetcd.Client;
import io.etcddiscovery.discovery.RemovalProtection;
import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.etcd.Backoff;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.KeyLayout;
import io.etcddiscovery.registration.EtcdRegistrationStore;
import io.etcddiscovery.registration.InstanceRegistrar;
import io.etcddiscovery.registration.ServiceRegistration;
import io.etcddiscovery.test.EtcdExtension;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code discovery.instances} gauges against a real etcd: one per service and status
 * the cache holds, counting when read, added and removed as the cache changes, and
 * present for what the cache held before the metrics were bound.
 *
 * @author etcd-discovery authors
 */
class InstanceCountGaugesIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final SimpleAsyncTaskScheduler scheduler = new SimpleAsyncTaskScheduler();

	private final Client client = Client.builder().endpoints(etcd.endpoints().get(0)).build();

	private final ServiceCache cache = new ServiceCache(this.client, "/services/default/", Duration.ofSeconds(2),
			Duration.ofSeconds(5), new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), 2), Clock.systemUTC(),
			this.scheduler, RemovalProtection.DISABLED);

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	@AfterEach
	void close() {
		this.cache.close();
		this.client.close();
		this.scheduler.close();
	}

	@Test
	void followTheCacheServiceByServiceAndStatusByStatus() {
		etcd.deleteAllKeys();
		InstanceRegistrar first = register("orders", "orders-1");
		this.cache.start();
		await().atMost(TIMEOUT).until(() -> this.cache.instances("orders").size() == 1);
		// Bound after the first listing: what the cache holds already has its gauge.
		new DiscoveryMetrics(null, null, this.cache).bindTo(this.meters);
		assertThat(value("orders", InstanceStatus.UP)).isEqualTo(1);

		InstanceRegistrar second = register("orders", "orders-2");
		InstanceRegistrar billing = register("billing", "billing-1");
		await().atMost(TIMEOUT).until(() -> value("orders", InstanceStatus.UP) == 2 && gauge("billing", "UP") != null);

		first.setStatus(InstanceStatus.DOWN);
		await().atMost(TIMEOUT)
			.until(() -> value("orders", InstanceStatus.DOWN) == 1 && value("orders", InstanceStatus.UP) == 1);

		second.stop(Duration.ZERO);
		// No UP instance of orders any more: its UP gauge goes.
		await().atMost(TIMEOUT).until(() -> gauge("orders", "UP") == null);
		assertThat(value("orders", InstanceStatus.DOWN)).isEqualTo(1);

		billing.stop(Duration.ZERO);
		first.stop(Duration.ZERO);
		await().atMost(TIMEOUT).until(() -> this.meters.find(InstanceCountGauges.NAME).gauges().isEmpty());
	}

	private InstanceRegistrar register(String service, String instanceId) {
		InstanceRegistrar registrar = new InstanceRegistrar(new EtcdRegistrationStore(this.client, TIMEOUT),
				new KeyLayout("/services"), Duration.ofSeconds(10),
				new Backoff(Duration.ofMillis(200), Duration.ofSeconds(1), 2), Clock.systemUTC(), this.scheduler);
		registrar.start(new ServiceRegistration("default", service, instanceId, "127.0.0.1", 8080, false, Map.of(),
				InstanceStatus.UP));
		return registrar;
	}

	private double value(String service, InstanceStatus status) {
		Gauge gauge = gauge(service, status.name());
		return (gauge != null) ? gauge.value() : 0;
	}

	private @Nullable Gauge gauge(String service, String status) {
		return this.meters.find(InstanceCountGauges.NAME).tag("service", service).tag("status", status).gauge();
	}

}
