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

import org.springframework.boot.health.contributor.Health;
import org.springframework.cloud.client.discovery.health.DiscoveryHealthIndicator;
import org.springframework.util.Assert;

/**
 * The etcd component of Spring Cloud's {@code discoveryComposite} health: UP while the
 * cache of etcd is current, DOWN while etcd cannot be listed or watched, so that the
 * composite tells the truth whatever
 * {@code spring.cloud.discovery.client.health-indicator.use-services-query} says (the
 * services query answers from the cache, also while etcd is down).
 *
 * @author etcd-discovery authors
 */
public class EtcdDiscoveryHealthIndicator implements DiscoveryHealthIndicator {

	/**
	 * Name of this indicator within the composite.
	 */
	public static final String NAME = "etcd";

	private final ServiceCache cache;

	/**
	 * Create a new indicator.
	 * @param cache the cache to report on
	 */
	public EtcdDiscoveryHealthIndicator(ServiceCache cache) {
		Assert.notNull(cache, "'cache' must not be null");
		this.cache = cache;
	}

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public Health health() {
		return DiscoveryCacheHealth.of(this.cache);
	}

}
