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

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.sun.net.httpserver.HttpServer;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import io.etcddiscovery.discovery.DiscoveredInstance;
import io.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.discovery.ServiceCacheStats;
import io.etcddiscovery.discovery.Subscription;
import io.etcddiscovery.grpc.EtcdNameResolverProvider;
import io.etcddiscovery.reliability.PoisonValues.Poison;
import io.etcddiscovery.test.EtcdExtension;
import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import io.grpc.SynchronizationContext;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.quicktheories.core.Gen;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.cloud.client.discovery.simple.reactive.SimpleReactiveDiscoveryClient;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.client.loadbalancer.LoadBalancerClient;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.lists;

/**
 * Whatever is written to etcd next to the instances of a service, they stay usable
 * through every API a Spring application reads them with, and every value that is not a
 * usable instance is skipped, counted and warned about once: property-based, against a
 * real etcd and a real web application.
 * <p>
 * Each try writes a batch of generated values ({@link PoisonValues}) under the namespace
 * in as few transactions as etcd allows, next to three good instances (this application's
 * own registration, one more in this library's format, one as a Go writer puts it), then
 * checks the cache, both Spring Cloud {@code DiscoveryClient}s, the load balancer's
 * supplier and client, the gRPC resolver, {@code /actuator/discovery} and the meters, and
 * removes the batch again.
 *
 * @author etcd-discovery authors
 */
class PoisonedValuesIT {

	private static final String PREFIX = "/services/default/";

	private static final String SERVICE = "orders";

	private static final Duration TIMEOUT = Duration.ofSeconds(20);

	// etcd's defaults: 128 operations and 1.5 MiB per request.
	private static final int MAX_OPS_PER_TXN = 100;

	private static final int MAX_BYTES_PER_TXN = 1024 * 1024;

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final AtomicLong sequence = new AtomicLong();

	private static final AtomicLong valuesTried = new AtomicLong();

	private static final AtomicLong valuesSkipped = new AtomicLong();

	private static final AtomicLong tries = new AtomicLong();

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final int TRIES = 300;

	private static ConfigurableApplicationContext app;

	private static Client client;

	private static HttpClient http;

	private static String actuator;

	private static List<String> good;

	private static ServiceCache cache;

	private static EtcdDiscoveryClient discovery;

	private static DiscoveryClient springDiscovery;

	private static List<ReactiveDiscoveryClient> reactiveDiscovery;

	private static LoadBalancerClient loadBalancer;

	private static final AtomicReference<List<org.springframework.cloud.client.ServiceInstance>> supplied = new AtomicReference<>();

	private static reactor.core.Disposable supplierSubscription;

	private static NameResolver resolver;

	private static final AtomicReference<List<InetSocketAddress>> resolved = new AtomicReference<>();

	private static ExecutorService offload;

	private static MeterRegistry meters;

	private static WarningRecorder warnings;

	@BeforeAll
	static void start() {
		app = new SpringApplicationBuilder(App.class).web(WebApplicationType.SERVLET)
			.properties("spring.application.name=" + SERVICE, "discovery.instance-id=orders-1", "server.port=0",
					"server.address=127.0.0.1", "discovery.host=127.0.0.1",
					"discovery.etcd.endpoints=" + etcd.endpoint(), "discovery.ttl=30s",
					"discovery.shutdown.drain-delay=0s", "discovery.heartbeat.enabled=false",
					// Generated values, good ones included, are deleted in batches: the
					// protection against mass removal would hold the good ones.
					"discovery.client.protection.enabled=false",
					"management.endpoints.web.exposure.include=discovery,metrics", "spring.main.banner-mode=off",
					"logging.level.io.etcddiscovery=INFO")
			.run();
		// After start-up: Spring Boot's logging system resets Logback when it starts.
		warnings = WarningRecorder.attach();
		int port = ((WebServerApplicationContext) app).getWebServer().getPort();
		actuator = "http://127.0.0.1:" + port + "/actuator";
		http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
		client = Client.builder().endpoints(etcd.endpoint()).build();
		put(PREFIX + SERVICE + "/good-lib", Json.bytes(PoisonValues.good(port, "good-lib")));
		put(PREFIX + SERVICE + "/good-go",
				("{\"Op\":0,\"Addr\":\"127.0.0.1:" + port + "\",\"Metadata\":null}").getBytes(StandardCharsets.UTF_8));
		good = List.of("good-go", "good-lib", "orders-1");
		discovery = app.getBean(EtcdDiscoveryClient.class);
		cache = discovery.getCache();
		springDiscovery = app.getBean(DiscoveryClient.class);
		// Not Spring Cloud's SimpleReactiveDiscoveryClient (there with WebFlux on the
		// classpath): it lists the instances of spring.cloud.discovery.client.simple
		// only.
		reactiveDiscovery = app.getBeanProvider(ReactiveDiscoveryClient.class)
			.orderedStream()
			.filter((client) -> !(client instanceof SimpleReactiveDiscoveryClient))
			.toList();
		loadBalancer = app.getBean(LoadBalancerClient.class);
		meters = app.getBean(MeterRegistry.class);
		await().atMost(TIMEOUT).until(() -> ids(discovery.instances(SERVICE)).containsAll(good));
		ServiceInstanceListSupplier supplier = app.getBean(LoadBalancerClientFactory.class)
			.getInstance(SERVICE, ServiceInstanceListSupplier.class);
		supplierSubscription = supplier.get().subscribe(supplied::set);
		offload = Executors.newSingleThreadExecutor();
		resolver = app.getBean(EtcdNameResolverProvider.class)
			.newNameResolver(URI.create("discovery:///" + SERVICE), resolverArgs());
		resolver.start(new NameResolver.Listener2() {

			@Override
			public void onResult(NameResolver.ResolutionResult result) {
				resolved.set(result.getAddressesOrError().hasValue()
						? addresses(result.getAddressesOrError().getValue()) : List.of());
			}

			@Override
			public void onError(Status error) {
				throw new AssertionError("Errors are reported in results: " + error);
			}

		});
	}

	@AfterAll
	static void stop() {
		System.out.printf(
				"%s: %d generated values in %d tries written to a real etcd next to %d good instances; "
						+ "%d skipped, none lost%n",
				PoisonedValuesIT.class.getSimpleName(), valuesTried.get(), tries.get(),
				(good != null) ? good.size() : 0, valuesSkipped.get());
		if (resolver != null) {
			resolver.shutdown();
		}
		if (supplierSubscription != null) {
			supplierSubscription.dispose();
		}
		if (offload != null) {
			offload.shutdownNow();
		}
		if (app != null) {
			app.close();
		}
		if (client != null) {
			client.close();
		}
		if (warnings != null) {
			warnings.detach();
		}
	}

	@Test
	void goodInstancesStayUsableWhateverIsWrittenNextToThem() {
		// Few shrink cycles: each one that fails waits for a timeout against etcd.
		qt().withFixedSeed(Long.getLong("poisoned-values.seed", System.nanoTime()))
			.withExamples(TRIES)
			.withShrinkCycles(5)
			.forAll(batches())
			.checkAssert((batch) -> {
				try {
					tryBatch(batch);
				}
				catch (Exception ex) {
					throw new AssertionError(ex);
				}
			});
	}

	private static void tryBatch(List<Poison> batch) throws Exception {
		tries.incrementAndGet();
		long skippedBefore = cache.stats().valuesSkipped();
		int warningsBefore = warnings.skipWarnings();
		long firstSequence = sequence.get() + 1;
		List<String> keys = write(batch);
		valuesTried.addAndGet(keys.size());
		long skipped;
		try {
			skipped = checkBatch(keys, skippedBefore, warningsBefore);
		}
		finally {
			delete(batch, firstSequence);
		}
		await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(5))
			.until(() -> accepted(keys).isEmpty() && cache.stats().invalidKeys() == 0);
		assertThat(cache.stats().valuesSkipped() - skippedBefore).as("deletes are not skipped values")
			.isEqualTo(skipped);
	}

	private static long checkBatch(List<String> keys, long skippedBefore, int warningsBefore) throws Exception {
		// Every value is read as an instance or skipped: once all of them were, the
		// batch is applied.
		await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(5))
			.until(() -> cache.stats().valuesSkipped() - skippedBefore + accepted(keys).size() == keys.size());
		long skipped = cache.stats().valuesSkipped() - skippedBefore;
		valuesSkipped.addAndGet(skipped);
		await().atMost(TIMEOUT)
			.pollInterval(Duration.ofMillis(5))
			.until(() -> warnings.skipWarnings() - warningsBefore == skipped);
		assertEveryReaderSeesTheGoodInstances();
		assertThat(warnings.unexpected()).as("warnings other than skipped values").isEmpty();
		return skipped;
	}

	/**
	 * The case, as an operator makes it with etcdctl: unusable values next to
	 * good instances, before and after the caller's load balancer exists, never fail a
	 * request nor freeze the list; listeners that throw change nothing for the others.
	 */
	@Test
	void badValuesNextToGoodOnesNeverCostARequest() throws Exception {
		int port = ((WebServerApplicationContext) app).getWebServer().getPort();
		List<String> listenerCalls = new CopyOnWriteArrayList<>();
		try (Subscription failing = discovery.subscribe("dc", (instances) -> {
			listenerCalls.add("runtime");
			throw new IllegalStateException("listener bug");
		}); Subscription overflowing = discovery.subscribe("dc", (instances) -> {
			listenerCalls.add("error");
			throw new StackOverflowError("listener bug");
		}); CalleeServer other = CalleeServer.start("other")) {
			int warningsBefore = warnings.skipWarnings();
			etcdctl("put /services/default/dc/bad '{\"Op\":0,\"Addr\":\"bad host:1234\"}'");
			etcdctl("put /services/default/dc/a '{\"Op\":0,\"Addr\":\"127.0.0.1:" + port + "\"}'");
			await().atMost(TIMEOUT).until(() -> ids(discovery.instances("dc")).equals(List.of("a")));
			// The load balancer for 'dc' is created by the first call, after the bad
			// value.
			RestClient rest = app.getBean(RestClient.Builder.class).build();
			for (int i = 0; i < 20; i++) {
				assertThat(rest.get().uri("http://dc/ping").retrieve().body(String.class)).isEqualTo("pong");
			}
			etcdctl("put /services/default/dc/b '{\"Op\":0,\"Addr\":\"127.0.0.1:" + other.port() + "\"}'");
			await().atMost(TIMEOUT)
				.until(() -> "other".equals(rest.get().uri("http://dc/ping").retrieve().body(String.class)));
			etcdctl("put /services/default/dc/joined '{\"Addr\":\"[127.0.0.1,::1]:47083\"}'");
			etcdctl("put /services/default/dc/port0 '{\"Addr\":\"127.0.0.1:0\"}'");
			etcdctl("put /services/default/dc/meta '{\"Addr\":\"127.0.0.1:" + port
					+ "\",\"Metadata\":{\"zone\":\"\\u0000\"}}'");
			etcdctl("put /services/default/dc/underscore '{\"Addr\":\"my_host:" + port + "\"}'");
			etcdctl("del /services/default/dc/b");
			// The withdrawn instance stops getting calls; every call succeeds meanwhile.
			await().atMost(TIMEOUT).until(() -> {
				for (int i = 0; i < 10; i++) {
					if (!"pong".equals(rest.get().uri("http://dc/ping").retrieve().body(String.class))) {
						return false;
					}
				}
				return true;
			});
			assertThat(springDiscovery.getInstances("dc"))
				.extracting(org.springframework.cloud.client.ServiceInstance::getInstanceId)
				.containsExactly("a");
			for (ReactiveDiscoveryClient reactive : reactiveDiscovery) {
				assertThat(reactive.getInstances("dc").collectList().block(TIMEOUT))
					.extracting(org.springframework.cloud.client.ServiceInstance::getInstanceId)
					.containsExactly("a");
			}
			// One warning per bad value, however often the service is looked up.
			for (int i = 0; i < 100; i++) {
				springDiscovery.getInstances("dc");
			}
			await().atMost(TIMEOUT).until(() -> warnings.skipWarnings() - warningsBefore == 5);
			assertThat(warnings.skipped()).anySatisfy(
					(message) -> assertThat(message).startsWith("Skipping /services/default/dc/bad at revision ")
						.contains(": the host is not a valid host name"));
			JsonNode shown = json.readTree(get("/discovery").body()).get("discovery");
			assertThat(shown.get("valuesSkipped").asLong()).isEqualTo(cache.stats().valuesSkipped());
			assertThat(shown.get("lastSkipped").get("key").asString()).isEqualTo("/services/default/dc/underscore");
			assertThat(shown.get("lastSkipped").get("reason").asString())
				.startsWith("the host is not a valid host name");
			assertThat(shown.get("lastSkipped").get("revision").asLong()).isPositive();
			// Fixed, the value is read on its next change.
			etcdctl("put /services/default/dc/bad '{\"Op\":0,\"Addr\":\"127.0.0.1:" + port + "\"}'");
			await().atMost(TIMEOUT).until(() -> ids(discovery.instances("dc")).equals(List.of("a", "bad")));
			await().atMost(TIMEOUT).until(() -> supplied("dc").equals(List.of("a", "bad")));
			assertThat(listenerCalls).contains("runtime", "error");
			assertThat(warnings.unexpected())
				.allSatisfy((message) -> assertThat(message).contains("Listener of service 'dc' failed"));
		}
		finally {
			etcdctl("del --prefix /services/default/dc/");
			await().atMost(TIMEOUT)
				.until(() -> discovery.allInstances("dc").isEmpty() && cache.stats().invalidKeys() == 0);
			warnings.clearUnexpected();
		}
	}

	/**
	 * Values as operators write them with etcdctl from a shell, quoting included: valid
	 * JSON with a trailing newline or carriage return is read, everything else is skipped
	 * and counted.
	 */
	@Test
	void valuesWrittenWithEtcdctlAndOddQuotingAreReadOrSkipped() throws Exception {
		int port = ((WebServerApplicationContext) app).getWebServer().getPort();
		String addr = "127.0.0.1:" + port;
		long skippedBefore = cache.stats().valuesSkipped();
		try {
			etcdctl("put /services/default/quoting/newline < <(echo '{\"Addr\":\"" + addr + "\"}')");
			etcdctl("put /services/default/quoting/crlf < <(printf '{\"Addr\":\"" + addr + "\"}\\r\\n')");
			etcdctl("put /services/default/quoting/escaped \"{\\\"Addr\\\":\\\"" + addr + "\\\"}\"");
			etcdctl("put /services/default/quoting/lowercase '{\"op\":0,\"addr\":\"" + addr + "\"}'");
			etcdctl("put /services/default/quoting/unquoted {\"Addr\":\"" + addr + "\"}");
			etcdctl("put /services/default/quoting/single \"{'Addr':'" + addr + "'}\"");
			etcdctl("put /services/default/quoting/string '\"{\\\"Addr\\\":\\\"" + addr + "\\\"}\"'");
			etcdctl("put /services/default/quoting/plain " + addr);
			etcdctl("put /services/default/quoting/bom < <(printf '\\xef\\xbb\\xbf{\"Addr\":\"" + addr + "\"}')");
			etcdctl("put /services/default/quoting/empty ''");
			await().atMost(TIMEOUT)
				.until(() -> cache.stats().valuesSkipped() - skippedBefore
						+ discovery.allInstances("quoting").size() == 10);
			List<String> read = ids(discovery.allInstances("quoting"));
			assertThat(read).contains("crlf", "escaped", "newline");
			assertThat(read).doesNotContain("unquoted", "single", "string", "empty");
			for (DiscoveredInstance instance : discovery.allInstances("quoting")) {
				assertThat(instance.uri()).hasToString("http://" + addr);
			}
			assertThat(springDiscovery.getInstances("quoting")).hasSize(read.size());
			System.out.printf("etcdctl values read: %s; skipped: %d%n", read,
					cache.stats().valuesSkipped() - skippedBefore);
		}
		finally {
			etcdctl("del --prefix /services/default/quoting/");
			await().atMost(TIMEOUT)
				.until(() -> discovery.allInstances("quoting").isEmpty() && cache.stats().invalidKeys() == 0);
		}
	}

	private static List<String> supplied(String service) {
		ServiceInstanceListSupplier supplier = app.getBean(LoadBalancerClientFactory.class)
			.getInstance(service, ServiceInstanceListSupplier.class);
		return ids(supplier.get().blockFirst(TIMEOUT));
	}

	private static void etcdctl(String arguments) throws Exception {
		String etcdctl = EtcdctlCommand.locate();
		Process process = new ProcessBuilder("bash", "-c",
				"ETCDCTL_API=3 " + etcdctl + " --endpoints=" + etcd.endpoint() + " --command-timeout=5s " + arguments)
			.redirectErrorStream(true)
			.start();
		String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
		assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
		assertThat(process.exitValue()).as("etcdctl %s: %s", arguments, output).isZero();
	}

	private static Gen<List<Poison>> batches() {
		return lists().of(PoisonValues.poisons()).ofSizeBetween(5, 40);
	}

	private static void assertEveryReaderSeesTheGoodInstances() throws Exception {
		List<DiscoveredInstance> up = discovery.instances(SERVICE);
		assertThat(ids(up)).containsAll(good);
		for (String service : discovery.services()) {
			for (DiscoveredInstance instance : discovery.allInstances(service)) {
				assertThat(instance.uri().getHost()).as(instance.key()).isNotNull();
				assertThat(instance.uri().getPort()).isEqualTo(instance.port());
			}
		}
		List<org.springframework.cloud.client.ServiceInstance> cloud = springDiscovery.getInstances(SERVICE);
		assertThat(cloud).extracting(org.springframework.cloud.client.ServiceInstance::getInstanceId)
			.containsExactlyElementsOf(ids(up));
		for (org.springframework.cloud.client.ServiceInstance instance : cloud) {
			assertThat(instance.getUri()).isEqualTo(
					new URI(instance.getScheme(), null, instance.getHost(), instance.getPort(), null, null, null));
		}
		assertThat(springDiscovery.getServices()).contains(SERVICE);
		for (ReactiveDiscoveryClient reactive : reactiveDiscovery) {
			assertThat(reactive.getInstances(SERVICE).collectList().block(TIMEOUT))
				.extracting(org.springframework.cloud.client.ServiceInstance::getInstanceId)
				.containsAll(good);
		}
		// As gRPC's own resolvers report them: resolved where the host is an address.
		List<InetSocketAddress> expectedAddresses = up.stream()
			.map((instance) -> new InetSocketAddress(instance.host(), instance.port()))
			.toList();
		await().atMost(TIMEOUT).pollInterval(Duration.ofMillis(5)).untilAsserted(() -> {
			assertThat(supplied.get()).as("load balancer's list").isNotNull();
			assertThat(ids(supplied.get())).as("load balancer's list").isEqualTo(ids(up));
			assertThat(resolved.get()).as("gRPC resolver's addresses").isEqualTo(expectedAddresses);
		});
		org.springframework.cloud.client.ServiceInstance chosen = loadBalancer.choose(SERVICE);
		assertThat(chosen).isNotNull();
		// URI's own constructor puts an IPv6 host in brackets, as reconstructURI must.
		assertThat(loadBalancer.reconstructURI(chosen, URI.create("http://" + SERVICE + "/ping")))
			.isEqualTo(new URI(chosen.getScheme(), null, chosen.getHost(), chosen.getPort(), "/ping", null, null));
		ServiceCacheStats stats = cache.stats();
		HttpResponse<String> response = get("/discovery");
		assertThat(response.statusCode()).isEqualTo(200);
		JsonNode cached = json.readTree(response.body()).get("discovery");
		assertThat(cached.get("valuesSkipped").asLong()).isEqualTo(stats.valuesSkipped());
		List<String> shown = new ArrayList<>();
		cached.get("services").get(SERVICE).forEach((instance) -> shown.add(instance.get("instanceId").asString()));
		assertThat(shown).containsAll(good);
		assertThat(get("/discovery/" + SERVICE).statusCode()).isEqualTo(200);
		assertThat(meters.get("discovery.cache.values.skipped").functionCounter().count())
			.isEqualTo((double) stats.valuesSkipped());
		assertThat(get("/metrics/discovery.instances").statusCode()).isEqualTo(200);
	}

	private static Set<String> accepted(List<String> keys) {
		Set<String> held = new HashSet<>();
		for (String service : cache.services()) {
			cache.instances(service).forEach((instance) -> held.add(instance.key()));
		}
		return keys.stream().filter(held::contains).collect(Collectors.toSet());
	}

	private static List<String> write(List<Poison> batch) throws Exception {
		List<String> keys = new ArrayList<>();
		List<Op> ops = new ArrayList<>();
		int bytes = 0;
		for (Poison poison : batch) {
			byte[] key = poison.keyShape().key(PREFIX, sequence.incrementAndGet());
			byte[] value = poison.value().bytes();
			if (!ops.isEmpty()
					&& (ops.size() == MAX_OPS_PER_TXN || bytes + key.length + value.length > MAX_BYTES_PER_TXN)) {
				commit(ops);
				ops.clear();
				bytes = 0;
			}
			ops.add(Op.put(ByteSequence.from(key), ByteSequence.from(value), PutOption.DEFAULT));
			bytes += key.length + value.length;
			// The cache reads keys as UTF-8, as every Java client of etcd does.
			keys.add(new String(key, StandardCharsets.UTF_8));
		}
		commit(ops);
		return keys;
	}

	private static void delete(List<Poison> batch, long firstSequence) throws Exception {
		List<Op> ops = new ArrayList<>();
		for (int i = 0; i < batch.size(); i++) {
			byte[] key = batch.get(i).keyShape().key(PREFIX, firstSequence + i);
			ops.add(Op.delete(ByteSequence.from(key), DeleteOption.DEFAULT));
			if (ops.size() == MAX_OPS_PER_TXN) {
				commit(ops);
				ops.clear();
			}
		}
		commit(ops);
	}

	private static void commit(List<Op> ops) throws Exception {
		if (!ops.isEmpty()) {
			client.getKVClient().txn().Then(ops.toArray(Op[]::new)).commit().get(10, TimeUnit.SECONDS);
		}
	}

	private static void put(String key, byte[] value) {
		try {
			client.getKVClient()
				.put(ByteSequence.from(key, StandardCharsets.UTF_8), ByteSequence.from(value))
				.get(10, TimeUnit.SECONDS);
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static HttpResponse<String> get(String path) throws Exception {
		return http.send(HttpRequest.newBuilder(URI.create(actuator + path)).timeout(Duration.ofSeconds(10)).build(),
				HttpResponse.BodyHandlers.ofString());
	}

	private static List<String> ids(List<?> instances) {
		return instances.stream()
			.map((instance) -> (instance instanceof DiscoveredInstance etcd) ? etcd.instanceId()
					: ((org.springframework.cloud.client.ServiceInstance) instance).getInstanceId())
			.toList();
	}

	private static List<InetSocketAddress> addresses(List<EquivalentAddressGroup> groups) {
		return groups.stream()
			.flatMap((group) -> group.getAddresses().stream())
			.map(InetSocketAddress.class::cast)
			.toList();
	}

	private static NameResolver.Args resolverArgs() {
		return NameResolver.Args.newBuilder()
			.setDefaultPort(443)
			.setProxyDetector((address) -> null)
			.setSynchronizationContext(new SynchronizationContext((thread, ex) -> {
				throw new AssertionError(ex);
			}))
			.setServiceConfigParser(new NameResolver.ServiceConfigParser() {

				@Override
				public NameResolver.ConfigOrError parseServiceConfig(Map<String, ?> rawServiceConfig) {
					return NameResolver.ConfigOrError.fromConfig(rawServiceConfig);
				}

			})
			.setOffloadExecutor(offload)
			.build();
	}

	/**
	 * Records this library's warnings: one per skipped value is expected, any other is
	 * not.
	 */
	static final class WarningRecorder extends AppenderBase<ILoggingEvent> {

		private final List<String> skips = new CopyOnWriteArrayList<>();

		private final List<String> others = new CopyOnWriteArrayList<>();

		static WarningRecorder attach() {
			WarningRecorder recorder = new WarningRecorder();
			recorder.setContext((ch.qos.logback.classic.LoggerContext) LoggerFactory.getILoggerFactory());
			recorder.start();
			root().addAppender(recorder);
			return recorder;
		}

		void detach() {
			root().detachAppender(this);
		}

		int skipWarnings() {
			return this.skips.size();
		}

		List<String> skipped() {
			return this.skips;
		}

		void clearUnexpected() {
			this.others.clear();
		}

		List<String> unexpected() {
			return this.others;
		}

		@Override
		protected void append(ILoggingEvent event) {
			if (!event.getLevel().isGreaterOrEqual(Level.WARN)
					|| !event.getLoggerName().startsWith("io.etcddiscovery")) {
				return;
			}
			String message = event.getFormattedMessage();
			if (message.startsWith("Skipping ") && message.endsWith("the other instances stay usable")) {
				this.skips.add(message);
			}
			else {
				this.others.add(event.getLoggerName() + ": " + message);
			}
		}

		private static Logger root() {
			return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(PingController.class)
	static class App {

		@Bean
		@LoadBalanced
		RestClient.Builder loadBalancedRestClientBuilder() {
			return RestClient.builder();
		}

	}

	/**
	 * A second callee, a plain HTTP server answering its name.
	 */
	record CalleeServer(HttpServer server, int port) implements AutoCloseable {

		static CalleeServer start(String name) throws java.io.IOException {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			server.createContext("/ping", (exchange) -> {
				byte[] body = name.getBytes(StandardCharsets.UTF_8);
				exchange.sendResponseHeaders(200, body.length);
				exchange.getResponseBody().write(body);
				exchange.close();
			});
			server.start();
			return new CalleeServer(server, server.getAddress().getPort());
		}

		@Override
		public void close() {
			this.server.stop(0);
		}

	}

	@RestController
	static class PingController {

		@GetMapping("/ping")
		String ping() {
			return "pong";
		}

	}

}
