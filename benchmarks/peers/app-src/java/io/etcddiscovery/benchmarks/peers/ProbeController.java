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

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Registers and withdraws many extra instances ("probes") through the variant's
 * {@link ProbeRegistry}, one every {@code intervalMs} on a thread of its own, and records
 * when each call was made: the harness times how long the observer takes to see each one
 * (scenario 1 with hundreds of samples) and how one JVM copes with a thousand
 * registrations (scenario 8).
 *
 * @author etcd-discovery authors
 */
@RestController
class ProbeController implements DisposableBean {

	private final ObjectProvider<ProbeRegistry<?>> registry;

	private final HeartbeatEventCounter heartbeatEvents;

	private final DiscoveryClient discoveryClient;

	private final ExecutorService worker = Executors.newSingleThreadExecutor((task) -> {
		Thread thread = new Thread(task, "bench-probes");
		thread.setDaemon(true);
		return thread;
	});

	private final List<Probe> probes = new ArrayList<>();

	private final AtomicInteger pending = new AtomicInteger();

	ProbeController(ObjectProvider<ProbeRegistry<?>> registry, DiscoveryClient discoveryClient,
			HeartbeatEventCounter heartbeatEvents) {
		this.registry = registry;
		this.discoveryClient = discoveryClient;
		this.heartbeatEvents = heartbeatEvents;
	}

	@PostMapping("/bench/probes")
	Map<String, Object> register(@RequestParam String service, @RequestParam int count,
			@RequestParam(defaultValue = "0") long intervalMs, @RequestParam int firstPort,
			@RequestParam(defaultValue = "1") int services) {
		ProbeRegistry<Object> registry = registry();
		this.pending.addAndGet(count);
		this.worker.execute(() -> {
			for (int i = 0; i < count && !Thread.currentThread().isInterrupted(); i++) {
				String name = (services > 1) ? service + "-" + (i % services) : service;
				Probe probe = new Probe(name, "probe-" + (firstPort + i), firstPort + i);
				try {
					Object handle = registry.prepare(probe.service, probe.instanceId, probe.port);
					probe.registerAt = System.currentTimeMillis();
					registry.register(handle);
					probe.handle = handle;
				}
				catch (Exception ex) {
					probe.error = ex.toString();
				}
				probe.registeredAt = System.currentTimeMillis();
				synchronized (this.probes) {
					this.probes.add(probe);
				}
				this.pending.decrementAndGet();
				pause(intervalMs);
			}
		});
		return Map.of("registering", count);
	}

	@DeleteMapping("/bench/probes")
	Map<String, Object> deregister(@RequestParam(defaultValue = "0") long intervalMs) {
		ProbeRegistry<Object> registry = registry();
		List<Probe> registered = snapshot().stream().filter((probe) -> probe.handle != null).toList();
		this.pending.addAndGet(registered.size());
		this.worker.execute(() -> {
			for (Probe probe : registered) {
				if (Thread.currentThread().isInterrupted()) {
					break;
				}
				probe.deregisterAt = System.currentTimeMillis();
				CompletionStage<?> withdrawn;
				try {
					withdrawn = registry.deregister(probe.handle);
				}
				catch (Exception ex) {
					withdrawn = CompletableFuture.failedFuture(ex);
				}
				probe.handle = null;
				// Done when the client says so: a client that withdraws in the background
				// is not waited for here, so withdrawals overlap as they would in a JVM
				// that withdraws many at once.
				withdrawn.whenComplete((result, ex) -> {
					if (ex != null) {
						probe.error = ex.toString();
					}
					probe.deregisteredAt = System.currentTimeMillis();
					this.pending.decrementAndGet();
				});
				pause(intervalMs);
			}
		});
		return Map.of("deregistering", registered.size());
	}

	@GetMapping("/bench/probes")
	Map<String, Object> probes() {
		List<Map<String, Object>> rows = new ArrayList<>();
		for (Probe probe : snapshot()) {
			Map<String, Object> row = new LinkedHashMap<>();
			row.put("service", probe.service);
			row.put("address", "127.0.0.1:" + probe.port);
			row.put("registerAt", probe.registerAt);
			row.put("registeredAt", probe.registeredAt);
			row.put("deregisterAt", probe.deregisterAt);
			row.put("deregisteredAt", probe.deregisteredAt);
			row.put("error", probe.error);
			rows.add(row);
		}
		return Map.of("pending", this.pending.get(), "probes", rows);
	}

	/**
	 * What this JVM holds: threads, and how many instances its {@link DiscoveryClient}
	 * sees across every service (for this starter, the size of the cache).
	 * @return the counts
	 */
	@GetMapping("/bench/holding")
	Map<String, Object> holding() {
		int instances = 0;
		List<String> services = this.discoveryClient.getServices();
		for (String service : services) {
			instances += this.discoveryClient.getInstances(service).size();
		}
		// Live threads by name, numbers left out ("etcd-discovery-worker-N"), to tell who
		// runs them.
		Map<String, Integer> byName = new TreeMap<>();
		for (Thread thread : Thread.getAllStackTraces().keySet()) {
			byName.merge(thread.getName().replaceAll("[0-9]+", "N"), 1, Integer::sum);
		}
		return Map.of("threads", ManagementFactory.getThreadMXBean().getThreadCount(), "services", services.size(),
				"instances", instances, "threadsByName", byName, "heartbeatEvents", this.heartbeatEvents.received());
	}

	@Override
	public void destroy() throws InterruptedException {
		this.worker.shutdownNow();
		this.worker.awaitTermination(10, TimeUnit.SECONDS);
	}

	@SuppressWarnings("unchecked")
	private ProbeRegistry<Object> registry() {
		ProbeRegistry<Object> registry = (ProbeRegistry<Object>) this.registry.getIfAvailable();
		if (registry == null) {
			throw new ResponseStatusException(HttpStatus.NOT_IMPLEMENTED, "no registry in this variant");
		}
		return registry;
	}

	private List<Probe> snapshot() {
		synchronized (this.probes) {
			return new ArrayList<>(this.probes);
		}
	}

	private static void pause(long millis) {
		if (millis > 0) {
			try {
				Thread.sleep(millis);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private static final class Probe {

		final String service;

		final String instanceId;

		final int port;

		volatile long registerAt;

		volatile long registeredAt;

		volatile long deregisterAt;

		volatile long deregisteredAt;

		volatile Object handle;

		volatile String error;

		Probe(String service, String instanceId, int port) {
			this.service = service;
			this.instanceId = instanceId;
			this.port = port;
		}

	}

}
