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
import io.etcddiscovery.discovery.ServiceInstances;
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
 * A service etcd holds no instance of at all (whatever their status) is left to a
 * fallback supplier, Spring Cloud's own over the composite {@code DiscoveryClient}, so
 * that services known to other discovery clients (for example
 * {@code spring.cloud.discovery.client.simple.instances}) stay reachable. Once etcd holds
 * an instance of the service, etcd's instances are used again.
 * <p>
 * Before etcd has been listed, subscribers wait (without blocking a thread) for the
 * listing, or for the initial lookup timeout, after which they receive what the cache
 * has.
 *
 * @author etcd-discovery authors
 */
public class EtcdServiceInstanceListSupplier implements ServiceInstanceListSupplier, DisposableBean {

	private final String serviceId;

	private final boolean onlyUp;

	private final @Nullable ServiceInstanceListSupplier fallback;

	private final CloudServiceInstances adapter = new CloudServiceInstances();

	private final Sinks.Many<Held> held = Sinks.many().replay().latest();

	private final Flux<List<ServiceInstance>> flux;

	private final Subscription subscription;

	// Written by the constructor, then by the cache's listener thread only.
	private @Nullable Held last;

	/**
	 * Create a new supplier without a fallback and subscribe it to the cache.
	 * @param discovery the discovery client to read from
	 * @param serviceId the service
	 */
	public EtcdServiceInstanceListSupplier(EtcdDiscoveryClient discovery, String serviceId) {
		this(discovery, serviceId, null);
	}

	/**
	 * Create a new supplier and subscribe it to the cache.
	 * @param discovery the discovery client to read from
	 * @param serviceId the service
	 * @param fallback the supplier of the service's instances while etcd holds none, or
	 * {@code null} to supply an empty list then
	 */
	public EtcdServiceInstanceListSupplier(EtcdDiscoveryClient discovery, String serviceId,
			@Nullable ServiceInstanceListSupplier fallback) {
		Assert.notNull(discovery, "'discovery' must not be null");
		Assert.hasText(serviceId, "'serviceId' must not be empty");
		this.serviceId = serviceId;
		this.onlyUp = discovery.isOnlyUp();
		this.fallback = fallback;
		Flux<Held> states = this.held.asFlux();
		this.flux = (fallback != null)
				? states.switchMap((state) -> state.inEtcd() ? Flux.just(state.instances()) : fallback.get())
				: states.map(Held::instances);
		if (discovery.getCache().isListed()) {
			// Emit at once rather than after a hop to the listener thread.
			emit(discovery.getCache().get(serviceId));
		}
		this.subscription = discovery.getCache().subscribe(serviceId, this::emit);
	}

	private void emit(ServiceInstances current) {
		List<ServiceInstance> adapted = this.adapter.adapt(this.serviceId, this.onlyUp ? current.up() : current.all());
		Held next = new Held(!current.isEmpty(), adapted);
		Held previous = this.last;
		if (previous == null || previous.inEtcd() != next.inEtcd() || previous.instances() != adapted) {
			this.last = next;
			this.held.tryEmitNext(next);
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

	/**
	 * Return the supplier used while etcd holds no instance of the service.
	 * @return the fallback, or {@code null}
	 */
	public @Nullable ServiceInstanceListSupplier getFallback() {
		return this.fallback;
	}

	@Override
	public void destroy() throws Exception {
		this.subscription.close();
		this.held.tryEmitComplete();
		if (this.fallback instanceof DisposableBean disposable) {
			disposable.destroy();
		}
	}

	/**
	 * What etcd says about the service.
	 *
	 * @param inEtcd whether etcd holds at least one instance of the service, whatever its
	 * status
	 * @param instances the instances to offer
	 */
	private record Held(boolean inEtcd, List<ServiceInstance> instances) {

	}

}
