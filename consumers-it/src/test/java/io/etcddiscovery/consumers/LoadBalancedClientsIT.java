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

import io.etcddiscovery.cloud.EtcdCloudDiscoveryClient;
import io.etcddiscovery.test.EtcdExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.cloud.client.loadbalancer.LoadBalanced;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.support.LoadBalancerClientFactory;
import org.springframework.cloud.openfeign.EnableFeignClients;
import org.springframework.cloud.openfeign.FeignClient;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Bean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.reactive.function.client.WebClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An application calling services through OpenFeign and a {@code @LoadBalanced}
 * {@link WebClient}, with etcd and Spring Cloud's simple discovery client side by side in
 * the composite: services started after it are called, a stopping instance costs no
 * failed call, and a service only the simple discovery client knows is reached through
 * the same load balancer. The consumer starts once for the class.
 *
 * @author etcd-discovery authors
 */
class LoadBalancedClientsIT {

	@RegisterExtension
	static final EtcdExtension etcd = EtcdExtension.singleNode();

	private static final JsonMapper json = JsonMapper.builder().build();

	private static ConfigurableApplicationContext staticServer;

	private static ConfigurableApplicationContext consumer;

	private final List<ConfigurableApplicationContext> services = new ArrayList<>();

	@BeforeAll
	static void startConsumer() {
		// Known to the simple discovery client only: not registered in etcd.
		staticServer = new SpringApplicationBuilder(Apps.ServiceApplication.class).web(WebApplicationType.SERVLET)
			.properties(Apps.common(etcd, "static-svc", "server.port=0", "discovery.enabled=false",
					"discovery.instance-id=static-1"))
			.run();
		String staticUri = "http://127.0.0.1:" + Apps.port(staticServer);
		consumer = new SpringApplicationBuilder(ConsumerApplication.class).web(WebApplicationType.SERVLET)
			.properties(Apps.common(etcd, "consumer", "server.port=0", "discovery.register=false",
					"discovery.client.order=-1",
					"spring.cloud.discovery.client.simple.instances.static-svc[0].uri=" + staticUri,
					"spring.cloud.discovery.client.simple.instances.dual[0].uri=" + staticUri,
					"management.endpoint.health.show-details=always"))
			.run();
	}

	@AfterAll
	static void stopConsumer() {
		if (consumer != null) {
			consumer.close();
		}
		if (staticServer != null) {
			staticServer.close();
		}
	}

	@AfterEach
	void stopServices() {
		Collections.reverse(this.services);
		this.services.forEach(ConfigurableApplicationContext::close);
	}

	@Test
	void feignAndWebClientCallAServiceStartedAfterThem() {
		InventoryClient feign = consumer.getBean(InventoryClient.class);
		WebClient webClient = consumer.getBean(WebClient.Builder.class).build();
		ConfigurableApplicationContext i1 = start("inventory", "i1");
		Instant registered = Apps.registeredAt(i1);
		await().atMost(Apps.TIMEOUT).pollInterval(Duration.ofMillis(10)).until(() -> "i1".equals(call(feign)));
		Apps.measured("OpenFeign: new service called after its registration",
				Duration.between(registered, Instant.now()));
		assertThat(webClient.get().uri("http://inventory/").retrieve().bodyToMono(String.class).block())
			.isEqualTo("i1");
	}

	@Test
	void noFailedCallWhileAnInstanceStopsGracefully() throws Exception {
		InventoryClient feign = consumer.getBean(InventoryClient.class);
		WebClient webClient = consumer.getBean(WebClient.Builder.class).build();
		ConfigurableApplicationContext i1 = start("inventory", "i1");
		start("inventory", "i2");
		Set<String> seen = ConcurrentHashMap.newKeySet();
		await().atMost(Apps.TIMEOUT).until(() -> {
			seen.add(call(feign));
			return seen.containsAll(List.of("i1", "i2"));
		});
		List<Throwable> failures = new CopyOnWriteArrayList<>();
		List<String> answers = new CopyOnWriteArrayList<>();
		Apps.callWhileStopping(i1, () -> {
			try {
				answers.add(feign.whoAmI());
				answers.add(webClient.get().uri("http://inventory/").retrieve().bodyToMono(String.class).block());
			}
			catch (RuntimeException ex) {
				failures.add(ex);
			}
		});
		this.services.remove(i1);
		assertThat(failures).isEmpty();
		assertThat(answers).contains("i2");
		assertThat(feign.whoAmI()).isEqualTo("i2");
	}

	@Test
	void aServiceOnlyTheSimpleDiscoveryClientKnowsIsReachedThroughTheLoadBalancer() {
		DiscoveryClient discovery = consumer.getBean(DiscoveryClient.class);
		assertThat(discovery.getInstances("static-svc")).singleElement()
			.extracting(ServiceInstance::getPort)
			.isEqualTo(Apps.port(staticServer));
		WebClient webClient = consumer.getBean(WebClient.Builder.class).build();
		assertThat(webClient.get().uri("http://static-svc/").retrieve().bodyToMono(String.class).block())
			.isEqualTo("static-1");
		assertThat(consumer.getBean(StaticClient.class).whoAmI()).isEqualTo("static-1");
		JsonNode health = json.readTree(Apps.getJson("http://127.0.0.1:" + Apps.port(consumer) + "/actuator/health"));
		assertThat(health.at("/components/discoveryComposite/status").asString()).isEqualTo("UP");
		assertThat(health.at("/components/discoveryComposite/components/etcd/status").asString()).isEqualTo("UP");
	}

	@Test
	void etcdIsAskedFirstWithALowerOrder() {
		ConfigurableApplicationContext d1 = start("dual", "d1");
		DiscoveryClient discovery = consumer.getBean(DiscoveryClient.class);
		assertThat(consumer.getBean(EtcdCloudDiscoveryClient.class).getOrder()).isEqualTo(-1);
		await().atMost(Apps.TIMEOUT)
			.until(() -> discovery.getInstances("dual").stream().map(ServiceInstance::getInstanceId).toList(),
					(ids) -> ids.equals(List.of("d1")));
		assertThat(discovery.getInstances("dual").get(0).getPort()).isEqualTo(Apps.port(d1));
	}

	@Test
	void anInstanceDrainedAtRuntimeGetsNoNewRequestAndItsNewMetadataIsSeen() {
		ConfigurableApplicationContext i1 = start("inventory", "i1",
				"management.endpoints.web.exposure.include=discovery");
		ConfigurableApplicationContext i2 = start("inventory", "i2");
		InventoryClient feign = consumer.getBean(InventoryClient.class);
		WebClient webClient = consumer.getBean(WebClient.Builder.class).build();
		await().atMost(Apps.TIMEOUT)
			.until(() -> choices("inventory"), (ports) -> ports.size() == 2 && ports.contains(Apps.port(i1)));
		HttpResponse<String> drained = Apps.postJson("http://127.0.0.1:" + Apps.port(i1) + "/actuator/discovery",
				"{\"weight\":0,\"metadata\":\"{\\\"team\\\":\\\"blue\\\"}\"}");
		assertThat(drained.statusCode()).isEqualTo(200);
		await().atMost(Apps.TIMEOUT).until(() -> choices("inventory"), (ports) -> ports.equals(List.of(Apps.port(i2))));
		// Still discovered, with its new metadata.
		ServiceInstance seen = consumer.getBean(DiscoveryClient.class)
			.getInstances("inventory")
			.stream()
			.filter((instance) -> "i1".equals(instance.getInstanceId()))
			.findFirst()
			.orElseThrow();
		assertThat(seen.getMetadata()).containsEntry("weight", "0").containsEntry("team", "blue");
		List<String> answers = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			answers.add(feign.whoAmI());
			answers.add(webClient.get().uri("http://inventory/").retrieve().bodyToMono(String.class).block());
		}
		assertThat(answers).hasSize(20).containsOnly("i2");
	}

	// The instances the consumer's load balancer chooses from, by port.
	private static List<Integer> choices(String service) {
		List<ServiceInstance> instances = consumer.getBean(LoadBalancerClientFactory.class)
			.getInstance(service, ServiceInstanceListSupplier.class)
			.get()
			.blockFirst(Apps.TIMEOUT);
		return (instances != null) ? instances.stream().map(ServiceInstance::getPort).toList() : List.of();
	}

	private static String call(InventoryClient feign) {
		try {
			return feign.whoAmI();
		}
		catch (RuntimeException ex) {
			return ex.toString();
		}
	}

	private ConfigurableApplicationContext start(String service, String instanceId, String... properties) {
		ConfigurableApplicationContext context = Apps.service(etcd, service, instanceId, properties);
		this.services.add(context);
		return context;
	}

	@SpringBootConfiguration
	@EnableAutoConfiguration
	@Import(Apps.OwnReactorResources.class)
	@EnableFeignClients(clients = { InventoryClient.class, StaticClient.class })
	static class ConsumerApplication {

		@Bean
		@LoadBalanced
		WebClient.Builder loadBalancedWebClientBuilder() {
			return WebClient.builder();
		}

	}

	@FeignClient(name = "inventory")
	interface InventoryClient {

		@GetMapping("/")
		String whoAmI();

	}

	@FeignClient(name = "static-svc")
	interface StaticClient {

		@GetMapping("/")
		String whoAmI();

	}

}
