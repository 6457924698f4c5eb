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

package io.etcddiscovery.metrics;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

import io.etcddiscovery.discovery.DiscoveredInstance;
import io.etcddiscovery.discovery.ServiceCache;
import io.etcddiscovery.discovery.ServiceInstances;
import io.etcddiscovery.etcd.InstanceStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * The {@code discovery.instances} gauges: one per service and status that the discovery
 * cache holds, each counting that service's instances when it is read (a scrape). The set
 * of gauges follows the cache's changes service by service, so a change costs the
 * instances of its service, not the whole cache: at 100,000 cached instances, counting
 * every service again on each change (as a {@code MultiGauge} re-registered with every
 * row) kept the cache's listeners, load balancers included, seconds behind etcd.
 *
 * @author etcd-discovery authors
 */
final class InstanceCountGauges {

	static final String NAME = "discovery.instances";

	private final MeterRegistry registry;

	private final ServiceCache cache;

	// The statuses each service has a gauge for; guarded by this.
	private final Map<String, Set<InstanceStatus>> registered = new HashMap<>();

	InstanceCountGauges(MeterRegistry registry, ServiceCache cache) {
		this.registry = registry;
		this.cache = cache;
	}

	/**
	 * Follow the cache: gauges for what it holds already (when it was listed before) and
	 * for every change from now on.
	 */
	void bind() {
		this.cache.subscribeAll(this::changed);
		// Reading the cache before its first listing could wait for it; its listing
		// notifies every service then.
		if (this.cache.isListed()) {
			this.cache.services().forEach(this::update);
		}
	}

	private void changed(ServiceInstances instances) {
		update(instances.service());
	}

	/*
	 * From the cache's latest state, whichever of a change and the first binding comes
	 * last.
	 */
	private synchronized void update(String service) {
		Set<InstanceStatus> now = EnumSet.noneOf(InstanceStatus.class);
		for (DiscoveredInstance instance : this.cache.instances(service)) {
			now.add(instance.status());
		}
		Set<InstanceStatus> before = this.registered.getOrDefault(service, Set.of());
		for (InstanceStatus status : now) {
			if (!before.contains(status)) {
				Gauge.builder(NAME, this.cache, (cache) -> count(cache, service, status))
					.tag("service", service)
					.tag("status", status.name())
					.description("Instances seen per service and status")
					.register(this.registry);
			}
		}
		for (InstanceStatus status : before) {
			if (!now.contains(status)) {
				Gauge gone = this.registry.find(NAME).tag("service", service).tag("status", status.name()).gauge();
				if (gone != null) {
					this.registry.remove(gone);
				}
			}
		}
		if (now.isEmpty()) {
			this.registered.remove(service);
		}
		else {
			this.registered.put(service, now);
		}
	}

	private static double count(ServiceCache cache, String service, InstanceStatus status) {
		int count = 0;
		for (DiscoveredInstance instance : cache.instances(service)) {
			if (instance.status() == status) {
				count++;
			}
		}
		return count;
	}

}
