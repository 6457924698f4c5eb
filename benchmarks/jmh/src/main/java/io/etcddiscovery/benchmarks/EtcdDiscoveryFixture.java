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

package io.etcddiscovery.benchmarks;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.PutOption;
import io.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.etcd.Backoff;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.KeyLayout;
import io.etcddiscovery.etcd.NamingFormat;
import io.etcddiscovery.registration.ServiceRegistration;
import io.etcddiscovery.test.EtcdCluster;

import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;

/**
 * A real single-node etcd on loopback holding {@code services × instancesPerService}
 * instances written the way the library registers them, and a started
 * {@link ServiceCache} that has listed them. Everything a benchmark reads is in the cache
 * before its first iteration: no lookup calls etcd.
 * <p>
 * The last instance of every service is {@code OUT_OF_SERVICE}, so that lookups of UP
 * instances return a filtered list, as they do in a rolling deployment.
 *
 * @author etcd-discovery authors
 */
final class EtcdDiscoveryFixture implements AutoCloseable {

	static final String NAMESPACE = "default";

	private static final KeyLayout KEYS = new KeyLayout("/services");

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration INITIAL_LOOKUP_TIMEOUT = Duration.ofSeconds(30);

	private final int services;

	private final int instancesPerService;

	private final EtcdCluster etcd;

	private final Client client;

	// Spring's scheduler and executor in one: the cache's tasks on a thread each.
	private final SimpleAsyncTaskScheduler scheduler = new SimpleAsyncTaskScheduler();

	private final ServiceCache cache;

	private final EtcdDiscoveryClient discovery;

	private EtcdDiscoveryFixture(int services, int instancesPerService) {
		this.services = services;
		this.instancesPerService = instancesPerService;
		this.etcd = EtcdCluster.singleNode().start();
		try {
			this.client = Client.builder().endpoints(this.etcd.clientEndpoints().toArray(String[]::new)).build();
			register();
			this.cache = new ServiceCache(this.client, KEYS.namespacePrefix(NAMESPACE), REQUEST_TIMEOUT,
					INITIAL_LOOKUP_TIMEOUT, new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), 2),
					Clock.systemUTC(), this.scheduler);
			this.discovery = new EtcdDiscoveryClient(this.cache, true);
			this.cache.start();
			awaitListed();
		}
		catch (RuntimeException ex) {
			close();
			throw ex;
		}
	}

	/**
	 * Start etcd, register the instances and wait until the cache has listed them.
	 * @param services how many services to register
	 * @param instancesPerService how many instances each service has
	 * @return the fixture, to close after the trial
	 */
	static EtcdDiscoveryFixture start(int services, int instancesPerService) {
		if (services < 1 || instancesPerService < 2) {
			throw new IllegalArgumentException("Need at least 1 service and 2 instances per service");
		}
		return new EtcdDiscoveryFixture(services, instancesPerService);
	}

	/**
	 * Return the name of one of the registered services, as a lookup would pass it.
	 * @param index the index of the service
	 * @return the service name
	 */
	static String serviceName(int index) {
		return "service-%03d".formatted(index);
	}

	ServiceCache cache() {
		return this.cache;
	}

	EtcdDiscoveryClient discovery() {
		return this.discovery;
	}

	/**
	 * Return a service in the middle of the registered ones, the one every benchmark
	 * looks up.
	 * @return the service name
	 */
	String lookedUpService() {
		return serviceName(this.services / 2);
	}

	/**
	 * Return how many UP instances each service has.
	 * @return the number of UP instances
	 */
	int upInstancesPerService() {
		return this.instancesPerService - 1;
	}

	private void register() {
		NamingFormat codec = new NamingFormat();
		Instant now = Instant.now();
		List<CompletableFuture<?>> writes = new ArrayList<>(this.services);
		for (int s = 0; s < this.services; s++) {
			List<Op> puts = new ArrayList<>(this.instancesPerService);
			for (int i = 0; i < this.instancesPerService; i++) {
				InstanceStatus status = (i == this.instancesPerService - 1) ? InstanceStatus.OUT_OF_SERVICE
						: InstanceStatus.UP;
				// Loopback addresses: nothing ever connects to them, they only have to
				// be distinct, also at 100,000 instances (more than ports).
				int address = s * this.instancesPerService + i;
				ServiceRegistration registration = new ServiceRegistration(NAMESPACE, serviceName(s),
						"instance-%02d".formatted(i),
						"127.%d.%d.%d".formatted(address >> 16 & 255, address >> 8 & 255, address & 255), 20000, false,
						Map.of("zone", "zone-" + (i % 3)), status);
				puts.add(Op.put(
						bytes(KEYS.instanceKey(registration.namespace(), registration.service(),
								registration.instanceId())),
						ByteSequence.from(codec.encode(registration, now)), PutOption.DEFAULT));
			}
			// One transaction per service keeps the number of round trips low.
			writes.add(this.client.getKVClient().txn().Then(puts.toArray(Op[]::new)).commit());
		}
		try {
			CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException("Could not register the instances in etcd", ex);
		}
	}

	private void awaitListed() {
		// The first lookup waits for the first listing, up to the initial lookup timeout.
		int up = this.cache.upInstances(lookedUpService()).size();
		if (!this.cache.isListed()) {
			throw new IllegalStateException(
					"The cache did not list etcd within " + INITIAL_LOOKUP_TIMEOUT + ": " + this.cache.stats());
		}
		int listed = this.cache.services().size();
		if (listed != this.services || up != upInstancesPerService()) {
			throw new IllegalStateException("Expected %d services with %d UP instances each, the cache has %d and %d"
				.formatted(this.services, upInstancesPerService(), listed, up));
		}
	}

	@Override
	public void close() {
		try {
			if (this.cache != null) {
				this.cache.close();
			}
		}
		finally {
			try {
				if (this.client != null) {
					this.client.close();
				}
			}
			finally {
				this.scheduler.close();
				this.etcd.close();
			}
		}
	}

	private static ByteSequence bytes(String value) {
		return ByteSequence.from(value, StandardCharsets.UTF_8);
	}

}
