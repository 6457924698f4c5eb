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

package io.etcddiscovery.discovery;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * When this application first saw each instance UP, on its own monotonic clock
 * ({@link System#nanoTime()}), never on the clock of the host that registered it: what
 * the warm-up of new instances counts from.
 * <p>
 * The instances UP in the cache's first listing of etcd (or in the last-known instances
 * it served before that listing) have no time: they were already serving when this
 * application started, and ramping them all at each restart of a consumer would starve
 * the fleet. An instance gets a time each time it becomes UP for this application after
 * that: a new key, a key whose status comes back to UP (from OUT_OF_SERVICE, DOWN or
 * STARTING), or a key put again after it was deleted (a registration that lost its
 * lease). A key deleted and put again between two changes this application applies, or
 * held by the protection against mass removal meanwhile, never left UP here: it keeps its
 * time, or its lack of one.
 * <p>
 * Written by the cache's executor only; read from any thread.
 *
 * @author etcd-discovery authors
 */
final class UpTimes {

	private final LongSupplier ticker;

	// The keys of each service's UP instances, as last seen: cache executor only.
	private final Map<String, Set<String>> upKeys = new HashMap<>();

	// Key to the ticker's value when it was first seen UP; absent for the instances UP
	// from the start, and for those not UP.
	private final Map<String, Long> since = new ConcurrentHashMap<>();

	UpTimes(LongSupplier ticker) {
		this.ticker = ticker;
	}

	/**
	 * Take note of the current instances of services.
	 * @param services the services whose instances may have changed
	 * @param initial whether these are the instances the application found at start:
	 * those UP get no time
	 */
	void seen(Collection<ServiceInstances> services, boolean initial) {
		long now = this.ticker.getAsLong();
		for (ServiceInstances instances : services) {
			Set<String> up = new HashSet<>();
			for (DiscoveredInstance instance : instances.up()) {
				up.add(instance.key());
			}
			Set<String> before = this.upKeys.getOrDefault(instances.service(), Set.of());
			for (String key : before) {
				if (!up.contains(key)) {
					this.since.remove(key);
				}
			}
			if (!initial) {
				for (String key : up) {
					if (!before.contains(key)) {
						this.since.put(key, now);
					}
				}
			}
			if (up.isEmpty()) {
				this.upKeys.remove(instances.service());
			}
			else {
				this.upKeys.put(instances.service(), up);
			}
		}
	}

	/**
	 * Return when this application first saw an instance UP.
	 * @param key the instance's etcd key
	 * @return the ticker's value then, or empty when the instance was UP from the start
	 * or is not UP
	 */
	OptionalLong upSince(String key) {
		Long time = this.since.get(key);
		return (time != null) ? OptionalLong.of(time) : OptionalLong.empty();
	}

}
