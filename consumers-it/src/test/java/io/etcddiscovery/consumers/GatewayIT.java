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

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import io.etcddiscovery.cloud.EjectedInstances;
import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.test.EtcdExtension;
import io.etcddiscovery.test.FaultySockets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Bean;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Spring Cloud Gateway (WebFlux) in front of services registered in etcd, configured the
 * way docs/discovery.md tells a user: the discovery locator (a route per service) and an
 * {@code lb://} route. The gateway starts once for the class and follows every service
 * started or stopped after it.
 *
 * @author etcd-discovery authors
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GatewayIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final JsonMapper json = JsonMapper.builder().build();

	// The discovery locator's id of the route to service 'orders'.
	private static final String ORDERS_ROUTE = "ReactiveCompositeDiscoveryClient_orders";

	private static ConfigurableApplicationContext gateway;

	private static String base;

	private final List<ConfigurableApplicationContext> services = new ArrayList<>();

	@BeforeAll
	static void startGateway() {
		gateway = new SpringApplicationBuilder(GatewayApplication.class).web(WebApplicationType.REACTIVE)
			.properties(Apps.common(etcd, "gateway",
					Stream
						.concat(Stream.of("server.port=0", "spring.cloud.gateway.server.webflux.enabled=true",
								"spring.cloud.gateway.server.webflux.discovery.locator.enabled=true",
								"spring.cloud.gateway.server.webflux.discovery.locator.lower-case-service-id=true",
								"management.endpoints.web.exposure.include=health,serviceregistry",
								"management.endpoint.health.show-details=always"),
								Apps.documentedGatewayRoute("orders-api", "orders", "/api/orders").stream())
						.toArray(String[]::new)))
			.run();
		base = "http://127.0.0.1:" + Apps.port(gateway);
		await().atMost(Apps.TIMEOUT).until(() -> Apps.registeredAt(gateway) != null);
	}

	@AfterAll
	static void stopGateway() {
		if (gateway != null) {
			gateway.close();
		}
	}

	@AfterEach
	void stopServices() {
		Collections.reverse(this.services);
		this.services.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	@Order(1)
	void routesAServiceStartedAfterItWithOneRouteRefreshAndDropsItWhenItStops() throws Exception {
		assertThat(Apps.get(base + "/orders/").statusCode()).isEqualTo(404);
		ServiceCache cache = gateway.getBean(ServiceCache.class);
		await().atMost(Apps.TIMEOUT).until(() -> cache.services().contains("gateway"));
		RouteRefreshes refreshes = gateway.getBean(RouteRefreshes.class);
		// Settled: the refresh for the gateway's own registration is behind us.
		int[] last = { -1 };
		await().atMost(Apps.TIMEOUT).pollInterval(Duration.ofMillis(300)).until(() -> {
			int count = refreshes.count();
			boolean stable = count == last[0];
			last[0] = count;
			return stable;
		});
		int before = refreshes.count();
		// Nothing changes meanwhile, so a re-listing of etcd refreshes nothing.
		long resyncs = cache.stats().resyncs();
		cache.resync();
		await().atMost(Apps.TIMEOUT).until(() -> cache.stats().resyncs() > resyncs);
		ConfigurableApplicationContext o1 = start("orders", "o1");
		Instant registered = Apps.registeredAt(o1);
		await().atMost(Apps.TIMEOUT).pollInterval(Duration.ofMillis(5)).until(() -> routeIds().contains(ORDERS_ROUTE));
		Apps.measured("Gateway discovery locator: route of a new service created after its registration",
				Duration.between(registered, Instant.now()));
		assertThat(Apps.get(base + "/orders/").body()).isEqualTo("o1");
		assertThat(Apps.get(base + "/api/orders/").body()).isEqualTo("o1");
		// One new instance, one route refresh.
		await().atMost(Apps.TIMEOUT).until(() -> refreshes.count() >= before + 1);
		await().during(Duration.ofMillis(500))
			.atMost(Duration.ofSeconds(5))
			.until(() -> refreshes.count() == before + 1);
		AtomicReference<Instant> routeGone = new AtomicReference<>();
		Thread watcher = new Thread(() -> {
			await().atMost(Apps.TIMEOUT)
				.pollInterval(Duration.ofMillis(5))
				.until(() -> !routeIds().contains(ORDERS_ROUTE));
			routeGone.set(Instant.now());
		}, "test-route-watcher");
		watcher.start();
		Instant stopping = Instant.now();
		o1.close();
		this.services.remove(o1);
		watcher.join(Apps.TIMEOUT.toMillis());
		assertThat(routeGone.get()).isNotNull();
		Apps.measured("Gateway discovery locator: route of a stopping service removed after close() began",
				Duration.between(stopping, routeGone.get()));
		assertThat(Apps.get(base + "/orders/").statusCode()).isEqualTo(404);
		assertThat(Apps.get(base + "/api/orders/").statusCode()).isEqualTo(503);
	}

	@Test
	@Order(2)
	void noServerErrorWhileAnInstanceStopsGracefully() throws Exception {
		ConfigurableApplicationContext o1 = start("orders", "o1");
		start("orders", "o2");
		Set<String> seen = ConcurrentHashMap.newKeySet();
		await().atMost(Apps.TIMEOUT).until(() -> {
			seen.add(Apps.get(base + "/orders/").body());
			seen.add(Apps.get(base + "/api/orders/").body());
			return seen.containsAll(List.of("o1", "o2"));
		});
		List<String> failures = new CopyOnWriteArrayList<>();
		List<String> answers = new CopyOnWriteArrayList<>();
		Apps.callWhileStopping(o1, () -> {
			for (String path : List.of("/orders/", "/api/orders/")) {
				HttpResponse<String> response = Apps.get(base + path);
				if (response.statusCode() >= 500) {
					failures.add(path + " " + response.statusCode() + " " + response.body());
				}
				answers.add(response.body());
			}
		});
		this.services.remove(o1);
		assertThat(failures).isEmpty();
		assertThat(answers).contains("o2");
		assertThat(Apps.get(base + "/orders/").body()).isEqualTo("o2");
	}

	@Test
	@Order(3)
	void aCrashedInstanceIsEjectedAndCostsNoRequestWithTheRetryFilter() throws Exception {
		start("orders", "o1");
		EjectedInstances ejected = gateway.getBean(EjectedInstances.class);
		try (FaultySockets sockets = new FaultySockets()) {
			// The discovery locator's route has no Retry filter: ejection alone.
			int first = sockets.refusingPort();
			ConfigurableApplicationContext crashed = Apps.registration(etcd, "orders", "crashed-1", first);
			awaitGatewayChoices(2);
			List<Integer> statuses = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				statuses.add(Apps.get(base + "/orders/").statusCode());
			}
			// Only the request sent to the crashed instance before it was ejected failed.
			assertThat(statuses.stream().filter((status) -> status >= 500)).hasSize(1);
			assertThat(ejected.isEjected("orders", "127.0.0.1", first)).isTrue();
			crashed.close();
			await().atMost(Apps.TIMEOUT).until(ejected::isEmpty);
			// The lb:// route with the documented Retry filter: none failed.
			int second = sockets.refusingPort();
			this.services.add(Apps.registration(etcd, "orders", "crashed-2", second));
			awaitGatewayChoices(2);
			List<HttpResponse<String>> responses = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				responses.add(Apps.get(base + "/api/orders/"));
			}
			assertThat(responses).allSatisfy((response) -> {
				assertThat(response.statusCode()).isEqualTo(200);
				assertThat(response.body()).isEqualTo("o1");
			});
			assertThat(ejected.isEjected("orders", "127.0.0.1", second)).isTrue();
		}
	}

	@ParameterizedTest(name = "connection reset: {0}")
	@ValueSource(booleans = { false, true })
	@Order(3)
	void aGetInFlightWhenItsInstanceDiesIsSentToAnotherOneWithTheRetryFilter(boolean reset) throws Exception {
		// Reactor Netty reports a reset the same before and after part of an answer; the
		// exchange tells that no answer began (FleetFaultsIT: an instance killed under
		// load).
		start("orders", "o1");
		try (FaultySockets sockets = new FaultySockets()) {
			AtomicInteger dyingReceived = new AtomicInteger();
			int port = reset ? sockets.dyingResettingPort(dyingReceived) : sockets.dyingPort(dyingReceived);
			this.services.add(Apps.registration(etcd, "orders", reset ? "dying-reset-1" : "dying-1", port));
			awaitGatewayChoices(2);
			List<HttpResponse<String>> responses = new ArrayList<>();
			for (int i = 0; i < 6; i++) {
				responses.add(Apps.get(base + "/api/orders/"));
			}
			// It read one GET and died without a byte of answer: that GET was answered by
			// the other instance, as was the next one sent to it (refused).
			assertThat(dyingReceived).hasValue(1);
			assertThat(responses).allSatisfy((response) -> {
				assertThat(response.statusCode()).isEqualTo(200);
				assertThat(response.body()).isEqualTo("o1");
			});
		}
	}

	private static void awaitGatewayChoices(int count) {
		await().atMost(Apps.TIMEOUT).until(() -> {
			List<ServiceInstance> instances = gateway.getBean(LoadBalancerClientFactory.class)
				.getInstance("orders", ServiceInstanceListSupplier.class)
				.get()
				.blockFirst(Apps.TIMEOUT);
			return instances != null && instances.size() == count;
		});
	}

	@Test
	@Order(4)
	void invalidStatusAtTheServiceRegistryEndpointIsABadRequest() {
		HttpResponse<String> response = Apps.postJson(base + "/actuator/serviceregistry", "{\"status\":\"FOO\"}");
		assertThat(response.statusCode()).isEqualTo(400);
		assertThat(Apps.postJson(base + "/actuator/serviceregistry", "{\"status\":\"down\"}").statusCode())
			.isEqualTo(400);
		assertThat(Apps.get(base + "/actuator/serviceregistry").body()).contains("UP");
	}

	@Test
	@Order(5)
	void discoveryHealthIsTruthfulForBothClients() {
		await().atMost(Apps.TIMEOUT).until(() -> discoveryHealth().equals(List.of("UP", "UP", "UP")));
		JsonNode components = health().get("components");
		assertThat(components.at("/discoveryComposite/components/discoveryClient/status").asString()).isEqualTo("UP");
		assertThat(components.at("/reactiveDiscoveryClients/components/etcd/details/prefix").asString())
			.isEqualTo("/services/default/");
		etcd.stop();
		try {
			await().atMost(Apps.TIMEOUT).until(() -> discoveryHealth().equals(List.of("DOWN", "DOWN", "DOWN")));
		}
		finally {
			etcd.ensureRunning();
		}
		await().atMost(Apps.TIMEOUT).until(() -> discoveryHealth().equals(List.of("UP", "UP", "UP")));
	}

	private static List<String> routeIds() {
		return gateway.getBean(RouteLocator.class).getRoutes().map(Route::getId).collectList().block(Apps.TIMEOUT);
	}

	private List<String> discoveryHealth() {
		JsonNode components = health().get("components");
		return List.of(components.at("/discoveryComposite/status").asString(),
				components.at("/discoveryComposite/components/etcd/status").asString(),
				components.at("/reactiveDiscoveryClients/status").asString());
	}

	private static JsonNode health() {
		return json.readTree(Apps.getJson(base + "/actuator/health"));
	}

	private ConfigurableApplicationContext start(String service, String instanceId) {
		ConfigurableApplicationContext context = Apps.service(etcd, service, instanceId);
		this.services.add(context);
		return context;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(Apps.OwnReactorResources.class)
	static class GatewayApplication {

		@Bean
		RouteRefreshes routeRefreshes() {
			return new RouteRefreshes();
		}

	}

	/**
	 * Counts the gateway's route refreshes.
	 */
	static class RouteRefreshes implements ApplicationListener<RefreshRoutesEvent> {

		private final List<Object> events = new CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(RefreshRoutesEvent event) {
			this.events.add(event.getSource());
		}

		int count() {
			return this.events.size();
		}

	}

}
