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

import io.etcddiscovery.discovery.EtcdDiscoveryClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.client.discovery.ReactiveDiscoveryClient;
import org.springframework.util.Assert;

/**
 * A Spring Cloud {@link ReactiveDiscoveryClient} that answers from the local cache of
 * etcd. Lookups never block an event loop: only the first ones, made before etcd was
 * listed, wait for the listing, on the bounded elastic scheduler.
 *
 * @author etcd-discovery authors
 */
public class EtcdReactiveDiscoveryClient implements ReactiveDiscoveryClient {

	private final EtcdDiscoveryClient discovery;

	private final int order;

	private final CloudServiceInstances instances = new CloudServiceInstances();

	/**
	 * Create a new client with the default order.
	 * @param discovery the discovery client to read from
	 */
	public EtcdReactiveDiscoveryClient(EtcdDiscoveryClient discovery) {
		this(discovery, ReactiveDiscoveryClient.DEFAULT_ORDER);
	}

	/**
	 * Create a new client.
	 * @param discovery the discovery client to read from
	 * @param order the order among discovery clients of a composite client
	 */
	public EtcdReactiveDiscoveryClient(EtcdDiscoveryClient discovery, int order) {
		Assert.notNull(discovery, "'discovery' must not be null");
		this.discovery = discovery;
		this.order = order;
	}

	@Override
	public String description() {
		return "etcd Reactive Discovery Client (" + this.discovery.getCache().getPrefix() + ")";
	}

	@Override
	public Flux<ServiceInstance> getInstances(String serviceId) {
		return Flux.defer(() -> {
			if (this.discovery.getCache().isListed()) {
				return Flux.fromIterable(this.instances.adapt(serviceId, this.discovery.instances(serviceId)));
			}
			return Mono.fromCallable(() -> this.instances.adapt(serviceId, this.discovery.instances(serviceId)))
				.subscribeOn(Schedulers.boundedElastic())
				.flatMapIterable((list) -> list);
		});
	}

	@Override
	public Flux<String> getServices() {
		return Flux.defer(() -> {
			if (this.discovery.getCache().isListed()) {
				return Flux.fromIterable(this.discovery.services());
			}
			return Mono.fromCallable(this.discovery::services)
				.subscribeOn(Schedulers.boundedElastic())
				.flatMapIterable((list) -> list);
		});
	}

	@Override
	public Mono<Void> reactiveProbe() {
		return Mono.<Void>fromRunnable(() -> this.discovery.getCache().probe())
			.subscribeOn(Schedulers.boundedElastic());
	}

	@Override
	public int getOrder() {
		return this.order;
	}

}
