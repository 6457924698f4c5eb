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
import io.etcddiscovery.discovery.ServiceCacheStats;

import org.springframework.boot.health.contributor.Health;

/**
 * The health of discovery through etcd as the cache knows it, without calling etcd: UP
 * while the cache holds a listing that its watch keeps current, DOWN with the reason
 * otherwise (not listed yet, etcd unreachable, watch interrupted), while lookups keep
 * answering from what the cache last saw.
 *
 * @author etcd-discovery authors
 */
final class DiscoveryCacheHealth {

	private DiscoveryCacheHealth() {
	}

	static Health of(ServiceCache cache) {
		ServiceCacheStats stats = cache.stats();
		Health.Builder health = (stats.synced() && stats.connected()) ? Health.up() : Health.down();
		health.withDetail("prefix", stats.prefix())
			.withDetail("services", stats.instancesPerService().size())
			.withDetail("revision", stats.revision());
		if (!cache.isListed()) {
			health.withDetail("error",
					(stats.lastError() != null) ? "not listed yet: " + stats.lastError() : "not listed yet");
		}
		else if (!stats.synced() || !stats.connected()) {
			health.withDetail("error", (stats.lastError() != null) ? stats.lastError() : "watch not established");
			if (stats.disconnectedSince() != null) {
				health.withDetail("disconnectedSince", stats.disconnectedSince().toString());
			}
		}
		return health.build();
	}

}
