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

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link DrainAwareServiceInstanceListSupplier}.
 *
 * @author etcd-discovery authors
 */
class DrainAwareServiceInstanceListSupplierTests {

	private static final ServiceInstance PLAIN = instance("a", Map.of());

	private static final ServiceInstance WEIGHTED = instance("b", Map.of("weight", "3"));

	private static final ServiceInstance DRAINED = instance("c", Map.of("weight", "0"));

	@Test
	void leavesOutInstancesOfWeightZero() {
		assertThat(offered(List.of(PLAIN, WEIGHTED, DRAINED))).containsExactly(PLAIN, WEIGHTED);
	}

	@Test
	void offersTheSameListWhenNoneIsDrained() {
		List<ServiceInstance> instances = List.of(PLAIN, WEIGHTED);
		assertThat(offered(instances)).isSameAs(instances);
	}

	@Test
	void offersNoneWhenEveryInstanceIsDrained() {
		assertThat(offered(List.of(DRAINED, instance("d", Map.of("weight", "0"))))).isEmpty();
	}

	@Test
	void followsEachNewList() {
		DrainAwareServiceInstanceListSupplier supplier = new DrainAwareServiceInstanceListSupplier(
				supplierOf(Flux.just(List.of(PLAIN, DRAINED), List.of(DRAINED, WEIGHTED))));
		assertThat(supplier.get().collectList().block(Duration.ofSeconds(5))).containsExactly(List.of(PLAIN),
				List.of(WEIGHTED));
	}

	private static List<ServiceInstance> offered(List<ServiceInstance> instances) {
		return new DrainAwareServiceInstanceListSupplier(supplierOf(Flux.just(instances))).get()
			.blockFirst(Duration.ofSeconds(5));
	}

	private static ServiceInstance instance(String id, Map<String, String> metadata) {
		return new DefaultServiceInstance(id, "orders", "127.0.0.1", 8080, false, metadata);
	}

	private static ServiceInstanceListSupplier supplierOf(Flux<List<ServiceInstance>> lists) {
		return new ServiceInstanceListSupplier() {

			@Override
			public String getServiceId() {
				return "orders";
			}

			@Override
			public Flux<List<ServiceInstance>> get() {
				return lists;
			}

		};
	}

}
