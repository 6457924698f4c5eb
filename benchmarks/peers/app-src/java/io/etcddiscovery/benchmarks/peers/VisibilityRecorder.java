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

package io.etcddiscovery.benchmarks.peers;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.stereotype.Component;

/**
 * Polls, every {@value #POLL_MILLIS} ms, what this application sees of a service through
 * Spring Cloud's {@link DiscoveryClient} ("dc") and through the load balancer's
 * {@link ServiceInstanceListSupplier} ("lb", what the {@code @LoadBalanced} client chooses
 * from), and records when each {@code host:port} appears and disappears.
 *
 * @author etcd-discovery authors
 */
@Component
class VisibilityRecorder implements DisposableBean {

	static final long POLL_MILLIS = 5;

	private final DiscoveryClient discoveryClient;

	private final ObjectProvider<LoadBalancerClientFactory> loadBalancers;

	// A thread per watched service (the harness watches up to three), so that a slow
	// lookup of one (Spring Cloud Zookeeper reads ZooKeeper on every call) does not delay
	// the polls of another.
	private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(4, (task) -> {
		Thread thread = new Thread(task, "bench-visibility");
		thread.setDaemon(true);
		return thread;
	});

	private final Map<String, Watch> watches = new ConcurrentHashMap<>();

	VisibilityRecorder(DiscoveryClient discoveryClient, ObjectProvider<LoadBalancerClientFactory> loadBalancers) {
		this.discoveryClient = discoveryClient;
		this.loadBalancers = loadBalancers;
	}

	void watch(String service) {
		this.watches.computeIfAbsent(service, (name) -> {
			Watch watch = new Watch(name, this.loadBalancers.getObject()
				.getInstance(name, ServiceInstanceListSupplier.class));
			watch.polls = this.scheduler.scheduleWithFixedDelay(watch::poll, 0, POLL_MILLIS, TimeUnit.MILLISECONDS);
			return watch;
		});
	}

	// Stops polling, so that what the harness measures next does not count the polls.
	void unwatch(String service) {
		Watch watch = this.watches.remove(service);
		if (watch != null && watch.polls != null) {
			watch.polls.cancel(false);
		}
	}

	List<Map<String, Object>> events(String service, long since) {
		Watch watch = this.watches.get(service);
		if (watch == null) {
			return List.of();
		}
		return watch.events.stream().filter((event) -> (long) event.get("at") >= since).toList();
	}

	Map<String, Set<String>> current(String service) {
		Watch watch = this.watches.get(service);
		return (watch != null) ? Map.of("dc", watch.dc, "lb", watch.lb) : Map.of();
	}

	@Override
	public void destroy() {
		this.scheduler.shutdownNow();
	}

	private static Set<String> addresses(List<ServiceInstance> instances) {
		return instances.stream()
			.map((instance) -> instance.getHost() + ":" + instance.getPort())
			.collect(Collectors.toCollection(TreeSet::new));
	}

	private final class Watch {

		private final String service;

		private final ServiceInstanceListSupplier supplier;

		private final List<Map<String, Object>> events = new CopyOnWriteArrayList<>();

		private volatile Set<String> dc = Set.of();

		private volatile Set<String> lb = Set.of();

		private volatile ScheduledFuture<?> polls;

		Watch(String service, ServiceInstanceListSupplier supplier) {
			this.service = service;
			this.supplier = supplier;
		}

		void poll() {
			try {
				Set<String> dc = addresses(VisibilityRecorder.this.discoveryClient.getInstances(this.service));
				long dcAt = System.currentTimeMillis();
				this.dc = record("dc", this.dc, dc, dcAt);
				List<ServiceInstance> chosenFrom = this.supplier.get().blockFirst(Duration.ofSeconds(2));
				long lbAt = System.currentTimeMillis();
				this.lb = record("lb", this.lb, addresses((chosenFrom != null) ? chosenFrom : List.of()), lbAt);
			}
			catch (RuntimeException ex) {
				// A registry call failed or timed out: keep the last view, poll again.
			}
		}

		private Set<String> record(String view, Set<String> before, Set<String> now, long at) {
			for (String address : now) {
				if (!before.contains(address)) {
					this.events.add(event(view, address, "up", at));
				}
			}
			for (String address : before) {
				if (!now.contains(address)) {
					this.events.add(event(view, address, "down", at));
				}
			}
			return now;
		}

		private Map<String, Object> event(String view, String address, String kind, long at) {
			return Map.of("view", view, "address", address, "event", kind, "at", at);
		}

	}

}
