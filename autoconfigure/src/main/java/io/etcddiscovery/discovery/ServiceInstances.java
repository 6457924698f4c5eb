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

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * The instances of one service at one point in time, immutable: every instance, and the
 * ones that are {@link DiscoveredInstance#isUp() up}, each ordered by instance id. Both
 * include the instances {@link #held() held} by the protection against mass removal.
 *
 * @param service the service name
 * @param all every instance, whatever its status
 * @param up the instances whose status is UP
 * @param held the instances that etcd no longer holds but the cache keeps serving, with
 * their last known values, because most of the service vanished at once (see
 * {@link RemovalProtection}); part of {@code all} and {@code up}
 * @author etcd-discovery authors
 */
public record ServiceInstances(String service, List<DiscoveredInstance> all, List<DiscoveredInstance> up,
		List<DiscoveredInstance> held) {

	private static final Comparator<DiscoveredInstance> ORDER = Comparator.comparing(DiscoveredInstance::instanceId);

	public ServiceInstances {
		Assert.hasText(service, "'service' must not be empty");
		all = List.copyOf(all);
		up = List.copyOf(up);
		held = List.copyOf(held);
	}

	/**
	 * Create the instances of a service of which none is held.
	 * @param service the service name
	 * @param all every instance, whatever its status
	 * @param up the instances whose status is UP
	 */
	public ServiceInstances(String service, List<DiscoveredInstance> all, List<DiscoveredInstance> up) {
		this(service, all, up, List.of());
	}

	/**
	 * Return the instances of a service that has none.
	 * @param service the service name
	 * @return no instances
	 */
	public static ServiceInstances empty(String service) {
		return new ServiceInstances(service, List.of(), List.of(), List.of());
	}

	/**
	 * Return whether an instance is held by the protection against mass removal rather
	 * than registered in etcd.
	 * @param instance the instance
	 * @return whether it is held
	 */
	public boolean isHeld(DiscoveredInstance instance) {
		return !this.held.isEmpty() && this.held.contains(instance);
	}

	/**
	 * Order instances and pick the ones that are up, sharing the lists of
	 * {@code previous} where they are unchanged, so that listeners can tell what changed
	 * by identity.
	 * @param service the service name
	 * @param instances the instances, in any order
	 * @param held the instances held by the protection, ordered by instance id, UP and
	 * not among {@code instances}
	 * @param previous the instances of the service before, or {@code null}
	 * @return the instances
	 */
	static ServiceInstances of(String service, List<DiscoveredInstance> instances, List<DiscoveredInstance> held,
			@Nullable ServiceInstances previous) {
		List<DiscoveredInstance> all = new ArrayList<>(instances);
		all.addAll(held);
		all.sort(ORDER);
		List<DiscoveredInstance> up = all.stream().filter(DiscoveredInstance::isUp).toList();
		return new ServiceInstances(service, (previous != null && previous.all().equals(all)) ? previous.all() : all,
				(previous != null && previous.up().equals(up)) ? previous.up() : up,
				(previous != null && previous.held().equals(held)) ? previous.held() : held);
	}

	/**
	 * Return whether the service has no instance at all.
	 * @return whether there is no instance
	 */
	public boolean isEmpty() {
		return this.all.isEmpty();
	}

}
