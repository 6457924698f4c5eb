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

package io.etcddiscovery.sample;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.DiscoveryClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * Lists the instances of a service through Spring Cloud's {@link DiscoveryClient}, as any
 * Spring Cloud consumer sees them: only the instances that are UP.
 *
 * @author etcd-discovery authors
 */
@RestController
class InstancesController {

	private final DiscoveryClient discoveryClient;

	InstancesController(DiscoveryClient discoveryClient) {
		this.discoveryClient = discoveryClient;
	}

	@GetMapping("/instances/{service}")
	List<InstanceView> instances(@PathVariable String service) {
		return this.discoveryClient.getInstances(service).stream().map(InstanceView::new).toList();
	}

	/**
	 * One instance as {@code GET /instances/{service}} shows it.
	 *
	 * @param instanceId the instance id
	 * @param uri where it is reached
	 * @param metadata its metadata
	 */
	record InstanceView(String instanceId, URI uri, Map<String, String> metadata) {

		InstanceView(ServiceInstance instance) {
			this(instance.getInstanceId(), instance.getUri(), instance.getMetadata());
		}

	}

}
