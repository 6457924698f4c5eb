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

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;

import com.sun.net.httpserver.HttpServer;
import io.etcddiscovery.cloud.ConnectFailures;
import io.etcddiscovery.cloud.EjectedInstances;
import io.etcddiscovery.test.EtcdExtension;
import io.etcddiscovery.test.FaultySockets;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ChannelOption;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.cloud.openfeign.EnableFeignClients;
import org.springframework.cloud.openfeign.FeignClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.http.client.JdkClientHttpRequestFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;
import org.springframework.web.client.RestTemplate;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * A crashed instance, as its callers see it: its key still in etcd, its port refusing
 * connections (or not accepting them in time, or accepting requests and never answering,
 * or dying with a request in flight, or dying half-way through an answer), with the
 * starter's defaults and each load-balanced client a Spring Cloud application has:
 * {@code RestClient}, {@code RestTemplate}, {@code WebClient} and OpenFeign. Real
 * sockets, a real etcd, real registrations; nothing timed.
 * <p>
 * Two live instances of {@code stock} run for the whole class and count what they
 * receive; each test registers a faulty third one.
 *
 * @author etcd-discovery authors
 */
@ExtendWith(OutputCaptureExtension.class)
class CrashedInstanceIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final String SERVICE = "stock";

	// A service whose every instance crashed.
	private static final String VANISHED = "vanished";

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final FaultySockets sockets = new FaultySockets();

	private static ConfigurableApplicationContext s1;

	private static ConfigurableApplicationContext s2;

	private static ConfigurableApplicationContext consumer;

	private final List<AutoCloseable> faulty = new ArrayList<>();

	@BeforeAll
	static void startInstancesAndConsumer() {
		s1 = Apps.service(StockApplication.class, etcd, SERVICE, "s1");
		s2 = Apps.service(StockApplication.class, etcd, SERVICE, "s2");
		consumer = new SpringApplicationBuilder(ConsumerApplication.class).web(WebApplicationType.SERVLET)
			.properties(Apps.common(etcd, "consumer", "server.port=0", "discovery.register=false",
					"discovery.client.ejection.probe-interval=200ms",
					"spring.cloud.openfeign.client.config.default.connect-timeout=500",
					"spring.cloud.openfeign.client.config.default.read-timeout=1000",
					"management.endpoints.web.exposure.include=discovery"))
			.run();
		awaitChoices((ports) -> ports.size() == 2);
		// The first request of each client (a LoadBalancer context, a cold
		// DispatcherServlet) may take longer than the read timeout of 1 s on a busy
		// machine: not in a test.
		for (Caller caller : Caller.values()) {
			for (int i = 0; i < 2; i++) {
				await().atMost(Apps.TIMEOUT).ignoreExceptions().until(() -> caller.get(consumer) != null);
			}
		}
	}

	@AfterAll
	static void stopAll() throws Exception {
		for (ConfigurableApplicationContext context : new ConfigurableApplicationContext[] { consumer, s2, s1 }) {
			if (context != null) {
				context.close();
			}
		}
		sockets.close();
	}

	@AfterEach
	void stopFaultyInstances() throws Exception {
		Collections.reverse(this.faulty);
		for (AutoCloseable closeable : this.faulty) {
			closeable.close();
		}
		awaitChoices((ports) -> ports.size() == 2);
		await().atMost(Apps.TIMEOUT).until(ejected()::isEmpty);
	}

	@ParameterizedTest
	@EnumSource(Caller.class)
	void aGetThatNeverReachedTheCrashedInstanceIsSentToAnotherOne(Caller caller) {
		int port = crashed("crashed-" + caller);
		long ejections = ejected().getEjections();
		List<String> answers = new ArrayList<>();
		// Round robin over three instances: the crashed one is chosen within three.
		for (int i = 0; i < 6; i++) {
			answers.add(caller.get(consumer));
		}
		assertThat(answers).hasSize(6).allMatch(Set.of("s1", "s2")::contains);
		// It was chosen, refused the connection, and the request went to another
		// instance.
		assertThat(ejected().getEjections()).isEqualTo(ejections + 1);
		assertThat(ejected().isEjected(SERVICE, "127.0.0.1", port)).isTrue();
		assertThat(choices()).containsExactlyInAnyOrder(Apps.port(s1), Apps.port(s2));
	}

	@ParameterizedTest
	@EnumSource(Caller.class)
	void aPostIsNeverSentTwice(Caller caller) {
		int port = crashed("crashed-" + caller);
		List<String> sent = new ArrayList<>();
		List<String> answered = new ArrayList<>();
		List<Throwable> failures = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			String id = caller + "-" + i;
			sent.add(id);
			try {
				caller.post(consumer, id);
				answered.add(id);
			}
			catch (RuntimeException ex) {
				failures.add(ex);
			}
		}
		// The one sent to the crashed instance failed, fast, and was not sent again.
		assertThat(failures).singleElement()
			.satisfies(
					(failure) -> assertThat(ConnectFailures.isConnectFailure(failure)).as(failure.toString()).isTrue());
		List<String> received = new ArrayList<>(orders(s1));
		received.addAll(orders(s2));
		assertThat(received.stream().filter((id) -> id.startsWith(caller + "-")))
			.containsExactlyInAnyOrderElementsOf(answered);
		assertThat(sent).containsAll(received.stream().filter((id) -> id.startsWith(caller + "-")).toList());
		// Later POSTs skip the ejected instance.
		assertThat(ejected().isEjected(SERVICE, "127.0.0.1", port)).isTrue();
	}

	@ParameterizedTest
	@EnumSource(Caller.class)
	void aGetInFlightWhenItsInstanceDiesIsSentToAnotherOne(Caller caller) {
		AtomicInteger dyingReceived = new AtomicInteger();
		int port = sockets.dyingPort(dyingReceived);
		registerFaulty("dying-" + caller, port);
		List<String> answers = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			answers.add(caller.get(consumer));
		}
		// The instance read one GET and died without a byte of answer: that GET, in
		// flight, was answered by another instance, as was the next one sent to it (its
		// connection refused).
		assertThat(dyingReceived).hasValue(1);
		assertThat(answers).hasSize(6).allMatch(Set.of("s1", "s2")::contains);
	}

	@ParameterizedTest
	@EnumSource(Caller.class)
	void aGetInFlightWhoseConnectionIsResetWhenItsInstanceDiesIsSentToAnotherOne(Caller caller) {
		// Every client's retry surrounds the exchange up to the response's head, so a
		// reset it sees came before any of the answer.
		AtomicInteger dyingReceived = new AtomicInteger();
		int port = sockets.dyingResettingPort(dyingReceived);
		registerFaulty("dying-reset-" + caller, port);
		int liveBefore = gets(s1) + gets(s2);
		List<String> answers = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			answers.add(caller.get(consumer));
		}
		assertThat(dyingReceived).hasValue(1);
		assertThat(answers).hasSize(6).allMatch(Set.of("s1", "s2")::contains);
		assertThat(gets(s1) + gets(s2) - liveBefore).isEqualTo(6);
	}

	@ParameterizedTest
	@EnumSource(Caller.class)
	void aPostInFlightWhenItsInstanceDiesIsNeverSentAgain(Caller caller) {
		AtomicInteger dyingReceived = new AtomicInteger();
		int port = sockets.dyingPort(dyingReceived);
		registerFaulty("dying-post-" + caller, port);
		String prefix = "in-flight-" + caller + "-";
		List<String> answered = new ArrayList<>();
		List<Throwable> failures = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			try {
				caller.post(consumer, prefix + i);
				answered.add(prefix + i);
			}
			catch (RuntimeException ex) {
				failures.add(ex);
			}
		}
		// The POST in flight failed and was not sent again (nor was one refused later).
		assertThat(dyingReceived).hasValue(1);
		assertThat(failures).isNotEmpty()
			.hasSize(6 - answered.size())
			.allSatisfy((failure) -> assertThat(ConnectFailures.isUnanswered(failure)).as(failure.toString()).isTrue());
		List<String> received = new ArrayList<>(orders(s1));
		received.addAll(orders(s2));
		assertThat(received.stream().filter((id) -> id.startsWith(prefix)).toList()).doesNotHaveDuplicates()
			.containsExactlyInAnyOrderElementsOf(answered);
	}

	@ParameterizedTest
	@EnumSource(value = Caller.class, names = { "REST_CLIENT", "REST_TEMPLATE", "WEB_CLIENT" })
	void nothingIsRetriedAfterAPartialResponse(Caller caller) {
		// (OpenFeign's HttpURLConnection takes a status line cut short as an answer.)
		AtomicInteger partialReceived = new AtomicInteger();
		int port = sockets.partiallyAnsweringPort(partialReceived);
		registerFaulty("partial-" + caller, port);
		int liveBefore = gets(s1) + gets(s2);
		long ejections = ejected().getEjections();
		int failures = 0;
		for (int i = 0; i < 6; i++) {
			try {
				caller.get(consumer);
			}
			catch (RuntimeException ex) {
				assertThat(ConnectFailures.isUnanswered(ex)).as(ex.toString()).isFalse();
				failures++;
			}
		}
		// Chosen every third request, each time answered in part, never sent again.
		assertThat(failures).isEqualTo(2);
		assertThat(partialReceived).hasValue(2);
		assertThat(gets(s1) + gets(s2) - liveBefore).isEqualTo(4);
		assertThat(ejected().getEjections()).isEqualTo(ejections);
	}

	@ParameterizedTest
	@EnumSource(value = Caller.class, names = { "REST_CLIENT", "WEB_CLIENT", "FEIGN" })
	void nothingIsRetriedAfterAReadTimeout(Caller caller) {
		AtomicInteger hungReceived = new AtomicInteger();
		int port = sockets.hungPort(hungReceived);
		registerFaulty("hung-" + caller, port);
		int liveBefore = gets(s1) + gets(s2);
		long ejections = ejected().getEjections();
		int failures = 0;
		for (int i = 0; i < 6; i++) {
			try {
				caller.get(consumer);
			}
			catch (RuntimeException ex) {
				assertThat(ConnectFailures.isUnanswered(ex)).as(ex.toString()).isFalse();
				failures++;
			}
		}
		// Chosen every third request, each time timed out, never sent again elsewhere.
		assertThat(failures).isEqualTo(2);
		await().atMost(Apps.TIMEOUT).until(() -> hungReceived.get() == 2);
		assertThat(gets(s1) + gets(s2) - liveBefore).isEqualTo(4);
		// A slow instance is not a crashed one: not ejected.
		assertThat(ejected().getEjections()).isEqualTo(ejections);
		assertThat(choices()).contains(port);
	}

	@ParameterizedTest
	@EnumSource(value = Caller.class, names = { "REST_CLIENT", "WEB_CLIENT" })
	void aGetIsSentToOneOtherInstanceAtMost(Caller caller) {
		// Every instance of the service crashed: the GET goes to one, then to one other,
		// and fails with its connect error; a third attempt would have ejected the third.
		List<Integer> ports = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			int port = sockets.refusingPort();
			ports.add(port);
			this.faulty.add(Apps.registration(etcd, VANISHED, "vanished-" + caller + "-" + i, port));
		}
		await().atMost(Apps.TIMEOUT).until(() -> choices(VANISHED), (choices) -> choices.containsAll(ports));
		long ejections = ejected().getEjections();
		assertThatExceptionOfType(RuntimeException.class).isThrownBy(() -> get(caller, VANISHED))
			.satisfies(
					(failure) -> assertThat(ConnectFailures.isConnectFailure(failure)).as(failure.toString()).isTrue());
		assertThat(ejected().getEjections()).isEqualTo(ejections + 2);
		assertThat(ports).filteredOn((port) -> ejected().isEjected(VANISHED, "127.0.0.1", port)).hasSize(2);
	}

	@Test
	void aGetWhoseConnectionTimedOutIsSentToAnotherOne() throws Exception {
		int port = sockets.fullBacklogPort();
		registerFaulty("overloaded", port);
		List<String> answers = new ArrayList<>();
		for (int i = 0; i < 6; i++) {
			answers.add(Caller.REST_CLIENT.get(consumer));
		}
		assertThat(answers).allMatch(Set.of("s1", "s2")::contains);
		assertThat(ejected().describe().ejected()).singleElement()
			.satisfies((ejection) -> assertThat(ejection.cause()).startsWith("HttpConnectTimeoutException"));
	}

	@Test
	void ejectedFromEveryClientUntilItAnswersAgain(CapturedOutput output) throws Exception {
		int port = crashed("crashed-then-back");
		long answeredBefore = ejected().getEnded(EjectedInstances.EndReason.ANSWERED);
		MeterRegistry meters = consumer.getBean(MeterRegistry.class);
		double ejectionsMeter = meters.get("discovery.loadbalancer.ejections").functionCounter().count();
		// Ejected through WebClient...
		for (int i = 0; i < 3; i++) {
			assertThat(Caller.WEB_CLIENT.get(consumer)).isIn("s1", "s2");
		}
		assertThat(ejected().isEjected(SERVICE, "127.0.0.1", port)).isTrue();
		assertThat(output).contains(
				"Ejected 127.0.0.1:" + port + " (" + SERVICE + ", instance crashed-then-back) from load balancing: ");
		// ...skipped by every client of the application: they all choose from the same
		// instances.
		assertThat(choices()).doesNotContain(port);
		assertThat(meters.get("discovery.loadbalancer.ejected").gauge().value()).isEqualTo(1);
		assertThat(meters.get("discovery.loadbalancer.ejections").functionCounter().count())
			.isEqualTo(ejectionsMeter + 1);
		await().atMost(Apps.TIMEOUT).untilAsserted(() -> {
			JsonNode ejection = discoveryEndpoint().at("/loadBalancer/ejected/0");
			assertThat(ejection.at("/address").asString()).isEqualTo("127.0.0.1:" + port);
			assertThat(ejection.at("/service").asString()).isEqualTo(SERVICE);
			assertThat(ejection.at("/instanceId").asString()).isEqualTo("crashed-then-back");
			assertThat(ejection.at("/cause").asString()).startsWith("AnnotatedConnectException")
				.contains("Connection refused");
			assertThat(ejection.at("/inEtcd").asBoolean()).isTrue();
			assertThat(ejection.at("/since").asString()).isNotEmpty();
			assertThat(ejection.at("/lastProbeAt").asString()).isNotEmpty();
			assertThat(ejection.at("/failedProbes").asInt()).isPositive();
		});
		// The instance comes back on the same address.
		HttpServer back = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
		back.createContext("/", (exchange) -> {
			byte[] body = "back".getBytes(StandardCharsets.UTF_8);
			exchange.sendResponseHeaders(200, body.length);
			try (OutputStream out = exchange.getResponseBody()) {
				out.write(body);
			}
		});
		back.start();
		this.faulty.add(() -> back.stop(0));
		await().atMost(Apps.TIMEOUT).until(() -> !ejected().isEjected(SERVICE, "127.0.0.1", port));
		assertThat(ejected().getEnded(EjectedInstances.EndReason.ANSWERED)).isEqualTo(answeredBefore + 1);
		assertThat(meters.get("discovery.loadbalancer.ejected").gauge().value()).isZero();
		assertThat(meters.get("discovery.loadbalancer.ejections.ended")
			.tag("reason", "answered")
			.functionCounter()
			.count()).isEqualTo(answeredBefore + 1);
		assertThat(discoveryEndpoint().at("/loadBalancer/ejectionsEnded/answered").asLong())
			.isEqualTo(answeredBefore + 1);
		assertThat(output).contains("127.0.0.1:" + port + " (" + SERVICE
				+ ", instance crashed-then-back) is back in load balancing: it accepts connections again");
		List<String> answers = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			answers.add(Caller.REST_CLIENT.get(consumer));
		}
		assertThat(answers).contains("back");
	}

	@Test
	void ejectionEndsWhenEtcdRemovesTheInstance(CapturedOutput output) throws Exception {
		int port = sockets.refusingPort();
		ConfigurableApplicationContext registration = registerFaulty("crashed-then-expired", port);
		long removedBefore = ejected().getEnded(EjectedInstances.EndReason.REMOVED);
		MeterRegistry meters = consumer.getBean(MeterRegistry.class);
		for (int i = 0; i < 3; i++) {
			Caller.REST_TEMPLATE.get(consumer);
		}
		assertThat(ejected().isEjected(SERVICE, "127.0.0.1", port)).isTrue();
		// What a lease expiry does: the key is deleted.
		registration.close();
		await().atMost(Apps.TIMEOUT).until(() -> !ejected().isEjected(SERVICE, "127.0.0.1", port));
		assertThat(ejected().getEnded(EjectedInstances.EndReason.REMOVED)).isEqualTo(removedBefore + 1);
		assertThat(
				meters.get("discovery.loadbalancer.ejections.ended").tag("reason", "removed").functionCounter().count())
			.isEqualTo(removedBefore + 1);
		assertThat(discoveryEndpoint().at("/loadBalancer/ejectionsEnded/removed").asLong())
			.isEqualTo(removedBefore + 1);
		assertThat(output).contains("127.0.0.1:" + port + " (" + SERVICE
				+ ", instance crashed-then-expired) is no longer ejected: etcd removed it");
	}

	private int crashed(String instanceId) {
		int port = sockets.refusingPort();
		registerFaulty(instanceId, port);
		return port;
	}

	private ConfigurableApplicationContext registerFaulty(String instanceId, int port) {
		ConfigurableApplicationContext registration = Apps.registration(etcd, SERVICE, instanceId, port);
		this.faulty.add(registration);
		awaitChoices((ports) -> ports.contains(port));
		return registration;
	}

	private static EjectedInstances ejected() {
		return consumer.getBean(EjectedInstances.class);
	}

	private static JsonNode discoveryEndpoint() {
		return json.readTree(Apps.getJson("http://127.0.0.1:" + Apps.port(consumer) + "/actuator/discovery"));
	}

	// The instances the consumer's load balancer chooses from, by port.
	private static List<Integer> choices() {
		return choices(SERVICE);
	}

	private static List<Integer> choices(String service) {
		List<ServiceInstance> instances = consumer.getBean(LoadBalancerClientFactory.class)
			.getInstance(service, ServiceInstanceListSupplier.class)
			.get()
			.blockFirst(Apps.TIMEOUT);
		return (instances != null) ? instances.stream().map(ServiceInstance::getPort).toList() : List.of();
	}

	private static void awaitChoices(java.util.function.Predicate<List<Integer>> condition) {
		await().atMost(Apps.TIMEOUT).until(CrashedInstanceIT::choices, condition);
	}

	private static String get(Caller caller, String service) {
		return switch (caller) {
			case REST_CLIENT ->
				Caller.restClient(consumer).get().uri("http://{service}/", service).retrieve().body(String.class);
			case WEB_CLIENT -> Caller.webClient(consumer)
				.get()
				.uri("http://{service}/", service)
				.retrieve()
				.bodyToMono(String.class)
				.block(Apps.TIMEOUT);
			default -> throw new IllegalArgumentException(caller + " calls " + SERVICE + " only");
		};
	}

	private static int gets(ConfigurableApplicationContext instance) {
		return instance.getBean(StockController.class).gets.get();
	}

	private static List<String> orders(ConfigurableApplicationContext instance) {
		return instance.getBean(StockController.class).orders;
	}

	/**
	 * The load-balanced clients of the consumer, each calling {@code GET /} and
	 * {@code POST /orders?id=...} of {@code stock}.
	 */
	enum Caller {

		REST_CLIENT((consumer) -> restClient(consumer).get().uri("http://stock/").retrieve().body(String.class),
				(consumer, id) -> restClient(consumer).post()
					.uri("http://stock/orders?id={id}", id)
					.retrieve()
					.body(String.class)),

		REST_TEMPLATE((consumer) -> restTemplate(consumer).getForObject("http://stock/", String.class),
				(consumer, id) -> restTemplate(consumer).postForObject("http://stock/orders?id={id}", null,
						String.class, id)),

		WEB_CLIENT(
				(consumer) -> webClient(consumer).get()
					.uri("http://stock/")
					.retrieve()
					.bodyToMono(String.class)
					.block(Apps.TIMEOUT),
				(consumer, id) -> webClient(consumer).post()
					.uri("http://stock/orders?id={id}", id)
					.retrieve()
					.bodyToMono(String.class)
					.block(Apps.TIMEOUT)),

		FEIGN((consumer) -> consumer.getBean(StockClient.class).whoAmI(),
				(consumer, id) -> consumer.getBean(StockClient.class).order(id));

		private final Function<ConfigurableApplicationContext, String> get;

		private final BiFunction<ConfigurableApplicationContext, String, String> post;

		Caller(Function<ConfigurableApplicationContext, String> get,
				BiFunction<ConfigurableApplicationContext, String, String> post) {
			this.get = get;
			this.post = post;
		}

		String get(ConfigurableApplicationContext consumer) {
			return this.get.apply(consumer);
		}

		String post(ConfigurableApplicationContext consumer, String id) {
			return this.post.apply(consumer, id);
		}

		private static RestClient restClient(ConfigurableApplicationContext consumer) {
			return consumer.getBean("loadBalancedRestClientBuilder", RestClient.Builder.class).build();
		}

		private static RestTemplate restTemplate(ConfigurableApplicationContext consumer) {
			return consumer.getBean("loadBalancedRestTemplate", RestTemplate.class);
		}

		private static WebClient webClient(ConfigurableApplicationContext consumer) {
			return consumer.getBean("loadBalancedWebClientBuilder", WebClient.Builder.class).build();
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(Apps.OwnReactorResources.class)
	@EnableFeignClients(clients = StockClient.class)
	static class ConsumerApplication {

		// Every client with a connect timeout of 500 ms and a read timeout of 1 s.
		@Bean
		@LoadBalanced
		RestClient.Builder loadBalancedRestClientBuilder() {
			return RestClient.builder().requestFactory(jdkRequestFactory());
		}

		@Bean
		@Primary
		RestClient.Builder restClientBuilder() {
			return RestClient.builder();
		}

		@Bean
		@LoadBalanced
		RestTemplate loadBalancedRestTemplate() {
			return new RestTemplate(jdkRequestFactory());
		}

		@Bean
		@LoadBalanced
		WebClient.Builder loadBalancedWebClientBuilder() {
			return WebClient.builder()
				.clientConnector(new ReactorClientHttpConnector(reactor.netty.http.client.HttpClient.create()
					.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 500)
					.responseTimeout(Duration.ofSeconds(1))));
		}

		private static JdkClientHttpRequestFactory jdkRequestFactory() {
			JdkClientHttpRequestFactory factory = new JdkClientHttpRequestFactory(
					HttpClient.newBuilder().connectTimeout(Duration.ofMillis(500)).build());
			factory.setReadTimeout(Duration.ofSeconds(1));
			return factory;
		}

	}

	@FeignClient(name = SERVICE, contextId = "crashedInstanceStock")
	interface StockClient {

		@GetMapping("/")
		String whoAmI();

		@PostMapping("/orders")
		String order(@RequestParam("id") String id);

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import({ StockController.class, Apps.OwnReactorResources.class })
	static class StockApplication {

	}

	/**
	 * What {@code stock} instances answer, and what they received.
	 */
	@RestController
	static class StockController {

		private final String instanceId;

		final AtomicInteger gets = new AtomicInteger();

		final List<String> orders = new CopyOnWriteArrayList<>();

		StockController(Environment environment) {
			this.instanceId = environment.getRequiredProperty("discovery.instance-id");
		}

		@GetMapping("/")
		String whoAmI() {
			this.gets.incrementAndGet();
			return this.instanceId;
		}

		@PostMapping("/orders")
		String order(@RequestParam String id) {
			this.orders.add(id);
			return this.instanceId;
		}

	}

}
