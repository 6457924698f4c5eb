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

import io.etcddiscovery.discovery.ServiceCache;
import reactor.core.publisher.Mono;

import org.springframework.boot.health.contributor.Health;
import org.springframework.cloud.client.discovery.health.reactive.ReactiveDiscoveryHealthIndicator;
import org.springframework.util.Assert;

/**
 * The etcd component of Spring Cloud's {@code reactiveDiscoveryClients} health, for the
 * {@link EtcdReactiveDiscoveryClient}: UP while the cache of etcd is current, DOWN while
 * etcd cannot be listed or watched. Reads the cache's state only, so it never blocks an
 * event loop.
 *
 * @author etcd-discovery authors
 */
public class EtcdReactiveDiscoveryHealthIndicator implements ReactiveDiscoveryHealthIndicator {

	private final ServiceCache cache;

	/**
	 * Create a new indicator.
	 * @param cache the cache to report on
	 */
	public EtcdReactiveDiscoveryHealthIndicator(ServiceCache cache) {
		Assert.notNull(cache, "'cache' must not be null");
		this.cache = cache;
	}

	@Override
	public String getName() {
		return EtcdDiscoveryHealthIndicator.NAME;
	}

	@Override
	public Mono<Health> health() {
		return Mono.fromSupplier(() -> DiscoveryCacheHealth.of(this.cache));
	}

}
