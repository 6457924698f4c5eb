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
import java.util.concurrent.ConcurrentHashMap;

import io.etcddiscovery.discovery.DiscoveredInstance;

import org.springframework.cloud.client.ServiceInstance;

/**
 * Adapts the lists of instances of the cache to Spring Cloud's type once per change, so
 * that lookups of an unchanged service return the same list without allocating.
 *
 * @author etcd-discovery authors
 */
final class CloudServiceInstances {

	private final Map<String, Adapted> adapted = new ConcurrentHashMap<>();

	/**
	 * Adapt the instances of a service.
	 * @param service the service
	 * @param instances the instances, a list the cache shares while the service does not
	 * change
	 * @return the adapted instances
	 */
	List<ServiceInstance> adapt(String service, List<DiscoveredInstance> instances) {
		if (instances.isEmpty()) {
			this.adapted.remove(service);
			return List.of();
		}
		Adapted last = this.adapted.get(service);
		if (last != null && last.source() == instances) {
			return last.instances();
		}
		// Two threads may adapt the same change: both results are equal.
		Adapted current = new Adapted(instances,
				instances.stream().<ServiceInstance>map(EtcdServiceInstance::new).toList());
		this.adapted.put(service, current);
		return current.instances();
	}

	private record Adapted(List<DiscoveredInstance> source, List<ServiceInstance> instances) {

	}

}
