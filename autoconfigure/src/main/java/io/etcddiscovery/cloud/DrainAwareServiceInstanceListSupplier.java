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

import java.util.List;
import java.util.Map;

import reactor.core.publisher.Flux;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.DelegatingServiceInstanceListSupplier;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;

/**
 * A {@link ServiceInstanceListSupplier} that leaves out drained instances: those whose
 * {@code weight} metadata is {@code 0} (set at runtime with {@code POST
 * /actuator/discovery {"weight":0}}). They get no new request, whatever the load
 * balancer's configuration; Spring Cloud's weighted supplier alone would give them a
 * weight of 1. When every instance is drained none is offered.
 *
 * @author etcd-discovery authors
 */
public class DrainAwareServiceInstanceListSupplier extends DelegatingServiceInstanceListSupplier {

	private static final String WEIGHT = "weight";

	private static final String DRAINED = "0";

	private final Flux<List<ServiceInstance>> flux;

	/**
	 * Create a new supplier.
	 * @param delegate the supplier of the instances
	 */
	public DrainAwareServiceInstanceListSupplier(ServiceInstanceListSupplier delegate) {
		super(delegate);
		this.flux = delegate.get().map(DrainAwareServiceInstanceListSupplier::withoutDrained);
	}

	@Override
	public Flux<List<ServiceInstance>> get() {
		return this.flux;
	}

	/**
	 * Whether the given instance is drained: its {@code weight} metadata is {@code 0}.
	 * @param instance the instance
	 * @return whether it is drained
	 */
	public static boolean isDrained(ServiceInstance instance) {
		Map<String, String> metadata = instance.getMetadata();
		return metadata != null && DRAINED.equals(metadata.get(WEIGHT));
	}

	private static List<ServiceInstance> withoutDrained(List<ServiceInstance> instances) {
		for (ServiceInstance instance : instances) {
			if (isDrained(instance)) {
				return instances.stream().filter((candidate) -> !isDrained(candidate)).toList();
			}
		}
		return instances;
	}

}
