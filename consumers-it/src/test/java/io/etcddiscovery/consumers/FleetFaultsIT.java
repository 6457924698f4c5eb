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
package io.etcddiscovery.consumers;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.GetOption;
import io.etcddiscovery.cloud.EjectedInstances;
import io.etcddiscovery.discovery.DiscoveredInstance;
import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.discovery.ServiceInstances;
import io.etcddiscovery.test.EtcdExtension;
import io.etcddiscovery.test.EtcdMember;
import io.etcddiscovery.test.TcpProxy;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.CompletionContext;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.client.loadbalancer.LoadBalancerLifecycle;
import org.springframework.cloud.client.loadbalancer.Request;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A fleet of instances under a steady stream of GETs while etcd, or the way to it, fails
 * as it does in production (issue #23's load tests): five instances of {@code fleet}
 * reaching etcd through a relay ({@code f1} in this JVM, the four others each a JVM of
 * its own: those are the ones killed and stopped) are called by one application through a
 * {@code @LoadBalanced} {@code RestClient} and through a Spring Cloud Gateway route with
 * the documented Retry filter, both reading etcd directly. Each fault happens under load,
 * and no GET may fail:
 * <ol>
 * <li>the relay cut past the instances' TTL: their leases expire, the protection against
 * mass removal holds them; one of them then really dies ({@code SIGKILL}) and, once
 * ejected, is not chosen again;</li>
 * <li>etcd killed, its data removed, started again;</li>
 * <li>an older snapshot of etcd restored ({@code etcdutl snapshot restore}, or
 * {@code etcdctl snapshot restore} on etcd 3.4), which brings back the instance that died
 * since;</li>
 * <li>{@code etcdctl del --prefix} of the namespace;</li>
 * <li>three of the four instances left scaled down ({@code SIGTERM}): never held, the
 * caller's list shrinks to one.</li>
 * </ol>
 * One etcd, one caller and the same instances for the whole class, in this order.
 *
 * @author etcd-discovery authors
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FleetFaultsIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final String SERVICE = "fleet";

	private static final String NAMESPACE_PREFIX = "/services/default/";

	private static final Duration TIMEOUT = Duration.ofSeconds(60);

	private static final List<String> IDS = List.of("f1", "f2", "f3", "f4", "f5");

	// What is left after f5 died.
	private static final List<String> LIVE = IDS.subList(0, 4);

	private static final Path WORK = Path.of("target", "fleet-faults");

	private static TcpProxy relay;

	// f2 to f5, in JVMs of their own.
	private static final List<InstanceProcess> processes = new ArrayList<>();

	private static final Map<String, Integer> ports = new ConcurrentHashMap<>();

	// f1, the instance left after the scale-down: nothing happens to it.
	private static ConfigurableApplicationContext f1;

	private static ConfigurableApplicationContext caller;

	private static Load load;

	private static Path olderSnapshot;

	// Reads etcd directly, to compare the caller's view with.
	private static Client inspector;

	@BeforeAll
	static void startFleetAndCaller() throws IOException {
		Files.createDirectories(WORK);
		relay = TcpProxy.to(etcd.endpoint());
		inspector = Client.builder().endpoints(etcd.endpoint()).build();
		for (String id : IDS.subList(1, IDS.size())) {
			InstanceProcess process = InstanceProcess.start(id, relay.endpoint());
			processes.add(process);
			ports.put(id, process.port);
		}
		f1 = Apps.service(etcd, SERVICE, "f1", "discovery.etcd.endpoints=" + relay.endpoint(), "discovery.ttl=3s",
				"discovery.retry.initial-interval=200ms", "discovery.retry.max-interval=1s",
				"discovery.client.enabled=false");
		ports.put("f1", Apps.port(f1));
		// Five JVMs starting at once on a busy machine: a bound, not a wait.
		for (InstanceProcess process : processes) {
			await().atMost(Duration.ofMinutes(3))
				.ignoreExceptions()
				.until(() -> process.isReady() || !process.process.isAlive());
			assertThat(process.process.isAlive()).as(process::output).isTrue();
		}
		caller = new SpringApplicationBuilder(CallerApplication.class).web(WebApplicationType.REACTIVE)
			.properties(Apps.common(etcd, "caller",
					Stream
						.concat(Stream.of("server.port=0", "discovery.register=false",
								"discovery.client.ejection.probe-interval=200ms",
								"spring.cloud.gateway.server.webflux.enabled=true"),
								Apps.documentedGatewayRoute("fleet-api", SERVICE, "/api/fleet").stream())
						.toArray(String[]::new)))
			.run();
		awaitFleet(IDS);
		RestClient restClient = caller.getBean("loadBalancedRestClientBuilder", RestClient.Builder.class).build();
		String gateway = "http://127.0.0.1:" + Apps.port(caller) + "/api/fleet/";
		// The first request of each client (a LoadBalancer context, a cold Gateway) is
		// not what is measured.
		for (int i = 0; i < 2 * IDS.size(); i++) {
			await().atMost(TIMEOUT)
				.ignoreExceptions()
				.until(() -> IDS.contains(restClient.get().uri("http://" + SERVICE + "/").retrieve().body(String.class))
						&& Apps.get(gateway).statusCode() == 200);
		}
		// What an operator saved a while ago: every instance registered with its first
		// lease.
		olderSnapshot = WORK.resolve("older.db");
		Files.deleteIfExists(olderSnapshot);
		EtcdTools.run(EtcdTools.etcdctl(), "--endpoints=" + etcd.endpoint(), "snapshot", "save",
				olderSnapshot.toString());
		load = new Load(() -> restClient.get().uri("http://" + SERVICE + "/").retrieve().body(String.class),
				() -> Apps.get(gateway), () -> cache().get(SERVICE).held().size());
	}

	@AfterAll
	static void stopAll() {
		if (load != null) {
			load.close();
		}
		if (caller != null) {
			caller.close();
		}
		processes.forEach(InstanceProcess::close);
		if (f1 != null) {
			f1.close();
		}
		if (relay != null) {
			relay.close();
		}
		if (inspector != null) {
			inspector.close();
		}
	}

	@Test
	@Order(1)
	void instancesCutOffFromEtcdPastTheirTtlAreHeldAndOneThatDiesMeanwhileIsNotCalledOnceEjected() {
		Tally start = load.tally();
		long activations = cache().protection().activations();
		relay.cut();
		boolean restored = false;
		try {
			// Their leases expire; the caller keeps serving all five, which answer.
			await().atMost(TIMEOUT).until(() -> ids(cache().get(SERVICE).held()), (held) -> held.equals(IDS));
			assertThat(cache().protection().activations()).isEqualTo(activations + 1);
			assertThat(meters().get("discovery.protection.held").gauge().value()).isEqualTo(IDS.size());
			Tally held = load.tally();

			// f5 really dies while it is held: the GETs sent to it are sent to another
			// one, and once ejected it is never chosen again.
			InstanceProcess dead = processes.get(3);
			long ejections = ejected().getEjections();
			Tally kill = load.tally();
			dead.kill();
			await().atMost(TIMEOUT).until(() -> ejected().isEjected(SERVICE, "127.0.0.1", dead.port));
			long chosenWhenEjected = chosen().count(dead.port);
			Tally ejectedAt = load.tally();
			await().atMost(TIMEOUT).until(() -> load.tally().minus(ejectedAt).total() >= 500);
			assertThat(chosen().count(dead.port)).as("GETs sent to the dead instance after its ejection")
				.isEqualTo(chosenWhenEjected);
			assertThat(ejected().getEjections()).isEqualTo(ejections + 1);
			assertThat(ids(cache().get(SERVICE).held())).isEqualTo(IDS);
			Tally afterEjection = load.tally().minus(ejectedAt);
			report("6. an instance killed while held, until 500 GETs after its ejection", load.tally().minus(kill));
			assertThat(load.failuresSince(kill)).isEmpty();

			// The relay is restored: the live instances register again, the dead one is
			// dropped with the hold, and with it its ejection.
			relay.restore();
			restored = true;
			awaitFleet(LIVE);
			Tally whole = load.tally().minus(start);
			report("1. relay cut past the TTL, until registered again (" + held.minus(start).total()
					+ " GETs before all were held; " + afterEjection.total() + " GETs after f5's ejection, "
					+ (chosen().count(dead.port) - chosenWhenEjected) + " sent to f5)", whole);
			assertThat(load.failuresSince(start)).isEmpty();
			assertThat(whole.restClient()).isPositive();
			assertThat(whole.gateway()).isPositive();
		}
		finally {
			if (!restored) {
				relay.restore();
			}
		}
	}

	@Test
	@Order(2)
	void etcdKilledWipedAndRestarted() {
		awaitFleet(LIVE);
		Tally start = load.tally();
		long activations = cache().protection().activations();
		long listings = cache().stats().resyncs();
		etcd.wipeAndRestart();
		awaitFleet(LIVE);
		// The caller followed etcd's new history, listing it again.
		assertThat(cache().stats().resyncs()).isGreaterThan(listings);
		Tally whole = load.tally().minus(start);
		report("2. etcd killed, wiped and restarted, until registered again (protection activations: "
				+ (cache().protection().activations() - activations) + ")", whole);
		assertThat(load.failuresSince(start)).isEmpty();
		assertThat(whole.restClient()).isPositive();
		assertThat(whole.gateway()).isPositive();
	}

	@Test
	@Order(3)
	void anOlderSnapshotRestored() throws IOException {
		awaitFleet(LIVE);
		Tally start = load.tally();
		long activations = cache().protection().activations();
		long ejections = ejected().getEjections();
		long listings = cache().stats().resyncs();
		EtcdMember member = etcd.member(0);
		member.stop();
		deleteRecursively(member.dataDirectory());
		EtcdTools.restore(olderSnapshot, member);
		member.start();
		// The snapshot brings back f5, dead since, on its old lease until that expires.
		awaitFleet(LIVE);
		assertThat(cache().stats().resyncs()).isGreaterThan(listings);
		Tally whole = load.tally().minus(start);
		report("3. an older snapshot restored with " + EtcdTools.restoreTool().getFileName()
				+ ", until registered again (protection activations: "
				+ (cache().protection().activations() - activations) + ", ejections: "
				+ (ejected().getEjections() - ejections) + ")", whole);
		assertThat(load.failuresSince(start)).isEmpty();
		assertThat(whole.restClient()).isPositive();
		assertThat(whole.gateway()).isPositive();
	}

	@Test
	@Order(4)
	void namespaceDeletedWithEtcdctl() {
		awaitFleet(LIVE);
		Tally start = load.tally();
		long activations = cache().protection().activations();
		EtcdTools.run(EtcdTools.etcdctl(), "--endpoints=" + etcd.endpoint(), "del", "--prefix", NAMESPACE_PREFIX);
		awaitFleet(LIVE);
		Tally whole = load.tally().minus(start);
		report("4. etcdctl del --prefix " + NAMESPACE_PREFIX + ", until registered again", whole);
		// Every key went in one revision: the protection held them until they were back.
		assertThat(cache().protection().activations()).isEqualTo(activations + 1);
		assertThat(load.failuresSince(start)).isEmpty();
		assertThat(whole.restClient()).isPositive();
		assertThat(whole.gateway()).isPositive();
	}

	@Test
	@Order(5)
	void aScaleDownOfThreeOfFourIsNotHeld() {
		awaitFleet(LIVE);
		Tally start = load.tally();
		long activations = cache().protection().activations();
		load.resetMaxHeld();
		List<InstanceProcess> stopped = processes.subList(0, 3);
		stopped.forEach(InstanceProcess::terminate);
		for (InstanceProcess instance : stopped) {
			assertThat(instance.awaitExit(TIMEOUT)).as(instance.id + " exited").isTrue();
		}
		awaitFleet(List.of("f1"));
		Tally whole = load.tally().minus(start);
		report("5. three of four instances stopped with SIGTERM, until they exited and left the caller", whole);
		assertThat(load.maxHeld()).isZero();
		assertThat(cache().protection().activations()).isEqualTo(activations);
		assertThat(choices()).containsExactly(ports.get("f1"));
		assertThat(load.failuresSince(start)).isEmpty();
		assertThat(whole.restClient()).isPositive();
		assertThat(whole.gateway()).isPositive();
	}

	// Every instance of 'ids', and only they, registered in etcd, the caller's cache
	// holding etcd's keys at their revisions and its load balancer choosing them; nothing
	// held, nothing ejected.
	private static void awaitFleet(List<String> ids) {
		Set<Integer> livePorts = ids.stream().map(ports::get).collect(Collectors.toSet());
		await().atMost(TIMEOUT).ignoreExceptions().until(() -> {
			ServiceInstances seen = cache().get(SERVICE);
			Map<String, Long> cached = seen.all()
				.stream()
				.collect(Collectors.toMap(DiscoveredInstance::key, DiscoveredInstance::modRevision));
			List<Integer> choices = choices();
			return seen.held().isEmpty() && ids(seen.up()).equals(ids) && cached.equals(inEtcd())
					&& choices.size() == livePorts.size() && Set.copyOf(choices).equals(livePorts)
					&& ejected().isEmpty();
		});
	}

	// The keys etcd holds in the namespace, with their revisions.
	private static Map<String, Long> inEtcd() throws Exception {
		return inspector.getKVClient()
			.get(ByteSequence.from(NAMESPACE_PREFIX, StandardCharsets.UTF_8),
					GetOption.builder().isPrefix(true).build())
			.get(5, TimeUnit.SECONDS)
			.getKvs()
			.stream()
			.collect(Collectors.toMap((kv) -> kv.getKey().toString(StandardCharsets.UTF_8), KeyValue::getModRevision));
	}

	private static List<Integer> choices() {
		List<ServiceInstance> choices = caller.getBean(LoadBalancerClientFactory.class)
			.getInstance(SERVICE, ServiceInstanceListSupplier.class)
			.get()
			.blockFirst(TIMEOUT);
		return (choices != null) ? choices.stream().map(ServiceInstance::getPort).toList() : List.of();
	}

	private static List<String> ids(List<DiscoveredInstance> instances) {
		return instances.stream().map(DiscoveredInstance::instanceId).sorted().toList();
	}

	private static ServiceCache cache() {
		return caller.getBean(ServiceCache.class);
	}

	private static EjectedInstances ejected() {
		return caller.getBean(EjectedInstances.class);
	}

	private static ChosenInstances chosen() {
		return caller.getBean(ChosenInstances.class);
	}

	private static MeterRegistry meters() {
		return caller.getBean(MeterRegistry.class);
	}

	private static void report(String scenario, Tally tally) {
		System.out.printf("[fleet] %s: %d GETs (%d RestClient, %d Gateway), %d failed, %d ms%n", scenario,
				tally.total(), tally.restClient(), tally.gateway(), tally.failed(), tally.millis());
	}

	private static void deleteRecursively(Path directory) throws IOException {
		if (Files.exists(directory)) {
			try (Stream<Path> paths = Files.walk(directory)) {
				for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
					Files.delete(path);
				}
			}
		}
	}

	/**
	 * GETs and their failures so far, and when.
	 *
	 * @param restClient GETs through the load-balanced {@code RestClient}
	 * @param gateway GETs through the Gateway route
	 * @param failed failed GETs of either
	 * @param nanos when this was taken, from {@link System#nanoTime()}
	 */
	record Tally(long restClient, long gateway, int failed, long nanos) {

		Tally minus(Tally earlier) {
			return new Tally(this.restClient - earlier.restClient, this.gateway - earlier.gateway,
					this.failed - earlier.failed, this.nanos - earlier.nanos);
		}

		long total() {
			return this.restClient + this.gateway;
		}

		long millis() {
			return TimeUnit.NANOSECONDS.toMillis(this.nanos);
		}

	}

	/**
	 * A steady stream of GETs, two callers each through the {@code RestClient} and
	 * through the Gateway, each sending its next GET 5 ms after its last answer; and how
	 * many instances the protection held at most, looked at every 10 ms.
	 */
	static final class Load implements AutoCloseable {

		private final ScheduledExecutorService executor = Executors.newScheduledThreadPool(5, (task) -> {
			Thread thread = new Thread(task, "fleet-load");
			thread.setDaemon(true);
			return thread;
		});

		private final AtomicLong restClient = new AtomicLong();

		private final AtomicLong gateway = new AtomicLong();

		private final List<String> failures = new CopyOnWriteArrayList<>();

		private final AtomicInteger maxHeld = new AtomicInteger();

		Load(Supplier<String> restClientGet, Supplier<HttpResponse<String>> gatewayGet, IntSupplier held) {
			for (int i = 0; i < 2; i++) {
				this.executor.scheduleWithFixedDelay(() -> get("RestClient", this.restClient, restClientGet), 0, 5,
						TimeUnit.MILLISECONDS);
				this.executor.scheduleWithFixedDelay(() -> get("Gateway", this.gateway, () -> {
					HttpResponse<String> response = gatewayGet.get();
					return (response.statusCode() == 200) ? response.body()
							: response.statusCode() + " " + response.body();
				}), 0, 5, TimeUnit.MILLISECONDS);
			}
			this.executor.scheduleWithFixedDelay(() -> this.maxHeld.accumulateAndGet(held.getAsInt(), Math::max), 0, 10,
					TimeUnit.MILLISECONDS);
		}

		private void get(String client, AtomicLong count, Supplier<String> get) {
			try {
				String answer = get.get();
				if (!IDS.contains(answer)) {
					this.failures.add(client + ": " + answer);
				}
			}
			catch (Throwable ex) {
				this.failures.add(client + ": " + ex);
			}
			finally {
				count.incrementAndGet();
			}
		}

		Tally tally() {
			// Failures first: a GET counted is never a failure not yet counted.
			int failed = this.failures.size();
			return new Tally(this.restClient.get(), this.gateway.get(), failed, System.nanoTime());
		}

		List<String> failuresSince(Tally tally) {
			List<String> all = List.copyOf(this.failures);
			return all.subList(Math.min(tally.failed(), all.size()), all.size());
		}

		void resetMaxHeld() {
			this.maxHeld.set(0);
		}

		int maxHeld() {
			return this.maxHeld.get();
		}

		@Override
		public void close() {
			this.executor.shutdownNow();
		}

	}

	/**
	 * An instance of {@code fleet} in a JVM of its own, started with this JVM's class
	 * path and Java, its output in {@code target/fleet-faults/}.
	 */
	static final class InstanceProcess implements AutoCloseable {

		private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

		final String id;

		final int port;

		final Process process;

		private final Path log;

		private InstanceProcess(String id, int port, Process process, Path log) {
			this.id = id;
			this.port = port;
			this.process = process;
			this.log = log;
		}

		static InstanceProcess start(String id, String etcdEndpoint) {
			try {
				int port;
				try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
					port = socket.getLocalPort();
				}
				Path log = WORK.resolve(id + ".log");
				List<String> command = new ArrayList<>(
						List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx160m",
								"-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", serviceClassPath(),
								Instance.class.getName()));
				for (String property : Apps.common(List.of(etcdEndpoint), SERVICE, "server.port=" + port,
						"server.shutdown=graceful", "spring.main.web-application-type=servlet",
						"discovery.instance-id=" + id, "discovery.ttl=3s", "discovery.shutdown.drain-delay=1s",
						"discovery.retry.initial-interval=200ms", "discovery.retry.max-interval=1s",
						"discovery.client.enabled=false")) {
					command.add("--" + property);
				}
				Process process = new ProcessBuilder(command).redirectErrorStream(true)
					.redirectOutput(log.toFile())
					.start();
				process.getOutputStream().close();
				return new InstanceProcess(id, port, process, log);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		// This JVM's class path without the consumers a service does not carry.
		private static String serviceClassPath() {
			return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
				.filter((entry) -> Stream.of("gateway", "spring-boot-admin", "feign", "thymeleaf")
					.noneMatch(Path.of(entry).getFileName().toString()::contains))
				.collect(Collectors.joining(File.pathSeparator));
		}

		boolean isReady() throws IOException, InterruptedException {
			return this.id.equals(http
				.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + this.port + "/"))
					.timeout(Duration.ofSeconds(2))
					.build(), HttpResponse.BodyHandlers.ofString())
				.body());
		}

		/**
		 * {@code SIGTERM}, as a process manager scales down.
		 */
		void terminate() {
			this.process.destroy();
		}

		/**
		 * {@code SIGKILL}, and wait until it has gone.
		 */
		void kill() {
			this.process.destroyForcibly();
			assertThat(awaitExit(TIMEOUT)).isTrue();
		}

		boolean awaitExit(Duration timeout) {
			try {
				return this.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return false;
			}
		}

		String output() {
			try {
				return Files.readString(this.log, StandardCharsets.UTF_8);
			}
			catch (IOException ex) {
				return ex.toString();
			}
		}

		@Override
		public void close() {
			if (this.process.isAlive()) {
				this.process.destroyForcibly();
				awaitExit(Duration.ofSeconds(10));
			}
		}

	}

	/**
	 * What an instance of {@code fleet} runs: the web service of these tests,
	 * {@code GET /} answering its instance id.
	 */
	static final class Instance {

		private Instance() {
		}

		public static void main(String[] args) {
			SpringApplication.run(Apps.ServiceApplication.class, args);
		}

	}

	/**
	 * Finds etcdctl and etcdutl beside the etcd the tests run ({@code ETCD_BINARY}), else
	 * on the {@code PATH}, and runs them.
	 */
	static final class EtcdTools {

		private EtcdTools() {
		}

		static Path etcdctl() {
			Path etcdctl = find("etcdctl");
			if (etcdctl == null) {
				throw new IllegalStateException("etcdctl is not installed beside ETCD_BINARY nor on the PATH: run "
						+ "'scripts/install-etcd.sh' (installs Debian's etcd-client)");
			}
			return etcdctl;
		}

		// etcd 3.5 restores with etcdutl; 3.4 has no etcdutl, its etcdctl restores.
		static Path restoreTool() {
			Path etcdutl = find("etcdutl");
			return (etcdutl != null) ? etcdutl : etcdctl();
		}

		static void restore(Path snapshot, EtcdMember member) {
			run(restoreTool(), "snapshot", "restore", snapshot.toString(), "--name", member.name(), "--initial-cluster",
					member.name() + "=" + member.peerEndpoint(), "--initial-advertise-peer-urls", member.peerEndpoint(),
					"--data-dir", member.dataDirectory().toString());
		}

		static String run(Path tool, String... arguments) {
			List<String> command = new ArrayList<>(List.of(tool.toString()));
			command.addAll(List.of(arguments));
			try {
				ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
				Map<String, String> environment = builder.environment();
				environment.keySet().removeIf((variable) -> variable.startsWith("ETCD"));
				environment.put("ETCDCTL_API", "3");
				Process process = builder.start();
				process.getOutputStream().close();
				String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
				if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
					throw new IllegalStateException(command + " failed: " + output);
				}
				return output;
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new IllegalStateException(ex);
			}
		}

		private static Path find(String name) {
			List<Path> candidates = new ArrayList<>();
			String etcd = System.getenv("ETCD_BINARY");
			if (etcd != null && !etcd.isBlank()) {
				Path directory = Path.of(etcd.trim()).toAbsolutePath().getParent();
				if (directory != null) {
					candidates.add(directory.resolve(name));
				}
			}
			String path = System.getenv("PATH");
			for (String directory : (path != null) ? path.split(File.pathSeparator) : new String[0]) {
				if (!directory.isBlank()) {
					candidates.add(Path.of(directory, name));
				}
			}
			return candidates.stream().filter(Files::isExecutable).findFirst().orElse(null);
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(Apps.OwnReactorResources.class)
	static class CallerApplication {

		// A connect timeout of 500 ms and a read timeout of 2 s.
		@Bean
		@LoadBalanced
		RestClient.Builder loadBalancedRestClientBuilder() {
			JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(
					HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build());
			factory.setReadTimeout(Duration.ofSeconds(2));
			return RestClient.builder().requestFactory(factory);
		}

		@Bean
		@Primary
		RestClient.Builder restClientBuilder() {
			return RestClient.builder();
		}

		@Bean
		ChosenInstances chosenInstances() {
			return new ChosenInstances();
		}

	}

	/**
	 * Counts, by port, the instances the caller's load balancer chose for a request, of
	 * either client.
	 */
	static final class ChosenInstances implements LoadBalancerLifecycle<Object, Object, ServiceInstance> {

		private final Map<Integer, AtomicLong> byPort = new ConcurrentHashMap<>();

		@Override
		@SuppressWarnings("rawtypes")
		public boolean supports(Class requestContextClass, Class responseClass, Class serverTypeClass) {
			return ServiceInstance.class.isAssignableFrom(serverTypeClass);
		}

		@Override
		public void onStart(Request<Object> request) {
		}

		@Override
		public void onStartRequest(Request<Object> request, Response<ServiceInstance> lbResponse) {
			ServiceInstance instance = (lbResponse != null) ? lbResponse.getServer() : null;
			if (instance != null) {
				this.byPort.computeIfAbsent(instance.getPort(), (port) -> new AtomicLong()).incrementAndGet();
			}
		}

		@Override
		public void onComplete(CompletionContext<Object, ServiceInstance, Object> completionContext) {
		}

		long count(int port) {
			AtomicLong count = this.byPort.get(port);
			return (count != null) ? count.get() : 0;
		}

	}

}
