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
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What the cache knows at one point in time, immutable, so that lookups read it without
 * locks: the instances of every service and the sorted service names.
 *
 * @author etcd-discovery authors
 */
final class CacheSnapshot {

	static final CacheSnapshot EMPTY = new CacheSnapshot(Map.of(), false);

	private final Map<String, ServiceInstances> services;

	private final List<String> names;

	private final boolean listed;

	private CacheSnapshot(Map<String, ServiceInstances> services, boolean listed) {
		this.services = services;
		this.names = services.keySet().stream().sorted().toList();
		this.listed = listed;
	}

	/**
	 * Return the instances of a service.
	 * @param service the service
	 * @return the instances, or {@code null} if the service has none
	 */
	@Nullable ServiceInstances get(String service) {
		return this.services.get(service);
	}

	/**
	 * Return the names of the services that have at least one instance, sorted.
	 * @return the service names
	 */
	List<String> names() {
		return this.names;
	}

	Collection<ServiceInstances> services() {
		return this.services.values();
	}

	/**
	 * Return whether this snapshot comes from a complete listing of etcd.
	 * @return whether etcd was listed
	 */
	boolean isListed() {
		return this.listed;
	}

	/**
	 * Return a snapshot with the given services replaced; services without instances are
	 * removed.
	 * @param changed the new instances of the services that changed
	 * @param listed whether every prefix of the cache has been listed
	 * @return the new snapshot
	 */
	CacheSnapshot with(Collection<ServiceInstances> changed, boolean listed) {
		Map<String, ServiceInstances> services = new HashMap<>(this.services);
		for (ServiceInstances instances : changed) {
			if (instances.isEmpty()) {
				services.remove(instances.service());
			}
			else {
				services.put(instances.service(), instances);
			}
		}
		return new CacheSnapshot(Collections.unmodifiableMap(services), listed || this.listed);
	}

}
