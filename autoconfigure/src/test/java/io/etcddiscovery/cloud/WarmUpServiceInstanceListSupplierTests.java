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
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;

import io.etcddiscovery.discovery.DiscoveredInstance;
import io.etcddiscovery.discovery.WarmUp;
import io.etcddiscovery.etcd.InstanceStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.loadbalancer.DefaultRequest;
import org.springframework.cloud.client.loadbalancer.Response;
import org.springframework.cloud.loadbalancer.core.RoundRobinLoadBalancer;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.WeightedServiceInstanceListSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link WarmUpServiceInstanceListSupplier}: the share of 1,000 calls a
 * round-robin load balancer gives a new instance, counted on a fake clock.
 *
 * @author etcd-discovery authors
 */
class WarmUpServiceInstanceListSupplierTests {

	private static final Duration WARM_UP = Duration.ofSeconds(100);

	private static final ServiceInstance A = etcdInstance("a", Map.of());

	private static final ServiceInstance B = etcdInstance("b", Map.of());

	private static final ServiceInstance NEW = etcdInstance("new", Map.of());

	private final AtomicLong ticker = new AtomicLong();

	// "new" became UP at tick 0; the others were UP when the application started.
	private final WarmUp warmUp = new WarmUp(WARM_UP,
			(key) -> key.endsWith("/new") ? OptionalLong.of(0) : OptionalLong.empty(), this.ticker::get);

	@ParameterizedTest
	@CsvSource(textBlock = """
			0,   0.10
			5,   0.10
			25,  0.25
			50,  0.50
			75,  0.75
			100, 1.00
			""")
	void newInstancesShareOfRoundRobinCallsFollowsTheRamp(int percentOfWarmUp, double share) {
		this.ticker.set(WARM_UP.toNanos() * percentOfWarmUp / 100);
		RoundRobinLoadBalancer loadBalancer = roundRobin(
				new WarmUpServiceInstanceListSupplier(supplierOf(List.of(A, NEW, B)), this.warmUp));
		Map<String, Long> counts = count(loadBalancer, 1000);
		// Two warm instances at 1, the new one at its share: 10% of the warm-up is 0.1 /
		// 2.1 of the calls (4.8%), half of it 0.5 / 2.5 (20%), the end a third.
		assertThat(counts.getOrDefault("new", 0L) / 1000.0).isCloseTo(share / (2 + share), within(0.01));
		assertThat(counts.get("a")).isCloseTo(counts.get("b"), within(1L));
	}

	@Test
	void passesTheListOnAsIsWhenNoInstanceWarmsUp() {
		this.ticker.set(WARM_UP.toNanos());
		List<ServiceInstance> instances = List.of(A, NEW, B);
		assertThat(new WarmUpServiceInstanceListSupplier(supplierOf(instances), this.warmUp).get()
			.blockFirst(Duration.ofSeconds(5))).isSameAs(instances);
	}

	@Test
	void instancesOtherThanEtcdsAreWarm() {
		ServiceInstance simple = new DefaultServiceInstance("s", "orders", "127.0.0.1", 9090, false);
		this.ticker.set(WARM_UP.toNanos() / 4);
		List<ServiceInstance> offered = new WarmUpServiceInstanceListSupplier(supplierOf(List.of(simple, NEW)),
				this.warmUp)
			.get()
			.blockFirst(Duration.ofSeconds(5));
		// 20 and 5, reduced to 4 and 1, interleaved.
		assertThat(offered).containsExactly(simple, NEW, simple, simple, simple);
	}

	@Test
	void followsTheClockWithoutANewList() {
		WarmUpServiceInstanceListSupplier supplier = new WarmUpServiceInstanceListSupplier(supplierOf(List.of(A, NEW)),
				this.warmUp);
		this.ticker.set(WARM_UP.toNanos() / 2);
		assertThat(supplier.get().blockFirst(Duration.ofSeconds(5))).containsExactly(A, NEW, A);
		this.ticker.set(WARM_UP.toNanos());
		assertThat(supplier.get().blockFirst(Duration.ofSeconds(5))).containsExactly(A, NEW);
	}

	@Test
	void weightMetadataMultipliesWithTheShare() {
		ServiceInstance heavyNew = etcdInstance("new", Map.of("weight", "4"));
		this.ticker.set(WARM_UP.toNanos() / 2);
		RoundRobinLoadBalancer loadBalancer = roundRobin(new WeightedServiceInstanceListSupplier(
				new WarmUpServiceInstanceListSupplier(supplierOf(List.of(A, heavyNew)), this.warmUp)));
		// Weight 4 at half its share: twice A's calls.
		Map<String, Long> counts = count(loadBalancer, 1000);
		assertThat(counts.get("new") / 1000.0).isCloseTo(2 / 3.0, within(0.01));
	}

	private static Map<String, Long> count(RoundRobinLoadBalancer loadBalancer, int calls) {
		Map<String, Long> counts = new java.util.TreeMap<>();
		for (int i = 0; i < calls; i++) {
			Response<ServiceInstance> response = loadBalancer.choose(new DefaultRequest<>()).block();
			assertThat(response).isNotNull();
			counts.merge(response.getServer().getInstanceId(), 1L, Long::sum);
		}
		return counts;
	}

	private static RoundRobinLoadBalancer roundRobin(ServiceInstanceListSupplier supplier) {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		beanFactory.registerSingleton("supplier", supplier);
		return new RoundRobinLoadBalancer(beanFactory.getBeanProvider(ServiceInstanceListSupplier.class), "orders");
	}

	private static ServiceInstance etcdInstance(String id, Map<String, String> metadata) {
		return new EtcdServiceInstance(new DiscoveredInstance("orders", id, "127.0.0.1", 8080, false, InstanceStatus.UP,
				metadata, "127.0.0.1:8080", "/services/default/orders/" + id, 1, null));
	}

	private static ServiceInstanceListSupplier supplierOf(List<ServiceInstance> instances) {
		return new ServiceInstanceListSupplier() {

			@Override
			public String getServiceId() {
				return "orders";
			}

			@Override
			public Flux<List<ServiceInstance>> get() {
				return Flux.just(instances);
			}

		};
	}

}
