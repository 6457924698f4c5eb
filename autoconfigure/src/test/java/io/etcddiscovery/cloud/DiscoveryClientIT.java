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

package io.etcddiscovery.cloud;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import io.etcddiscovery.discovery.DiscoveredInstance;
import io.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.discovery.WarmUp;
import io.etcddiscovery.etcd.InstanceStatus;
import io.etcddiscovery.etcd.NamingFormat;
import io.etcddiscovery.registration.EtcdInspector;
import io.etcddiscovery.registration.ServiceRegistration;
import io.etcddiscovery.test.EtcdExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.DelegatingServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ReactorServiceInstanceLoadBalancer;
import org.springframework.cloud.loadbalancer.core.RetryAwareServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.WeightedServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ZonePreferenceServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

/**
 * Applications that find each other through etcd with Spring Cloud: the
 * {@code DiscoveryClient} sees registered instances, and a {@code @LoadBalanced}
 * {@link RestClient} stops calling an instance that shuts down gracefully, without a
 * single failed request.
 *
 * @author etcd-discovery authors
 */
class DiscoveryClientIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final Duration TIMEOUT = Duration.ofSeconds(30);

	private final List<ConfigurableApplicationContext> contexts = new ArrayList<>();

	@BeforeEach
	void deleteKeys() {
		etcd.deleteAllKeys();
	}

	@AfterEach
	void closeContexts() {
		Collections.reverse(this.contexts);
		this.contexts.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void loadBalancedCallsNeverFailWhileACalleeShutsDownGracefully() throws Exception {
		ConfigurableApplicationContext b1 = callee("b1");
		callee("b2");
		ConfigurableApplicationContext a = caller();
		EtcdDiscoveryClient discovery = a.getBean(EtcdDiscoveryClient.class);
		await().atMost(TIMEOUT).until(() -> ids(discovery.instances("callee")).equals(List.of("b1", "b2")));
		DiscoveryClient discoveryClient = a.getBean(DiscoveryClient.class);
		// The caller registers itself once it is ready, a moment after run() returned.
		await().atMost(TIMEOUT)
			.untilAsserted(() -> assertThat(discoveryClient.getServices()).contains("callee", "caller"));
		assertThat(discoveryClient.getInstances("callee")).hasSize(2).allSatisfy((instance) -> {
			assertThat(instance.getServiceId()).isEqualTo("callee");
			assertThat(instance.getHost()).isEqualTo("127.0.0.1");
			assertThat(instance.getMetadata()).containsEntry("status", "UP").containsEntry("team", "blue");
			assertThat(instance.getUri()).hasToString("http://127.0.0.1:" + instance.getPort());
		});
		// Spring Cloud creates reactive clients with WebFlux only, not on this classpath.
		assertThat(new EtcdReactiveDiscoveryClient(discovery).getInstances("callee").collectList().block(TIMEOUT))
			.hasSize(2);
		RestClient restClient = a.getBean(RestClient.Builder.class).build();
		List<String> warmUp = new ArrayList<>();
		for (int i = 0; i < 4; i++) {
			warmUp.add(restClient.get().uri("http://callee/").retrieve().body(String.class));
		}
		assertThat(warmUp).contains("b1", "b2");
		// Spring Cloud's retry awareness (Spring Retry is on this classpath) over the
		// ejection filter over the drain filter over the cache's supplier.
		assertThat(chain(
				a.getBean(LoadBalancerClientFactory.class).getInstance("callee", ServiceInstanceListSupplier.class)))
			.containsExactly(RetryAwareServiceInstanceListSupplier.class,
					EjectionAwareServiceInstanceListSupplier.class, DrainAwareServiceInstanceListSupplier.class,
					EtcdServiceInstanceListSupplier.class);
		AtomicLong withdrawnAt = new AtomicLong();
		discovery.subscribe("callee", (instances) -> {
			if (ids(instances).equals(List.of("b2"))) {
				withdrawnAt.compareAndSet(0, System.nanoTime());
			}
		});
		List<Call> calls = new CopyOnWriteArrayList<>();
		List<Exception> errors = new CopyOnWriteArrayList<>();
		Thread closer = new Thread(b1::close, "test-close-b1");
		closer.start();
		long until = Long.MAX_VALUE;
		for (int i = 0; i < 20_000 && System.nanoTime() < until; i++) {
			long started = System.nanoTime();
			try {
				calls.add(new Call(started, restClient.get().uri("http://callee/").retrieve().body(String.class)));
			}
			catch (Exception ex) {
				errors.add(ex);
			}
			if (!closer.isAlive() && until == Long.MAX_VALUE) {
				until = System.nanoTime() + Duration.ofSeconds(1).toNanos();
			}
		}
		closer.join(TIMEOUT.toMillis());
		assertThat(errors).isEmpty();
		assertThat(withdrawnAt.get()).isPositive();
		assertThat(calls).filteredOn((call) -> call.startedAt() > withdrawnAt.get())
			.isNotEmpty()
			.extracting(Call::calleeId)
			.containsOnly("b2");
	}

	@Test
	void zonePreferenceChoosesInstancesOfTheCallersZone() {
		registerCallee("z1", Map.of("zone", "zone-a"));
		registerCallee("z2", Map.of("zone", "zone-b"));
		ConfigurableApplicationContext context = nonWebCaller(
				"spring.cloud.loadbalancer.configurations=zone-preference", "spring.cloud.loadbalancer.zone=zone-b");
		ServiceInstanceListSupplier supplier = context.getBean(LoadBalancerClientFactory.class)
			.getInstance("callee", ServiceInstanceListSupplier.class);
		assertThat(chain(supplier)).containsExactly(RetryAwareServiceInstanceListSupplier.class,
				ZonePreferenceServiceInstanceListSupplier.class, EjectionAwareServiceInstanceListSupplier.class,
				DrainAwareServiceInstanceListSupplier.class, EtcdServiceInstanceListSupplier.class);
		assertThat(supplier.get().blockFirst(TIMEOUT))
			.extracting(org.springframework.cloud.client.ServiceInstance::getInstanceId)
			.containsExactly("z2");
	}

	@Test
	void weightedRepeatsInstancesByTheirWeight() {
		registerCallee("w1", Map.of("weight", "1"));
		registerCallee("w2", Map.of("weight", "3"));
		ConfigurableApplicationContext context = nonWebCaller("spring.cloud.loadbalancer.configurations=weighted");
		ServiceInstanceListSupplier supplier = context.getBean(LoadBalancerClientFactory.class)
			.getInstance("callee", ServiceInstanceListSupplier.class);
		assertThat(chain(supplier)).containsExactly(RetryAwareServiceInstanceListSupplier.class,
				WeightedServiceInstanceListSupplier.class, EjectionAwareServiceInstanceListSupplier.class,
				DrainAwareServiceInstanceListSupplier.class, EtcdServiceInstanceListSupplier.class);
		assertThat(supplier.get().blockFirst(TIMEOUT))
			.extracting(org.springframework.cloud.client.ServiceInstance::getInstanceId)
			.containsExactlyInAnyOrder("w1", "w2", "w2", "w2");
	}

	@Test
	void theSupplierPushesEveryChange() {
		registerCallee("p1", Map.of());
		// p2 leaves by a plain delete, as a Go service does: without the protection
		// against mass removal, which would hold the last UP instance, the supplier
		// pushes
		// the empty list.
		ConfigurableApplicationContext context = nonWebCaller("discovery.client.protection.enabled=false");
		ServiceInstanceListSupplier supplier = context.getBean(LoadBalancerClientFactory.class)
			.getInstance("callee", ServiceInstanceListSupplier.class);
		List<List<String>> emitted = new CopyOnWriteArrayList<>();
		var subscription = supplier.get()
			.subscribe((instances) -> emitted
				.add(instances.stream().map(org.springframework.cloud.client.ServiceInstance::getInstanceId).toList()));
		try (EtcdInspector inspector = new EtcdInspector(etcd.endpoints())) {
			await().atMost(TIMEOUT).until(() -> emitted.contains(List.of("p1")));
			registerCallee("p2", Map.of());
			await().atMost(TIMEOUT).until(() -> emitted.contains(List.of("p1", "p2")));
			registerCallee("p1", Map.of(), InstanceStatus.OUT_OF_SERVICE);
			await().atMost(TIMEOUT).until(() -> emitted.contains(List.of("p2")));
			inspector.delete("/services/default/callee/p2");
			await().atMost(TIMEOUT).until(() -> emitted.contains(List.of()));
		}
		finally {
			subscription.dispose();
		}
	}

	@Test
	void aNewInstancesShareOfCallsFollowsTheWarmUp() {
		registerCallee("u1", Map.of());
		registerCallee("u2", Map.of());
		// This application's clock, moved forward by the test: the warm-up is counted,
		// not timed. A long warm-up, so that the real time the test takes (seconds under
		// load) moves shares by less than half a step of 5 %.
		Duration warmUp = Duration.ofSeconds(1000);
		AtomicLong ahead = new AtomicLong();
		ConfigurableApplicationContext context = start(
				new SpringApplicationBuilder(CallerApplication.class).web(WebApplicationType.NONE)
					.initializers((initialized) -> ((GenericApplicationContext) initialized).registerBean(WarmUp.class,
							() -> new WarmUp(warmUp, (key) -> initialized.getBean(ServiceCache.class).upSince(key),
									() -> System.nanoTime() + ahead.get())))
					.properties(common("caller", "discovery.register=false", "discovery.client.warm-up=100s")));
		EtcdDiscoveryClient discovery = context.getBean(EtcdDiscoveryClient.class);
		await().atMost(TIMEOUT).until(() -> ids(discovery.instances("callee")).equals(List.of("u1", "u2")));
		ServiceInstanceListSupplier supplier = context.getBean(LoadBalancerClientFactory.class)
			.getInstance("callee", ServiceInstanceListSupplier.class);
		assertThat(chain(supplier)).containsExactly(RetryAwareServiceInstanceListSupplier.class,
				WarmUpServiceInstanceListSupplier.class, EjectionAwareServiceInstanceListSupplier.class,
				DrainAwareServiceInstanceListSupplier.class, EtcdServiceInstanceListSupplier.class);
		ReactorServiceInstanceLoadBalancer loadBalancer = context.getBean(LoadBalancerClientFactory.class)
			.getInstance("callee", ReactorServiceInstanceLoadBalancer.class);
		// Instances UP when the caller started do not warm up.
		assertThat(calls(loadBalancer, 1000)).containsOnlyKeys("u1", "u2")
			.allSatisfy((id, count) -> assertThat(count).isEqualTo(500));
		registerCallee("u3", Map.of());
		await().atMost(TIMEOUT).until(() -> calls(loadBalancer, 100).containsKey("u3"));
		// Two warm instances at 1, u3 at its share: 0.1 / 2.1 of the calls at first.
		assertThat(shareOf("u3", calls(loadBalancer, 1000))).isCloseTo(0.1 / 2.1, within(0.01));
		ahead.set(warmUp.toNanos() / 4);
		assertThat(shareOf("u3", calls(loadBalancer, 1000))).isCloseTo(0.25 / 2.25, within(0.01));
		ahead.set(warmUp.toNanos() / 2);
		assertThat(shareOf("u3", calls(loadBalancer, 1000))).isCloseTo(0.5 / 2.5, within(0.01));
		ahead.set(warmUp.toNanos());
		assertThat(shareOf("u3", calls(loadBalancer, 1000))).isCloseTo(1 / 3.0, within(0.01));
		// Out of service and back: it warms up again, from when the caller saw it UP
		// again (the cache's own clock, which the test does not move).
		ServiceCache cache = context.getBean(ServiceCache.class);
		long firstUp = cache.upSince("/services/default/callee/u3").orElseThrow();
		registerCallee("u3", Map.of(), InstanceStatus.OUT_OF_SERVICE);
		await().atMost(TIMEOUT).until(() -> !calls(loadBalancer, 100).containsKey("u3"));
		assertThat(cache.upSince("/services/default/callee/u3")).isEmpty();
		// The test's clock back to the cache's, while u3 is not offered (a list found
		// warm stays warm: time never goes back).
		ahead.set(0);
		registerCallee("u3", Map.of());
		await().atMost(TIMEOUT).until(() -> calls(loadBalancer, 100).containsKey("u3"));
		assertThat(cache.upSince("/services/default/callee/u3").orElseThrow()).isGreaterThan(firstUp);
		assertThat(shareOf("u3", calls(loadBalancer, 1000))).isCloseTo(0.1 / 2.1, within(0.01));
	}

	// How many of the calls the load balancer gives each instance.
	private static Map<String, Long> calls(ReactorServiceInstanceLoadBalancer loadBalancer, int calls) {
		Map<String, Long> counts = new TreeMap<>();
		for (int i = 0; i < calls; i++) {
			Response<org.springframework.cloud.client.ServiceInstance> response = Mono
				.from(loadBalancer.choose(new DefaultRequest<>()))
				.block(TIMEOUT);
			assertThat(response).isNotNull();
			assertThat(response.hasServer()).isTrue();
			counts.merge(response.getServer().getInstanceId(), 1L, Long::sum);
		}
		return counts;
	}

	private static double shareOf(String instanceId, Map<String, Long> counts) {
		long total = counts.values().stream().mapToLong(Long::longValue).sum();
		return counts.getOrDefault(instanceId, 0L) / (double) total;
	}

	// The types of a supplier and of the suppliers it delegates to, outermost first.
	private static List<Class<?>> chain(ServiceInstanceListSupplier supplier) {
		List<Class<?>> chain = new ArrayList<>();
		for (ServiceInstanceListSupplier current = supplier; current != null; current = (current instanceof DelegatingServiceInstanceListSupplier delegating)
				? delegating.getDelegate() : null) {
			chain.add(current.getClass());
		}
		return chain;
	}

	private ConfigurableApplicationContext callee(String instanceId) {
		return start(new SpringApplicationBuilder(CalleeApplication.class).web(WebApplicationType.SERVLET)
			.properties(common("callee", "server.port=0", "server.address=127.0.0.1", "server.shutdown=graceful",
					"discovery.instance-id=" + instanceId, "discovery.shutdown.drain-delay=1s",
					"discovery.metadata.team=blue")));
	}

	private ConfigurableApplicationContext caller() {
		return start(new SpringApplicationBuilder(CallerApplication.class).web(WebApplicationType.SERVLET)
			.properties(common("caller", "server.port=0", "server.address=127.0.0.1")));
	}

	private ConfigurableApplicationContext nonWebCaller(String... properties) {
		List<String> all = new ArrayList<>(List.of("discovery.register=false"));
		all.addAll(List.of(properties));
		return start(new SpringApplicationBuilder(CallerApplication.class).web(WebApplicationType.NONE)
			.properties(common("caller", all.toArray(String[]::new))));
	}

	private ConfigurableApplicationContext start(SpringApplicationBuilder builder) {
		ConfigurableApplicationContext context = builder.run();
		this.contexts.add(context);
		return context;
	}

	private static String[] common(String service, String... properties) {
		List<String> all = new ArrayList<>(List.of("spring.application.name=" + service,
				"discovery.etcd.endpoints=" + String.join(",", etcd.endpoints()), "discovery.host=127.0.0.1",
				"discovery.etcd.request-timeout=2s", "spring.main.banner-mode=off"));
		all.addAll(List.of(properties));
		return all.toArray(String[]::new);
	}

	private void registerCallee(String instanceId, Map<String, String> metadata) {
		registerCallee(instanceId, metadata, InstanceStatus.UP);
	}

	private void registerCallee(String instanceId, Map<String, String> metadata, InstanceStatus status) {
		byte[] value = new NamingFormat().encode(
				new ServiceRegistration("default", "callee", instanceId, "127.0.0.1", 8080, false, metadata, status),
				Instant.now());
		try (EtcdInspector inspector = new EtcdInspector(etcd.endpoints())) {
			inspector.put("/services/default/callee/" + instanceId,
					new String(value, java.nio.charset.StandardCharsets.UTF_8), 0);
		}
	}

	private static List<String> ids(List<DiscoveredInstance> instances) {
		return instances.stream().map(DiscoveredInstance::instanceId).toList();
	}

	private record Call(long startedAt, String calleeId) {

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(CalleeController.class)
	static class CalleeApplication {

	}

	@RestController
	static class CalleeController {

		private final String instanceId;

		CalleeController(Environment environment) {
			this.instanceId = environment.getRequiredProperty("discovery.instance-id");
		}

		@GetMapping("/")
		String whoAmI() {
			return this.instanceId;
		}

	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	static class CallerApplication {

		@Bean
		@LoadBalanced
		RestClient.Builder loadBalancedRestClientBuilder() {
			return RestClient.builder();
		}

	}

}
