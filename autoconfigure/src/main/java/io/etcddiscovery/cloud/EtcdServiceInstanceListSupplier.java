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

import io.etcddiscovery.discovery.EtcdDiscoveryClient;
import io.etcddiscovery.discovery.Subscription;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.cloud.client.ServiceInstance;
import org.springframework.cloud.loadbalancer.core.ServiceInstanceListSupplier;
import org.springframework.util.Assert;

/**
 * A Spring Cloud LoadBalancer {@link ServiceInstanceListSupplier} pushed by the local
 * cache of etcd: its {@link Flux} emits the current instances on subscription and again
 * each time they change, so a load balancer stops choosing an instance as soon as its key
 * is gone from etcd, without a caching delay. Lookups return only UP instances unless
 * {@code discovery.client.only-up=false}.
 * <p>
 * Before etcd has been listed, subscribers wait (without blocking a thread) for the
 * listing, or for the initial lookup timeout, after which they receive what the cache
 * has.
 *
 * @author etcd-discovery authors
 */
public class EtcdServiceInstanceListSupplier implements ServiceInstanceListSupplier, DisposableBean {

	private final String serviceId;

	private final CloudServiceInstances adapter = new CloudServiceInstances();

	private final Sinks.Many<List<ServiceInstance>> instances = Sinks.many().replay().latest();

	private final Flux<List<ServiceInstance>> flux = this.instances.asFlux();

	private final Subscription subscription;

	// Written by the constructor, then by the cache's listener thread only.
	private @Nullable List<ServiceInstance> last;

	/**
	 * Create a new supplier and subscribe it to the cache.
	 * @param discovery the discovery client to read from
	 * @param serviceId the service
	 */
	public EtcdServiceInstanceListSupplier(EtcdDiscoveryClient discovery, String serviceId) {
		Assert.notNull(discovery, "'discovery' must not be null");
		Assert.hasText(serviceId, "'serviceId' must not be empty");
		this.serviceId = serviceId;
		if (discovery.getCache().isListed()) {
			// Emit at once rather than after a hop to the listener thread.
			emit(discovery.instances(serviceId));
		}
		this.subscription = discovery.subscribe(serviceId, this::emit);
	}

	private void emit(List<io.etcddiscovery.discovery.ServiceInstance> current) {
		List<ServiceInstance> adapted = this.adapter.adapt(this.serviceId, current);
		if (adapted != this.last) {
			this.last = adapted;
			this.instances.tryEmitNext(adapted);
		}
	}

	@Override
	public String getServiceId() {
		return this.serviceId;
	}

	@Override
	public Flux<List<ServiceInstance>> get() {
		return this.flux;
	}

	@Override
	public void destroy() {
		this.subscription.close();
		this.instances.tryEmitComplete();
	}

}
