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

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/**
 * What the cache knows at one point in time, immutable, so that lookups read it without
 * locks: the instances of every service and the sorted service names. It comes from etcd,
 * or, while etcd has not been listed yet, from a {@link LastKnownInstancesFile}.
 *
 * @author etcd-discovery authors
 */
final class CacheSnapshot {

	static final CacheSnapshot EMPTY = new CacheSnapshot(Map.of(), false, null);

	private final Map<String, ServiceInstances> services;

	private final List<String> names;

	private final boolean listed;

	private final @Nullable Instant restoredWrittenAt;

	private CacheSnapshot(Map<String, ServiceInstances> services, boolean listed, @Nullable Instant restoredWrittenAt) {
		this(services, services.keySet().stream().sorted().toList(), listed, restoredWrittenAt);
	}

	private CacheSnapshot(Map<String, ServiceInstances> services, List<String> names, boolean listed,
			@Nullable Instant restoredWrittenAt) {
		this.services = services;
		this.names = names;
		this.listed = listed;
		this.restoredWrittenAt = restoredWrittenAt;
	}

	/**
	 * Return a snapshot of the instances read from a file of last-known instances.
	 * @param instances the instances
	 * @param writtenAt when the file was written
	 * @return the snapshot, not {@link #isListed() listed}
	 */
	static CacheSnapshot restored(List<DiscoveredInstance> instances, Instant writtenAt) {
		Map<String, List<DiscoveredInstance>> byService = new HashMap<>();
		for (DiscoveredInstance instance : instances) {
			byService.computeIfAbsent(instance.service(), (service) -> new ArrayList<>()).add(instance);
		}
		Map<String, ServiceInstances> services = new HashMap<>();
		byService
			.forEach((service, list) -> services.put(service, ServiceInstances.of(service, list, List.of(), null)));
		return new CacheSnapshot(Collections.unmodifiableMap(services), false, writtenAt);
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
	 * Return whether this snapshot was read from a file of last-known instances.
	 * @return whether it was restored
	 */
	boolean isRestored() {
		return this.restoredWrittenAt != null;
	}

	/**
	 * Return when the file this snapshot was read from was written.
	 * @return the time, or {@code null} if this snapshot comes from etcd
	 */
	@Nullable Instant restoredWrittenAt() {
		return this.restoredWrittenAt;
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
		boolean namesChanged = false;
		for (ServiceInstances instances : changed) {
			if (instances.isEmpty()) {
				namesChanged |= services.remove(instances.service()) != null;
			}
			else {
				namesChanged |= services.put(instances.service(), instances) == null;
			}
		}
		// Most changes are to services that stay: the names are not sorted again.
		Map<String, ServiceInstances> unmodifiable = Collections.unmodifiableMap(services);
		return namesChanged ? new CacheSnapshot(unmodifiable, listed || this.listed, null)
				: new CacheSnapshot(unmodifiable, this.names, listed || this.listed, null);
	}

}
