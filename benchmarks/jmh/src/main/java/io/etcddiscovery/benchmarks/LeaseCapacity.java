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

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.etcddiscovery.test.EtcdCluster;
import io.etcddiscovery.test.EtcdMember;
import io.grpc.stub.StreamObserver;

/**
 * How many leases one etcd keeps alive: for each step of a growing number of leases, each
 * with one key of a registration's size and kept alive by jetcd as this starter keeps its
 * own (the keep-alive stream, a renewal every third of the TTL), it measures over a
 * window the keep-alives answered per second, the CPU and memory etcd used, the latency
 * of a put made meanwhile, and how many leases were lost. Not a JMH benchmark: a load
 * harness, run with {@code benchmarks/jmh/run-lease-capacity.sh}; docs/operations.md
 * ("Sizing") turns its figures into a guide.
 * <p>
 * The leases are spread over a few clients (one gRPC connection each) instead of one
 * client per lease as a fleet has: etcd's cost per renewal is the same, its cost per
 * connection is not measured here. The leases are granted at most
 * {@code leaseCapacity.inFlight} (32) at a time, each with its put: a fleet that grows. A
 * burst of registrations (every instance of a large fleet re-registering at once) is
 * another load: etcd 3.5 then answers renewals with "waiting for the applied index took
 * too long", and jetcd ends the client's keep-alives; {@code failed} counts those, after
 * which jetcd restarts the stream; {@code lost} counts the leases jetcd dropped because
 * no renewal was answered before their deadline, which are registered again with a new
 * lease, as the starter does.
 *
 * @author etcd-discovery authors
 */
public final class LeaseCapacity {

	private static final int VALUE_BYTES = 330;

	private static final int IN_FLIGHT = Integer.getInteger("leaseCapacity.inFlight", 32);

	private static final long CLOCK_TICKS_PER_SECOND = 100;

	private final long ttlSeconds;

	private final int clientCount;

	private final Duration window;

	private final EtcdCluster etcd;

	private final List<Client> clients = new ArrayList<>();

	private final List<CloseableClient> keepAlives = new ArrayList<>();

	private final AtomicLong renewals = new AtomicLong();

	private final AtomicLong lost = new AtomicLong();

	private final AtomicLong failures = new AtomicLong();

	private int leases;

	private LeaseCapacity(long ttlSeconds, int clientCount, Duration window, int members) {
		this.ttlSeconds = ttlSeconds;
		this.clientCount = clientCount;
		this.window = window;
		this.etcd = ((members == 1) ? EtcdCluster.singleNode() : EtcdCluster.ofSize(members))
			.withArguments("--quota-backend-bytes=" + (4L << 30))
			.start();
		for (int i = 0; i < clientCount; i++) {
			this.clients.add(Client.builder().endpoints(this.etcd.clientEndpoints().toArray(String[]::new)).build());
		}
	}

	/**
	 * Run the steps and print one line per step.
	 * @param args {@code --ttl 10 --steps 1000,5000,10000 --clients 8 --window 30
	 * --members 1}
	 * @throws Exception on a failure
	 */
	public static void main(String[] args) throws Exception {
		long ttl = 10;
		int[] steps = { 1_000, 5_000, 10_000, 20_000 };
		int clients = 8;
		int windowSeconds = 30;
		int members = 1;
		for (int i = 0; i + 1 < args.length; i += 2) {
			String value = args[i + 1];
			switch (args[i]) {
				case "--ttl" -> ttl = Long.parseLong(value);
				case "--steps" -> steps = Arrays.stream(value.split(",")).mapToInt(Integer::parseInt).toArray();
				case "--clients" -> clients = Integer.parseInt(value);
				case "--window" -> windowSeconds = Integer.parseInt(value);
				case "--members" -> members = Integer.parseInt(value);
				default -> throw new IllegalArgumentException("Unknown argument " + args[i]);
			}
		}
		System.out.printf("# TTL %ds, %d clients, a window of %ds per step, %d etcd member(s), %d cores%n", ttl,
				clients, windowSeconds, members, Runtime.getRuntime().availableProcessors());
		System.out.printf("%-8s %-14s %-14s %-12s %-10s %-10s %-10s %-10s %-6s %-6s%n", "leases", "renewals/s",
				"expected/s", "etcd CPU %", "etcd RSS", "put p50", "put p99", "put max", "lost", "failed");
		LeaseCapacity capacity = new LeaseCapacity(ttl, clients, Duration.ofSeconds(windowSeconds), members);
		try {
			for (int step : steps) {
				capacity.grow(step);
				capacity.measure();
			}
		}
		finally {
			capacity.close();
		}
	}

	private void grow(int target) throws Exception {
		byte[] value = new byte[VALUE_BYTES];
		Arrays.fill(value, (byte) 'x');
		ByteSequence bytes = ByteSequence.from(value);
		// A fleet that grows, not one that starts at once: see the class's description.
		Semaphore inFlight = new Semaphore(IN_FLIGHT);
		List<CompletableFuture<?>> pending = new ArrayList<>();
		for (int i = this.leases; i < target; i++) {
			Client client = this.clients.get(i % this.clientCount);
			ByteSequence key = ByteSequence.from("/services/sizing/svc-%d/i-%d".formatted(i % 1000, i),
					StandardCharsets.UTF_8);
			inFlight.acquire();
			CompletableFuture<?> registered = register(client, key, bytes)
				.whenComplete((result, failure) -> inFlight.release());
			pending.add(registered);
		}
		CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
		this.leases = target;
		// One TTL for the renewals to spread out after the burst of grants.
		Thread.sleep(TimeUnit.SECONDS.toMillis(this.ttlSeconds));
	}

	private CompletableFuture<?> register(Client client, ByteSequence key, ByteSequence value) {
		return client.getLeaseClient()
			.grant(this.ttlSeconds, 10, TimeUnit.SECONDS)
			.thenCompose((grant) -> client.getKVClient()
				.put(key, value, PutOption.builder().withLeaseId(grant.getID()).build())
				.thenApply((put) -> grant.getID()))
			.thenAccept((lease) -> {
				synchronized (this.keepAlives) {
					this.keepAlives.add(client.getLeaseClient().keepAlive(lease, new Renewals(client, key, value)));
				}
			});
	}

	private void measure() throws Exception {
		long lostBefore = this.lost.get();
		long failuresBefore = this.failures.get();
		long renewalsBefore = this.renewals.get();
		long cpuBefore = etcdCpuTicks();
		long start = System.nanoTime();
		List<Long> puts = new ArrayList<>();
		Client client = this.clients.get(0);
		ByteSequence key = ByteSequence.from("/sizing/probe", StandardCharsets.UTF_8);
		ByteSequence value = ByteSequence.from("probe", StandardCharsets.UTF_8);
		long end = start + this.window.toNanos();
		while (System.nanoTime() < end) {
			long putStart = System.nanoTime();
			client.getKVClient().put(key, value).get(10, TimeUnit.SECONDS);
			puts.add(System.nanoTime() - putStart);
			Thread.sleep(100);
		}
		double seconds = (System.nanoTime() - start) / 1e9;
		long cpu = etcdCpuTicks() - cpuBefore;
		puts.sort(null);
		double expected = this.leases / (this.ttlSeconds / 3.0);
		System.out.printf("%-8d %-14.0f %-14.0f %-12.0f %-10s %-10s %-10s %-10s %-6d %-6d%n", this.leases,
				(this.renewals.get() - renewalsBefore) / seconds, expected,
				100.0 * cpu / CLOCK_TICKS_PER_SECOND / seconds, etcdRssMegabytes() + " MB",
				millis(percentile(puts, 0.50)), millis(percentile(puts, 0.99)), millis(puts.get(puts.size() - 1)),
				this.lost.get() - lostBefore, this.failures.get() - failuresBefore);
	}

	private long etcdCpuTicks() throws IOException {
		long ticks = 0;
		for (EtcdMember member : this.etcd.members()) {
			String stat = Files.readString(Path.of("/proc", Long.toString(member.pid()), "stat"));
			// Fields after the command name, which is in parentheses and may hold spaces.
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
		}
		return ticks;
	}

	private long etcdRssMegabytes() throws IOException {
		long kilobytes = 0;
		for (EtcdMember member : this.etcd.members()) {
			for (String line : Files.readAllLines(Path.of("/proc", Long.toString(member.pid()), "status"))) {
				if (line.startsWith("VmRSS:")) {
					kilobytes += Long.parseLong(line.replaceAll("[^0-9]", ""));
				}
			}
		}
		return kilobytes / 1024;
	}

	private static long percentile(List<Long> sorted, double fraction) {
		return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(fraction * sorted.size()) - 1));
	}

	private static String millis(long nanos) {
		return "%.1f ms".formatted(nanos / 1e6);
	}

	private void close() {
		List<CloseableClient> keepAlives;
		synchronized (this.keepAlives) {
			keepAlives = new ArrayList<>(this.keepAlives);
		}
		keepAlives.forEach(CloseableClient::close);
		this.clients.forEach(Client::close);
		this.etcd.close();
	}

	/**
	 * Counts one lease's renewals. A failed keep-alive stream is not the end (jetcd
	 * restarts it after 500 ms); a lease jetcd drops because no renewal was answered
	 * before its deadline ({@code onCompleted}) or that etcd reports expired is lost, and
	 * is registered again with a new lease, as the starter does.
	 */
	private final class Renewals implements StreamObserver<LeaseKeepAliveResponse> {

		private final Client client;

		private final ByteSequence key;

		private final ByteSequence value;

		Renewals(Client client, ByteSequence key, ByteSequence value) {
			this.client = client;
			this.key = key;
			this.value = value;
		}

		@Override
		public void onNext(LeaseKeepAliveResponse response) {
			if (response.getTTL() > 0) {
				LeaseCapacity.this.renewals.incrementAndGet();
			}
		}

		@Override
		public void onError(Throwable failure) {
			if (LeaseCapacity.this.failures.incrementAndGet() <= 3) {
				System.err.println("# keep-alive stream failed: " + failure);
			}
		}

		@Override
		public void onCompleted() {
			if (LeaseCapacity.this.lost.incrementAndGet() <= 3) {
				System.err.println("# lease of " + this.key + " dropped: no renewal answered before its deadline");
			}
			register(this.client, this.key, this.value);
		}

	}

}
