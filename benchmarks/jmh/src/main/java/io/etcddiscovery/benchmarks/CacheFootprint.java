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

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.management.ObjectName;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.OptionsUtil;
import io.etcd.jetcd.options.PutOption;
import io.etcddiscovery.cloud.EtcdCloudDiscoveryClient;
import io.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.discovery.Subscription;
import io.etcddiscovery.etcd.Backoff;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.KeyLayout;
import io.etcddiscovery.etcd.NamingFormat;
import io.etcddiscovery.registration.ServiceRegistration;
import io.etcddiscovery.test.EtcdCluster;

import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.scheduling.concurrent.SimpleAsyncTaskScheduler;

/**
 * What a {@link ServiceCache} of a large namespace costs: fills a real etcd with
 * instances in this library's format (values of about 365 bytes, a few metadata entries
 * as real services publish them), lists it with a cache and prints the time of the
 * listing, the heap per cached instance after a full GC (the cache alone, then with every
 * service also adapted to Spring Cloud's {@code ServiceInstance}), and the time from a
 * put in etcd to the cache's listener of that service. Not a JMH benchmark: each figure
 * is one state of the heap or a distribution of single events.
 *
 * <pre>
 * java -Xmx2g -cp benchmarks/jmh/target/benchmarks.jar io.etcddiscovery.benchmarks.CacheFootprint \
 *     [services] [instancesPerService] [changes]
 * </pre>
 *
 * With {@code -Dfootprint.histogram=true} it prints the heap's largest classes with the
 * cache full.
 *
 * @author etcd-discovery authors
 */
public final class CacheFootprint {

	private static final String NAMESPACE = "default";

	private static final KeyLayout KEYS = new KeyLayout("/services");

	private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

	private CacheFootprint() {
	}

	public static void main(String[] args) throws Exception {
		int services = (args.length > 0) ? Integer.parseInt(args[0]) : 1000;
		int perService = (args.length > 1) ? Integer.parseInt(args[1]) : 100;
		int changes = (args.length > 2) ? Integer.parseInt(args[2]) : 200;
		try (EtcdCluster etcd = EtcdCluster.singleNode().withArguments("--quota-backend-bytes=4294967296").start();
				Client client = Client.builder().endpoints(etcd.clientEndpoints().toArray(String[]::new)).build();
				SimpleAsyncTaskScheduler scheduler = new SimpleAsyncTaskScheduler()) {
			int valueBytes = write(client, services, perService);
			System.out.printf("# %d services x %d instances, values of %d bytes, load average %s%n", services,
					perService, valueBytes, loadAverage());
			long rawCpuStart = processCpuNanos();
			long rawStart = System.nanoTime();
			int raw = rawListing(client);
			System.out.printf(
					"raw listing by pages of 500 (jetcd only, nothing decoded): %d keys in %d ms, "
							+ "this JVM's CPU meanwhile %d ms%n",
					raw, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - rawStart),
					TimeUnit.NANOSECONDS.toMillis(processCpuNanos() - rawCpuStart));
			long before = usedHeapAfterGc();
			ServiceCache cache = new ServiceCache(client, KEYS.namespacePrefix(NAMESPACE), REQUEST_TIMEOUT,
					Duration.ofMinutes(2), new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30), 2),
					Clock.systemUTC(), scheduler);
			try {
				long cpuStart = processCpuNanos();
				long start = System.nanoTime();
				cache.start();
				cache.firstListing().toCompletableFuture().get(2, TimeUnit.MINUTES);
				long listedNanos = System.nanoTime() - start;
				long listedCpuNanos = processCpuNanos() - cpuStart;
				int cached = cache.stats().instancesPerService().values().stream().mapToInt(Integer::intValue).sum();
				if (cached != services * perService) {
					throw new IllegalStateException(
							"Cached " + cached + " instances, expected " + services * perService);
				}
				long withCache = usedHeapAfterGc();
				DiscoveryClient cloud = new EtcdCloudDiscoveryClient(new EtcdDiscoveryClient(cache, true));
				int adapted = 0;
				for (int s = 0; s < services; s++) {
					adapted += cloud.getInstances(serviceName(s)).size();
				}
				long withCloud = usedHeapAfterGc();
				System.out.printf("listing: %d ms, this JVM's CPU meanwhile %d ms%n",
						TimeUnit.NANOSECONDS.toMillis(listedNanos), TimeUnit.NANOSECONDS.toMillis(listedCpuNanos));
				System.out.printf("heap per cached instance: %d B (cache %.1f MiB for %d instances)%n",
						(withCache - before) / cached, (withCache - before) / 1048576.0, cached);
				System.out.printf("heap per cached instance, every service also adapted to Spring Cloud: %d B "
						+ "(%d instances adapted)%n", (withCloud - before) / cached, adapted);
				if (Boolean.getBoolean("footprint.histogram")) {
					printHistogram(30);
				}
				changes(client, cache, services, perService, changes);
			}
			finally {
				cache.close();
			}
		}
	}

	private static int write(Client client, int services, int perService) throws Exception {
		NamingFormat codec = new NamingFormat();
		Instant now = Instant.now();
		int valueBytes = 0;
		List<CompletableFuture<?>> writes = new ArrayList<>();
		for (int s = 0; s < services; s++) {
			List<Op> puts = new ArrayList<>(perService);
			for (int i = 0; i < perService; i++) {
				byte[] value = codec.encode(registration(s, i), now);
				valueBytes = value.length;
				puts.add(Op.put(bytes(KEYS.instanceKey(NAMESPACE, serviceName(s), instanceId(s, i))),
						ByteSequence.from(value), PutOption.DEFAULT));
			}
			writes.add(client.getKVClient().txn().Then(puts.toArray(Op[]::new)).commit());
			if (writes.size() == 64) {
				CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
				writes.clear();
			}
		}
		CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
		return valueBytes;
	}

	private static int rawListing(Client client) throws Exception {
		ByteSequence prefix = bytes(KEYS.namespacePrefix(NAMESPACE));
		ByteSequence end = OptionsUtil.prefixEndOf(prefix);
		ByteSequence from = prefix;
		long revision = 0;
		int keys = 0;
		while (true) {
			GetOption.Builder option = GetOption.builder().withRange(end).withLimit(500);
			if (revision != 0) {
				option.withRevision(revision);
			}
			GetResponse page = client.getKVClient().get(from, option.build()).get(30, TimeUnit.SECONDS);
			revision = page.getHeader().getRevision();
			keys += page.getKvs().size();
			if (!page.isMore() || page.getKvs().isEmpty()) {
				return keys;
			}
			from = page.getKvs().get(page.getKvs().size() - 1).getKey().concat(ByteSequence.from(new byte[] { 0 }));
		}
	}

	private static ServiceRegistration registration(int service, int instance) {
		// What a Spring Boot service typically publishes: its zone, version, management
		// port and health path for Spring Boot Admin (values of 365 bytes).
		Map<String, String> metadata = new LinkedHashMap<>();
		metadata.put("zone", "zone-" + (char) ('a' + instance % 3));
		metadata.put("version", "2.14." + (service % 7));
		metadata.put("management.port", "8081");
		metadata.put("health.path", "/actuator/health");
		int address = service * 1000 + instance;
		return new ServiceRegistration(NAMESPACE, serviceName(service), instanceId(service, instance),
				"10.%d.%d.%d".formatted(address >> 16 & 255, address >> 8 & 255, address & 255), 8080, false, metadata,
				InstanceStatus.UP);
	}

	private static void changes(Client client, ServiceCache cache, int services, int perService, int changes)
			throws Exception {
		if (changes == 0) {
			return;
		}
		NamingFormat codec = new NamingFormat();
		String service = serviceName(services / 2);
		BlockingQueue<Long> seen = new LinkedBlockingQueue<>();
		long[] millis = new long[changes];
		try (Subscription subscription = cache.subscribe(service, (instances) -> {
			if (instances.all().size() > perService) {
				seen.add(System.nanoTime());
			}
		})) {
			for (int c = 0; c < changes; c++) {
				String id = "added-" + c;
				String key = KEYS.instanceKey(NAMESPACE, service, id);
				ServiceRegistration added = new ServiceRegistration(NAMESPACE, service, id, "10.255.0.1", 9000 + c,
						false, registration(services / 2, c).metadata(), InstanceStatus.UP);
				long start = System.nanoTime();
				client.getKVClient()
					.put(bytes(key), ByteSequence.from(codec.encode(added, Instant.now())))
					.get(10, TimeUnit.SECONDS);
				Long at = seen.poll(10, TimeUnit.SECONDS);
				if (at == null) {
					throw new IllegalStateException("The listener did not see change " + c);
				}
				millis[c] = at - start;
				client.getKVClient().delete(bytes(key)).get(10, TimeUnit.SECONDS);
				seen.clear();
			}
		}
		Arrays.sort(millis);
		System.out.printf("put -> listener of the service (%d changes): p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
				changes, millis[changes / 2] / 1e6, millis[(int) Math.ceil(changes * 0.99) - 1] / 1e6,
				millis[changes - 1] / 1e6);
	}

	private static long usedHeapAfterGc() {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 3; i++) {
			System.gc();
			used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
		}
		return used;
	}

	private static void printHistogram(int lines) throws Exception {
		String histogram = (String) ManagementFactory.getPlatformMBeanServer()
			.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
					new Object[] { new String[0] }, new String[] { String[].class.getName() });
		histogram.lines().limit(lines + 3).forEach(System.out::println);
	}

	private static long processCpuNanos() {
		return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
	}

	private static String loadAverage() {
		return String.format("%.1f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
	}

	private static String serviceName(int index) {
		return "service-%04d".formatted(index);
	}

	private static String instanceId(int service, int instance) {
		return "%s-%08x".formatted(serviceName(service), (service * 7919 + instance) * 2654435761L & 0xffffffffL);
	}

	private static ByteSequence bytes(String value) {
		return ByteSequence.from(value, StandardCharsets.UTF_8);
	}

}
