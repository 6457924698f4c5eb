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

package io.etcddiscovery.benchmarks.peers;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.springframework.cloud.zookeeper.serviceregistry.ServiceInstanceRegistration;
import org.springframework.cloud.zookeeper.serviceregistry.ZookeeperServiceRegistry;
import org.springframework.stereotype.Component;

/**
 * Extra registrations through Spring Cloud Zookeeper's own {@link ZookeeperServiceRegistry}
 * (Curator's service discovery: an ephemeral node on the application's session),
 * withdrawn with {@link ZookeeperServiceRegistry#deregister}, as on shutdown.
 *
 * @author etcd-discovery authors
 */
@Component
class ZookeeperProbeRegistry implements ProbeRegistry<ServiceInstanceRegistration> {

	private final ZookeeperServiceRegistry registry;

	ZookeeperProbeRegistry(ZookeeperServiceRegistry registry) {
		this.registry = registry;
	}

	@Override
	public ServiceInstanceRegistration prepare(String service, String instanceId, int port) {
		return ServiceInstanceRegistration.builder()
			.defaultUriSpec()
			.address("127.0.0.1")
			.port(port)
			.name(service)
			.id(instanceId)
			.build();
	}

	@Override
	public void register(ServiceInstanceRegistration registration) {
		this.registry.register(registration);
	}

	@Override
	public CompletionStage<?> deregister(ServiceInstanceRegistration registration) {
		this.registry.deregister(registration);
		return CompletableFuture.completedFuture(null);
	}

}
